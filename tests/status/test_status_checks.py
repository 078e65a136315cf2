"""Each status check (rules/checks/submissions.yaml) fires on a log row that should fire it, and
not on one that should not; the table's mark says the same as the finding."""

from __future__ import annotations

from datetime import date

import pytest

from engine.errors import EvaluationError
from engine.load.factkinds import fact_kinds
from engine.status.submissions import read_log
from engine.status.tracking import tabulate, track

from .conftest import CASES, SCHEDULE, fired, marks

JULY = "2023年7月"  # one column: 调度表 2023年7月, due 2023-07-27 (every month before the 28th)


def test_before_the_28th_means_the_27th_is_on_time_and_the_28th_is_late(run) -> None:
    result = run([("城关镇", "调度表", "7月", None, "2023-07-27"),
                  ("河口乡", "调度表", "7月", None, "2023-07-28")], period=JULY)
    assert [c.id for c in result.columns] == ["campaign-2023-table:2023-07"]
    assert result.columns[0].due.isoformat() == "2023-07-27"
    assert marks(result) == {"城关镇": "√", "河口乡": "迟"}
    assert fired(result, "status-late") == [("河口乡", ("campaign-2023-table:2023-07",))]
    late = next(f for f in result.findings if f.rule == "status-late")
    assert "迟报 1 天" in late.message and late.values["days_late"] == 1


def test_missing_only_once_the_deadline_has_passed(run) -> None:
    rows = [("城关镇", "调度表", "7月", None, "2023-07-20")]
    on_the_day = run(rows, units=["城关镇", "河口乡"], as_of="2023-07-27", period=JULY)
    assert marks(on_the_day)["河口乡"] == "·" and not fired(on_the_day, "status-missing")
    after = run(rows, units=["城关镇", "河口乡"], as_of="2023-07-28", period=JULY)
    assert marks(after) == {"城关镇": "√", "河口乡": "×"}
    assert fired(after, "status-missing") == [("河口乡", ("campaign-2023-table:2023-07",))]
    assert after.exit_code == 1 and on_the_day.exit_code == 0


def test_chased_marked_in_words_or_by_a_date(run) -> None:
    result = run([("城关镇", "调度表", "7月", None, "2023-07-29", "已电话催报"),
                  ("河口乡", "调度表", "7月", None, "2023-07-26", "2023-07-25"),
                  ("滨江街道", "调度表", "7月", None, "2023-07-26", "否")], period=JULY)
    assert marks(result) == {"城关镇": "迟催", "河口乡": "√催", "滨江街道": "√"}
    assert [u for u, _ in fired(result, "status-chased")] == ["城关镇", "河口乡"]


def test_chased_and_still_missing(run) -> None:
    result = run([("城关镇", "调度表", "7月", None, None, "是")], period=JULY)
    assert marks(result) == {"城关镇": "×催"}
    chased = next(f for f in result.findings if f.rule == "status-chased")
    assert "未报送" in chased.message
    assert fired(result, "status-missing") == [("城关镇", ("campaign-2023-table:2023-07",))]


def test_resubmitted_a_second_date_or_marked(run) -> None:
    result = run([("城关镇", "调度表", "7月", None, "2023-07-20"),
                  ("城关镇", "调度表", "7月", None, "2023-08-03", None, "更正"),
                  ("河口乡", "调度表", "7月", None, "2023-07-30", None, "是"),
                  ("滨江街道", "调度表", "7月", None, "2023-07-21")], period=JULY)
    assert marks(result) == {"城关镇": "√补", "河口乡": "迟补", "滨江街道": "√"}
    assert [u for u, _ in fired(result, "status-resubmitted")] == ["城关镇", "河口乡"]
    first = next(f for f in result.findings if f.rule == "status-resubmitted")
    assert "共报送 2 次" in first.message and "2023-08-03" in first.message
    assert [u for u, _ in fired(result, "status-late")] == ["河口乡"]  # 城关镇's first was on time


