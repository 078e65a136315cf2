"""Periods as logs and ``--period`` write them, and the deadlines the schedule gives them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.status.periods import (
    PeriodError,
    complete,
    due_between,
    month,
    quarter,
    read_window,
    read_written,
    scheduled_due,
)
from engine.status.schedule import Due, Phase, Report

MONTHLY = Report(form="m", title="月报", period="monthly", due=Due(day=27))
QUARTERLY = Report(form="q", title="季报", period="quarterly", due=Due(day=9, months_after=1))
PHASES = (Phase(name="动员部署阶段", names=("动员部署",), start=date(2023, 4, 1), end=date(2023, 4, 30)),
          Phase(name="自查自改阶段", start=date(2023, 5, 1), end=date(2023, 11, 30), due=date(2023, 12, 5)))
BY_PHASE = Report(form="p", title="阶段总结", period="phase")


@pytest.mark.parametrize(("written", "key"), [
    ("2023年7月", "2023-07"), ("2023-07", "2023-07"), ("2023/7", "2023-07"), ("2023.07", "2023-07"),
    ("202307", "2023-07"), ("2023年7月份", "2023-07"), (" 2023 年 7 月 ", "2023-07"),
    (datetime(2023, 7, 1), "2023-07"), ("2023-07-01", "2023-07"), ("７月", "2023-07"),
    ("7月", "2023-07"), ("七月", "2023-07"), ("七月份", "2023-07"), ("7", "2023-07"), ("十二月", "2022-12"),
])
def test_monthly_periods(written: object, key: str) -> None:
    near = date(2023, 3, 1) if written == "十二月" else date(2023, 7, 25)
    assert complete(read_written(written, MONTHLY, ()), MONTHLY, (), near).key == key


@pytest.mark.parametrize(("written", "key"), [
    ("2023年第三季度", "2023Q3"), ("2023年三季度", "2023Q3"), ("2023Q3", "2023Q3"), ("2023-q3", "2023Q3"),
    ("三季度", "2023Q3"), ("第3季度", "2023Q3"), ("Q3", "2023Q3"), (datetime(2023, 8, 1), "2023Q3"),
])
def test_quarterly_periods(written: object, key: str) -> None:
    assert complete(read_written(written, QUARTERLY, ()), QUARTERLY, (), date(2023, 10, 5)).key == key


@pytest.mark.parametrize("written", ["动员部署阶段", "动员部署", "第一阶段", "第1阶段"])
def test_phase_periods(written: str) -> None:
    assert complete(read_written(written, BY_PHASE, PHASES), BY_PHASE, PHASES, None).key == "动员部署阶段"


@pytest.mark.parametrize(("report", "written"), [
    (MONTHLY, "13月"), (MONTHLY, "上旬"), (MONTHLY, "2023年第三季度"), (QUARTERLY, "五季度"),
    (QUARTERLY, "7月"), (BY_PHASE, "第九阶段"), (BY_PHASE, "冬季"),
])
def test_unreadable_periods_say_how_to_write_them(report: Report, written: str) -> None:
    with pytest.raises(PeriodError, match="期别"):
        read_written(written, report, PHASES)


def test_a_year_is_never_guessed_without_a_date() -> None:
    with pytest.raises(PeriodError, match="年份"):
        complete(read_written("7月", MONTHLY, ()), MONTHLY, (), None)


def test_deadlines() -> None:
    assert scheduled_due(MONTHLY, month(2023, 2), ()) == date(2023, 2, 27)
    last_day = Report(form="x", title="x", period="monthly", due=Due(day=31))
    assert scheduled_due(last_day, month(2023, 2), ()) == date(2023, 2, 28)  # 31 = the month's last day
    assert scheduled_due(last_day, month(2024, 2), ()) == date(2024, 2, 29)
    assert scheduled_due(QUARTERLY, quarter(2023, 4), ()) == date(2024, 1, 9)  # next month, before the 10th

    def phase(written: str):
        return complete(read_written(written, BY_PHASE, PHASES), BY_PHASE, PHASES, None)

    assert scheduled_due(BY_PHASE, phase("第二阶段"), PHASES) == date(2023, 12, 5)
    assert scheduled_due(BY_PHASE, phase("第一阶段"), PHASES) == date(2023, 4, 30)  # no due: its last day
    moved = Report(form="x", title="x", period="monthly", due=Due(day=27),
                   exceptions={"2023-10": date(2023, 10, 26)})
    assert scheduled_due(moved, month(2023, 10), ()) == date(2023, 10, 26)
    assert scheduled_due(moved, month(2023, 11), ()) == date(2023, 11, 27)


def test_periods_are_chosen_by_deadline() -> None:
    q3 = [p.key for p in due_between(QUARTERLY, (), date(2023, 7, 1), date(2023, 9, 30))]
    assert q3 == ["2023Q2"]  # due 2023-07-09
    bounded = Report(form="m", title="m", period="monthly", due=Due(day=27), first="2023-05", last="2023-06")
    keys = [p.key for p in due_between(bounded, (), date(2023, 1, 1), date(2023, 12, 31))]
    assert keys == ["2023-05", "2023-06"]


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2023Q3", date(2023, 7, 1), date(2023, 9, 30)), ("2023年第三季度", date(2023, 7, 1), date(2023, 9, 30)),
    ("2023年7月", date(2023, 7, 1), date(2023, 7, 31)), ("2023-07", date(2023, 7, 1), date(2023, 7, 31)),
    ("2023", date(2023, 1, 1), date(2023, 12, 31)), ("2023年", date(2023, 1, 1), date(2023, 12, 31)),
    ("2023-07-01~2023-08-15", date(2023, 7, 1), date(2023, 8, 15)),
    ("2023年7月1日至8月15日", date(2023, 7, 1), date(2023, 8, 15)),
    ("自查自改阶段", date(2023, 5, 1), date(2023, 12, 5)), ("第一阶段", date(2023, 4, 1), date(2023, 4, 30)),
    ("全程", date(2023, 4, 1), date(2023, 12, 31)),
])
def test_windows(text: str, start: date, end: date) -> None:
    w = read_window(text, PHASES, (date(2023, 4, 1), date(2023, 12, 31)))
    assert (w.start, w.end) == (start, end)


@pytest.mark.parametrize("text", ["三季度", "7月", "去年", "2023-09-30~2023-07-01"])
def test_a_window_needs_its_year_and_order(text: str) -> None:
    with pytest.raises(PeriodError):
        read_window(text, PHASES, (None, None))
