"""Why an item did or did not hold: three-valued truth and the elementary conditions.

The backends answer yes/no (an unrecorded fact never makes a condition hold). To explain
a 一般 verdict, or to refuse one, we also need to know *why* an item did not hold: a
condition that failed on a recorded fact settles it; a fact that was never recorded leaves
it open. So each item is re-read here with Kleene logic (True / False / None = unknown),
and its elementary conditions are listed with their state, as OPA's explain and GoRules'
traces do. This runs only on the few items shown to the user, after the backend has run.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from engine.classify.facts import show_value
from engine.expr.evaluate import holds
from engine.expr.nodes import And, Arith, Const, Expr, Field, Or, Test
from engine.expr.normalize import referenced_fields
from engine.expr.predicate import compile_predicate
from engine.model.classification import ConditionState
from engine.model.criteria import Vocabulary

Truth = bool | None
_OPS = {"==": "为", "!=": "不为", ">": ">", ">=": "≥", "<": "<", "<=": "≤"}


@dataclass(frozen=True)
class OneOf:
    """``场所 in [...]`` after normalisation: an Or of equalities on one field, shown as one."""

    field: Field
    options: tuple[Any, ...]


Leaf = Test | OneOf


V = TypeVar("V")


def _remembered(memo: dict[int, tuple[Expr, Any]], expr: Expr, make: Callable[[Expr], V]) -> V:
    """``make(expr)``, worked out once per expression: keyed by identity, the expression held
    beside its answer so its id is not reused; the memo is emptied past 200,000 entries."""
    known = memo.get(id(expr))
    if known is None or known[0] is not expr:
        if len(memo) > 200_000:
            memo.clear()
        known = memo[id(expr)] = (expr, make(expr))
    return known[1]


_ONE_OF: dict[int, tuple[Expr, Any]] = {}
_TRUTH: dict[int, tuple[Expr, Any]] = {}


def _one_of(expr: Expr) -> OneOf | None:
    """``expr`` as one field's list of options, if it is one (remembered per expression)."""
    return _remembered(_ONE_OF, expr, _one_of_uncached)


def _one_of_uncached(expr: Expr) -> OneOf | None:
    if isinstance(expr, Or) and expr.items and all(
            isinstance(t, Test) and t.op == "==" and isinstance(t.rhs, Const) for t in expr.items):
        fields = {t.field for t in expr.items}  # type: ignore[union-attr]
        if len(fields) == 1:
            return OneOf(fields.pop(), tuple(t.rhs.value for t in expr.items))  # type: ignore[union-attr]
    if isinstance(expr, Or) and len(expr.items) > 1 and all(_one_of(i) for i in expr.items):
        parts = [_one_of(i) for i in expr.items]
        if len({p.field for p in parts if p}) == 1:
            return OneOf(parts[0].field, tuple(v for p in parts if p for v in p.options))  # type: ignore[union-attr]
    return None


def _combine(expr: And | Or, values: list[Truth]) -> Truth:
    """Kleene and/or: one False decides an and, one True decides an or; else unknown wins."""
    decisive = isinstance(expr, Or)
    if decisive in values:
        return decisive
    return None if None in values else not decisive


def truth(expr: Expr, facts: Mapping[str, Any]) -> Truth:
    """Kleene truth of a normalized condition: None when unrecorded facts leave it open.

    Each expression is compiled once into closures (``_compiled_truth``): explaining a city's
    ledger asks this of the same few hundred conditions millions of times.
    """
    return _remembered(_TRUTH, expr, _compiled_truth)(facts)


def reference_truth(expr: Expr, facts: Mapping[str, Any]) -> Truth:
    """``truth`` as written down: the definition the compiled form must equal (tests)."""
    if isinstance(expr, (And, Or)):
        return _combine(expr, [reference_truth(i, facts) for i in expr.items])
    assert isinstance(expr, Test)
    if any(facts.get(f.key) is None for f in expr.fields()):
        return None
    return holds(expr, facts)


def _compiled_truth(expr: Expr) -> Callable[[Mapping[str, Any]], Truth]:
    if isinstance(expr, (And, Or)):
        parts = tuple(_compiled_truth(i) for i in expr.items)
        return lambda facts: _combine(expr, [p(facts) for p in parts])  # every part, as defined
    assert isinstance(expr, Test)
    keys, test = tuple(f.key for f in expr.fields()), compile_predicate(expr)

    def leaf(facts: Mapping[str, Any]) -> Truth:
        for k in keys:
            if facts.get(k) is None:
                return None
        return test(facts)

    return leaf


