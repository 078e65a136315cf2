"""The durable-rules backend must give exactly the findings of the plain-Python reference,
on the bundled cases' kinds of data and on random returns (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.evaluate.durable_backend import FACTS_PER_SESSION, MAX_RULES_PER_RULESET
from engine.evaluate.run import audit
from engine.facts import derive_facts
from tests.conftest import make_submission

FORM = "campaign-2023-table"
values = st.one_of(st.integers(-2, 40), st.sampled_from([None, "若干", 2.5, 0.25, 13.75]))


@st.composite
def returns(draw, catalog):
    keys = [i.key for i in catalog.forms[FORM].indicators]
    n = draw(st.integers(1, 6))
    rows = []
    for u in range(n):
        kind = draw(st.sampled_from(["镇街", "区直部门", None]))
        vals = {k: draw(values) for k in draw(st.lists(st.sampled_from(keys), max_size=12))}
        rows.append((f"单位{u}", kind, vals))
    total = {k: draw(values) for k in draw(st.lists(st.sampled_from(keys), max_size=6))}
    return make_submission(FORM, rows, keys, total if draw(st.booleans()) else None)


def test_backends_agree_on_random_returns(catalog) -> None:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(returns(catalog))
    def check(sub):
        plan = catalog.plan(FORM)
        ref = audit(sub, plan, backend="python")
        dur = audit(sub, plan, backend="durable")
        assert [f.model_dump() for f in dur.findings] == [f.model_dump() for f in ref.findings]
        assert dur.summary.facts_evaluated == dur.summary.facts

    check()


def test_durable_loses_nothing_past_session_and_ruleset_limits(catalog) -> None:
    """More facts than one session holds; every row breaks the fine rule: every one reported."""
    keys = [i.key for i in catalog.forms[FORM].indicators]
    n = FACTS_PER_SESSION + 37
    rows = [(f"单位{u}", "区直部门", {"fines": 1 + u % 5, "penalties": 0}) for u in range(n)]
    sub = make_submission(FORM, rows, keys)
    plan = catalog.plan(FORM)
    assert len(plan.rules) <= MAX_RULES_PER_RULESET * 4
    result = audit(sub, plan, backend="durable")
    fired = [f for f in result.findings if f.rule == "fine-without-penalty"]
    assert len(fired) == n
    assert result.summary.facts_evaluated == len(derive_facts(sub, plan.form))


def test_identical_rows_are_not_dropped_as_already_observed(catalog) -> None:
    keys = [i.key for i in catalog.forms[FORM].indicators]
    same = {"fines": 3, "penalties": 0}
    sub = make_submission(FORM, [("甲局", "区直部门", same), ("甲局", "区直部门", same)], keys)
    result = audit(sub, catalog.plan(FORM), backend="durable")
    assert sum(f.rule == "fine-without-penalty" for f in result.findings) == 2


class _Source:
    """A minimal rule source: conditions over facts of kind ``t``."""

    def __init__(self, *conditions: str) -> None:
        from engine.expr.nodes import Field
        from engine.expr.normalize import normalize
        from engine.expr.parse import parse

        fields = {"a": Field("a", "number"), "b": Field("b", "number"), "c": Field("c", "number")}
        self.conditions = tuple(("t", normalize(parse(c), lambda n: fields[n])) for c in conditions)
        self.digest = "src" + str(abs(hash(conditions)))


@given(b=st.integers(0, 200), c=st.integers(1, 9))
@settings(max_examples=100, deadline=None)
def test_integer_arithmetic_divides_like_python(b: int, c: int) -> None:
    """durable divides int by int as integers; the backend must not (found on a 2/5 height rule)."""
    from engine.evaluate.durable_backend import DurableBackend
    from engine.evaluate.python_backend import PythonBackend
    from engine.facts import Fact

    src = _Source("a > b / 5", "a > b * 2 / 5", "a * 5 > b * 2", "a * c >= b", "a - b < c * 3")
    near = (b // 5, b // 5 + 0.5, b * 2 // 5 + 0.5, b / 5, b * 2 / 5)  # both sides of each boundary
    facts = [Fact("t", {"a": a, "b": b, "c": c}) for a in near]
    assert DurableBackend().evaluate(src, facts) == PythonBackend().evaluate(src, facts)
