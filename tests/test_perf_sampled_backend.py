"""The fast paths of a large input: the closure backend, and durable-rules' bounded sample.

A ledger's distinct findings reach the backend as hundreds of small calls (one per set of
standards). The closure backend must give the reference's answers (and its exceptions) on
them; the sampled backend must judge such calls as the one input they are — durable-rules
whole when it is small, else one random sample of bounded size over all of its calls — and
still stop the run on any difference.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

import pytest

from engine.classify.run import Classifier, FindingInput
from engine.errors import EvaluationError
from engine.evaluate.closure_backend import ClosureBackend, needed_fields
from engine.evaluate.python_backend import PythonBackend
from engine.evaluate.run import get_backend
from engine.evaluate.sampled import SampledBackend, one_input
from engine.expr.evaluate import holds
from engine.expr.normalize import referenced_fields
from engine.facts import Fact
from engine.paths import bundled
from engine.text_cases import find_text_cases, load_text_cases


@dataclass(frozen=True)
class _Source:
    conditions: tuple
    digest: str


def _criteria_source(criteria) -> _Source:
    from engine.compile.criteria import compile_criteria

    plan = compile_criteria(criteria, tuple(criteria.standards))
    return _Source(plan.conditions, plan.digest)


def _random_facts(source: _Source, rng: random.Random, n: int) -> list[Fact]:
    """Facts of a few fields each, with values of the declared types, of other types, and None."""
    fields = {f.key: f.type for _, c in source.conditions for f in referenced_fields(c)}
    values = {"number": [0, 1, 2.5, 12, -3, 10**6, 0.0], "bool": [True, False],
              "text": ["是", "", "镇街", "有限空间", "粉尘"]}
    out = []
    for _ in range(n):
        keys = rng.sample(sorted(fields), min(len(fields), rng.randint(0, 8)))
        data = {k: rng.choice([*values[fields[k]], None, _stray(fields[k])]) for k in keys}
        out.append(Fact("finding", data))
    return out


def _stray(kind: str) -> object:
    """A value of another type than the field's: the reference may raise comparing it."""
    return "若干" if kind == "number" else 3


def _outcome(backend, source: _Source, facts: list[Fact]) -> object:
    try:
        return backend.evaluate(source, facts)
    except Exception as exc:
        return type(exc)


def test_closures_give_the_reference_hits_on_every_criteria_item(criteria) -> None:
    source = _criteria_source(criteria)
    rng = random.Random(3)
    for _ in range(40):
        facts = _random_facts(source, rng, 50)
        assert _outcome(ClosureBackend(), source, facts) == _outcome(PythonBackend(), source, facts)


def test_a_condition_is_skipped_only_when_the_reference_says_no_without_computing(criteria) -> None:
    """Absent a needed field, ``holds`` is False and raises nothing, whatever the other values."""
    source = _criteria_source(criteria)
    rng = random.Random(5)
    for fact in _random_facts(source, rng, 400):
        for _, condition in source.conditions:
            if not needed_fields(condition) <= {k for k, v in fact.data.items() if v is not None}:
                assert holds(condition, fact.data) is False


def test_closures_raise_what_the_reference_raises() -> None:
    """A text where a number belongs: the reference raises when it compares it, and only then."""
    from engine.expr import parse
    from engine.expr.nodes import Field
    from engine.expr.normalize import normalize

    names = {n: Field(n, "number") for n in "abc"}
    conditions = tuple(("t", normalize(parse(text), names.__getitem__))
                       for text in ("c > 1 and a > b", "a > b or c > 1", "c == 1 and a > b",
                                    "a == 1 and c > 1"))
    source = _Source(conditions, "mixed-types")
    for data in ({"a": "若干", "b": 0, "c": 2}, {"a": "若干", "b": 0}, {"a": "若干", "b": 0, "c": 1},
                 {"c": 2}, {"a": "若干", "c": "多"}):
        facts = [Fact("t", data)]
        assert _outcome(ClosureBackend(), source, facts) == _outcome(PythonBackend(), source, facts), data


class _Dropping:
    """A fast backend that loses every hit: any fact sampled shows the difference."""

    name = "broken"

    def evaluate(self, plan, facts):
        _, n = PythonBackend().evaluate(plan, facts)
        return [], n


