"""From a read log and a schedule to the status table and its findings.

Each log row is typed (unit, report, period, dates, marks); a row whose unit, report or period
cannot be read is not placed in the table and is a finding of its own. Then, for every unit
and every report period whose deadline falls in the window (a *slot*), the rows of that slot
decide its mark: √ on time, 迟 late, × missing once the deadline has passed, ? when a row's
date cannot be read, · not yet due, — not required of the unit's kind; 补 and 催 are added
for re-submitted and chased slots. The facts carry the same numbers, so the table and the
findings never disagree: one ``status_slot`` fact (报送) per cell, one ``status_unit`` (单位) per
unit, one ``status_row`` (登记行) per log row, their fields declared in rules/facts.yaml. They
go through the project's one rule pipeline, as a return's facts do: the schedule's plan (the
rules of rules/checks on these kinds, engine/compile/plan.py) evaluated by a backend
(durable-rules, the engine of record, or the columnar one cross-checked by it), every fact
counted, each hit made a finding by ``engine.evaluate.run.build_finding``.

The state is the state on the as-of date: a row received after it is not counted (and is
reported), so ``--as-of`` set in the past shows the table as it stood then.
"""

from __future__ import annotations

import difflib
import re
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from engine.compile.plan import Plan
from engine.errors import EvaluationError
from engine.facts import Fact
from engine.model.findings import Finding
from engine.model.rules import SEVERITY_ORDER
from engine.read.numbers import is_blank_text, raw_text, yes_no
from engine.read.text import clean_unit_name
from engine.read.unitkind import guess_unit_kind
from engine.status.periods import (
    Period,
    PeriodError,
    Window,
    complete,
    due_between,
    normal,
    quarter_window,
    read_written,
    scheduled_due,
)
from engine.status.schedule import MarkColumn, RosterUnit
from engine.status.schedule_load import Schedule, Tracked
from engine.status.submissions import Log, LogRow

ON_TIME, LATE, MISSING, UNKNOWN, NOT_DUE, NOT_REQUIRED = "√", "迟", "×", "?", "·", "—"
RESUBMITTED, CHASED = "补", "催"
LEGEND: tuple[tuple[str, str], ...] = (  # short enough for one line; README explains each
    (ON_TIME, "按时（截止日当天及以前收到）"),
    (LATE, "迟报"),
    (MISSING, "漏报（过了截止日未收到）"),
    (RESUBMITTED, "有补报（如 √补）"),
    (CHASED, "经催报（如 迟催、×催）"),
    (UNKNOWN, "登记有误，无法判断"),
    (NOT_DUE, "未到截止日"),
    (NOT_REQUIRED, "该类单位不报"),
)


@dataclass(frozen=True)
class Slot:
    """One column of the table: a report's period and its scheduled deadline."""

    tracked: Tracked
    period: Period
    due: date

    @property
    def id(self) -> str:
        return f"{self.tracked.form}:{self.period.key}"


@dataclass(frozen=True)
class UnitLine:
    unit: str
    kind: str | None
    on_roster: bool
    marks: tuple[str, ...]  # one per column
    counts: dict[str, int]  # expected, on_time, late, missing, resubmitted, chased


@dataclass(frozen=True)
class StatusResult:
    """The table (columns × units), the findings, and what was read: all a reporter needs."""

    schedule_id: str
    schedule_title: str
    schedule_source: str
    source: str
    as_of: date
    window: Window
    columns: tuple[Slot, ...]
    lines: tuple[UnitLine, ...]
    findings: list[Finding]
    roster: str  # where the units came from, in words
    untracked: tuple[str, ...]  # reports left out: tracked if-logged, and no row names them
    rows_read: int
    rows_in_window: int
    rows_outside: int
    rows_unplaced: int
    rows_flawed: int = 0  # counted, but some cell could not be read (a date, a mark)
    facts: int = 0
    checks: int = 0
    backend: str = ""  # what evaluated the checks (the audit summary's ``backend``)

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITY_ORDER}

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    @property
    def exit_code(self) -> int:
        from engine.classify.verdict import audit_exit_code

        return audit_exit_code(self.has_errors)