def test_the_same_row_twice_is_a_duplicate_not_a_resubmission(run) -> None:
    row = ("城关镇", "调度表", "7月", None, "2023-07-20")
    result = run([row, row], period=JULY)
    assert marks(result) == {"城关镇": "√"}
    assert fired(result, "status-duplicate-row") == [("城关镇", ("第3行",))]
    assert not fired(result, "status-resubmitted")


def test_a_unit_in_no_table_at_all(run) -> None:
    result = run([("城关镇", "调度表", "7月", None, "2023-07-20"),
                  ("城关镇", "调度表", "8月", None, "2023-08-20"),
                  ("河口乡", "调度表", "8月", None, "2023-08-30")],
                 units=["城关镇", "河口乡", "滨江街道"], as_of="2023-08-31", period="2023-07-01~2023-08-31")
    assert marks(result) == {"城关镇": "√ √", "河口乡": "× 迟", "滨江街道": "× ×"}
    assert fired(result, "status-unit-silent") == [("滨江街道", ())]
    silent = next(f for f in result.findings if f.rule == "status-unit-silent")
    assert "应报送 2 期" in silent.message


def test_without_a_roster_a_unit_silent_this_quarter_is_known_from_earlier_ones(run) -> None:
    result = run([("城关镇", "调度表", "6月", None, "2023-06-20"),
                  ("河口乡", "调度表", "6月", None, "2023-06-20"),
                  ("城关镇", "调度表", "7月", None, "2023-07-20")], period=JULY)
    assert result.rows_outside == 2
    assert fired(result, "status-unit-silent") == [("河口乡", ())]
    assert "登记表中出现的单位" in result.roster


def test_a_unit_not_on_the_roster_names_the_nearest(run) -> None:
    result = run([("县市场监管局", "调度表", "7月", None, "2023-07-20")], units=["县市场监督管理局"],
                 period=JULY)
    assert fired(result, "status-unit-not-on-roster") == [("县市场监管局", ())]
    note = next(f.message for f in result.findings if f.rule == "status-unit-not-on-roster")
    assert "县市场监督管理局" in note
    assert not [u for u, _ in fired(result, "status-missing") if u == "县市场监管局"]  # not expected of it
    assert fired(result, "status-unit-silent") == [("县市场监督管理局", ())]


def test_a_roster_alias_is_the_same_unit(tmp_path, run) -> None:
    schedule = tmp_path / "s.yaml"
    body = (SCHEDULE.read_text(encoding="utf-8")
            + "\nunits:\n  - {name: 县市场监督管理局, aliases: [县市场监管局]}\n")
    schedule.write_text(body, encoding="utf-8")
    result = run([("县市场监管局", "调度表", "7月", None, "2023-07-20")], period=JULY, schedule=schedule)
    assert marks(result) == {"县市场监督管理局": "√"}
    assert not result.findings


def test_unreadable_rows_are_findings_naming_row_and_cell(run) -> None:
    result = run([("城关镇", "调度表", "7月", None, "7月下旬"),
                  ("河口乡", "安全生产月总结", "7月", None, "2023-07-20"),
                  (None, "调度表", "7月", None, "2023-07-20"),
                  ("滨江街道", "调度表", "13月", None, "2023-07-20"),
                  ("县应急管理局", "调度表", "2023年4月", None, "2023-04-20"),
                  ("县消防救援大队", "调度表", "7月", None, "2023-07-20", "也许"),
                  ("县住房和城乡建设局", "调度表", "7月", None, "2023-07-20")], period=JULY)
    bad = {f.fields[0]: f for f in result.findings if f.rule == "status-unreadable-row"}
    assert sorted(bad) == ["第2行", "第3行", "第4行", "第5行", "第6行", "第7行"]
    assert "报送日期 “7月下旬” 无法识别" in bad["第2行"].message
    assert bad["第2行"].cells[0].a1() == "E2"  # the received cell
    assert "不认识的报表 “安全生产月总结”" in bad["第3行"].message
    assert "单位未填" in bad["第4行"].message and bad["第4行"].unit is None
    assert "期别 “13月”" in bad["第5行"].message
    assert "没有 2023年4月 这一期" in bad["第6行"].message  # the campaign's returns start in May
    assert "催报 “也许” 无法识别" in bad["第7行"].message
    # a row whose date cannot be read is placed but not judged (?); a row of a known report whose
    # period cannot be read leaves the unit's empty periods of it undecided (?), never a false ×;
    # a report nobody knows says nothing about what the unit owes (×)
    assert marks(result) == {"城关镇": "?", "河口乡": "×", "滨江街道": "?", "县应急管理局": "?",
                             "县消防救援大队": "√", "县住房和城乡建设局": "√"}
    assert fired(result, "status-missing") == [("河口乡", ("campaign-2023-table:2023-07",))]
    assert result.rows_unplaced == 4 and result.rows_flawed == 2 and result.rows_read == 7


