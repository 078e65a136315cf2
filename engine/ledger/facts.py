"""Turn a hazard ledger into facts: typed columns, the criteria verdict, derived duties.

Every row is classified against the determination criteria (through the same backend as
``hazcheck classify``); the verdict, the five-in-place gaps, sign-offs and deadlines are
then asserted as one ``ledger_row`` fact per row, and the ledger rules judge those. With a
return (``--return``), the rows are counted per unit by engine/ledger/recount.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.classify.facts import FactError, parse_pairs, typed_facts
from engine.classify.inputs import parse_day, sector_facts
from engine.classify.run import ClassifiedBatch, Classifier, FindingInput, GroupHelpers
from engine.classify.sectors import SectorWords, UnknownSector, norm, words_for
from engine.classify.select import EditionsInForce, Selection, select_standards
from engine.classify.verdict import DATE_UNREADABLE, undated
from engine.facts import Fact, FactTable
from engine.ledger.rowfact import RowContext, RowFactPlan
from engine.load.criteria import CriteriaSet
from engine.model.classification import Classification
from engine.model.ledger import (
    Ledger,
    LedgerField,
    LedgerForm,
    LedgerRow,
    RowValues,
    collector_paused,
    column_of,
)
from engine.model.records import CellRef
from engine.progress import STEP, Progress, silent
from engine.read.numbers import parse_value, yes_no

_TEXT_OR_BLANK = frozenset({str, type(None)})
_TRUE = frozenset({"已签字", "已挂牌", "已处罚"})  # beyond engine.read.numbers.yes_no: ledger wording
_FALSE = frozenset({"未签字", "未挂牌", "未处罚", "/", "—", "-"})


def _typed(field: LedgerField, raw: object) -> Any:
    """The value of one cell; raises ValueError with the text when it cannot be that type."""
    if raw is None:
        return field.blank if field.type == "bool" else None
    if field.type == "bool":
        answer = yes_no(raw, _TRUE, _FALSE)
        if answer is None:
            raise ValueError(f"应为 是/否，写的是 “{raw}”")
        return answer
    if field.type == "number":
        value, status = parse_value(raw, "amount")  # 3, 3.5万元, １２, 1,234 as on returns
        if status == "unreadable":
            raise ValueError(f"应为数值，写的是 “{raw}”")
        return value
    if field.type == "date":
        try:
            return parse_day(raw, serials=True)
        except ValueError:  # its own message begins 日期 “…”: after the column's label, say it once
            raise ValueError(f"应为日期（如 2024-03-01），写的是 “{raw}”") from None
    text = re.sub(r"\s+", "", str(raw)) if field.values else str(raw).strip()
    text = field.synonyms.get(text, text)
    if field.values and text not in field.values:
        raise ValueError(f"应为 {'、'.join(field.values)} 之一，写的是 “{raw}”")
    return text


@dataclass(slots=True)
class _Row:
    row: LedgerRow
    values: Mapping[str, Any]
    unreadable: tuple[str, ...]  # () for most rows: one shared empty tuple, not a list each
    facts: dict[str, Any]
    facts_problem: str | None
    sector: str | None
    production: bool | None = None  # None: the file says nothing (no column, or blank)
    production_reason: str = ""  # why the row is taken as not a production unit, for the message


@dataclass(frozen=True)
class TypedColumns:
    """A ledger's cells typed a column at a time (``CellTyper.columns``)."""

    values: dict[str, list[Any]]  # field key -> each row's typed value
    problems: dict[int, tuple[str, ...]]  # row -> what could not be read (rows read whole: absent)


