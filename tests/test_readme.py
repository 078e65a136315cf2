"""The README's sample sessions are what the tool prints today, so they cannot drift.

Each ``$ hazcheck …`` block of the README is run; every piece of every line shown under it must
be printed, where "…" in the README stands for text left out and runs of spaces for a table's
column gaps. A table wraps long cells across lines (its widths depend on the terminal, its words
do not), so a piece may also be found whole in the same command's machine output (CSV for
audit, the JSON's text values for classify), which holds each message unwrapped.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

README = Path(__file__).resolve().parent.parent / "README.md"
_PROMPT = "$ hazcheck "


def _sessions() -> list[tuple[int, list[str], list[str]]]:
    """(line number, argv, lines shown) for each sample command in a ``` block."""
    out: list[tuple[int, list[str], list[str]]] = []
    inside = False
    current: tuple[int, list[str], list[str]] | None = None
    for number, line in enumerate(README.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            inside = not inside
            current = None
            continue
        if not inside:
            continue
        if line.startswith(_PROMPT):
            current = (number, shlex.split(line[len(_PROMPT):]), [])
            out.append(current)
        elif current is not None and line.strip():
            current[2].append(line)
    return out


def _pieces(line: str) -> list[str]:
    """The words of a shown line: split at "…" and at column gaps, each piece space-collapsed."""
    return [p for part in re.split(r"…|\s{2,}", line) if (p := " ".join(part.split())) and len(p) > 1]


def _squeezed(text: str) -> str:
    """Text without spaces or a table's box-drawing characters."""
    return re.sub(r"[\s\u2500-\u257f]+", "", text)


def _texts(value: object) -> list[str]:
    """Every string in a JSON document."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


SESSIONS = [s for s in _sessions() if Path(s[1][1]).exists() or s[1][0] == "classify"]


def test_the_readme_has_sample_sessions_to_check() -> None:
    assert len([s for s in SESSIONS if s[1][0] == "classify"]) >= 5


@pytest.mark.parametrize("session", SESSIONS, ids=[f"README.md:{s[0]}" for s in SESSIONS])
def test_a_readme_sample_is_what_the_tool_prints(session: tuple[int, list[str], list[str]]) -> None:
    number, argv, shown = session
    env = {"COLUMNS": "200", "NO_COLOR": "1"}
    result = CliRunner().invoke(app, argv, env=env)
    assert result.exit_code in (0, 1), result.output
    machine = CliRunner().invoke(app, [*argv, "--format", "csv" if argv[0] == "audit" else "json"], env=env)
    assert machine.exit_code in (0, 1), machine.output
    whole = machine.output if argv[0] == "audit" else "\n".join(_texts(json.loads(machine.output)))
    printed = _squeezed(result.output) + "\n" + _squeezed(whole)
    missing = [p for line in shown for p in _pieces(line) if _squeezed(p) not in printed]
    assert not missing, f"README.md:{number}: not printed: {missing}\n{result.output}"