@dataclass
class _Entry:
    row: LogRow
    unit: str | None = None  # as written (cleaned)
    tracked: Tracked | None = None
    period: Period | None = None
    due: date | None = None
    received: date | None = None
    chased: bool = False
    resubmitted: bool = False
    bad_date: bool = False  # the received date was written but cannot be read
    problems: list[str] = field(default_factory=list)
    bad_cells: list[str] = field(default_factory=list)  # field keys of the cells at fault
    period_problem: bool = False

    @property
    def placed(self) -> bool:
        return self.unit is not None and self.tracked is not None and self.period is not None


_MONTH_DAY = re.compile(r"^(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})\s*日?$")


def _full_date(value: object) -> date | None:
    from engine.classify.inputs import parse_day  # the ledger's date reading: 2023/7/3, 2023年7月3日, 45476

    if value is None:
        return None
    try:
        return parse_day(value, serials=True)
    except ValueError:
        return None


def _month_day(value: object, near: date | None) -> date | None:
    """7月25日 or 7-25 in the year that puts it nearest ``near`` (the period's end)."""
    m = _MONTH_DAY.match(unicodedata.normalize("NFKC", str(value)).strip())
    if m is None or near is None:
        return None
    options = []
    for y in (near.year - 1, near.year, near.year + 1):
        try:
            options.append(date(y, int(m.group(1)), int(m.group(2))))
        except ValueError:
            continue
    return min(options, key=lambda d: abs((d - near).days)) if options else None


def _mark(value: object, col: MarkColumn) -> bool | None:
    """A 催报/补报 cell: True, False, or None when it says neither."""
    if value is None:
        return False
    if isinstance(value, (date, datetime)):
        return True  # a chase date
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value > 0  # a number of chases
    text = raw_text(value).strip()
    if is_blank_text(text):
        return False
    verdict = yes_no(text, frozenset(col.yes))
    if verdict is not None:
        return verdict
    if _full_date(text) is not None or any(w in text for w in col.contains):
        return True
    return None