class CellTyper:
    """``_typed`` remembered per (column, cell value): a ledger repeats its dates, levels and
    yes/no answers on every row, so each distinct cell is read once."""

    def __init__(self, form: LedgerForm) -> None:
        self.fields = tuple(f for f in form.fields if f.type != "facts")
        self._at = {f.key: i for i, f in enumerate(self.fields)}
        # per field: text cell -> answer, and (type, value) -> answer for other cells (True, 1
        # and 1.0 are one dict key otherwise)
        self._texts: dict[str, dict[str, tuple[Any, str | None]]] = {f.key: {} for f in self.fields}
        self._others: dict[tuple[str, type, object], tuple[Any, str | None]] = {}

    def _answer(self, field: LedgerField, raw: object) -> tuple[Any, str | None]:
        try:
            return _typed(field, raw), None
        except ValueError as exc:
            return None, f"{field.label}{exc}"

    def _cell(self, field: LedgerField, cell: object) -> tuple[Any, str | None]:
        """The answer for one cell, remembered."""
        if type(cell) is str:
            seen = self._texts[field.key]
            answer = seen.get(cell)
            if answer is None:
                answer = seen[cell] = self._answer(field, cell)
            return answer
        key = (field.key, type(cell), cell)
        answer = self._others.get(key)
        if answer is None:
            answer = self._others[key] = self._answer(field, cell)
        return answer

    def row(self, raw: Mapping[str, object]) -> tuple[Mapping[str, Any], tuple[str, ...]]:
        """The typed values of one row's cells, and what could not be read."""
        values: list[Any] = []
        unreadable: list[str] = []
        for f in self.fields:
            answer = self._cell(f, raw.get(f.key))
            values.append(answer[0])
            if answer[1] is not None:
                unreadable.append(answer[1])
        return RowValues(self._at, tuple(values)), tuple(unreadable)

    def rows(self, raws: Sequence[Mapping[str, object]]) -> list[tuple[Mapping[str, Any], tuple[str, ...]]]:
        """``[self.row(raw) for raw in raws]``, typed a column at a time (``columns``)."""
        return self.rows_of(self.columns(raws), len(raws))

    def columns(self, raws: Sequence[Mapping[str, object]]) -> TypedColumns:
        """The rows' cells typed a column at a time.

        A column of a city's ledger holds a few thousand distinct cells over a million rows:
        each distinct cell is typed once and every row's value is one lookup, instead of a
        dozen method calls per row.
        """
        values: dict[str, list[Any]] = {}
        problems: dict[int, list[str]] = {}  # row -> what could not be read, in field order
        for f in self.fields:
            values[f.key], bad = self._column(f, column_of(raws, f.key))
            for i, problem in bad:
                problems.setdefault(i, []).append(problem)
        return TypedColumns(values, {i: tuple(p) for i, p in problems.items()})

    def rows_of(self, typed: TypedColumns, n: int) -> list[tuple[Mapping[str, Any], tuple[str, ...]]]:
        """The ``n`` rows of ``typed`` as ``row`` gives them: their values, what could not be read."""
        at, problems = self._at, typed.problems
        if not self.fields:
            return [(RowValues(at, ()), ()) for _ in range(n)]
        rows = zip(*(typed.values[f.key] for f in self.fields), strict=True)
        return [(RowValues(at, values), problems.get(i, ())) for i, values in enumerate(rows)]

    def _column(self, field: LedgerField, cells: list[object]) -> tuple[list[Any], list[tuple[int, str]]]:
        """One field's typed values, and (row, problem) for the cells that could not be read."""
        if set(map(type, cells)) <= _TEXT_OR_BLANK:  # a csv column: each distinct text one dict key
            answers = {c: self._cell(field, c) for c in dict.fromkeys(cells)}
            value_of = {c: a[0] for c, a in answers.items()}
            bad = {c: a[1] for c, a in answers.items() if a[1] is not None}
            values = list(map(value_of.__getitem__, cells))
            return values, [(i, bad[c]) for i, c in enumerate(cells) if c in bad] if bad else []
        typed = [self._cell(field, c) for c in cells]  # True, 1 and 1.0: one dict key otherwise
        return [a[0] for a in typed], [(i, a[1]) for i, a in enumerate(typed) if a[1] is not None]


