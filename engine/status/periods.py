"""Reporting periods (a month, a quarter, a campaign phase), their deadlines, and how people write them.

A log's 期别 cell says 2023年7月, 7月, 七月份, 2023-07, 202307, 三季度, 2023Q3, 第二阶段 or the
phase's name; a spreadsheet may even have turned 2023-07 into the date 2023-07-01. Each is read
as the period of the report's kind. A period written without its year takes the year whose
deadline lies nearest the row's own dates (a December return received on 3 January is the
previous year's), never a fixed guess.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from engine.read.text import extract_period
from engine.status.schedule import Phase, Report

_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
       "十一": 11, "十二": 12, "两": 2}
_QUARTER_NAMES = "一二三四"


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    kind: str  # monthly / quarterly / phase
    key: str  # 2023-07, 2023Q3, or the phase's name: what JSON, cases and column ids use
    label: str  # 2023年7月, 2023年第三季度, the phase's name: what a report shows


def month(year: int, m: int) -> Period:
    last = calendar.monthrange(year, m)[1]
    return Period(date(year, m, 1), date(year, m, last), "monthly", f"{year}-{m:02d}", f"{year}年{m}月")


def quarter(year: int, q: int) -> Period:
    first = 3 * q - 2
    last = calendar.monthrange(year, first + 2)[1]
    return Period(date(year, first, 1), date(year, first + 2, last), "quarterly", f"{year}Q{q}",
                  f"{year}年第{_QUARTER_NAMES[q - 1]}季度")


def phase_period(p: Phase) -> Period:
    return Period(p.start, p.end, "phase", p.name, p.name)


def _add_months(year: int, m: int, n: int) -> tuple[int, int]:
    total = year * 12 + (m - 1) + n
    return total // 12, total % 12 + 1


def scheduled_due(report: Report, period: Period, phases: Sequence[Phase]) -> date:
    """The deadline the schedule sets (inclusive): an exception, a phase's due, or ``due``."""
    for written, day in report.exceptions.items():
        if normal(written) == normal(period.key) or normal(written) == normal(period.label):
            return day
    if period.kind == "phase":
        return next(p.deadline for p in phases if p.name == period.key)
    assert report.due is not None
    y, m = _add_months(period.end.year, period.end.month, report.due.months_after)
    return date(y, m, min(report.due.day, calendar.monthrange(y, m)[1]))


def normal(text: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return _CN.get(text)


_FULL_MONTH = re.compile(r"^(\d{4})(?:年|[-/.])?(\d{1,2})(?:月份?|月)?$")
_DATE_LIKE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\d{1,2}:\d{2}(?::\d{2})?)?$")
_BARE_MONTH = re.compile(r"^(\d{1,2}|十[一二]?|[一二三四五六七八九十])(?:月份?)?$")
_QUARTER = re.compile(r"^(?:(\d{4})年?[-]?)?(?:第)?([1-4一二三四])季度?$|^(?:(\d{4})年?[-]?)?q([1-4])$")


@dataclass(frozen=True)
class Written:
    """A period as written: its kind and number, the year when it was given."""

    kind: str
    number: int  # month 1-12, quarter 1-4, or phase index
    year: int | None


class PeriodError(ValueError):
    """A period that cannot be read; the message says what was written and how to write it."""


