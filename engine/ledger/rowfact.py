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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any

from engine.classify.verdict import counted_as_major
from engine.compile.rowfact import row_fact_conditions
from engine.expr.nodes import Expr
from engine.expr.normalize import referenced_fields
from engine.expr.predicate import compile_predicate
from engine.model.classification import Classification
from engine.model.ledger import COMPUTATIONS, LedgerForm, RowFactField, column_of
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


class _Rows:
    """A ledger's row contexts read a column at a time, each column made once when asked for
    (``typed``: the contexts' values as columns already, when the caller has them)."""

    def __init__(self, contexts: Sequence[RowContext], typed: Mapping[str, list[Any]] | None = None) -> None:
        self.contexts = contexts
        self._values = [c.values for c in contexts]
        self._columns: dict[str, list[Any]] = dict(typed or {})
        self._patterns: dict[tuple[str, tuple[str, ...]], list[tuple[bool, ...]]] = {}

    def column(self, key: str) -> list[Any]:
        """A typed column's value in every row (None: blank)."""
        if key not in self._columns:
            self._columns[key] = column_of(self._values, key)
        return self._columns[key]

    def attribute(self, name: str) -> list[Any]:
        return list(map(attrgetter(name), self.contexts))

    def blanks(self, keys: tuple[str, ...]) -> list[tuple[bool, ...]]:
        """Per row, which of ``keys`` are blank (None or ""), as ``_blank`` tests them."""
        return self._pattern("blank", keys, lambda v: v is None or v == "")

    def filled(self, keys: tuple[str, ...]) -> list[tuple[bool, ...]]:
        """Per row, which of ``keys`` are filled (not None), as ``filled`` tests them."""
        return self._pattern("filled", keys, lambda v: v is not None)

    def _pattern(self, name: str, keys: tuple[str, ...],
                 test: Callable[[Any], bool]) -> list[tuple[bool, ...]]:
        if (name, keys) not in self._patterns:
            flags = [list(map(test, self.column(k))) for k in keys]
            n = len(self.contexts)
            self._patterns[(name, keys)] = list(zip(*flags, strict=True)) if keys else [()] * n
        return self._patterns[(name, keys)]


def _distinct(make: Callable[[Any], Any], values: Sequence[Any]) -> list[Any]:
    """``[make(v) for v in values]``, made once per distinct text (or blank): a ledger repeats
    its units, dates and reasons on every row. Values of other types are made each time
    (True, 1 and 1.0 are one dict key)."""
    made: dict[Any, Any] = {}
    out = []
    for v in values:
        if v is None or type(v) is str:
            if v not in made:
                made[v] = make(v)
            out.append(made[v])
        else:
            out.append(make(v))
    return out


def _blank_columns(rows: _Rows, f: RowFactField) -> tuple[list[int], list[str | None]]:
    """``blank_count`` and ``blank_names`` of every row, from one pass over the blank patterns."""
    shown = f.names or f.of
    answers: dict[tuple[bool, ...], tuple[int, str | None]] = {}
    for pattern in set(rows.blanks(f.of)):
        names = [name for name, blank in zip(shown, pattern, strict=True) if blank]
        answers[pattern] = (len(names), "、".join(names) or None)
    patterns = rows.blanks(f.of)
    return [answers[p][0] for p in patterns], [answers[p][1] for p in patterns]


def _once_each(make: Callable[[Any], Any], values: Sequence[Any]) -> list[Any]:
    """``[make(v) for v in values]``, made once per distinct value: only for values whose
    equals give equal answers (dates, tuples of texts)."""
    made: dict[Any, Any] = {}
    return [made[v] if v in made else made.setdefault(v, make(v)) for v in values]


