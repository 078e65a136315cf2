"""Every bundled submissions case gives exactly its table and findings, on every backend; every
status check (rules/checks/submissions.yaml) fires in one."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.cases import compare
from engine.jobs import track_submissions
from engine.paths import bundled
from engine.status.status_cases import find_status_cases, load_status_case

CASES = find_status_cases(bundled("cases"))
BACKENDS = ("durable", "polars", "python")


def _run(path: Path, backend: str = "durable", catalog=None):
    case = load_status_case(path)
    folder = path.parent
    schedule = case.schedule if case.schedule is None or not case.schedule.endswith(".yaml") \
        else str(folder / case.schedule)
    result = track_submissions(folder / case.log, schedule=schedule,
                               units=folder / case.units if case.units else None, as_of=case.as_of,
                               period=case.period, backend=backend, catalog=catalog)
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


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.parent.name)
def test_case_gives_the_same_findings_on_every_backend(path: Path, backend: str, catalog) -> None:
    """durable-rules (the engine of record), the columnar backend and the reference: finding for
    finding, in the same order, with the same words — and the backend that ran is named."""
    case, result = _run(path, backend, catalog)
    missing, unexpected = compare(case.expect, result.findings)
    assert not missing and not unexpected, f"{backend}: missing={missing} unexpected={unexpected}"
    _, reference = _run(path, "durable", catalog)
    assert [f.model_dump() for f in result.findings] == [f.model_dump() for f in reference.findings]
    assert result.backend == backend and result.facts > 0
    assert result.checks == len(catalog.plan("campaign-2023").rules)


def test_every_bundled_check_fires_in_some_case(catalog) -> None:
    fired = {e.rule for p in CASES for e in load_status_case(p).expect}
    assert {r.rule.id for r in catalog.status_rules} <= fired


def test_a_large_log_is_evaluated_columnar_and_cross_checked_by_durable(tmp_path: Path, catalog) -> None:
    """Past ``sampled.WHOLE_UP_TO`` facts, ``auto`` runs the columnar backend and durable-rules
    re-evaluates a sample, as for an audit; the findings are the reference's."""
    from .conftest import write_log, write_units

    units = [f"第{i}镇" for i in range(350)]
    rows = [(u, "调度表", f"{m}月", None, f"2023-{m:02d}-{20 + (i + m) % 10}", "已催" if i % 9 == 0 else None)
            for i, u in enumerate(units) for m in (7, 8, 9) if (i + m) % 11]
    log, roster = write_log(tmp_path, rows), write_units(tmp_path, units)
    args = dict(units=roster, as_of="2023-09-30", period="2023Q3", catalog=catalog)
    fast = track_submissions(log, backend="auto", **args)
    reference = track_submissions(log, backend="python", **args)
    assert fast.facts > 2_000 and fast.backend.startswith("polars+durable"), fast.backend
    assert [f.model_dump() for f in fast.findings] == [f.model_dump() for f in reference.findings]
    assert {f.rule for f in fast.findings} >= {"status-missing", "status-late", "status-chased"}
