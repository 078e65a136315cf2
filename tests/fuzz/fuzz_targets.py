"""Coverage-guided fuzzing (atheris, libFuzzer) of every reader, rule-file loader and the
condition parser (issue 14, part 6).

    python tests/fuzz/fuzz_targets.py TARGET [libFuzzer options]     # e.g. -max_total_time=60
    python tests/fuzz/fuzz_targets.py --list

A crash is any exception other than the target's own error type (InputError for the readers,
RuleFileError for the loaders, ExprSyntaxError/ExprTypeError for the parser), an error message
that is not one line naming the file, an input slower than libFuzzer's -timeout, or memory over
its -rss_limit_mb; libFuzzer then writes the input to ``$FUZZ_ARTIFACTS`` (build/fuzz/) and
exits non-zero. Each target is seeded from tests/fuzz/corpus (the entries of its format) and,
for the loaders, from the bundled rule files; new inputs go to a temporary folder, so the
committed corpus is never changed. ``make fuzz`` runs every target (FUZZ_SECONDS each).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "corpus"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


import atheris  # noqa: E402

with atheris.instrument_imports(include=["engine", "yaml", "openpyxl", "csv"]):
    import engine.classify.sectors
    import engine.expr.normalize
    import engine.expr.parse
    import engine.load.criteria
    import engine.load.factkinds
    import engine.load.forms
    import engine.load.positioned
    import engine.load.rules
    import engine.read
    import engine.read.finding
    import engine.read.ledger
    import engine.status.schedule_load
    from engine.compile.plan import compile_plan
    from engine.errors import HazcheckError, InputError, RuleFileError
    from engine.expr.nodes import Field

# ----------------------------------------------------------------------------- the targets

_state: dict[str, object] = {}


def _catalog():
    if "catalog" not in _state:
        from engine.catalog import load_catalog

        _state["catalog"] = load_catalog()
    return _state["catalog"]


def _criteria():
    if "criteria" not in _state:
        _state["criteria"] = engine.load.criteria.load_criteria()
    return _state["criteria"]


def _readers(fmt: str) -> Callable[[Path], None]:
    """Every reader of ``fmt`` files: the return reader, the ledger reader (detected and as the
    hazard-ledger form) and, for json/yaml, the findings reader of ``classify FILE``."""
    catalog = _catalog()

    def run(path: Path) -> None:
        for read in (
            lambda: engine.read.read_submission(path, catalog.forms),
            lambda: engine.read.ledger.detect_ledger(path, catalog.ledgers.values()),
            lambda: engine.read.ledger.read_ledger(path, catalog.ledgers["hazard-ledger"]),
            *((lambda: engine.read.finding.read_findings(path),) if fmt in ("json", "yaml") else ()),
        ):
            _only(InputError, read, path)

    return run


def _loader(kind: str) -> Callable[[Path], None]:
    load_yaml = engine.load.positioned.load_yaml
    loads: dict[str, Callable[[Path], object]] = {
        "standard": lambda p: engine.load.criteria.criteria_from_document(load_yaml(p), _criteria().resolver),
        "facts": lambda p: engine.load.criteria.vocabulary_from_document(load_yaml(p)),
        "reading": lambda p: engine.load.criteria.reading_from_document(load_yaml(p)),
        "sectors": lambda p: engine.classify.sectors.sector_words_from_document(load_yaml(p), _criteria()),
        "form": lambda p: engine.load.forms.form_from_file(p),
        "checks": lambda p: _checks(p),
        "fact-kinds": lambda p: engine.load.factkinds.load_fact_kinds(p),
        "schedule": lambda p: engine.status.schedule_load.load_schedule(p),
    }
    load = loads[kind]
    return lambda path: _only(RuleFileError, lambda: load(path), path)


def _checks(path: Path) -> None:
    rules = engine.load.rules.rules_from_document(engine.load.positioned.load_yaml(path))
    form = _catalog().forms["campaign-2023-table"]
    compile_plan([r for r in rules if not r.rule.forms or form.id in r.rule.forms], form)


def _condition(path: Path) -> None:
    from engine.expr.normalize import ExprTypeError, normalize
    from engine.expr.parse import ExprSyntaxError, parse  # (engine.expr.parse is also the function)

    text = path.read_bytes().decode("utf-8", errors="replace")
    kinds = ("number", "text", "bool")
    with contextlib.suppress(ExprSyntaxError, ExprTypeError):
        normalize(parse(text), lambda name: Field(name, kinds[sum(map(ord, name)) % 3]))


def _only(allowed: type[HazcheckError], run: Callable[[], object], path: Path) -> None:
    """``run()`` returns or raises ``allowed``, whose message is one line naming the file."""
    try:
        run()
    except allowed as exc:
        line = exc.one_line()
        if "\n" in line or (exc.file is not None and path.name not in exc.file):
            raise AssertionError(f"not one line naming {path.name}: {line!r}") from exc


# target → (file name the input is written to, seeds: corpus suffixes and bundled files, the check)
TARGETS: dict[str, tuple[str, tuple[str, ...], Callable[[], Callable[[Path], None]]]] = {
    "csv": ("r.csv", (".csv", ".txt"), lambda: _readers("csv")),
    "json": ("r.json", (".json",), lambda: _readers("json")),
    "yaml": ("r.yaml", (".yaml",), lambda: _readers("yaml")),
    "xlsx": ("r.xlsx", (".xlsx", ".xlsm"), lambda: _readers("xlsx")),
    "standard": (
        "standard.yaml",
        (".yaml", "criteria/gongmao-2023.yaml", "criteria/gangkou-weihuo-2024.yaml"),
        lambda: _loader("standard"),
    ),
    "facts": (
        "facts.yaml",
        (".yaml", "criteria/facts/common.yaml", "criteria/facts/gongmao.yaml"),
        lambda: _loader("facts"),
    ),
    "reading": ("reading.yaml", (".yaml", "criteria/reading.yaml"), lambda: _loader("reading")),
    "sectors": ("sectors.yaml", (".yaml", "criteria/sectors.yaml"), lambda: _loader("sectors")),
    "form": (
        "form.yaml",
        (
            ".yaml",
            "rules/forms/campaign-2023-table.yaml",
            "rules/forms/penalty-ledger.yaml",
            "rules/forms/hazard-ledger.yaml",
        ),
        lambda: _loader("form"),
    ),
    "checks": ("checks.yaml", (".yaml", "rules/checks/campaign-2023.yaml"), lambda: _loader("checks")),
    "fact-kinds": ("facts.yaml", (".yaml", "rules/facts.yaml"), lambda: _loader("fact-kinds")),
    "schedule": (
        "schedule.yaml",
        (".yaml", "rules/schedules/campaign-2023.yaml"),
        lambda: _loader("schedule"),
    ),
    "condition": ("condition.txt", ("conditions",), lambda: _condition),
}
MAX_LEN = 20 * 1024


def _conditions() -> list[bytes]:
    """Every condition written in the bundled rules and criteria (when / holds_when / applies_when)."""
    out: list[bytes] = []
    for path in [
        *sorted((ROOT / "criteria").glob("*.yaml")),
        *sorted((ROOT / "rules" / "checks").glob("*.yaml")),
    ]:
        for line in path.read_text(encoding="utf-8").splitlines():
            key, _, value = line.strip().lstrip("- ").partition(": ")
            if key in ("when", "holds_when", "applies_when") and value:
                out.append(value.strip().strip("'\"").encode())
    return out[:400]


def _seed(folder: Path, suffixes: tuple[str, ...]) -> int:
    n = 0
    for s in suffixes:
        if s == "conditions":
            for k, text in enumerate(_conditions()):
                (folder / f"condition-{k}").write_bytes(text)
                n += 1
        elif s.startswith("."):
            for p in sorted(CORPUS.iterdir()):
                if p.is_file() and p.suffix == s:
                    shutil.copy(p, folder / p.name)
                    n += 1
        else:  # a bundled file, the first MAX_LEN bytes at a line end (libFuzzer cuts longer seeds)
            data = (ROOT / s).read_bytes()
            if len(data) > MAX_LEN:
                data = data[: data.rfind(b"\n", 0, MAX_LEN) + 1]
            (folder / s.replace("/", "_")).write_bytes(data)
            n += 1
    return n


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1] in ("-h", "--help", "--list") or argv[1] not in TARGETS:
        print(__doc__.strip().splitlines()[0])
        print("targets:", " ".join(TARGETS))
        raise SystemExit(0 if len(argv) > 1 and argv[1] in ("-h", "--help", "--list") else 2)
    name = argv[1]
    file_name, seeds, make = TARGETS[name]
    check = make()
    work = Path(tempfile.mkdtemp(prefix=f"hazcheck-fuzz-{name}-"))
    found, seeded, target = work / "found", work / "seeds", work / "input" / file_name
    for d in (found, seeded, target.parent):
        d.mkdir(parents=True)
    count = _seed(seeded, seeds)
    artifacts = Path(os.environ.get("FUZZ_ARTIFACTS", ROOT / "build" / "fuzz"))
    artifacts.mkdir(parents=True, exist_ok=True)
    print(f"fuzz target {name}: {count} seeds; crashes are written to {artifacts}/", flush=True)

    def one_input(data: bytes) -> None:
        target.write_bytes(data)
        check(target)

    options = [a for a in argv[2:] if a.startswith("-")]
    defaults = {
        "-max_len": str(MAX_LEN),
        "-timeout": "10",
        "-rss_limit_mb": "3072",
        "-artifact_prefix": f"{artifacts}/{name}-",
    }
    for key, value in defaults.items():
        if not any(o.startswith(key + "=") for o in options):
            options.append(f"{key}={value}")
    try:
        atheris.Setup([argv[0], *options, str(found), str(seeded)], one_input)
        atheris.Fuzz()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv)