# the computations worth doing a column at a time (the others run row by row): each gives,
# row for row, what _COMPUTE gives (tests/test_row_fact.py compares the two)
_COLUMNWISE: dict[str, Callable[[_Rows, RowFactField], list[Any]]] = {
    "unit_name": lambda rows, f: _distinct(lambda u: clean_unit_name(u) or None, rows.column("unit")),
    "finding_id": lambda rows, f: [str(v or f"第{line}行") for v, line in
                                   zip(rows.column("finding_id"), rows.attribute("line"), strict=True)],
    "production": lambda rows, f: [p if p is not None else v for p, v in
                                   zip(rows.attribute("production"), rows.column("is_production_unit"),
                                       strict=True)],
    "production_reason": lambda rows, f: rows.attribute("production_reason"),
    "counted_major": lambda rows, f: [
        counted_as_major(level, p if p is not None else v, c.result.verdict,  # type: ignore[union-attr]
                         duplicate=c.repeat_of is not None)
        for level, p, v, c in zip(rows.column("reported_level"), rows.attribute("production"),
                                  rows.column("is_production_unit"), rows.contexts, strict=True)],
    "duplicate": lambda rows, f: [r is not None for r in rows.attribute("repeat_of")],
    "blank_count": lambda rows, f: _blank_columns(rows, f)[0],
    "blank_names": lambda rows, f: _blank_columns(rows, f)[1],
    "filled": lambda rows, f: list(map(all, rows.filled(f.of))),
    "as_of": lambda rows, f: _once_each(lambda d: d.isoformat(), rows.attribute("as_of")),
    "before": lambda rows, f: list(map(_before, rows.column(f.of[0]), rows.column(f.of[1]))),
    "before_as_of": lambda rows, f: list(map(_before, rows.column(f.of[0]), rows.attribute("as_of"))),
    "unreadable_count": lambda rows, f: list(map(len, rows.attribute("unreadable"))),
    "unreadable": lambda rows, f: _once_each(lambda u: "；".join(u) or None, rows.attribute("unreadable")),
    "facts_readable": lambda rows, f: [p is None for p in rows.attribute("facts_problem")],
    "facts_problem": lambda rows, f: rows.attribute("facts_problem"),
}
assert set(_COLUMNWISE) <= set(_COMPUTE)


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
        # each when's fields, by key: what its answer depends on
        self._reads = {key: tuple(sorted({f.key for f in referenced_fields(cond)}))
                       for key, cond in self.conditions.items()}
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

    def columns(self, contexts: Sequence[RowContext],
                typed: Mapping[str, list[Any]] | None = None) -> dict[str, list[Any]]:
        """Every row's fact at once, field by field (None: absent): equal, row for row, to
        ``build`` (tests/test_row_fact.py), without a dict per row. ``typed``: the contexts'
        values as columns (CellTyper.columns), if the caller has them, read as they are.

        A column's values are read by position, a computation with a column form
        (``_COLUMNWISE``) runs once over the columns, and a ``when`` is decided once per
        distinct combination of the fields it reads: a ledger's rows repeat their answers.
        """
        cols: dict[str, list[Any]] = {}
        shared: dict[int, list[Any]] = {}
        for c in contexts:
            if id(c.result) not in shared:
                shared[id(c.result)] = self._per_classification(c)
        by_row = [shared[id(c.result)] for c in contexts]
        rows = _Rows(contexts, typed)
        iso: dict[date, str] = {}
        for key, how, a, b in self._steps:
            if how == _COLUMN:
                col = [(iso[v] if v in iso else iso.setdefault(v, v.isoformat())) if isinstance(v, date)
                       else v for v in rows.column(a)]
            elif how == _SHARED:
                col = [values[a] for values in by_row]
            elif how == _COMPUTED:
                columnwise = _COLUMNWISE.get(b.compute)
                col = columnwise(rows, b) if columnwise is not None else [a(c, b) for c in contexts]
            elif how == _WHEN:
                col = _decided(a, self._reads[key], cols, None, len(contexts))
            else:
                col = _decided(a, self._reads[key], cols, cols[b], len(contexts))
            cols[key] = col
        return cols


def _decided(test: Callable[[Mapping[str, Any]], Any], reads: tuple[str, ...], cols: dict[str, list[Any]],
             gate: list[Any] | None, n: int) -> list[Any]:
    """A ``when`` over the columns built so far (None where the ``only_if`` ``gate`` is blank).

    Its answer depends only on the fields it reads, so it is asked once per distinct
    combination of their values (and types: True, 1 and 1.0 are one dict key) as one row's
    mapping of those fields would show them.
    """
    read = [cols.get(k) or [None] * n for k in reads]
    combos = zip(*read, *(list(map(type, c)) for c in read), strict=True) if reads else iter([()] * n)
    answers: dict[tuple[Any, ...], Any] = {}
    out: list[Any] = []
    for i, combo in enumerate(combos):
        if gate is not None and gate[i] is None:
            out.append(None)
            continue
        if combo not in answers:
            answers[combo] = test({k: v for k, v in zip(reads, combo, strict=False) if v is not None})
        out.append(answers[combo])
    return out