class _Typer:
    """Types the rows of one log against one schedule."""

    def __init__(self, schedule: Schedule, log: Log, fallback: date) -> None:
        self.s = schedule
        self.log = log
        # the day a period written without its year is read near, when its own row has no date:
        # the log's middle date, else the window asked for, else the as-of date
        dated = [d for r in log.rows for k in ("received", "due") if (d := _full_date(r.raw.get(k)))]
        self.median = (date.fromordinal(int(statistics.median(d.toordinal() for d in dated)))
                       if dated else fallback)

    def entry(self, row: LogRow) -> _Entry:
        e = _Entry(row)
        raw = row.raw
        cols = self.s.columns
        e.unit = clean_unit_name(raw.get("unit")) or None
        if e.unit is None:
            e.problems.append(f"{cols.unit.label}未填")
            e.bad_cells.append("unit")
        written_form = raw.get("form")
        if written_form is None:
            e.problems.append(f"{cols.form.label}未填")
            e.bad_cells.append("form")
        else:
            e.tracked = self.s.report_named(written_form)
            if e.tracked is None:
                e.problems.append(f"不认识的{cols.form.label} “{raw_text(written_form)}”"
                                  f"（时限表中的报表：{self.s.report_names()}）")
                e.bad_cells.append("form")
        due_raw, rec_raw = raw.get("due"), raw.get("received")
        e.due, e.received = _full_date(due_raw), _full_date(rec_raw)
        if e.tracked is not None:
            self._period(e, raw.get("period"))
        near = e.period.end if e.period is not None else self.median
        if due_raw is not None and e.due is None:
            e.due = _month_day(due_raw, near)
            if e.due is None:
                label = cols.due.label if cols.due else "截止日期"
                e.problems.append(f"{label} “{raw_text(due_raw)}” 无法识别，按时限表的截止日期计")
                e.bad_cells.append("due")
        if rec_raw is not None and e.received is None:
            e.received = _month_day(rec_raw, near)
            if e.received is None:
                e.bad_date = True
                e.problems.append(f"{cols.received.label} “{raw_text(rec_raw)}” 无法识别"
                                  "（应写作 2023-07-25）")
                e.bad_cells.append("received")
        for key, col in (("chased", cols.chased), ("resubmitted", cols.resubmitted)):
            if col is None or key not in raw:
                continue
            value = _mark(raw.get(key), col)
            if value is None:
                e.problems.append(f"{col.label} “{raw_text(raw.get(key))}” 无法识别，按“否”计")
                e.bad_cells.append(key)
            setattr(e, key, bool(value))
        return e

    def _period(self, e: _Entry, written: object) -> None:
        assert e.tracked is not None
        report, phases = e.tracked.report, self.s.phases
        label = self.s.columns.period.label
        if written is None:
            if e.due is None:
                e.problems.append(f"{label}未填")
                e.bad_cells.append("period")
                e.period_problem = True
                return
            # the period whose scheduled deadline is nearest the deadline the row gives
            options = due_between(report, phases, e.due - timedelta(days=200), e.due + timedelta(days=200))
            if not options:
                e.problems.append(f"{label}未填，截止日期 {e.due} 也对不上 {e.tracked.label} 的任何一期")
                e.bad_cells.append("period")
                e.period_problem = True
                return
            e.period = min(options, key=lambda p: abs((scheduled_due(report, p, phases) - e.due).days))
            return
        try:
            e.period = complete(read_written(written, report, phases), report, phases,
                                e.due or e.received or self.median)
        except PeriodError as exc:
            e.problems.append(str(exc))
            e.bad_cells.append("period")
            e.period_problem = True
            return
        first = report.first and complete(read_written(report.first, report, phases), report, phases, None)
        last = report.last and complete(read_written(report.last, report, phases), report, phases, None)
        if (first and e.period.start < first.start) or (last and e.period.start > last.start):
            span = f"{first.label if first else '不限'} 至 {last.label if last else '不限'}"
            e.problems.append(f"{e.tracked.label} 没有 {e.period.label} 这一期（报送期为 {span}）")
            e.bad_cells.append("period")
            e.period_problem = True
            e.period = None


def _units(schedule: Schedule, given: Sequence[RosterUnit] | None,
           entries: Sequence[_Entry]) -> tuple[list[RosterUnit], str, bool]:
    if given:
        return list(given), "名单", True
    if schedule.roster:
        return list(schedule.roster), "时限表中的名单", True
    seen: dict[str, RosterUnit] = {}
    for e in entries:
        if e.unit is not None:
            seen.setdefault(e.unit, RosterUnit(name=e.unit))
    return list(seen.values()), "登记表中出现的单位", False


@dataclass(frozen=True)
class Tabulated:
    """The table of a log and the facts the checks look at, before any check has run."""

    window: Window
    columns: tuple[Slot, ...]
    lines: tuple[UnitLine, ...]
    facts: list[Fact]  # status_slot (per unit, by column), status_unit, then status_row facts
    units: tuple[str, ...]  # the table's units in order: the order of the findings
    roster: str
    untracked: tuple[str, ...]
    rows_read: int
    rows_in_window: int
    rows_outside: int
    rows_unplaced: int
    rows_flawed: int


