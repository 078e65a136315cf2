"""Columnar backend: every condition as a polars expression over all facts of a kind at once.

A city's ledger asserts hundreds of thousands of ``ledger_row`` facts; the reference backend
walks each condition over each fact in Python. Here the facts of one kind become one frame
(one column per field the conditions read) and each condition one boolean expression, so a
rule costs one vectorised pass.

It must give exactly the reference's hits (engine/expr/evaluate.py), so it only takes what
it can represent without changing an answer, and hands the rest to the reference:

* a comparison holds only when every field it reads is present — the same presence guard
  as the reference, written as ``is_not_null`` before the comparison;
* a column is built only when every value has the field's declared type; a number must be a
  finite float or an integer of at most 2**24 in size, so that sums, products and
  quotients in float64 round exactly as Python's int/float arithmetic does. NaN and
  infinities (which polars orders differently from Python) and huge integers are not;
* a division by anything but a non-zero constant (Python raises, polars gives inf) is not.

A condition that reads a field not taken is evaluated by the reference, fact by fact, for
that kind: slower, never different. tests/test_backends.py checks the three backends agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from engine.evaluate.source import RuleSource
from engine.expr.evaluate import holds
from engine.expr.nodes import And, Arith, Const, Expr, Field, Or, Test
from engine.expr.normalize import referenced_fields
from engine.facts import Fact, FactTable

Hit = tuple[int, int]
EXACT_INT = 2**24  # products of two such integers stay below 2**53: float64 is exact on them
_DTYPES = {"number": pl.Float64, "text": pl.String, "bool": pl.Boolean}


def _fits(kind: str, value: Any) -> bool:
    """Whether ``value`` goes into a column of the declared ``kind`` with the reference's meaning."""
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "text":
        return isinstance(value, str)
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -EXACT_INT <= value <= EXACT_INT
    return isinstance(value, float) and math.isfinite(value)


_TYPES = {"bool": {bool}, "text": {str}, "number": {int, float}}


def _column(key: str, kind: str, values: Sequence[Any]) -> pl.Series | None:
    """The field's values as one typed column (absent as null), or None if one would not fit."""
    types = set(map(type, values)) - {type(None)}
    if not types <= _TYPES[kind]:
        return None  # a value of another type (True among numbers, a subclass): the reference decides
    if kind == "number" and any(not _fits(kind, v) for v in values if v is not None):
        return None
    if kind == "number":
        values = [float(v) if v is not None else None for v in values]
    return pl.Series(key, values, dtype=_DTYPES[kind])


class _Compiler:
    """Turns a normalized condition into a polars expression, or says it cannot (None)."""

    def __init__(self, columns: Mapping[str, str]) -> None:
        self.columns = columns  # key -> declared type, for the fields that became columns

    def condition(self, expr: Expr) -> pl.Expr | None:
        if isinstance(expr, (And, Or)):
            parts = [self.condition(i) for i in expr.items]
            if any(p is None for p in parts):
                return None
            out = parts[0]
            for p in parts[1:]:
                out = (out & p) if isinstance(expr, And) else (out | p)
            return out
        assert isinstance(expr, Test)
        fields = expr.fields()
        if any(self.columns.get(f.key) != f.type for f in fields):
            return None
        rhs = self.value(expr.rhs, expr.field.type)
        if rhs is None:
            return None
        present = pl.lit(True)
        for f in fields:
            present = present & pl.col(f.key).is_not_null()
        left = pl.col(expr.field.key)
        compared = {"==": left == rhs, "!=": left != rhs, ">": left > rhs, ">=": left >= rhs,
                    "<": left < rhs, "<=": left <= rhs}[expr.op]
        return (present & compared).fill_null(False)

    def value(self, expr: Expr, kind: str) -> pl.Expr | None:
        if isinstance(expr, Const):
            if not _fits(kind, expr.value):
                return None
            value = float(expr.value) if kind == "number" else expr.value
            return pl.lit(value, dtype=_DTYPES[kind])
        if isinstance(expr, Field):
            return pl.col(expr.key) if self.columns.get(expr.key) == kind else None
        assert isinstance(expr, Arith)
        if kind != "number":
            return None
        if expr.op == "/" and not (isinstance(expr.right, Const) and _fits("number", expr.right.value)
                                   and expr.right.value != 0):
            return None  # Python raises on a zero divisor, polars gives inf: leave it to the reference
        left, right = self.value(expr.left, kind), self.value(expr.right, kind)
        if left is None or right is None:
            return None
        return {"+": left + right, "-": left - right, "*": left * right, "/": left / right}[expr.op]