def _read_row(row: LedgerRow, classifier: Classifier, typer: CellTyper,
              facts_seen: dict[str, tuple[dict[str, Any], str | None]],
              typed: tuple[Mapping[str, Any], tuple[str, ...]] | None = None) -> _Row:
    """The row read: its typed cells (``typed``: as ``typer.rows`` gave them), its 事实 cell, its sector."""
    values, unreadable = typed if typed is not None else typer.row(row.raw)
    raw_facts = row.raw.get("facts")
    facts: dict[str, Any] = {}
    problem = None
    if raw_facts is not None:
        text = str(raw_facts)
        if text not in facts_seen:  # a ledger repeats its 事实 cells too
            try:
                facts_seen[text] = (typed_facts(classifier.cs, parse_pairs(text)), None)
            except FactError as exc:
                facts_seen[text] = ({}, str(exc) + (f"（{exc.hint}）" if exc.hint else ""))
        shared, problem = facts_seen[text]
        facts = shared  # read, never written: rows with the same 事实 cell share one mapping
    sector = values.get("sector")
    written = row.raw.get("is_production_unit")
    production = values.get("is_production_unit") if written is not None else None
    return _Row(row, values, unreadable, facts, problem, sector, production)


class _SectorReader:
    """Reads the written 行业 of each row through the sector table, once per distinct answer.

    What the answer depends on is narrower than the row: the enterprise name and the
    description matter only for a family word (工贸), and only through the sector they name,
    and the date only through which editions are in force — so a city's ledger with a
    quarter of a million enterprises and three years of dates asks the table a few hundred
    times, not once a row.
    """

    def __init__(self, classifier: Classifier, words: SectorWords) -> None:
        self.cs, self.words = classifier.cs, words
        self._answers: dict[tuple[Any, ...], Any] = {}
        self._meanings: dict[str, tuple[Any, bool]] = {}
        self._in_force = EditionsInForce(classifier.cs)
        self._editions: dict[date, int] = {}  # day -> number of the editions in force on it
        self._numbers: dict[tuple[str, ...], int] = {}  # editions in force -> their number
        self._facts_keys: dict[int, tuple[Mapping[str, Any], tuple[Any, ...]]] = {}
        self._selections: dict[tuple[Any, ...], Selection] = {}  # the standards per word and editions

    def _meaning(self, word: str) -> tuple[Any, bool]:
        """What the word means (or the UnknownSector it raised), and whether it names only a
        family (工贸), whose sector is read from the enterprise and the description."""
        known = self._meanings.get(word)
        if known is None:
            try:
                meaning = self.words.resolve(self.cs, word)
            except UnknownSector as exc:
                meaning = exc
            family = (not isinstance(meaning, UnknownSector) and meaning.sector is None
                      and meaning.family is not None)
            known = self._meanings[word] = (meaning, family)
        return known

    def _edition_number(self, on: date) -> int:
        """The editions in force on ``on`` as a number (equal editions, equal number): a row's
        answer is looked up by it, not by hashing a tuple of a few dozen ids each row."""
        number = self._editions.get(on)
        if number is None:
            number = self._editions[on] = self._numbers.setdefault(self._in_force(on), len(self._numbers))
        return number

    def _facts_key(self, facts: Mapping[str, Any]) -> tuple[Any, ...]:
        """``tuple(sorted(facts.items()))``, once per mapping: rows share their 事实 mappings."""
        if not facts:
            return ()
        known = self._facts_keys.get(id(facts))
        if known is None or known[0] is not facts:  # the mapping held beside it: its id is not reused
            known = self._facts_keys[id(facts)] = (facts, tuple(sorted(facts.items())))
        return known[1]

    def apply(self, r: _Row, on: date) -> None:
        """Set the row's 行业/细分行业 from its written word, or say why not.

        A word naming no sector is an unreadable cell (the row is still classified, without
        it); a non-production sector (教育, 机关) marks the row as not a production unit.
        """
        if r.sector is None:
            return
        word = r.sector
        meaning, family = self._meaning(word)
        values = r.values
        enterprise, text = values.get("enterprise"), values.get("description")
        # a family word's standards depend on the enterprise name and the description only
        # through the sector they name (select_standards infers it the same way)
        named = (self.words.infer(self.cs, meaning.family, (("企业名称", enterprise), ("隐患描述", text)))
                 if family else None)
        chosen = (word, named, self._edition_number(on))
        key = (*chosen, self._facts_key(r.facts))
        if key not in self._answers:
            try:
                if chosen not in self._selections:
                    self._selections[chosen] = select_standards(self.cs, word, on, enterprise=enterprise,
                                                                text=text, words=self.words)
                self._answers[key] = sector_facts(self.cs, word, on, r.facts, enterprise=enterprise,
                                                  text=text, words=self.words,
                                                  selection=self._selections[chosen])
            except UnknownSector as exc:
                self._answers[key] = exc
        answer = self._answers[key]
        if isinstance(answer, UnknownSector):
            r.sector = None
            if not isinstance(meaning, UnknownSector) and not meaning.production:
                if r.production is None:
                    r.production, r.production_reason = False, f"：行业“{word}”，{meaning.reason}"
                return
            r.unreadable = (*r.unreadable, f"行业：{answer}" + (f"（{answer.hint}）" if answer.hint else ""))
            return
        r.sector, r.facts = answer[0], answer[1]  # shared by the rows with the same answer; never written
        if not isinstance(meaning, UnknownSector) and not meaning.production and r.production is None:
            # judged under its sector's standard, not counted among the return's major hazards
            r.production, r.production_reason = False, f"：行业“{word}”，{meaning.reason}"