def test_dates_and_periods_as_offices_write_them(run) -> None:
    result = run([("城关镇", "调度表", "七月份", None, "2023年7月25日"),
                  ("河口乡", "进展情况调度表", "2023-07", None, "2023.7.26"),
                  ("滨江街道", "调度表", "202307", None, "45133"),  # an Excel day number: 2023-07-26
                  ("县应急管理局", "调度表", "7", None, "7月27日"),
                  ("县消防救援大队", "调度表", None, "2023-07-27", "20230728")], period=JULY)
    assert marks(result) == {"城关镇": "√", "河口乡": "√", "滨江街道": "√", "县应急管理局": "√",
                             "县消防救援大队": "迟"}
    assert not fired(result, "status-unreadable-row")


def test_a_december_return_received_in_january_is_last_years(run) -> None:
    result = run([("城关镇", "调度表", "12月", None, "2024-01-03")], as_of="2024-01-10", period="2023-12")
    # December's deadlines: the last phase's summary (12-25), then 调度表 and the Q4 ledger (12-27)
    assert [c.id for c in result.columns] == ["phase-summary:总结提升阶段", "campaign-2023-table:2023-12",
                                              "hazard-ledger:2023Q4"]
    assert marks(result) == {"城关镇": "× 迟 ×"}


def test_a_due_date_in_the_log_wins_and_is_reported(run) -> None:
    result = run([("城关镇", "调度表", "7月", "2023-07-31", "2023-07-30"),
                  ("河口乡", "调度表", "7月", "2023-07-27", "2023-07-27")], period=JULY)
    assert marks(result) == {"城关镇": "√", "河口乡": "√"}
    assert fired(result, "status-due-extended") == [("城关镇", ("campaign-2023-table:2023-07",))]


def test_a_row_after_the_as_of_date_is_not_counted_and_is_reported(run) -> None:
    result = run([("城关镇", "调度表", "7月", None, "2023-08-05"),
                  ("河口乡", "调度表", "7月", None, "2023-07-20")], as_of="2023-07-31", period=JULY)
    assert marks(result) == {"城关镇": "×", "河口乡": "√"}
    assert fired(result, "status-received-after-as-of") == [("城关镇", ("第2行",))]


def test_a_row_received_before_its_period_began(run) -> None:
    result = run([("城关镇", "调度表", "7月", None, "2023-06-28"),
                  ("河口乡", "调度表", "7月", None, "2023-07-01")], period=JULY)
    assert fired(result, "status-received-before-period") == [("城关镇", ("第2行",))]


