"""Every bundled case produces exactly the findings written beside it, with every backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.cases import compare, find_cases, load_case
from engine.jobs import audit_case
from engine.load.criteria import load_criteria
from engine.paths import bundled
from engine.read.ledger import detect_ledger

CASES = find_cases(bundled("cases"))
CRITERIA = load_criteria(bundled("criteria"))


def test_there_are_at_least_three_cases_per_form(catalog) -> None:
    forms = [load_case(p).form or p.parent.parent.name for p in CASES]
    for form_id in catalog.forms:
        assert forms.count(form_id) >= 3, form_id
    for path in CASES:  # a recount case covers the detail forms of its folder
        case = load_case(path)
        if case.details:
            forms += [detect_ledger(f, catalog.ledgers.values()).form_id
                      for f in sorted(case.path(case.details).iterdir())]
    for form_id in catalog.ledgers:
        assert forms.count(form_id) >= 1, form_id


def every_finding(result) -> list:
    """The audit's findings and, for a return recounted from detail files, theirs."""
    return [*result.findings, *(f for d in result.details for f in d.findings)]


def run_case(path: Path, catalog, backend: str):
    """The case through the same entry point as ``hazcheck audit``."""
    case = load_case(path)
    job = audit_case(case, catalog=catalog, criteria=CRITERIA, backend=backend)
    if not job.is_ledger:
        assert job.submission.form_id == path.parent.parent.name, "form detected from the headers"
    return case, job.result


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
@pytest.mark.parametrize("backend", ["durable", "python", "polars"])
def test_case_gives_exactly_the_expected_findings(path: Path, backend: str, catalog) -> None:
    case, result = run_case(path, catalog, backend)
    missing, unexpected = compare(case.expect, every_finding(result))
    assert not missing and not unexpected, f"missing={missing} unexpected={unexpected}"
    for part in (result, *result.details):
        assert part.summary.facts_evaluated == part.summary.facts
