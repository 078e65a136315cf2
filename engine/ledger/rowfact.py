"""Build each row's ``ledger_row`` fact from the fields the form declares (``row_fact:``).

The form file says what the fact holds and how each field comes about — a column's value,
a yes/no condition over the fields declared before it (the condition language of the
rules), or one of the named computations of ``COMPUTATIONS`` (the criteria verdict, repeats,
the five-in-place gaps…). This module holds only those mechanisms, so a rule author adds a
column and a field derived from it in YAML. The fields built are exactly the fields
declared, in their order; blank (None) fields are left out, as the rules expect.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.classify.verdict import counted_as_major
from engine.compile.rowfact import row_fact_conditions
from engine.expr.nodes import Expr
from engine.expr.predicate import compile_predicate
from engine.model.classification import Classification
from engine.model.ledger import COMPUTATIONS, LedgerForm, RowFactField
from engine.read.text import clean_unit_name
from engine.read.unitkind import guess_unit_kind


@dataclass(frozen=True, slots=True)  # slots: one per ledger row
class RowContext:
    """What the named computations read for one row."""

    line: int
    values: Mapping[str, Any]  # typed column values by field key
    result: Classification | None  # None: a detail form, whose rows are counted, not classified
    reasons: tuple[str, ...]  # the classification's reasons, this row's date notes included
    repeat_of: tuple[int, str | None] | None  # (line, 编号) of the first row it repeats
    production: bool | None
    production_reason: str
    unreadable: tuple[str, ...]
    facts_problem: str | None
    as_of: date


def _production(c: RowContext, _: RowFactField) -> Any:
    return c.production if c.production is not None else c.values.get("is_production_unit")


def _reason(c: RowContext, _: RowFactField) -> Any:
    if c.facts_problem:
        return f"事实列无法识别（{c.facts_problem}）"
    if not c.reasons:
        return None
    return ("据描述，" if c.result.from_text else "") + c.reasons[0]


def _counted(c: RowContext, f: RowFactField) -> Any:
    return counted_as_major(c.values.get("reported_level"), _production(c, f), c.result.verdict,
                            duplicate=c.repeat_of is not None)


def _before(a: Any, b: Any) -> bool:
    return isinstance(a, date) and isinstance(b, date) and a < b


def _blank(c: RowContext, f: RowFactField) -> list[str]:
    shown = f.names or f.of
    return [name for key, name in zip(f.of, shown, strict=True) if c.values.get(key) in (None, "")]


def _words(result: Classification) -> str:
    """"（据描述：正压吹送、铝粉）": the description's words behind the items that hold; "" if none.

    Taken from the facts read from the description that a matched item's conditions read,
    else from the words the item itself lists. Blank rather than absent, so a message
    template can always carry it.
    """
    conditions = [c.condition for m in result.matches for c in m.conditions]
    words: list[str] = []
    for src in getattr(result, "sources", ()):
        if src.source == "描述" and src.used and src.words and any(src.name in c for c in conditions):
            words.extend(w for w in re.split(r"[、，,]", src.words) if w and w not in words)
    if not words:
        for m in result.matches:
            words.extend(str(w) for w in m.words if str(w) not in words)
    # a word inside a longer one says nothing more (未取得特种作业 in 未取得特种作业操作证)
    words = [w for w in words if not any(w != other and w in other for other in words)]
    return f"（据描述：{'、'.join(words)}）" if words else ""



_COMPUTE: dict[str, Callable[[RowContext, RowFactField], Any]] = {
    "unit_name": lambda c, f: clean_unit_name(c.values.get("unit")) or None,
    "finding_id": lambda c, f: str(c.values.get("finding_id") or f"第{c.line}行"),
    "unit_kind": lambda c, f: guess_unit_kind(c.values.get("unit") or ""),
    "production": _production,
    "production_reason": lambda c, f: c.production_reason,
    "verdict": lambda c, f: c.result.verdict,
    "matches_item": lambda c, f: bool(c.result.matches),
    "matched_refs": lambda c, f: "；".join(f"{m.number}{m.ref}" for m in c.result.matches) or None,
    "matched_words": lambda c, f: _words(c.result),
    "verdict_reason": _reason,
    "counted_major": _counted,
    "duplicate": lambda c, f: c.repeat_of is not None,
    "duplicate_of": lambda c, f: (f"第{c.repeat_of[0]}行（{c.repeat_of[1] or '无编号'}）"
                                  if c.repeat_of is not None else None),
    "blank_count": lambda c, f: len(_blank(c, f)),
    "blank_names": lambda c, f: "、".join(_blank(c, f)) or None,
    "filled": lambda c, f: all(c.values.get(k) is not None for k in f.of),
    "as_of": lambda c, f: c.as_of.isoformat(),
    "before": lambda c, f: _before(c.values.get(f.of[0]), c.values.get(f.of[1])),
    "before_as_of": lambda c, f: _before(c.values.get(f.of[0]), c.as_of),
    "unreadable_count": lambda c, f: len(c.unreadable),
    "unreadable": lambda c, f: "；".join(c.unreadable) or None,
    "facts_readable": lambda c, f: c.facts_problem is None,
    "facts_problem": lambda c, f: c.facts_problem,
}
assert set(_COMPUTE) == set(COMPUTATIONS), "every computation the form model names is built here"


_PER_CLASSIFICATION = frozenset({"verdict", "matches_item", "matched_refs", "matched_words"})
_COLUMN, _SHARED, _COMPUTED, _WHEN, _ONLY_IF = range(5)


class RowFactPlan:
    """The form's ``row_fact`` compiled once: each field's source decided, each ``when`` a
    closure (engine/expr/predicate.py), so building a row's fact walks no tree and looks
    nothing up by name.

    Fields that depend only on the row's classification (its verdict, the items it matches)
    are computed once per distinct classification: a ledger repeats findings.
    """

    def __init__(self, form: LedgerForm) -> None:
        self.fields = form.row_fact
        self.conditions: dict[str, Expr] = row_fact_conditions(form.row_fact)
        keys = {n: rf.key for rf in form.row_fact for n in (rf.key, rf.name)}
        shared = [rf for rf in form.row_fact if rf.compute in _PER_CLASSIFICATION]
        self._shared_fields = shared
        steps: list[tuple[str, int, Any, Any]] = []
        for rf in form.row_fact:
            if rf.column is not None:
                steps.append((rf.key, _COLUMN, rf.column, None))
            elif rf.compute in _PER_CLASSIFICATION:
                steps.append((rf.key, _SHARED, shared.index(rf), None))
            elif rf.compute is not None:
                steps.append((rf.key, _COMPUTED, _COMPUTE[rf.compute], rf))
            elif rf.only_if is not None:
                steps.append((rf.key, _ONLY_IF, compile_predicate(self.conditions[rf.key]), keys[rf.only_if]))
            else:
                steps.append((rf.key, _WHEN, compile_predicate(self.conditions[rf.key]), None))
        self._steps = steps
        # id(classification) -> (the classification, held so its id is not reused; its values)
        self._shared: dict[int, tuple[Classification, list[Any]]] = {}

    def _per_classification(self, c: RowContext) -> list[Any]:
        """The fields that depend only on the row's classification, in ``_shared_fields`` order."""
        return [_COMPUTE[rf.compute](c, rf) for rf in self._shared_fields]  # type: ignore[index]

    def build(self, c: RowContext) -> dict[str, Any]:
        held = self._shared.get(id(c.result))
        if held is None or held[0] is not c.result:
            held = self._shared[id(c.result)] = (c.result, self._per_classification(c))
        shared, values = held[1], c.values
        data: dict[str, Any] = {}
        for key, how, a, b in self._steps:
            if how == _COLUMN:
                value = values.get(a)
                if isinstance(value, date):
                    value = value.isoformat()
            elif how == _SHARED:
                value = shared[a]
            elif how == _COMPUTED:
                value = a(c, b)
            elif how == _WHEN:
                value = a(data)
            else:
                value = None if data.get(b) is None else a(data)
            if value is not None:
                data[key] = value
        return data

    def columns(self, contexts: Sequence[RowContext]) -> dict[str, list[Any]]:
        """Every row's fact at once, field by field (None: absent): equal, row for row, to
        ``build`` (tests/test_row_fact.py), without a dict per row."""
        cols: dict[str, list[Any]] = {}
        shared: dict[int, list[Any]] = {}
        for c in contexts:
            if id(c.result) not in shared:
                shared[id(c.result)] = self._per_classification(c)
        by_row = [shared[id(c.result)] for c in contexts]
        iso: dict[date, str] = {}
        for key, how, a, b in self._steps:
            if how == _COLUMN:
                col = [c.values.get(a) for c in contexts]
                col = [(iso[v] if v in iso else iso.setdefault(v, v.isoformat())) if isinstance(v, date)
                       else v for v in col]
            elif how == _SHARED:
                col = [values[a] for values in by_row]
            elif how == _COMPUTED:
                col = [a(c, b) for c in contexts]
            else:
                view = _Built(cols)
                if how == _WHEN:
                    col = [a(view.at(i)) for i in range(len(contexts))]
                else:
                    gate = cols[b]
                    col = [None if gate[i] is None else a(view.at(i)) for i in range(len(contexts))]
            cols[key] = col
        return cols


class _Built(Mapping[str, Any]):
    """One row of the columns built so far, as the mapping a ``when`` condition reads."""

    __slots__ = ("_cols", "_i")

    def __init__(self, cols: dict[str, list[Any]]) -> None:
        self._cols, self._i = cols, 0

    def at(self, i: int) -> _Built:
        self._i = i
        return self

    def get(self, key: str, default: Any = None) -> Any:
        col = self._cols.get(key)
        value = None if col is None else col[self._i]
        return default if value is None else value

    def __getitem__(self, key: str) -> Any:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        return (k for k, col in self._cols.items() if col[self._i] is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)

