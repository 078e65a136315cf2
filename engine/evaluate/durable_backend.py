"""The durable-rules backend: the only module that imports durable.

durable-rules 2.0.28 loses matches silently in several ways (see the README, "Why the engine
asserts one fact at a time"). This module guards against each of them:

* facts are asserted with ``assert_fact`` one at a time, never ``post`` (events are consumed
  by the first matching rule) and never ``assert_facts`` (one unmatched fact fails the batch);
* a ruleset holds at most ``MAX_RULES_PER_RULESET`` rules (its alpha-network stack is fixed at
  64 and a ruleset of 100 rules rejected records);
* each fact carries a unique ``seq`` and sessions hold at most ``FACTS_PER_SESSION`` facts and
  are deleted afterwards, so no fact is rejected as already observed; if one still is, it is
  retried once in a fresh session and otherwise the run fails;
* actions take exactly one parameter (two would make them asynchronous) and only append to a
  list, so nothing can be swallowed inside them;
* fact fields never use durable's own names (``id``, ``sid``) — forms reject those keys;
* every session is opened by asserting a sentinel fact that a sentinel rule matches:
  deleting the state of a session whose facts all matched nothing crashes the process
  (segmentation fault, measured here with 2.0.28);
* integer constants inside arithmetic are sent as floats: durable divides two integers as
  integers (24 / 5 == 4), which made a threshold fire where Python's did not;
* every fact asserted is counted; ``EvaluationError`` is raised unless every fact of every
  ruleset was evaluated. Any exception but MessageNotHandledException is a hard error.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from durable.engine import Host, MessageNotHandledException, MessageObservedException

from engine.errors import EvaluationError
from engine.evaluate.source import RuleSource
from engine.expr.nodes import And, Arith, Const, Expr, Field, Or, Test
from engine.facts import Fact

MAX_RULES_PER_RULESET = 32
FACTS_PER_SESSION = 500
MAX_CONJUNCTS = 512

Hit = tuple[int, int]
_OPEN = "hz_open"  # sentinel field: never an indicator key (those are checked by the form model)
_OPS = {"!=": "$neq", ">": "$gt", ">=": "$gte", "<": "$lt", "<=": "$lte"}
_ARITH = {"+": "$add", "-": "$sub", "*": "$mul", "/": "$div"}


class _SyncHost(Host):
    """A Host without its background dispatch timer.

    The stock Host starts a thread that dispatches pending actions every 0.5 s; an action
    taken by that thread could land after we have collected the hits. We only ever assert
    synchronously, so the timer is switched off.
    """

    def _run(self) -> None:
        return None


def _value(expr: Expr, in_arith: bool = False) -> Any:
    if isinstance(expr, Const):
        value = expr.value
        if in_arith and isinstance(value, int) and not isinstance(value, bool):
            # durable divides two integers as integers (24 / 5 == 4: measured with 2.0.28, a
            # threshold ``x > 高度 * 2 / 5`` then fired at 4.5 m on a 12 m frame); a float
            # operand makes it divide as Python does
            return float(value)
        return value
    if isinstance(expr, Field):
        return {"$m": expr.key}
    assert isinstance(expr, Arith)
    return {_ARITH[expr.op]: {"$l": _value(expr.left, True), "$r": _value(expr.right, True)}}


def condition_json(expr: Expr) -> dict[str, Any]:
    """durable-rules' JSON condition for a normalized tree (presence guards included)."""
    if isinstance(expr, (And, Or)):
        items = [condition_json(i) for i in expr.items]
        if len(items) == 1:
            return items[0]
        return {"$and" if isinstance(expr, And) else "$or": items}
    assert isinstance(expr, Test)
    guards: list[dict[str, Any]] = [{"$ex": {f.key: 1}} for f in expr.fields()]
    rhs = _value(expr.rhs)
    test = {expr.field.key: rhs} if expr.op == "==" else {_OPS[expr.op]: {expr.field.key: rhs}}
    return {"$and": [*guards, test]}


def conjuncts(expr: Expr) -> list[tuple[Test, ...]]:
    """The condition as an OR of ANDs (disjunctive normal form), one durable rule per AND.

    durable-rules keeps an ``$or``/``$and`` tree in one expression sequence per rule, capped
    at 32 entries (ERR_EXPRESSION_LIMIT_EXCEEDED, error 113 — measured on criteria items
    with long lists of places). A plain conjunction of comparisons never hits that cap, so
    each condition is split into its conjunctions; hits are de-duplicated per condition.
    """
    if isinstance(expr, Test):
        return [(expr,)]
    if isinstance(expr, Or):
        return [c for i in expr.items for c in conjuncts(i)]
    assert isinstance(expr, And)
    out: list[tuple[Test, ...]] = [()]
    for part in expr.items:
        out = [a + b for a in out for b in conjuncts(part)]
        if len(out) > MAX_CONJUNCTS:
            raise EvaluationError(f"条件展开后超过 {MAX_CONJUNCTS} 个分支，规则引擎无法承载，请拆分条件")
    return out


