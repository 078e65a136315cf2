"""Derived facts and summary figures computed in Python, checked with hypothesis."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.evaluate.run import audit
from engine.facts import derive_facts
from tests.conftest import make_submission

FORM = "campaign-2023-table"
amounts = st.decimals(min_value=0, max_value=500, places=2).map(float)


@settings(max_examples=80, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=12), st.floats(-0.02, 0.02))
def test_total_row_checked_within_the_amount_tolerance(catalog, fines, drift) -> None:
    keys = [i.key for i in catalog.forms[FORM].indicators]
    rows = [(f"单位{n}", "区直部门", {"fines": v, "penalties": 1}) for n, v in enumerate(fines)]
    reported = round(math.fsum(fines) + drift, 6)
    total = {"fines": reported, "penalties": len(fines)}
    sub = make_submission(FORM, rows, keys, total)
    result = audit(sub, catalog.plan(FORM), backend="python")
    flagged = {f.fields for f in result.findings if f.rule == "total-equals-sum"}
    # 万元 columns tolerate 0.01; every other column sums exactly
    assert (("fines",) in flagged) == (abs(drift) > 0.01 + 1e-9)
    assert flagged <= {("fines",)}


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
def test_part_le_whole_fires_exactly_when_a_part_exceeds_its_whole(catalog, found, rectified,
                                                                   listed) -> None:
    keys = [i.key for i in catalog.forms[FORM].indicators]
    vals = {"general_found": found, "general_rectified": rectified, "major_dept_found": found,
            "major_listed_found": listed, "major_listed_rectified": 0}
    sub = make_submission(FORM, [("区应急管理局", "区直部门", vals)], keys)
    result = audit(sub, catalog.plan(FORM), backend="durable")
    pairs = {f.fields for f in result.findings if f.rule == "part-le-whole"}
    assert (("general_rectified", "general_found") in pairs) == (rectified > found)
    assert (("major_listed_found", "major_dept_found") in pairs) == (listed > found)


def test_blank_counts_as_zero_and_unreadable_is_left_out(catalog) -> None:
    keys = [i.key for i in catalog.forms[FORM].indicators]
    sub = make_submission(FORM, [("甲镇", "镇街", {"fines": None, "penalties": "若干"})], keys)
    row = next(f for f in derive_facts(sub, catalog.forms[FORM]) if f.kind == "row")
    assert row.data["fines"] == 0
    assert "penalties" not in row.data


def test_rates_use_the_total_row(catalog) -> None:
    keys = [i.key for i in catalog.forms[FORM].indicators]
    rows = [("甲局", "区直部门", {"major_dept_found": 50, "major_listed_found": 10}),
            ("乙局", "区直部门", {"major_dept_found": 24, "major_listed_found": 10})]
    sub = make_submission(FORM, rows, keys, {"major_dept_found": 74, "major_listed_found": 20})
    rates = {r.key: r for r in audit(sub, catalog.plan(FORM), backend="python").summary.rates}
    assert rates["listed_rate"].numerator == 20 and rates["listed_rate"].denominator == 74
    assert round(rates["listed_rate"].value * 100, 2) == 27.03
    assert rates["general_rectification_rate"].value is None  # 0 found: no rate, not 0%