def stated_truth(expr: Expr, facts: Mapping[str, Any], context: Collection[str]) -> Truth:
    """Kleene truth, where an ``or`` whose one stated situation fails drops the unstated ones.

    For a description: "吊篮安全锁在标定有效期内" speaks of the safety lock, and the lock is
    fine; the item's other situation (吊篮超载) is not what the text is about, so the item is a
    near miss, not open. An ``or`` none of whose branches the text touches stays unknown (a
    qualifier nobody stated: "厂站封闭房间或浓度达20%"), and so does a touched branch that is
    itself unknown.
    """
    return _stated(expr, facts, context, anchored=False)


def _stated(expr: Expr, facts: Mapping[str, Any], context: Collection[str], anchored: bool) -> Truth:
    """``stated_truth``; ``anchored``: a deficiency beside this part already holds on a stated fact.

    "没有装固定式可燃气体报警器" states the missing detector; the item's scope beside it (a closed
    room, or a zone where gas may reach 20 %) is then a qualifier the text left unsaid, not
    another situation: it stays unknown, and the item open. Only a
    condition that something is absent or failed anchors; a subject does not.
    """
    if isinstance(expr, Test):
        return truth(expr, facts)
    assert isinstance(expr, (And, Or))
    if isinstance(expr, And) and not anchored:
        anchored = any(_deficiency(i) and truth(i, facts) is True and _touched(i, facts, context)
                       for i in expr.items)
    values = [_stated(i, facts, context, anchored) for i in expr.items]
    if not anchored and isinstance(expr, Or) and any(v is False and _touched(i, facts, context)
                                                     for v, i in zip(values, expr.items, strict=True)):
        # the text spoke of one of these situations and it does not hold: the others, which
        # it does not touch at all, are not what it is about
        values = [False if v is None and not _touched(i, facts, context) else v
                  for v, i in zip(values, expr.items, strict=True)]
    return _combine(expr, values)


def failing_keys(expr: Expr, facts: Mapping[str, Any]) -> set[str]:
    """The fields of the elementary conditions of ``expr`` that are false on ``facts``."""
    if isinstance(expr, (And, Or)):
        return set().union(*(failing_keys(i, facts) for i in expr.items))
    assert isinstance(expr, Test)
    return {expr.field.key} if truth(expr, facts) is False else set()


def _deficiency(expr: Expr) -> bool:
    """Something stated as absent or failed (``not 报警器有效``): not a subject or a place
    (施工对象 = 吊篮, 有限空间作业 = 是), which says what the text is about, not what is wrong."""
    return (isinstance(expr, Test) and expr.field.type == "bool" and expr.op == "=="
            and isinstance(expr.rhs, Const) and expr.rhs.value is False)


def _touched(expr: Expr, facts: Mapping[str, Any], context: Collection[str]) -> bool:
    return any(f.key in facts and f.key not in context for f in referenced_fields(expr))


def ruled_out(gate: Expr | None, facts: Mapping[str, Any]) -> bool:
    """An item's gate (sector, enterprise type) fails on what was recorded: the item cannot apply."""
    return gate is not None and truth(gate, facts) is False


def _leaf_truth(leaf: Leaf, facts: Mapping[str, Any]) -> Truth:
    if isinstance(leaf, Test):
        return truth(leaf, facts)
    value = facts.get(leaf.field.key)
    return None if value is None else value in leaf.options


def _branches(expr: Expr, facts: Mapping[str, Any]) -> list[Leaf]:
    """The leaves of the branch that decides ``expr`` — or comes closest to holding."""
    one = _one_of(expr)
    if one is not None:
        return [one]
    if isinstance(expr, Test):
        return [expr]
    if isinstance(expr, And):
        return [leaf for i in expr.items for leaf in _branches(i, facts)]
    assert isinstance(expr, Or)
    options = [_branches(i, facts) for i in expr.items]
    return max(options, key=lambda leaves: _closeness(leaves, facts))


def _closeness(leaves: list[Leaf], facts: Mapping[str, Any]) -> tuple[float, int]:
    states = [_leaf_truth(leaf, facts) for leaf in leaves]
    held = states.count(True)
    # a branch that failed on a recorded fact is further away than one waiting for a fact
    return (held - states.count(False) * 0.5) / max(len(states), 1), held