def read_written(value: object, report: Report, phases: Sequence[Phase]) -> Written:
    """What a 期别 cell says, for a report of ``report.period``; PeriodError when it says nothing."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if report.period == "monthly":
            return Written("monthly", value.month, value.year)
        if report.period == "quarterly":
            return Written("quarterly", (value.month - 1) // 3 + 1, value.year)
        value = value.isoformat()
    text = normal(value)
    if report.period == "phase":
        for i, p in enumerate(phases):
            if text in {normal(n) for n in (p.name, *p.names)}:
                return Written("phase", i, None)
        m = re.match(r"^第?([1-9一二三四五六七八九])阶段$", text)
        if m and (n := _number(m.group(1))) and n <= len(phases):
            return Written("phase", n - 1, None)
        shown = "、".join(p.name for p in phases) or "（时限表没有写阶段）"
        raise PeriodError(f"期别 “{value}” 不是专项行动的阶段（{shown}）")
    if report.period == "quarterly":
        m = _QUARTER.match(text)
        if m:
            year = m.group(1) or m.group(3)
            q = _number(m.group(2) or m.group(4))
            assert q is not None
            return Written("quarterly", q, int(year) if year else None)
        raise PeriodError(f"期别 “{value}” 应写作季度，如 2023年第三季度、三季度、2023Q3")
    m = _DATE_LIKE.match(text) or _FULL_MONTH.match(text)
    if m and 1 <= int(m.group(2)) <= 12:
        return Written("monthly", int(m.group(2)), int(m.group(1)))
    m = _BARE_MONTH.match(text)
    if m and (n := _number(m.group(1))) and 1 <= n <= 12:
        return Written("monthly", n, None)
    raise PeriodError(f"期别 “{value}” 应写作月份，如 2023年7月、7月、2023-07")


def complete(written: Written, report: Report, phases: Sequence[Phase], near: date | None) -> Period:
    """The period ``written`` names; a missing year is the one whose deadline is nearest ``near``."""
    if written.kind == "phase":
        return phase_period(phases[written.number])
    make = month if written.kind == "monthly" else quarter
    if written.year is not None:
        return make(written.year, written.number)
    if near is None:
        raise PeriodError("期别没有写年份，也没有日期可以推断年份（请写成 2023年7月 这样）")
    candidates = [make(y, written.number) for y in (near.year - 1, near.year, near.year + 1)]
    return min(candidates, key=lambda p: abs((scheduled_due(report, p, phases) - near).days))


def due_between(report: Report, phases: Sequence[Phase], lo: date, hi: date) -> list[Period]:
    """Every period of ``report`` whose scheduled deadline falls in [lo, hi], within first..last."""
    first = _bound(report.first, report, phases)
    last = _bound(report.last, report, phases)
    if report.period == "phase":
        candidates = [phase_period(p) for p in phases]
    else:
        make = month if report.period == "monthly" else quarter
        per_year = 12 if report.period == "monthly" else 4
        start = lo - timedelta(days=400)  # a deadline may lie months after its period
        candidates = [make(y, n) for y in range(start.year, hi.year + 1) for n in range(1, per_year + 1)]
    out = []
    for p in candidates:
        if first is not None and p.start < first.start:
            continue
        if last is not None and p.start > last.start:
            continue
        if lo <= scheduled_due(report, p, phases) <= hi:
            out.append(p)
    return out


def _bound(text: str | None, report: Report, phases: Sequence[Phase]) -> Period | None:
    if text is None:
        return None
    return complete(read_written(text, report, phases), report, phases, None)


@dataclass(frozen=True)
class Window:
    """The stretch of deadlines a status table covers: every slot due in [start, end]."""

    start: date
    end: date
    label: str


def quarter_window(day: date) -> Window:
    q = quarter(day.year, (day.month - 1) // 3 + 1)
    return Window(q.start, q.end, q.label)


_WHOLE = {"全程", "全部", "整个行动", "专项行动", "campaign", "all"}


def read_window(text: str, phases: Sequence[Phase], campaign: tuple[date | None, date | None]) -> Window:
    """``--period``: 2023Q3, 2023年第三季度, 2023年7月, 2023-07, 2023, a phase, 全程, or a date range."""
    t = normal(text)
    if t in _WHOLE:
        lo = campaign[0] or min((p.start for p in phases), default=None)
        hi = campaign[1] or max((p.deadline for p in phases), default=None)
        if lo is None or hi is None:
            raise PeriodError("时限表没有写专项行动的起止日期（schedule.start/end），不能用 全程")
        if phases:
            hi = max(hi, *(p.deadline for p in phases))
        return Window(lo, hi, "专项行动全程")
    for i, p in enumerate(phases):
        ordinals = (f"第{i + 1}阶段", f"第{'一二三四五六七八九'[i]}阶段")
        if t in {normal(n) for n in (p.name, *p.names)} or t in ordinals:
            return Window(p.start, p.deadline, p.name)
    ranged = extract_period(text)
    if ranged:
        a, b = (date.fromisoformat(x) for x in ranged.split("~"))
        if b < a:
            raise PeriodError(f"期间 “{text}” 的结束日期早于开始日期")
        return Window(a, b, f"{a.isoformat()} 至 {b.isoformat()}")
    if re.fullmatch(r"\d{4}年?", t):
        y = int(t[:4])
        return Window(date(y, 1, 1), date(y, 12, 31), f"{y}年")
    m = _QUARTER.match(t)
    if m and (m.group(1) or m.group(3)):
        q = _number(m.group(2) or m.group(4))
        assert q is not None
        p = quarter(int(m.group(1) or m.group(3)), q)
        return Window(p.start, p.end, p.label)
    m = _FULL_MONTH.match(t)
    if m and 1 <= int(m.group(2)) <= 12:
        p = month(int(m.group(1)), int(m.group(2)))
        return Window(p.start, p.end, p.label)
    raise PeriodError(f"期间 “{text}” 无法识别：可写 2023Q3、2023年第三季度、2023年7月、2023、"
                      "阶段名称、全程，或 2023-07-01~2023-09-30")
