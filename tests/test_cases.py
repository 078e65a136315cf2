"""Every bundled case produces exactly the findings written beside it, with both backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.cases import compare, find_cases, load_case
from engine.classify.inputs import parse_day
from engine.evaluate.run import audit
from engine.ledger.run import audit_ledger
from engine.load.criteria import load_criteria
from engine.paths import bundled
from engine.read import read_submission
from engine.read.ledger import read_ledger

CASES = find_cases(bundled("cases"))
CRITERIA = load_criteria(bundled("criteria"))


def test_there_are_at_least_three_cases_per_form(catalog) -> None:
    forms = [load_case(p).form or p.parent.parent.name for p in CASES]
    for form_id in catalog.forms:
        assert forms.count(form_id) >= 3, form_id
    for form_id in catalog.ledgers:
        assert forms.count(form_id) >= 1, form_id


def run_case(path: Path, catalog, backend: str):
    case = load_case(path)
    if case.form in catalog.ledgers:
        form = catalog.ledger(case.form)
        ret = None
        if case.return_file:
            ret = read_submission(case.path(case.return_file), catalog.forms, form_id=form.reconcile.form)
        result, _ = audit_ledger(read_ledger(case.path(case.input), form), catalog.plan(form.id), CRITERIA,
                                 as_of=parse_day(case.as_of), counts=catalog.counts(form.id), ret=ret,
                                 backend=backend)
        return case, result
    sub = read_submission(case.path(case.input), catalog.forms, form_id=case.form,
                          unit_kinds=case.unit_kinds, unit=case.unit)
    assert sub.form_id == path.parent.parent.name, "form detected from the headers"
    prev = None
    if case.previous:
        prev = read_submission(case.path(case.previous), catalog.forms, form_id=sub.form_id,
                               unit_kinds=case.unit_kinds, unit=case.unit)
    result = audit(sub, catalog.plan(sub.form_id), previous=prev, backend=backend)
    return case, result


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
@pytest.mark.parametrize("backend", ["durable", "python"])
def test_case_gives_exactly_the_expected_findings(path: Path, backend: str, catalog) -> None:
    case, result = run_case(path, catalog, backend)
    missing, unexpected = compare(case.expect, result.findings)
    assert not missing and not unexpected, f"missing={missing} unexpected={unexpected}"
    assert result.summary.facts_evaluated == result.summary.facts
