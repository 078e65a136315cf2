"""The condition language: parsing, errors with columns, normalisation and evaluation."""

from __future__ import annotations

import pytest

from engine.expr import parse
from engine.expr.evaluate import holds
from engine.expr.nodes import Field, Test
from engine.expr.normalize import ExprTypeError, normalize, referenced_fields
from engine.expr.parse import ExprSyntaxError
from engine.expr.predicate import compile_predicate

V = {n: Field(n, "number") for n in ("a", "b", "c")}
V |= {"t": Field("t", "bool"), "k": Field("k", "text"), "罚款金额": Field("fines", "number")}


def norm(text: str):
    return normalize(parse(text), V.__getitem__)


@pytest.mark.parametrize(("text", "fact", "expected"), [
    ("a > 0 and b == 0", {"a": 1, "b": 0}, True),
    ("a > 0 and b == 0", {"a": 1, "b": 2}, False),
    ("a > 0 且 b == 0", {"a": 1, "b": 0}, True),
    ("a > 0 或 b > 0", {"a": 0, "b": 1}, True),
    ("not (a > 0 and b == 0)", {"a": 1, "b": 0}, False),
    ("非 a > 0", {"a": 0}, True),
    ("a + b > c", {"a": 1, "b": 2, "c": 2}, True),
    ("a + b > c", {"a": 1, "b": 1, "c": 2}, False),
    ("2*a - 3 >= b/2", {"a": 2, "b": 3}, False),
    ("2*a - 3 >= b/2", {"a": 2, "b": 1}, True),
    ("a ≥ 1", {"a": 1}, True),
    ("（a＞0）", {"a": 1}, True),
    ("k in ['镇街', '区直部门']", {"k": "镇街"}, True),
    ("k 属于 ['镇街']", {"k": "区直部门"}, False),
    ("t", {"t": True}, True),
    ("not t", {"t": True}, False),
    ("t == 是", {"t": True}, True),
    ("罚款金额 > 0", {"fines": 3}, True),
])
def test_conditions_evaluate_as_written(text: str, fact: dict, expected: bool) -> None:
    assert holds(norm(text), fact) is expected
    assert compile_predicate(norm(text))(fact) is expected


def test_compiled_predicates_agree_with_the_reference_on_random_facts() -> None:
    """Every condition of every bundled rule, and random ones, on random facts: the compiled
    closure gives the reference's answer, or raises the same error."""
    import random

    from engine.catalog import load_catalog

    catalog = load_catalog()
    conditions = [r.condition for form in (*catalog.forms, *catalog.ledgers)
                  for r in catalog.plan(form).rules]
    rng = random.Random(11)
    ops = [">", ">=", "<", "<=", "==", "!="]
    for _ in range(300):
        a, b = rng.sample("abc", 2)
        conditions.append(norm(f"{a} {rng.choice('+-*/')} {rng.randint(1, 5)} {rng.choice(ops)} {b} "
                               f"{rng.choice(['and', 'or'])} (not t or k == '镇街')"))
    pool = [None, True, False, 0, 1, 2.5, -3, 0.0, "镇街", "", "是", 10**6]
    keys = sorted({f.key for c in conditions for f in referenced_fields(c)})
    for _ in range(3000):
        fact = {k: rng.choice(pool) for k in keys if rng.random() < 0.7}
        condition = rng.choice(conditions)
        try:
            expected: object = holds(condition, fact)
        except Exception as exc:
            expected = type(exc)
        try:
            got: object = compile_predicate(condition)(fact)
        except Exception as exc:
            got = type(exc)
        assert got == expected, (condition, fact)


def test_absent_value_never_fires_even_under_negation() -> None:
    # An unreadable cell is absent: neither "a > 0" nor "not a > 0" may fire on it.
    assert holds(norm("a > 0"), {}) is False
    assert holds(norm("not a > 0"), {}) is False
    assert holds(norm("a + b > c"), {"a": 1, "c": 0}) is False


def test_comparisons_are_rearranged_with_one_field_on_the_left() -> None:
    node = norm("a + b > c")
    assert isinstance(node, Test)
    assert isinstance(node.field, Field)
    assert {f.key for f in node.fields()} == {"a", "b", "c"}


@pytest.mark.parametrize(("text", "column"), [
    ("a = 1", 3), ("a >", 4), ("(a", 3), ("a b", 3), ("1 @ 2", 3), ("", 1),
])
def test_syntax_errors_name_the_column(text: str, column: int) -> None:
    with pytest.raises(ExprSyntaxError) as info:
        parse(text)
    assert info.value.column == column


@pytest.mark.parametrize("text", [
    "a", "k > 1", "k == 1", "t > 0", "a * b > 1", "a / b > 1", "1 > 0", "a - a > 1", "a + 1",
])
def test_type_errors(text: str) -> None:
    with pytest.raises(ExprTypeError):
        norm(text)


def test_no_code_execution_is_possible() -> None:
    with pytest.raises(ExprSyntaxError):
        parse("__import__('os').system('true')")


def test_compiled_kleene_truth_agrees_with_its_definition(criteria) -> None:
    """Three-valued truth, compiled once per condition, gives the written-down definition's
    answer on every criteria item's condition over random facts (some left unrecorded)."""
    import random

    from engine.classify.explain import reference_truth, truth

    conditions = [it.condition for ls in criteria.standards.values() for it in ls.items]
    rng = random.Random(5)
    by_type = {"bool": [True, False], "number": [0, 1, 3, 9.5, 20, 100, 1e6], "text": None}
    for _ in range(4000):
        condition = rng.choice(conditions)
        fact = {}
        for f in referenced_fields(condition):
            if rng.random() < 0.35:
                continue  # not recorded
            if f.type == "text":
                values = criteria.vocabulary.by_key(f.key).values or ("某值",)
                fact[f.key] = rng.choice([*values, "别的"])
            else:
                fact[f.key] = rng.choice(by_type[f.type])
        assert truth(condition, fact) == reference_truth(condition, fact), (condition, fact)
