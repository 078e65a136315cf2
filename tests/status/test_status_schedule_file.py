"""A schedule file's mistakes are reported at its file, line and key, before any log is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import RuleFileError
from engine.status.schedule_load import load_schedule

from .conftest import SCHEDULE

BUNDLED = SCHEDULE.read_text(encoding="utf-8")


def _line_of(text: str, needle: str, nth: int = 1) -> int:
    at = -1
    for _ in range(nth):
        at = text.index(needle, at + 1)
    return text[:at].count("\n") + 1


def _broken(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    assert old in BUNDLED, old
    text = BUNDLED.replace(old, new, 1)
    path = tmp_path / "schedule.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def test_the_bundled_schedule_loads() -> None:
    s = load_schedule(SCHEDULE)
    assert [t.form for t in s.reports] == ["campaign-2023-table", "campaign-2023-sections", "hazard-ledger",
                                          "phase-summary"]
    assert s.reports[0].title.startswith("重大事故隐患专项排查整治2023行动")  # from rules/forms
    assert {c.check.id for c in s.checks} >= {
        "status-late", "status-missing", "status-chased", "status-resubmitted", "status-unit-silent",
        "status-unreadable-row"}


@pytest.mark.parametrize(("old", "new", "field", "words", "line_at"), [
    ("  - form: hazard-ledger\n", "  - form: hazard-ledgr\n", "reports[2].form", "不是 rules/forms 中的表单",
     "form: hazard-ledgr"),
    ("    names: [阶段工作总结, 阶段小结]", "    names: [阶段工作总结, 台账]", "reports[3].names[1]",
     "也是 hazard-ledger", "names: [阶段工作总结, 台账]"),
    ("    first: 2023-05\n", "    first: 五月\n", "reports[0].first", "年份", "first: 五月"),
    ("    when: 已报送 and 迟报天数 > 0", "    when: 已报送 and 迟到天数 > 0", "checks[1].when", "迟到天数",
     "when: 已报送 and 迟到天数"),
    ("迟报 {迟报天数} 天", "迟报 {天数} 天", "checks[1].message", "{天数}", "迟报 {天数} 天"),
    ("    when: 催报\n", "    when: 催报 > 0\n", "checks[2].when", "不能比较", "when: 催报 > 0"),
    ("    severity: info\n", "    severity: notice\n", "checks[3].severity", "取值不在允许范围内",
     "severity: notice"),
    ("    due: {day: 27}  # 示例", "    due: {day: 32}  # 示例", "reports[2].due.day", "应在 1 到 31 之间",
     "{day: 32}"),
    ("  - id: status-late\n", "  - id: status-missing\n", "checks[1].id", "重复",
     "id: status-missing\n    title: 迟报"),
    ("    tracked: if-logged\n", "    tracked: if-logged\n    colour: red\n", "reports[0].colour",
     "不认识的键", "colour: red"),
])
def test_a_mistake_points_at_its_line(tmp_path: Path, old: str, new: str, field: str, words: str,
                                      line_at: str) -> None:
    path, text = _broken(tmp_path, old, new)
    with pytest.raises(RuleFileError) as caught:
        load_schedule(path)
    err = caught.value
    assert err.file == str(path) and err.field == field and words in err.message, err.one_line()
    assert err.line == _line_of(text, line_at), err.one_line()


def test_a_phase_report_needs_phases(tmp_path: Path) -> None:
    start = BUNDLED.index("\nphases:")
    end = BUNDLED.index("\nreports:")
    path = tmp_path / "s.yaml"
    path.write_text(BUNDLED[:start] + BUNDLED[end:], encoding="utf-8")
    with pytest.raises(RuleFileError, match="phases") as caught:
        load_schedule(path)
    assert caught.value.field == "reports[3].period"