def _recognise_non_production(words: SectorWords, r: _Row, seen: dict[Any, str | None]) -> None:
    """Without a 是否生产经营单位 answer, a school's or a residential compound's name says it
    (each distinct name asked once: ``seen``)."""
    if r.production is not None:
        return
    name = r.values.get("enterprise")
    if name not in seen:
        seen[name] = words.non_production_reason(name)
    reason = seen[name]
    if reason:
        r.production, r.production_reason = False, f"：{reason}"


def _duplicates(rows: Sequence[_Row]) -> dict[int, _Row]:
    """Row index → the first row with the same unit, enterprise, description and date."""
    first: dict[tuple[str, ...], _Row] = {}
    out: dict[int, _Row] = {}
    normed: dict[object, str] = {None: ""}  # each distinct cell normalised once

    def n(value: object) -> str:
        if value not in normed:
            normed[value] = norm(str(value))
        return normed[value]

    for i, r in enumerate(rows):
        v = r.values
        if not v.get("description") or not v.get("enterprise"):
            continue  # nothing to compare: two blank descriptions are not the same finding
        key = (n(v.get("unit")), n(v.get("enterprise")), n(v.get("description")), n(v.get("found_date")))
        if key in first:
            out[i] = first[key]
        else:
            first[key] = r
    return out


def ledger_row_facts(ledger: Ledger, form: LedgerForm, classifier: Classifier, as_of: date, *,
                     per_row: bool = False, helpers: GroupHelpers | None = None,
                     progress: Progress = silent) -> tuple[Sequence[Fact], list[Classification]]:
    """One ``ledger_row`` fact per row, and each row's classification.

    ``per_row`` classifies every row on its own instead of once per distinct finding: the
    reference the joined path must equal (tests), and the benchmark's baseline; it also
    builds each row's fact as its own dict, where the joined path returns a FactTable (the
    same facts as columns). Rows that repeat a finding share one Classification object
    (undated: the row fact has the date, and the date's notes are in its 判定说明).
    """
    with collector_paused():  # a million rows' objects, kept and acyclic: nothing for it to find
        return _ledger_row_facts(ledger, form, classifier, as_of, per_row=per_row, helpers=helpers,
                                 progress=progress)