def closeness(expr: Expr, facts: Mapping[str, Any]) -> tuple[float, int]:
    """(share of the deciding branch that holds, conditions held): how near an item came."""
    return _closeness(_branches(expr, facts), facts)


def held_keys(expr: Expr, facts: Mapping[str, Any]) -> set[str]:
    """Fact keys of the conditions that hold in the deciding branch: what the finding shares with it."""
    keys: set[str] = set()
    for leaf in _branches(expr, facts):
        if _leaf_truth(leaf, facts):
            keys.update(f.key for f in ([leaf.field] if isinstance(leaf, OneOf) else leaf.fields()))
    return keys


def live_keys(expr: Expr, facts: Mapping[str, Any]) -> set[str]:
    """Recorded fact keys read by the parts of ``expr`` that have not failed.

    An item that is still open (unknown) matters to a finding when a branch that could still
    hold reads something the finding recorded: 年产量 110 % failed, but the quarterly branch
    reads the same 核定生产能力 and waits for 季度产量.
    """
    return _live(expr, facts)[1]


def _live(expr: Expr, facts: Mapping[str, Any]) -> tuple[Truth, set[str]]:
    """(Kleene truth, live recorded keys) in one pass."""
    if isinstance(expr, Test):
        t = truth(expr, facts)
        return t, set() if t is False else {f.key for f in expr.fields() if facts.get(f.key) is not None}
    assert isinstance(expr, (And, Or))
    parts = [_live(i, facts) for i in expr.items]
    t = _combine(expr, [v for v, _ in parts])
    if t is False:
        return False, set()
    return t, set().union(*(keys for v, keys in parts if v is not False))


class Describer:
    """Chinese text for elementary conditions, using the vocabulary's names and units."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self._facts = {f.key: f for f in vocabulary.facts}

    def _name(self, key: str) -> str:
        fact = self._facts.get(key)
        return fact.name if fact else key

    def _operand(self, expr: Expr) -> str:
        if isinstance(expr, Const):
            value = expr.value
            return ("是" if value else "否") if isinstance(value, bool) else str(value)
        if isinstance(expr, Field):
            return self._name(expr.key)
        assert isinstance(expr, Arith)
        return f"{self._operand(expr.left)} {expr.op} {self._operand(expr.right)}"

    def leaf_text(self, leaf: Leaf) -> str:
        if isinstance(leaf, OneOf):
            return f"{self._name(leaf.field.key)} 为 {'、'.join(map(str, leaf.options))} 之一"
        fact = self._facts.get(leaf.field.key)
        unit = f" {fact.unit}" if fact and fact.unit and isinstance(leaf.rhs, Const) else ""
        return f"{self._name(leaf.field.key)} {_OPS[leaf.op]} {self._operand(leaf.rhs)}{unit}"

    def recorded(self, leaf: Leaf, facts: Mapping[str, Any]) -> str:
        fields = [leaf.field] if isinstance(leaf, OneOf) else list(leaf.fields())
        shown = []
        for f in fields:
            fact = self._facts.get(f.key)
            value = facts.get(f.key)
            text = "未记录" if value is None else (show_value(fact, value) if fact else str(value))
            shown.append(f"{self._name(f.key)}：{text}" if len(fields) > 1 else text)
        return "；".join(shown)

    def states(self, expr: Expr, facts: Mapping[str, Any]) -> tuple[ConditionState, ...]:
        """The conditions of the deciding branch with their state on ``facts``."""
        out = []
        for leaf in _branches(expr, facts):
            t = _leaf_truth(leaf, facts)
            state = "成立" if t else ("未记录" if t is None else "不成立")
            out.append(ConditionState(condition=self.leaf_text(leaf), state=state,
                                      recorded=self.recorded(leaf, facts)))
        return tuple(out)

    def missing(self, expr: Expr, facts: Mapping[str, Any]) -> tuple[str, ...]:
        """Names of the unrecorded facts in the deciding branch."""
        keys: dict[str, None] = {}
        for leaf in _branches(expr, facts):
            fields = [leaf.field] if isinstance(leaf, OneOf) else list(leaf.fields())
            for f in fields:
                if facts.get(f.key) is None:
                    keys[f.key] = None
        return tuple(self._name(k) for k in keys)