class _Counting(PythonBackend):
    def __init__(self) -> None:
        self.facts = 0

    def evaluate(self, plan, facts):
        self.facts += len(facts)
        return super().evaluate(plan, facts)


def _every_fact_hits(n: int) -> list[Fact]:
    return [Fact("t", {"a": 2.0 + i % 5, "b": 1.0}) for i in range(n)]


def _a_above_b() -> _Source:
    from engine.expr import parse
    from engine.expr.nodes import Field
    from engine.expr.normalize import normalize

    names = {n: Field(n, "number") for n in "ab"}
    return _Source((("t", normalize(parse("a > b"), names.__getitem__)),), "a-above-b")


def test_many_small_calls_of_a_small_input_go_to_the_engine_of_record_whole() -> None:
    reference = _Counting()
    checked = SampledBackend(_Dropping, reference, whole_up_to=100, sample=10, seed=1)
    src = _a_above_b()
    with one_input(checked, 90):
        for _ in range(9):
            facts = _every_fact_hits(10)
            assert checked.evaluate(src, facts) == PythonBackend().evaluate(src, facts)
    assert reference.facts == 90 and checked.fast_facts == 0 and checked.name == "python"


def test_many_small_calls_of_a_large_input_share_one_bounded_sample() -> None:
    reference = _Counting()
    checked = SampledBackend(PythonBackend, reference, whole_up_to=100, sample=40, seed=2)
    src = _a_above_b()
    with one_input(checked, 600):
        for _ in range(60):
            checked.evaluate(src, _every_fact_hits(10))
    assert checked.fast_facts == 600 and checked.checked == 40 and reference.facts == 40
    assert "抽查 40/600" in checked.name


def test_a_difference_in_any_call_of_a_batch_stops_the_run() -> None:
    checked = SampledBackend(_Dropping, PythonBackend(), whole_up_to=100, sample=30, seed=3)
    src = _a_above_b()
    with pytest.raises(EvaluationError, match="不一致"), one_input(checked, 600):
        for _ in range(60):
            checked.evaluate(src, _every_fact_hits(10))


def test_a_batch_larger_than_declared_is_an_error() -> None:
    checked = SampledBackend(PythonBackend, PythonBackend(), whole_up_to=5, sample=3, seed=4)
    with pytest.raises(ValueError, match="declared"), one_input(checked, 10):
        checked.evaluate(_a_above_b(), _every_fact_hits(11))


def test_small_calls_go_to_the_closures_and_large_ones_to_the_columnar_backend() -> None:
    checked = SampledBackend(lambda: get_backend("polars"), PythonBackend(), make_small=ClosureBackend,
                             columnar_from=50, whole_up_to=10, sample=5, seed=6)
    src = _a_above_b()
    assert checked.evaluate(src, _every_fact_hits(20)) == PythonBackend().evaluate(src, _every_fact_hits(20))
    assert checked.name.startswith("closures+python")
    checked.evaluate(src, _every_fact_hits(60))
    assert checked.name.startswith("closures/polars+python")


def _findings() -> list[FindingInput]:
    cases = [c for path in find_text_cases(bundled("cases"))[:6] for c in load_text_cases(path)[0].cases]
    return [FindingInput({}, date.fromisoformat(str(c.date)), c.sector, c.text, f"第{n}条", given_as="事实列")
            for n, c in enumerate(cases)]


def test_a_large_batch_classified_fast_and_sampled_is_the_batch_classified_by_the_reference(criteria) -> None:
    findings = _findings()
    assert len(findings) > 60
    alone = Classifier(criteria, get_backend("python")).classify_distinct(findings)
    sampled = SampledBackend(lambda: get_backend("polars"), get_backend("durable"),
                             make_small=ClosureBackend, whole_up_to=20, sample=25, seed=8)
    fast = Classifier(criteria, sampled).classify_distinct(findings)
    assert sampled.fast_facts > 20 and sampled.checked == 25
    for i, f in enumerate(findings):
        assert fast.of(i, f.on) == alone.of(i, f.on), f.label


def test_a_wrong_fast_backend_stops_a_large_classification(criteria) -> None:
    findings = _findings()
    sampled = SampledBackend(_Dropping, get_backend("python"), whole_up_to=20, sample=len(findings), seed=9)
    with pytest.raises(EvaluationError, match="不一致"):
        Classifier(criteria, sampled).classify_distinct(findings)
