"""Every crafted hostile file in tests/fuzz/corpus through the command line (issue 14, part 6).

Whatever the file, ``hazcheck audit`` (and ``classify`` for YAML/JSON) ends with exit 0, 1 or
2, never a traceback or an internal error; exit 2 is one line naming the file. A handful of
entries also have a known outcome (EXPECTED). The corpus is written by make_corpus.py, and a
test checks the files on disk are what that script writes.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from tests.fuzz import make_corpus

CORPUS = make_corpus.CORPUS
ENTRIES = sorted(p.name for p in CORPUS.iterdir()) if CORPUS.is_dir() else []
STRUCTURED = (".yaml", ".yml", ".json")
SECONDS = 10  # each case: far more than any takes (most take 0.1 s); a hang fails here
runner = CliRunner()

# entry → (audit exit code, words the one-line error must hold)
EXPECTED: dict[str, tuple[int, str]] = {
    "yaml-alias-bomb.yaml": (2, "别名"),
    "yaml-alias-bomb-in-values.yaml": (2, "别名"),
    "yaml-self-alias-mapping.yaml": (2, "递归"),
    "yaml-deep-nesting.yaml": (2, "嵌套"),
    "yaml-unclosed-brackets.yaml": (2, "嵌套"),
    "rulefile-alias-bomb.yaml": (2, "别名"),
    "rulefile-recursive-alias.yaml": (2, "递归"),
    "json-deep-nesting.json": (2, "嵌套"),
    "yaml-duplicate-keys.yaml": (2, "重复"),
    "json-duplicate-keys.json": (2, "重复"),
    "yaml-raw-nul.yaml": (2, ":2"),
    "json-huge-int-digits.json": (2, "位数"),
    "json-ledger-hostile.json": (2, "应为一个值"),
    "csv-utf16-le.csv": (0, ""),
    "csv-utf16-be.csv": (0, ""),
    "empty.csv": (2, "为空"),
    "empty.xlsx": (2, "为空"),
    "directory.csv": (2, "文件夹"),
    "xlsx-clean-base.xlsx": (0, ""),
    "xlsx-merged-huge.xlsx": (2, "A20:XFD1048576"),
    "xlsx-merge-quoted-with-formula.xlsx": (2, "A20:XFD1048576"),
    "xlsx-merge-huge-digits.xlsx": (2, "合并单元格"),
    "xlsx-stray-cell.xlsx": (0, ""),
    "xlsx-far-cell-small-dimension.xlsx": (2, "Excel"),
    "xlsx-encrypted-ole.xlsx": (2, "密码"),
    "xlsx-zip-claims-4gb.xlsx": (2, "HAZCHECK_MAX_XLSX_BYTES"),
    "xlsx-zip-not-xlsx.xlsx": (2, "Excel"),
    "xlsx-truncated-zip.xlsx": (2, "Excel"),
}


class Hang(Exception):
    pass


@pytest.fixture
def time_limit() -> Iterator[None]:
    """Fail a case that runs three times its allowance (a hang) instead of waiting on it."""

    def stop(signum: int, frame: object) -> None:
        raise Hang(f"over {3 * SECONDS} s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(3 * SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _run(*args: str):
    start = time.monotonic()
    result = runner.invoke(app, list(args))
    elapsed = time.monotonic() - start
    shown = f"{' '.join(args)} → {result.exit_code}\n{result.output}"
    assert result.exit_code in (0, 1, 2), shown
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{shown}\n{type(result.exception).__name__}: {result.exception}"
    )
    for text in (result.stdout, result.stderr):
        assert "Traceback" not in text and "内部错误" not in text, shown
    assert elapsed < SECONDS, f"{shown}\ntook {elapsed:.1f} s"
    return result


def _one_line_naming(result, name: str) -> str:
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, result.stderr
    assert name in lines[0], lines[0]
    # in Chinese: no English tail such as "(empty file)" or an exception's class name
    said = lines[0].replace(str(CORPUS / name), "").replace(name, "")
    assert not re.search(r"\((?:[A-Za-z]+ )*[A-Za-z]+\)|[A-Z][a-z]+Error\b|BadZipFile", said), lines[0]
    return lines[0]


def test_the_corpus_is_there() -> None:
    assert len(ENTRIES) > 100, "run: python tests/fuzz/make_corpus.py"


@pytest.mark.parametrize("name", ENTRIES)
def test_audit_any_corpus_file(name: str, time_limit: None) -> None:
    path = CORPUS / name
    result = _run("audit", str(path))
    line = _one_line_naming(result, name) if result.exit_code == 2 else ""
    if name in EXPECTED:
        code, words = EXPECTED[name]
        assert result.exit_code == code, result.output
        assert words in line, line
    if result.exit_code in (0, 1):  # the report of a hostile file is valid JSON too
        doc = json.loads(_run("audit", str(path), "--format", "json").stdout)
        assert doc["findings"] is not None


@pytest.mark.parametrize("name", [n for n in ENTRIES if n.endswith(STRUCTURED)])
def test_classify_any_structured_corpus_file(name: str, time_limit: None) -> None:
    result = _run("classify", str(CORPUS / name))
    if result.exit_code == 2:
        _one_line_naming(result, name)


RULE_FILES = [n for n in ENTRIES if n.endswith(".yaml")]


@pytest.mark.parametrize("name", RULE_FILES)
def test_lint_any_yaml_corpus_file_as_a_rule_file(name: str, time_limit: None, tmp_path: Path) -> None:
    """Every YAML entry is a broken rule file: ``rules lint`` lists its error (exit 2), naming it;
    the rulefile-* ones also as a rule pack's criteria/ (loaded with the bundled criteria)."""
    result = _run("rules", "lint", str(CORPUS / name))
    assert result.exit_code == 2 and name in result.output, result.output
    if name.startswith("rulefile-"):
        (tmp_path / "pack" / "criteria").mkdir(parents=True)
        shutil.copy(CORPUS / name, tmp_path / "pack" / "criteria" / name)
        result = _run("rules", "lint", str(tmp_path / "pack"))
        assert result.exit_code == 2 and name in result.output, result.output


def test_the_corpus_is_what_make_corpus_writes(tmp_path: Path) -> None:
    """The binary entries can always be regenerated: the script writes the same bytes."""
    made = make_corpus.write(tmp_path / "corpus")
    assert sorted(p.name for p in made) == ENTRIES
    for path in made:
        kept = CORPUS / path.name
        if path.is_dir():
            assert kept.is_dir(), path.name
            continue
        assert path.stat().st_size < make_corpus.MAX_BYTES, path.name
        assert kept.read_bytes() == path.read_bytes(), f"{path.name}: run python tests/fuzz/make_corpus.py"