def _ledger_row_facts(ledger: Ledger, form: LedgerForm, classifier: Classifier, as_of: date, *,
                      per_row: bool, helpers: GroupHelpers | None,
                      progress: Progress) -> tuple[Sequence[Fact], list[Classification]]:
    typer = CellTyper(form)
    facts_seen: dict[str, tuple[dict[str, Any], str | None]] = {}
    total = len(ledger.rows)
    columns = typer.columns([row.raw for row in ledger.rows])
    typed = typer.rows_of(columns, total)
    rows = []
    for n, (row, cells) in enumerate(zip(ledger.rows, typed, strict=True), start=1):
        rows.append(_read_row(row, classifier, typer, facts_seen, cells))
        if n % STEP == 0 or n == total:
            progress("读取各行", n, total)
    del typed
    words = words_for(classifier.cs)
    inputs = []
    sectors = _SectorReader(classifier, words)
    names: dict[Any, str | None] = {}
    for r in rows:
        on = r.values.get("found_date") or as_of
        sectors.apply(r, on)
        _recognise_non_production(words, r, names)
        inputs.append(FindingInput(r.facts, on, r.sector, r.values.get("description"), f"第{r.row.line}行",
                                   given_as="事实列"))
    progress("按判定标准判定", 0, total)
    batch = (ClassifiedBatch([classifier.classify(i) for i in inputs], list(range(len(inputs))),
                             [()] * len(inputs)) if per_row
             else classifier.classify_distinct(inputs, lambda done, of: progress("按判定标准判定", done, of),
                                               helpers=helpers))
    del inputs  # a million rows' inputs are not needed past here
    progress("按判定标准判定", total, total)
    repeats = _duplicates(rows)
    plan = RowFactPlan(form)
    results = [batch.results[w] for w in batch.which]
    _undated(rows, results, classifier.cs)
    contexts = []
    for i, (r, result) in enumerate(zip(rows, results, strict=True)):
        first = repeats.get(i)
        contexts.append(RowContext(
            line=r.row.line, values=r.values, result=result,
            reasons=(result.reasons[0], *batch.reasons(i)) if result.rule == DATE_UNREADABLE.code
            else batch.reasons(i),
            repeat_of=(first.row.line, first.values.get("finding_id")) if first is not None else None,
            production=r.production, production_reason=r.production_reason,
            unreadable=r.unreadable, facts_problem=r.facts_problem, as_of=as_of))
    ledger_rows = [r.row for r in rows]
    del rows

    def cells(i: int) -> tuple[list[CellRef], dict[str, CellRef]]:
        facts_cell = ledger_rows[i].cell("facts")
        return [ledger_rows[i].ref], ({"facts": facts_cell} if facts_cell is not None else {})

    if per_row:  # the reference: one dict per row, as the table must equal
        facts = []
        for i, context in enumerate(contexts):
            data = plan.build(context)
            facts.append(Fact("ledger_row", data, data.get("unit"), *cells(i)))
        return facts, results
    keys = [rf.key for rf in form.row_fact]
    table = FactTable("ledger_row", keys, plan.columns(contexts, columns.values), cells, len(contexts))
    return table, results


def _undated(rows: Sequence[_Row], results: list[Classification], cs: CriteriaSet) -> None:
    """Rows whose 发现日期 is written but unreadable, where their standards have another
    edition: the verdict rule DATE_UNREADABLE (engine/classify/verdict.py) applies."""
    editions: dict[str, int] = {}
    for ls in cs.standards.values():
        editions[ls.standard.family] = editions.get(ls.standard.family, 0) + 1
    family = {sid: ls.standard.family for sid, ls in cs.standards.items()}
    made: dict[int, Classification] = {}
    for i, r in enumerate(rows):
        if r.row.raw.get("found_date") is None or r.values.get("found_date") is not None:
            continue
        result = results[i]
        if not any(editions.get(family.get(s.id, ""), 0) > 1 for s in result.standards):
            continue
        if id(result) not in made:
            made[id(result)] = undated(result)
        results[i] = made[id(result)]
