"""Shared fixtures: the bundled catalog, and a small factory for submissions in memory."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine.catalog import Catalog, load_catalog  # noqa: E402
from engine.model.records import Cell, CellRef, Row, Submission  # noqa: E402


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def criteria():
    from engine.load.criteria import load_criteria

    return load_criteria()


def cell(value: float | str | None, row: int = 1, column: int = 1) -> Cell:
    """A cell as a reader would make it: None blank, str unreadable, number ok."""
    ref = CellRef(sheet="S", row=row, column=column)
    if value is None:
        return Cell(raw="", value=None, status="blank", ref=ref)
    if isinstance(value, str):
        return Cell(raw=value, value=None, status="unreadable", ref=ref)
    return Cell(raw=str(value), value=float(value), status="ok", ref=ref)


def make_submission(form_id: str, rows: list[tuple[str, str | None, dict[str, float | str | None]]],
                    keys: list[str], total: dict[str, float | str | None] | None = None) -> Submission:
    """Rows of (unit, unit_kind, values); indicators not given are 0; total row optional."""
    out = []
    body = list(rows) + ([("累计", None, total)] if total is not None else [])
    for r, (unit, kind, values) in enumerate(body, start=2):
        cells = {k: cell(values.get(k, 0), r, c) for c, k in enumerate(keys, start=2)}
        out.append(Row(unit=unit, unit_kind=kind, unit_kind_source="override" if kind else "unknown",
                       is_total=unit == "累计", cells=cells, ref=CellRef(sheet="S", row=r)))
    return Submission(source="memory.xlsx", format="xlsx", form_id=form_id, rows=out)


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``hazcheck ARGS`` in this process (typer's runner), as a finished process: exit code,
    stdout and stderr apart. Starting a Python per command cost the suite a second each;
    tests/test_cli.py keeps real subprocesses for what only a real process shows."""
    from typer.testing import CliRunner

    from cli import app

    with contextlib.chdir(cwd or ROOT):
        result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(["hazcheck", *args], result.exit_code, result.stdout, result.stderr)