def test_a_report_for_departments_only_is_not_expected_of_townships(tmp_path, run) -> None:
    body = SCHEDULE.read_text(encoding="utf-8").replace(
        "    first: 2023-05\n    last: 2023-12\n    tracked: if-logged\n  - form: campaign-2023-sections",
        "    first: 2023-05\n    last: 2023-12\n    tracked: if-logged\n    reported_by: [区直部门]\n"
        "  - form: campaign-2023-sections", 1)
    assert body.count("reported_by: [区直部门]") == 1
    schedule = tmp_path / "dept.yaml"
    schedule.write_text(body, encoding="utf-8")
    result = run([("县应急管理局", "调度表", "7月", None, "2023-07-20")],
                 units=["城关镇", "县应急管理局", "县交通运输局"], period=JULY, schedule=schedule)
    assert marks(result) == {"城关镇": "—", "县应急管理局": "√", "县交通运输局": "×"}
    assert [u for u, _ in fired(result, "status-missing")] == ["县交通运输局"]
    assert [u for u, _ in fired(result, "status-unit-silent")] == ["县交通运输局"]  # 城关镇 owes nothing


def test_a_report_tracked_if_logged_is_left_out_when_no_row_names_it(run) -> None:
    result = run([("城关镇", "月报", "7月", None, "2023-07-20")], period="2023Q3")
    forms = {c.tracked.form for c in result.columns}
    assert forms == {"campaign-2023-sections", "hazard-ledger"}  # the ledger is always tracked
    assert result.untracked == ("调度表（campaign-2023-table）",)


def test_every_fact_has_the_declared_fields_and_no_other(catalog) -> None:
    """The status facts carry the fields rules/facts.yaml declares for their kind (报送, 单位, 登记行),
    with their types, and no other; a blank field is left out, as in every fact the backends see."""
    schedule = catalog.schedules["campaign-2023"]
    table = tabulate(schedule, read_log(CASES / "county-2023-q3" / "log.csv", schedule.columns),
                     as_of=date(2023, 9, 30))
    kinds = fact_kinds()
    assert {f.kind for f in table.facts} == {k for k, kind in kinds.items() if kind.schedule}
    types = {"number": (int, float), "text": (str,), "bool": (bool,)}
    for fact in table.facts:
        declared = {f.key: f.type for f in kinds[fact.kind].fields}
        assert set(fact.data) <= set(declared), (fact.kind, set(fact.data) - set(declared))
        for key, value in fact.data.items():
            typed = isinstance(value, bool) if declared[key] == "bool" else (
                isinstance(value, types[declared[key]]) and not isinstance(value, bool))
            assert typed, (fact.kind, key, value)
        assert isinstance(fact.subject, tuple)  # a finding's fields: the column id, the row, or none


def test_the_checks_are_the_rules_on_the_schedule_kinds(catalog) -> None:
    """One rule pipeline: the schedule's plan is the rules of rules/checks whose kind is a schedule's,
    compiled like a form's; no return or ledger form's plan has any of them."""
    plan = catalog.plan("campaign-2023")
    assert plan.form is catalog.schedules["campaign-2023"]
    assert [r.rule.id for r in plan.rules] == [r.rule.id for r in catalog.status_rules]
    assert {r.rule.on for r in plan.rules} == {"status_slot", "status_unit", "status_row"}
    assert all(r.doc.file.endswith("submissions.yaml") for r in catalog.status_rules)
    for form_id in (*catalog.forms, *catalog.ledgers):
        assert not {r.rule.id for r in catalog.plan(form_id).rules} & {r.rule.id for r in plan.rules}


def test_every_fact_sent_must_come_back_evaluated(catalog, monkeypatch) -> None:
    """As for an audit: a backend that evaluated fewer facts than it was given stops the run."""
    import engine.evaluate.run as run

    class Short:
        name = "short"

        def evaluate(self, plan, facts):
            return [], len(facts) - 1

    monkeypatch.setattr(run, "get_backend", lambda name, **_: Short())
    schedule = catalog.schedules["campaign-2023"]
    log = read_log(CASES / "county-2023-q3" / "log.csv", schedule.columns)
    with pytest.raises(EvaluationError, match="只评估了"):
        track(schedule, log, catalog.plan("campaign-2023"), as_of=date(2023, 9, 30))
