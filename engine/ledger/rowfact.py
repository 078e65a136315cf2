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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.classify.verdict import counted_as_major
from engine.compile.rowfact import row_fact_conditions
from engine.expr.evaluate import holds
from engine.expr.nodes import Expr
from engine.model.classification import Classification
from engine.model.ledger import COMPUTATIONS, LedgerForm, RowFactField
from engine.read.text import clean_unit_name


@dataclass(frozen=True)
class RowContext:
    """What the named computations read for one row."""

    line: int
    values: Mapping[str, Any]  # typed column values by field key
    result: Classification
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


def _column(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


_PER_CLASSIFICATION = frozenset({"verdict", "matches_item", "matched_refs", "matched_words"})


class RowFactPlan:
    """The form's ``row_fact`` with each ``when`` compiled once (engine/compile/rowfact.py).

    Fields that depend only on the row's classification (its verdict, the items it matches)
    are computed once per distinct classification: a ledger repeats findings.
    """

    def __init__(self, form: LedgerForm) -> None:
        self.fields = form.row_fact
        self.conditions: dict[str, Expr] = row_fact_conditions(form.row_fact)
        self._keys = {n: rf.key for rf in form.row_fact for n in (rf.key, rf.name)}
        # id(classification) -> (the classification, held so its id is not reused; its values)
        self._shared: dict[int, tuple[Classification, list[Any]]] = {}

    def build(self, c: RowContext) -> dict[str, Any]:
        held = self._shared.get(id(c.result))
        if held is None or held[0] is not c.result:
            values = [_COMPUTE[rf.compute](c, rf) for rf in self.fields if rf.compute in _PER_CLASSIFICATION]
            held = self._shared[id(c.result)] = (c.result, values)
        taken = iter(held[1])
        data: dict[str, Any] = {}
        for rf in self.fields:
            if rf.column is not None:
                value = _column(c.values.get(rf.column))
            elif rf.compute is not None:
                value = next(taken) if rf.compute in _PER_CLASSIFICATION else _COMPUTE[rf.compute](c, rf)
            elif rf.only_if is not None and data.get(self._key_of(rf.only_if)) is None:
                value = None
            else:
                value = holds(self.conditions[rf.key], data)
            if value is not None:
                data[rf.key] = value
        return data

    def _key_of(self, name: str) -> str:
        return self._keys[name]