def track(schedule: Schedule, log: Log, plan: Plan, *, as_of: date, window: str | None = None,
          units: Sequence[RosterUnit] | None = None, units_source: str | None = None,
          backend: str = "durable") -> StatusResult:
    """The status table and findings of ``log`` under ``schedule`` on ``as_of``.

    ``plan``: the schedule's compiled checks (``Catalog.schedule_plan``); ``backend``: what
    evaluates them (engine/evaluate: durable, polars, python or auto). Every fact must come
    back evaluated, else EvaluationError: a table with findings silently missing is never shown.
    ``window``, ``units``, ``units_source``: as for ``tabulate``.
    """
    from engine.evaluate.run import build_finding, get_backend

    if plan.form.id != schedule.id:
        raise ValueError(f"plan of {plan.form.id} given for schedule {schedule.id}")
    table = tabulate(schedule, log, as_of=as_of, window=window, units=units, units_source=units_source)
    facts = table.facts
    engine = get_backend(backend)
    hits, evaluated = engine.evaluate(plan, facts)
    if evaluated != len(facts):
        raise EvaluationError(f"送入 {len(facts)} 条事实，只评估了 {evaluated} 条；结果不完整，已停止")
    found = [build_finding(plan.rules[i], facts[j], plan) for i, j in sorted(hits)]  # check, then fact order
    unit_order = {name: i for i, name in enumerate(table.units)}
    found.sort(key=lambda f: (unit_order.get(f.unit or "", len(unit_order)), SEVERITY_ORDER[f.severity],
                              f.rule, f.fields))
    return StatusResult(
        schedule_id=schedule.head.id, schedule_title=schedule.head.title, schedule_source=schedule.source,
        source=log.source, as_of=as_of, window=table.window, columns=table.columns, lines=table.lines,
        findings=found, roster=table.roster, untracked=table.untracked, rows_read=table.rows_read,
        rows_in_window=table.rows_in_window, rows_outside=table.rows_outside,
        rows_unplaced=table.rows_unplaced, rows_flawed=table.rows_flawed, facts=len(facts),
        checks=len(plan.rules), backend=engine.name)


