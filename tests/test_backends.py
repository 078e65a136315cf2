"""The durable-rules backend must give exactly the findings of the plain-Python reference,
on the bundled cases' kinds of data and on random returns (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import EvaluationError
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
        for name in ("durable", "polars"):
            other = audit(sub, plan, backend=name)
            assert [f.model_dump() for f in other.findings] == [f.model_dump() for f in ref.findings], name
            assert other.summary.facts_evaluated == other.summary.facts

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


def _src_fields(**types: str):
    from engine.expr.nodes import Field

    return {k: Field(k, t) for k, t in types.items()}


class _TypedSource:
    """Conditions over facts of kind ``t`` with fields of any declared type."""

    def __init__(self, fields: dict, *conditions: str) -> None:
        from engine.expr.normalize import normalize
        from engine.expr.parse import parse

        self.conditions = tuple(("t", normalize(parse(c), lambda n: fields[n])) for c in conditions)
        self.digest = "typed" + str(abs(hash(conditions)))


_EDGE = st.one_of(st.none(), st.integers(-3, 30), st.floats(allow_nan=True, allow_infinity=True),
                  st.sampled_from([2**24, 2**24 + 1, 2**60, -(2**63), 0.1, 1e309, True]))


@given(rows=st.lists(st.fixed_dictionaries({"a": _EDGE, "b": _EDGE, "c": _EDGE}), min_size=1, max_size=40))
@settings(max_examples=150, deadline=None)
def test_polars_backend_matches_the_reference_on_edge_values(rows) -> None:
    """NaN, infinities, huge integers, wrong types, absent fields, division by a field: never a
    different answer — what the columnar backend cannot represent it leaves to the reference."""
    from engine.evaluate.polars_backend import PolarsBackend
    from engine.evaluate.python_backend import PythonBackend
    from engine.facts import Fact

    fields = _src_fields(a="number", b="number", c="number")
    src = _TypedSource(fields, "a > b * 3 / 10", "a + b == c", "a != 3 or c <= 2.5", "a * c >= b",
                       "a - b < c * 3 and b > 0")
    facts = [Fact("t", {k: v for k, v in r.items() if v is not None}) for r in rows]
    assert _outcome(PolarsBackend(), src, facts) == _outcome(PythonBackend(), src, facts)


def _outcome(backend, src, facts):
    """The hits, or the kind of error: where the reference raises (text compared with a number),
    the columnar backend must raise too, never answer."""
    try:
        return backend.evaluate(src, facts)
    except (TypeError, ZeroDivisionError) as exc:
        return type(exc).__name__


def test_polars_backend_text_and_bool_fields_and_other_kinds() -> None:
    from engine.evaluate.polars_backend import PolarsBackend
    from engine.evaluate.python_backend import PythonBackend
    from engine.facts import Fact

    fields = _src_fields(level="text", done="bool", n="number")
    src = _TypedSource(fields, "level == '重大' and done == 否", "level != '一般' or n > 2", "done == 是")
    facts = [Fact("t", d) for d in ({"level": "重大", "done": False}, {"level": "一般", "n": 3},
                                    {"level": "重大"}, {"done": True, "n": 1}, {"level": 5, "done": "是"})]
    facts.append(Fact("other", {"level": "重大", "done": False}))  # a kind no condition reads
    ref = PythonBackend().evaluate(src, facts)
    assert PolarsBackend().evaluate(src, facts) == ref
    assert (0, 0) in ref[0] and ref[1] == len(facts)


def test_polars_backend_leaves_division_by_a_field_to_the_reference() -> None:
    """The condition language divides only by non-zero constants; a tree that divides by a field
    anyway (built by hand here) is left to the reference, which raises on a zero divisor where
    polars would quietly give inf."""
    from engine.evaluate.polars_backend import PolarsBackend
    from engine.expr.nodes import Arith, Const, Field, Test
    from engine.facts import Fact

    a, b = Field("a", "number"), Field("b", "number")

    class Src:
        conditions = (("t", Test(">", a, Arith("/", Const(10), b))),)
        digest = "div-by-field"

    assert PolarsBackend().evaluate(Src(), [Fact("t", {"a": 5, "b": 4})]) == ([(0, 0)], 1)
    with pytest.raises(ZeroDivisionError):
        PolarsBackend().evaluate(Src(), [Fact("t", {"a": 5, "b": 0})])


class _Dropping:
    """A fast backend that loses one hit: the sampled cross-check must stop the run."""

    name = "broken"

    def evaluate(self, plan, facts):
        from engine.evaluate.python_backend import PythonBackend

        hits, n = PythonBackend().evaluate(plan, facts)
        return hits[1:], n


def _many_facts(n: int):
    from engine.facts import Fact

    return [Fact("t", {"a": float(i % 7), "b": 1.0, "c": 2.0}) for i in range(n)]


def test_sampled_backend_stops_when_the_sample_disagrees() -> None:
    from engine.evaluate.python_backend import PythonBackend
    from engine.evaluate.sampled import SampledBackend

    src = _Source("a > b")
    facts = _many_facts(50)
    checked = SampledBackend(_Dropping, PythonBackend(), whole_up_to=10, sample=50, seed=1)
    with pytest.raises(EvaluationError, match="不一致"):
        checked.evaluate(src, facts)


def test_sampled_backend_uses_the_engine_of_record_whole_on_small_inputs() -> None:
    from engine.evaluate.python_backend import PythonBackend
    from engine.evaluate.sampled import SampledBackend

    src = _Source("a > b")
    small = SampledBackend(_Dropping, PythonBackend(), whole_up_to=100, sample=10, seed=1)
    assert small.evaluate(src, _many_facts(60)) == PythonBackend().evaluate(src, _many_facts(60))
    assert small.name == "python" and small.checked == 0


def test_sampled_backend_reports_the_sample_and_seed() -> None:
    from engine.evaluate.polars_backend import PolarsBackend
    from engine.evaluate.python_backend import PythonBackend
    from engine.evaluate.sampled import SampledBackend

    src = _Source("a > b", "a + b > c * 2")
    facts = _many_facts(300)
    checked = SampledBackend(PolarsBackend, PythonBackend(), whole_up_to=100, sample=40, seed=5)
    assert checked.evaluate(src, facts) == PythonBackend().evaluate(src, facts)
    assert checked.checked == 40 and checked.fast_facts == 300
    assert "抽查 40/300" in checked.name and "种子 5" in checked.name



def test_a_sample_seed_that_is_not_a_number_is_a_clear_error(monkeypatch) -> None:
    from engine.errors import InputError
    from engine.evaluate.python_backend import PythonBackend
    from engine.evaluate.sampled import SampledBackend

    monkeypatch.setenv("HAZCHECK_SAMPLE_SEED", "七")
    with pytest.raises(InputError, match="HAZCHECK_SAMPLE_SEED"):
        SampledBackend(PythonBackend, PythonBackend())
    monkeypatch.setenv("HAZCHECK_SAMPLE_SEED", "42")
    assert SampledBackend(PythonBackend, PythonBackend()).seed == 42