def _opened(c: Any) -> None:
    """Action of the sentinel rule: nothing to record."""


class DurableBackend:
    """Evaluates a rule source with durable-rules; rulesets are compiled once per digest."""

    name = "durable"

    def __init__(self) -> None:
        self._host = _SyncHost()
        self._compiled: dict[str, list[tuple[str, str]]] = {}
        self._sink: list[Hit] = []
        self._sessions = itertools.count()

    def _action(self, rule_index: int) -> Callable[[Any], None]:
        sink = self._sink

        def act(c: Any) -> None:  # exactly one parameter: synchronous
            sink.append((rule_index, c.m["seq"]))

        return act

    def _rulesets(self, plan: RuleSource) -> list[tuple[str, str]]:
        """(ruleset name, fact kind) for the source, registering it on first use."""
        if plan.digest in self._compiled:
            return self._compiled[plan.digest]
        out = []
        conditions = plan.conditions
        for kind in dict.fromkeys(k for k, _ in conditions):
            indexed = [(i, And(part)) for i, (k, c) in enumerate(conditions) if k == kind
                       for part in conjuncts(c)]
            for n in range(0, len(indexed), MAX_RULES_PER_RULESET):
                chunk = indexed[n:n + MAX_RULES_PER_RULESET]
                name = f"hz{plan.digest}_{kind}_{n // MAX_RULES_PER_RULESET}"
                definition: dict[str, Any] = {
                    f"r{i}_{k}": {"all": [{"m": condition_json(c)}], "run": self._action(i)}
                    for k, (i, c) in enumerate(chunk)
                }
                definition[_OPEN] = {"all": [{"m": {_OPEN: True}}], "run": _opened}
                try:
                    self._host.register_rulesets({name: definition})
                except Exception as exc:  # a rule durable cannot compile: never run without it
                    raise EvaluationError(f"规则引擎无法编译规则集 {name}：{exc}") from exc
                out.append((name, kind))
        self._compiled[plan.digest] = out
        return out

    @contextmanager
    def _session(self, ruleset: str) -> Iterator[str]:
        """A fresh session id, opened with the sentinel fact and deleted afterwards."""
        sid = f"s{next(self._sessions)}"
        self._host.assert_fact(ruleset, {_OPEN: True, "sid": sid, "seq": -1})
        try:
            yield sid
        finally:
            self._host.delete_state(ruleset, sid)

    def _assert(self, ruleset: str, fact: dict[str, Any]) -> None:
        # MessageNotHandledException: the fact matched no rule; evaluated, nothing to report
        with suppress(MessageNotHandledException):
            self._host.assert_fact(ruleset, fact)

    def evaluate(self, plan: RuleSource, facts: Sequence[Fact]) -> tuple[list[Hit], int]:
        """Every (rule, fact) pair that fired, and the number of facts fully evaluated."""
        self._sink.clear()
        rulesets = self._rulesets(plan)
        kinds_with_rules = {kind for _, kind in rulesets}
        evaluated = sum(1 for f in facts if f.kind not in kinds_with_rules)  # nothing to run
        for name, kind in rulesets:
            subset = [(j, f) for j, f in enumerate(facts) if f.kind == kind]
            done = 0
            for start in range(0, len(subset), FACTS_PER_SESSION):
                try:
                    with self._session(name) as sid:
                        for j, fact in subset[start:start + FACTS_PER_SESSION]:
                            payload = {**fact.data, "sid": sid, "seq": j}
                            try:
                                self._assert(name, payload)
                            except MessageObservedException:
                                with self._session(name) as retry:
                                    self._assert(name, {**payload, "sid": retry})
                            done += 1
                except Exception as exc:
                    raise EvaluationError(
                        f"规则引擎在规则集 {name} 中拒绝了事实（{type(exc).__name__}: {exc}），"
                        "结果会不完整，已停止") from exc
            if done != len(subset):
                raise EvaluationError(f"规则集 {name}：送入 {len(subset)} 条事实，只评估了 {done} 条")
        evaluated += sum(1 for f in facts if f.kind in kinds_with_rules)
        return sorted(set(self._sink)), evaluated