def tabulate(schedule: Schedule, log: Log, *, as_of: date, window: str | None = None,
             units: Sequence[RosterUnit] | None = None, units_source: str | None = None) -> Tabulated:
    """The status table of ``log`` under ``schedule`` on ``as_of``, and its facts.

    ``window``: ``--period`` as written (default: the latest quarter the log's deadlines reach);
    ``units``: the roster (default: the schedule's, else the units the log names);
    ``units_source``: where the roster came from, in words (default: which of those it is).
    """
    from engine.status.periods import read_window

    phases = schedule.phases
    asked = read_window(window, phases, (schedule.head.start, schedule.head.end)) if window else None
    typer = _Typer(schedule, log, asked.end if asked is not None else as_of)
    entries = [typer.entry(r) for r in log.rows]
    placed = [e for e in entries if e.placed]

    def due_of(e: _Entry) -> date:
        assert e.tracked is not None and e.period is not None
        return scheduled_due(e.tracked.report, e.period, phases)

    if asked is not None:
        win = asked
    elif placed:
        win = quarter_window(max(due_of(e) for e in placed))
    else:
        win = quarter_window(as_of)
    logged = {e.tracked.form for e in placed if e.tracked is not None}
    reports = [t for t in schedule.reports if t.report.tracked == "always" or t.form in logged]
    untracked = tuple(f"{t.label}（{t.form}）" for t in schedule.reports if t not in reports)
    columns = sorted((Slot(t, p, scheduled_due(t.report, p, phases))
                      for t in reports for p in due_between(t.report, phases, win.start, win.end)),
                     key=lambda s: (s.due, s.tracked.index, s.period.start))
    column_ids = {s.id for s in columns}
    inside = [e for e in placed if f"{e.tracked.form}:{e.period.key}" in column_ids]  # type: ignore[union-attr]

    roster, roster_words, has_roster = _units(schedule, units, entries)
    by_name: dict[str, RosterUnit] = {}
    for u in roster:
        for n in (u.name, *u.aliases):
            by_name.setdefault(normal(clean_unit_name(n)), u)
    order: list[RosterUnit] = list(roster)
    extra: dict[str, RosterUnit] = {}

    def canonical(name: str | None) -> str | None:
        if name is None:
            return None
        u = by_name.get(normal(name))
        if u is not None:
            return u.name
        if name not in extra:
            extra[name] = RosterUnit(name=name)
        return name

    for e in inside:
        e.unit = canonical(e.unit)
    order += list(extra.values())
    # a row of a known report whose period cannot be read may be any of the unit's periods of
    # that report: those the unit seems to owe are shown ? (cannot tell), never a false ×
    uncertain = {((u.name if (u := by_name.get(normal(e.unit))) else e.unit), e.tracked.form)
                 for e in entries if e.period_problem and e.unit is not None and e.tracked is not None}
    on_roster = {u.name for u in roster}

    # the rows of each slot, as of the as-of date; repeats of an earlier row noted
    groups: dict[tuple[str, str], list[_Entry]] = {}
    seen_rows: dict[tuple[Any, ...], LogRow] = {}
    duplicate_of: dict[int, LogRow] = {}
    for e in inside:
        key = (e.unit, e.tracked.form, e.period.key, e.received, e.chased, e.resubmitted)  # type: ignore[union-attr]
        if key in seen_rows:
            duplicate_of[id(e)] = seen_rows[key]
        else:
            seen_rows[key] = e.row
        if e.received is not None and e.received > as_of:
            continue
        groups.setdefault((e.unit or "", f"{e.tracked.form}:{e.period.key}"), []).append(e)  # type: ignore[union-attr]

    rows_of: dict[str, int] = {}  # the unit's rows in the window, and its rows that could not be placed
    for e in inside:
        rows_of[e.unit or ""] = rows_of.get(e.unit or "", 0) + 1
    for e in entries:
        if not e.placed and e.unit is not None:
            name = u.name if (u := by_name.get(normal(e.unit))) else e.unit
            rows_of[name] = rows_of.get(name, 0) + 1

    facts: list[Fact] = []
    lines: list[UnitLine] = []
    iso = as_of.isoformat()
    for u in order:
        kind = u.kind or guess_unit_kind(u.name)
        marks: list[str] = []
        counts = dict.fromkeys(("expected", "received", "on_time", "late", "missing", "resubmitted", "chased",
                                "unreadable"), 0)
        for slot in columns:
            rows = groups.get((u.name, slot.id), [])
            required = kind is None or kind in slot.tracked.report.reported_by
            if not required and not rows:
                marks.append(NOT_REQUIRED)
                continue
            data, mark = _slot(u.name, kind, u.name in on_roster or not has_roster, slot, rows, as_of,
                               (u.name, slot.tracked.form) in uncertain)
            marks.append(mark)
            counts["expected"] += bool(data["due_passed"] or data["received"])
            counts["received"] += data["received"]
            counts["on_time"] += data["received"] and data["days_late"] == 0
            counts["late"] += data["received"] and data["days_late"] > 0
            counts["missing"] += mark.startswith(MISSING)
            counts["resubmitted"] += data["resubmitted"]
            counts["chased"] += data["chased"]
            counts["unreadable"] += mark.startswith(UNKNOWN)
            cells = [c for e in rows if (c := e.row.cell("received")) is not None]
            facts.append(Fact("status_slot", _present(data), u.name, cells, subject=(slot.id,)))
        n_rows = rows_of.get(u.name, 0)
        nearest = "" if u.name in on_roster or not has_roster else "、".join(
            difflib.get_close_matches(u.name, [r.name for r in roster], n=1, cutoff=0.6))
        facts.append(Fact("status_unit", _present({
            "unit": u.name, "unit_kind": kind, "on_roster": u.name in on_roster or not has_roster,
            "has_roster": has_roster, "window": win.label, "as_of": iso, **counts, "rows": n_rows,
            "nearest": nearest}), u.name, subject=()))
        lines.append(UnitLine(u.name, kind, u.name in on_roster or not has_roster, tuple(marks), counts))

    inside_ids = {id(e) for e in inside}
    for e in entries:
        if e.placed and id(e) not in inside_ids:
            continue  # a readable row of a period outside the window: not this table's business
        facts.append(_row_fact(e, duplicate_of.get(id(e)), as_of))

    words = units_source or roster_words
    return Tabulated(
        window=win, columns=tuple(columns), lines=tuple(lines), facts=facts,
        units=tuple(u.name for u in order), roster=f"{words}（{len(roster)} 个单位）", untracked=untracked,
        rows_read=len(entries), rows_in_window=len(inside), rows_outside=len(placed) - len(inside),
        rows_unplaced=len(entries) - len(placed), rows_flawed=sum(1 for e in inside if e.problems))


