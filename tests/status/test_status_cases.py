"""Every bundled submissions case gives exactly its table and findings; every check fires in one."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.cases import compare
from engine.jobs import track_submissions
from engine.paths import bundled
from engine.status.schedule_load import load_schedule
from engine.status.status_cases import find_status_cases, load_status_case

from .conftest import SCHEDULE

CASES = find_status_cases(bundled("cases"))


def _run(path: Path):
    case = load_status_case(path)
    folder = path.parent
    schedule = case.schedule if case.schedule is None or not case.schedule.endswith(".yaml") \
        else str(folder / case.schedule)
    result = track_submissions(folder / case.log, schedule=schedule,
                               units=folder / case.units if case.units else None, as_of=case.as_of,
                               period=case.period)
    return case, result


def test_there_is_a_case() -> None:
    assert CASES


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.parent.name)
def test_case_gives_exactly_its_table_and_findings(path: Path) -> None:
    case, result = _run(path)
    assert [c.id for c in result.columns] == case.columns
    assert {line.unit: " ".join(line.marks) for line in result.lines} == case.table
    missing, unexpected = compare(case.expect, result.findings)
    assert not missing and not unexpected, f"missing={missing} unexpected={unexpected}"


def test_every_bundled_check_fires_in_some_case() -> None:
    fired = {e.rule for p in CASES for e in load_status_case(p).expect}
    assert {c.check.id for c in load_schedule(SCHEDULE).checks} <= fired