class PolarsBackend:
    """Compiles each rule source once per set of usable columns, then evaluates whole frames."""

    name = "polars"

    def __init__(self) -> None:
        self._compiled: dict[tuple[str, str, frozenset[tuple[str, str]]], _Compiled] = {}

    def evaluate(self, plan: RuleSource, facts: Sequence[Fact]) -> tuple[list[Hit], int]:
        """Every (rule, fact) pair whose condition holds, and how many facts were evaluated."""
        by_kind: dict[str, list[tuple[int, Expr]]] = {}
        for i, (kind, condition) in enumerate(plan.conditions):
            by_kind.setdefault(kind, []).append((i, condition))
        hits: list[Hit] = []
        if isinstance(facts, FactTable):  # one kind, already in columns
            n = len(facts)
            conditions = by_kind.get(facts.kind, [])
            if not conditions:
                return [], n
            evaluated = self._kind(plan.digest, facts.kind, conditions, facts.column, facts.data,
                                   list(range(n)), hits)
            return sorted(hits), evaluated
        members: dict[str, list[int]] = {}
        for j, fact in enumerate(facts):
            members.setdefault(fact.kind, []).append(j)
        evaluated = 0
        for kind, idx in members.items():
            conditions = by_kind.get(kind, [])
            if not conditions:
                evaluated += len(idx)
                continue
            datas = [facts[j].data for j in idx]
            evaluated += self._kind(plan.digest, kind, conditions, lambda k, ds=datas: [d.get(k) for d in ds],
                                    datas.__getitem__, idx, hits)
        return sorted(hits), evaluated

    def _kind(self, digest: str, kind: str, conditions: list[tuple[int, Expr]],
              values_of: Callable[[str], Sequence[Any]], data_of: Callable[[int], Mapping[str, Any]],
              idx: list[int], hits: list[Hit]) -> int:
        """Hits of one kind's conditions over its facts; returns how many facts were evaluated.

        ``values_of(key)``: the field's value in each fact (None: absent); ``data_of(r)``: fact
        ``r`` as a mapping, for the conditions left to the reference."""
        wanted = _wanted(conditions)
        columns: dict[str, pl.Series] = {}
        for key, field_kind in wanted.items():
            if field_kind is not None and (col := _column(key, field_kind, values_of(key))) is not None:
                columns[key] = col
        usable = frozenset((k, t) for k, t in wanted.items() if k in columns and t is not None)
        compiled = self._compiled.get((digest, kind, usable))
        if compiled is None:
            compiled = _compile(conditions, dict(usable))
            self._compiled[(digest, kind, usable)] = compiled
        rows = len(idx)
        if compiled.exprs:
            out = pl.DataFrame(list(columns.values())).select(**compiled.exprs)  # each test reads a column
            if out.height != rows:
                return 0  # the caller's count check stops the run
            for name in out.columns:
                i = int(name[1:])
                hits.extend((i, idx[r]) for r in out[name].arg_true().to_list())
        for i, condition in compiled.slow:
            hits.extend((i, idx[r]) for r in range(rows) if holds(condition, data_of(r)))
        return rows


@dataclass(frozen=True)
class _Compiled:
    exprs: dict[str, pl.Expr]  # "r<rule index>" -> boolean expression
    slow: list[tuple[int, Expr]]  # conditions left to the reference


def _wanted(conditions: list[tuple[int, Expr]]) -> dict[str, str | None]:
    """Each field the conditions read, with its declared type (None: read as two types)."""
    wanted: dict[str, str | None] = {}
    for _, condition in conditions:
        for f in referenced_fields(condition):
            wanted[f.key] = f.type if wanted.get(f.key, f.type) == f.type else None
    return wanted


def _compile(conditions: list[tuple[int, Expr]], columns: dict[str, str]) -> _Compiled:
    compiler = _Compiler(columns)
    exprs: dict[str, pl.Expr] = {}
    slow: list[tuple[int, Expr]] = []
    for i, condition in conditions:
        compiled = compiler.condition(condition)
        if compiled is None:
            slow.append((i, condition))
        else:
            exprs[f"r{i}"] = compiled
    return _Compiled(exprs, slow)
