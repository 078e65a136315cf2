"""A schedule file's mistakes, and those of the status checks (rules/checks/submissions.yaml),
are reported at their file, line and key, before any log is read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.catalog import load_catalog
from engine.errors import RuleFileError
from engine.paths import bundled
from engine.status.schedule_load import load_schedule

from .conftest import SCHEDULE

BUNDLED = SCHEDULE.read_text(encoding="utf-8")
CHECKS = bundled("rules") / "checks" / "submissions.yaml"


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
    assert s.id == "campaign-2023" and s.indicators == ()  # what compile_plan asks of a form


def test_the_catalog_compiles_the_bundled_schedule_with_its_checks(catalog) -> None:
    assert list(catalog.schedules) == ["campaign-2023"]
    assert {r.rule.id for r in catalog.plan("campaign-2023").rules} >= {
        "status-late", "status-missing", "status-chased", "status-resubmitted", "status-unit-silent",
        "status-unreadable-row"}


@pytest.mark.parametrize(("old", "new", "field", "words", "line_at"), [
    ("  - form: hazard-ledger\n", "  - form: hazard-ledgr\n", "reports[2].form", "不是 rules/forms 中的表单",
     "form: hazard-ledgr"),
    ("    names: [阶段工作总结, 阶段小结]", "    names: [阶段工作总结, 台账]", "reports[3].names[1]",
     "也是 hazard-ledger", "names: [阶段工作总结, 台账]"),
    ("    first: 2023-05\n", "    first: 五月\n", "reports[0].first", "年份", "first: 五月"),
    ("    due: {day: 27}  # 示例", "    due: {day: 32}  # 示例", "reports[2].due.day", "应在 1 到 31 之间",
     "{day: 32}"),
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


def test_checks_left_in_a_schedule_file_say_where_they_belong(tmp_path: Path) -> None:
    path = tmp_path / "old.yaml"
    text = BUNDLED + "\nchecks:\n  - id: status-late\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        load_schedule(path)
    err = caught.value
    assert err.line == _line_of(text, "\nchecks:") + 1 and err.field == "checks"
    assert "rules/checks" in err.message and "submissions.yaml" in (err.hint or ""), err.one_line()


def _rules_tree(tmp_path: Path) -> Path:
    """A copy of the bundled rules/ (forms, checks, schedules) to break."""
    root = tmp_path / "rules"
    for part in ("forms", "checks", "schedules"):
        shutil.copytree(bundled("rules") / part, root / part)
    return root


@pytest.mark.parametrize(("old", "new", "field", "words", "line_at"), [
    ("    when: 已报送 and 迟报天数 > 0", "    when: 已报送 and 迟到天数 > 0", "status-late.when", "迟到天数",
     "when: 已报送 and 迟到天数"),
    ("迟报 {迟报天数} 天", "迟报 {天数} 天", "status-late.message", "{天数}", "迟报 {天数} 天"),
    ("    when: 催报\n", "    when: 催报 > 0\n", "status-chased.when", "不能比较", "when: 催报 > 0"),
    ("    when: 催报\n", "    when: 催报了\n", "status-chased.when", "催报了", "when: 催报了"),
    ("    severity: info\n", "    severity: notice\n", "rules[3].severity", "取值不在允许范围内",
     "severity: notice"),
    ("  - id: status-late\n", "  - id: status-missing\n", "status-missing.id", "重复",
     "id: status-missing\n    title: 迟报"),
    # written on a return's kind, the check is compiled for every return form: a cell fact has 可识别
    # but no 位置, so its message names an unknown field
    ("    on: 登记行\n    when: not 可识别", "    on: 单元格\n    when: not 可识别",
     "status-unreadable-row.message", "“位置”", 'message: "{位置}：{问题}"'),
])
def test_a_broken_status_check_points_at_its_line(tmp_path: Path, old: str, new: str, field: str,
                                                  words: str, line_at: str) -> None:
    """The status checks are compiled with the catalog, before any log is read (as a form's rules)."""
    root = _rules_tree(tmp_path)
    checks = root / "checks" / "submissions.yaml"
    text = CHECKS.read_text(encoding="utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    checks.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        load_catalog(root)
    err = caught.value
    assert err.file == str(checks) and err.field == field and words in err.one_line(), err.one_line()
    assert err.line == _line_of(text, line_at), err.one_line()


def test_a_schedule_id_must_not_be_a_form_id(tmp_path: Path) -> None:
    root = _rules_tree(tmp_path)
    path = root / "schedules" / "campaign-2023.yaml"
    path.write_text(BUNDLED.replace("  id: campaign-2023\n", "  id: hazard-ledger\n", 1), encoding="utf-8")
    with pytest.raises(RuleFileError, match="与表单 hazard-ledger 相同") as caught:
        load_catalog(root)
    assert caught.value.file == str(path)


def test_a_status_check_may_name_its_schedule_and_no_form(tmp_path: Path) -> None:
    root = _rules_tree(tmp_path)
    checks = root / "checks" / "submissions.yaml"
    text = CHECKS.read_text(encoding="utf-8")
    checks.write_text(text.replace("    on: 报送\n", "    on: 报送\n    forms: [campaign-2023]\n", 1),
                      encoding="utf-8")
    assert "status-missing" in {r.rule.id for r in load_catalog(root).plan("campaign-2023").rules}
    checks.write_text(text.replace("    on: 报送\n", "    on: 报送\n    forms: [campaign-2024]\n", 1),
                      encoding="utf-8")
    with pytest.raises(RuleFileError, match="campaign-2024"):
        load_catalog(root)