def _present(data: dict[str, Any]) -> dict[str, Any]:
    """A fact's fields without the blank ones: an absent field is what the backends test for."""
    return {k: v for k, v in data.items() if v is not None}


def _slot(unit: str, kind: str | None, on_roster: bool, slot: Slot, rows: list[_Entry],
          as_of: date, uncertain: bool) -> tuple[dict[str, Any], str]:
    """The fact of one unit's slot and its mark in the table; ``uncertain``: a row of the unit for
    this report has a period that cannot be read, so an empty slot may be that row's."""
    due = next((e.due for e in rows if e.due is not None), slot.due)
    dates = sorted({e.received for e in rows if e.received is not None})
    received = bool(dates)
    late = max(0, (dates[0] - due).days) if received else None
    resubmitted = received and (len(dates) > 1 or any(e.resubmitted for e in rows))
    chased = any(e.chased for e in rows)
    unreadable = not received and (uncertain or any(e.bad_date for e in rows))
    due_passed = as_of > due
    if received:
        mark = LATE if late else ON_TIME
    elif unreadable:
        mark = UNKNOWN
    elif due_passed:
        mark = MISSING
    else:
        mark = NOT_DUE
    mark += (RESUBMITTED if resubmitted else "") + (CHASED if chased else "")
    data = {
        "unit": unit, "unit_kind": kind, "on_roster": on_roster, "form": slot.tracked.form,
        "report": slot.tracked.label, "period": slot.period.label, "due": due.isoformat(),
        "scheduled_due": slot.due.isoformat(), "as_of": as_of.isoformat(), "due_passed": due_passed,
        "received": received, "received_on": dates[0].isoformat() if received else None,
        "days_late": late, "days_overdue": (as_of - due).days if due_passed and not received else None,
        "submissions": len(dates), "resubmitted": resubmitted,
        "last_received": dates[-1].isoformat() if received else None, "chased": chased,
        "state": f"{dates[0].isoformat()} 报送" if received else "未报送", "unreadable": unreadable,
    }
    return data, mark


def _row_fact(e: _Entry, duplicate: LogRow | None, as_of: date) -> Fact:
    raw = e.row.raw
    cells = [c for k in e.bad_cells if (c := e.row.cell(k)) is not None] or [e.row.ref]
    start = e.period.start if e.period is not None else None
    data = {
        "where": e.row.row_id, "line": e.row.line, "unit": e.unit,
        "report": raw_text(raw.get("form")) or None,
        "period": e.period.label if e.period is not None else (raw_text(raw.get("period")) or None),
        "readable": not e.problems, "problem": "；".join(e.problems) or None, "counted": e.placed,
        "duplicate": duplicate is not None, "duplicate_of": duplicate.row_id if duplicate else None,
        "received_on": e.received.isoformat() if e.received else None, "as_of": as_of.isoformat(),
        "after_as_of": e.received is not None and e.received > as_of,
        "period_start": start.isoformat() if start else None,
        "before_period": e.received is not None and start is not None and e.received < start,
    }
    return Fact("status_row", _present(data), e.unit, cells, subject=(e.row.row_id,))
