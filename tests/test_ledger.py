"""Hazard ledgers: reading real-looking sheets, deriving duties, and the rules that judge them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from engine.catalog import Catalog
from engine.classify.inputs import parse_day
from engine.classify.run import Classifier
from engine.errors import InputError
from engine.evaluate.run import get_backend
from engine.ledger.facts import ledger_row_facts
from engine.ledger.run import audit_ledger
from engine.load.criteria import CriteriaSet, load_criteria
from engine.paths import bundled
from engine.read.ledger import read_ledger

HEADER = ["序号", "镇街", "企业名称", "行业", "事实", "隐患等级", "发现方式", "发现日期", "整改责任人",
          "整改措施", "整改资金（万元）", "整改时限", "应急预案", "整改完成日期", "主要负责人签字",
          "安全总监签字", "挂牌督办", "行政处罚"]


@pytest.fixture(scope="module")
def criteria() -> CriteriaSet:
    return load_criteria(bundled("criteria"))


def _xlsx(tmp_path: Path, rows: list[list[object]], title_rows: int = 1) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    for _ in range(title_rows):
        ws.append(["2024年一季度隐患排查治理台账"])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    path = tmp_path / "ledger.xlsx"
    wb.save(path)
    return path


MAJOR = ["A1", "北湖街道", "华兴钢铁", "冶金", "生产期间=是；积水=是；场所=事故坑", "重大隐患", "企业",
         date(2024, 1, 10), "张伟", "排水", 2, date(2024, 2, 10), "预案", date(2024, 2, 1), "√", "√", "", ""]


def test_xlsx_header_found_below_a_title_with_aliases_and_synonyms(tmp_path: Path, catalog: Catalog) -> None:
    ledger = read_ledger(_xlsx(tmp_path, [MAJOR], title_rows=2), catalog.ledger("hazard-ledger"))
    assert len(ledger.rows) == 1
    row = ledger.rows[0]
    assert row.raw["unit"] == "北湖街道" and row.raw["reported_level"] == "重大隐患"
    assert row.cells["facts"].a1().endswith("E4")  # title rows 1-2, header row 3


def test_missing_required_column_is_one_input_error(tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / "ledger.csv"
    path.write_text("序号,镇街,企业名称,隐患描述\nA1,北湖街道,华兴,炉下渣坑积水\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_ledger(path, catalog.ledger("hazard-ledger"))
    assert "隐患等级" in info.value.one_line() and "ledger.csv:1" in info.value.one_line()


@pytest.mark.parametrize("backend", ["python", "durable"])
def test_a_clean_major_row_gives_no_finding(tmp_path: Path, catalog: Catalog, criteria: CriteriaSet,
                                            backend: str) -> None:
    ledger = read_ledger(_xlsx(tmp_path, [MAJOR]), catalog.ledger("hazard-ledger"))
    result, verdicts = audit_ledger(ledger, catalog.plan("hazard-ledger"), criteria, as_of=date(2024, 3, 31),
                                    backend=backend)
    assert verdicts[0].verdict == "重大" and verdicts[0].matches[0].ref == "第四条第(二)项"
    assert result.findings == []


def _row_fact(tmp_path: Path, catalog: Catalog, criteria: CriteriaSet, row: list[object],
              as_of: date = date(2024, 3, 31)) -> dict[str, object]:
    ledger = read_ledger(_xlsx(tmp_path, [row]), catalog.ledger("hazard-ledger"))
    facts, _ = ledger_row_facts(ledger, catalog.ledger("hazard-ledger"),
                                Classifier(criteria, get_backend("python")), as_of)
    return facts[0].data


def test_derived_duties(tmp_path: Path, catalog: Catalog, criteria: CriteriaSet) -> None:
    row = list(MAJOR)
    row[9] = None  # measures
    row[13] = None  # not rectified
    data = _row_fact(tmp_path, catalog, criteria, row)
    assert data["five_missing_count"] == 1 and data["five_missing"] == "措施"
    assert data["overdue"] is True and data["rectified"] is False
    assert data["counted_major"] is True and data["found_by_enterprise"] is True
    assert data["listed_supervision"] is False  # blank counts as 否 for this column
    assert data["is_production_unit"] is True  # no such column: blank counts as 是
    not_yet = _row_fact(tmp_path, catalog, criteria, row, as_of=date(2024, 2, 10))
    assert not_yet["overdue"] is False  # the deadline day itself is not overdue


def test_general_row_matching_an_item_is_not_counted_as_major(tmp_path: Path, catalog: Catalog,
                                                               criteria: CriteriaSet) -> None:
    row = list(MAJOR)
    row[5] = "一般"
    data = _row_fact(tmp_path, catalog, criteria, row)
    assert data["matches_item"] is True and data["counted_major"] is False
    assert "第四条第(二)项" in str(data["matched_refs"])


def test_unreadable_cells_are_kept_as_findings_not_dropped(tmp_path: Path, catalog: Catalog,
                                                          criteria: CriteriaSet) -> None:
    row = list(MAJOR)
    row[11] = "月底前"
    row[14] = "也许"
    row[4] = "积水=是；场所=车间"
    data = _row_fact(tmp_path, catalog, criteria, row)
    assert data["unreadable_count"] == 2
    assert "整改时限" in str(data["unreadable"]) and "主要负责人签字" in str(data["unreadable"])
    assert data["facts_readable"] is False and "场所" in str(data["facts_problem"])


def test_unit_column_is_needed_only_with_return_through_the_cli(tmp_path: Path) -> None:
    import subprocess

    path = tmp_path / "台账.csv"
    path.write_text("序号,企业名称,行业领域,隐患描述,隐患等级,隐患来源\nA1,华兴钢铁,工贸,地面油污,一般,企业自查\n",
                    encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    ret = root / "cases" / "hazard-ledger" / "district-2024-q1" / "return.csv"

    from tests.conftest import run_cli

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return run_cli("audit", str(path), "--as-of", "2024-03-31", *extra)

    alone = run()
    assert alone.returncode in (0, 1) and "Traceback" not in alone.stderr, alone.stderr
    with_return = run("--return", str(ret))
    assert with_return.returncode == 2 and "Traceback" not in with_return.stderr
    assert "[填报单位]" in with_return.stderr and "台账.csv" in with_return.stderr
    assert len(with_return.stderr.strip().splitlines()) == 1


def test_unknown_sector_is_an_unreadable_cell(tmp_path: Path, catalog: Catalog,
                                              criteria: CriteriaSet) -> None:
    row = list(MAJOR)
    row[3] = "冶炼"
    data = _row_fact(tmp_path, catalog, criteria, row)
    assert data["unreadable_count"] == 1 and "冶炼" in str(data["unreadable"])
    assert data["facts_readable"] is True


# --------------------------------------------------------------------------- ledgers as offices keep them

OFFICE = ["序号", "所属镇街", "企业名称", "行业领域", "隐患描述", "隐患等级", "隐患来源", "排查日期",
          "整改责任人", "整改措施", "整改资金", "整改期限", "应急预案", "整改完成时间", "是否挂牌督办",
          "是否处罚"]


def _office_row(n: object, **cells: object) -> list[object]:
    base: dict[str, object] = {
        "序号": n, "所属镇街": "青石镇", "企业名称": "青石五金有限公司", "行业领域": "工贸（机械）",
        "隐患描述": f"{n}号车间地面有油污", "隐患等级": "一般", "隐患来源": "企业自查",
        "排查日期": "2024-07-10", "整改责任人": "刘洋", "整改措施": "清理", "整改资金": 0.1,
        "整改期限": "2024-07-20", "应急预案": "处置卡",
        "整改完成时间": "2024-07-15", "是否挂牌督办": "否", "是否处罚": "否"}
    base.update(cells)
    return [base[h] for h in OFFICE]


def _office(tmp_path: Path, rows: list[list[object]], header: list[str] = OFFICE) -> Path:
    path = tmp_path / "office.csv"
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _office_facts(tmp_path: Path, catalog: Catalog, criteria: CriteriaSet, rows: list[list[object]],
                  header: list[str] = OFFICE) -> list[dict[str, object]]:
    form = catalog.ledger("hazard-ledger")
    ledger = read_ledger(_office(tmp_path, rows, header), form)
    facts, _ = ledger_row_facts(ledger, form, Classifier(criteria, get_backend("python")), date(2024, 9, 30))
    return [f.data for f in facts]


def _office_audit(tmp_path: Path, catalog: Catalog, criteria: CriteriaSet,
                  rows: list[list[object]]) -> list[tuple[str, tuple[str, ...]]]:
    form = catalog.ledger("hazard-ledger")
    ledger = read_ledger(_office(tmp_path, rows), form)
    result, _ = audit_ledger(ledger, catalog.plan(form.id), criteria, as_of=date(2024, 9, 30),
                             backend="python")
    return [(f.rule, f.fields) for f in result.findings]


def test_office_header_spellings_are_recognised(tmp_path: Path, catalog: Catalog) -> None:
    header = ["序号", "乡镇", "单位名称", "所属行业", "存在问题", "级别", "发现方式", "检查日期", "整改时限",
              "销号时间", "是否挂牌督办", "是否立案处罚"]
    path = _office(tmp_path, [["1", "青石镇", "华兴钢铁", "冶金", "积水", "重大", "企业自查", "2024-07-01",
                               "2024-07-30", "2024-07-20", "否", "是"]], header)
    ledger = read_ledger(path, catalog.ledger("hazard-ledger"))
    raw = ledger.rows[0].raw
    assert (raw["finding_id"], raw["unit"], raw["enterprise"]) == ("1", "青石镇", "华兴钢铁")
    assert raw["sector"] == "冶金"
    assert (raw["description"], raw["reported_level"], raw["found_date"]) == ("积水", "重大", "2024-07-01")
    assert (raw["deadline"], raw["rectified_date"], raw["listed_supervision"], raw["penalised"]) == (
        "2024-07-30", "2024-07-20", "否", "是")
    assert not ledger.has("facts") and ledger.has("unit")


def test_unit_name_is_the_enterprise_unless_an_enterprise_column_exists(tmp_path: Path,
                                                                         catalog: Catalog) -> None:
    form = catalog.ledger("hazard-ledger")
    office = read_ledger(_office(tmp_path, [["1", "青石镇", "华兴钢铁", "重大"]],
                                 ["序号", "所属镇街", "单位名称", "隐患等级"]), form)
    assert office.rows[0].raw["enterprise"] == "华兴钢铁" and office.rows[0].raw["unit"] == "青石镇"
    both = read_ledger(_office(tmp_path, [["1", "青石镇", "华兴钢铁", "重大"]],
                               ["序号", "单位名称", "企业名称", "隐患等级"]), form)
    assert both.rows[0].raw["enterprise"] == "华兴钢铁" and both.rows[0].raw["unit"] == "青石镇"


@pytest.mark.parametrize("written", ["2024-07-03", "2024/7/3", "2024年7月3日", "2024.07.03", "20240703",
                                     "45476", 45476, 45476.0, datetime(2024, 7, 3, 0, 0), date(2024, 7, 3)])
def test_dates_as_people_type_them(written: object) -> None:
    assert parse_day(written, serials=True) == date(2024, 7, 3)


def test_serial_numbers_are_dates_only_in_ledger_cells() -> None:
    with pytest.raises(ValueError):
        parse_day("45476")
    with pytest.raises(ValueError):
        parse_day("123", serials=True)


def test_xlsx_date_cells_and_serial_numbers(tmp_path: Path, catalog: Catalog, criteria: CriteriaSet) -> None:
    row = list(MAJOR)
    row[7] = 45476  # a date column formatted as 常规 shows the serial
    row[11] = datetime(2024, 7, 30)
    row[13] = None
    data = _row_fact(tmp_path, catalog, criteria, row, as_of=date(2024, 7, 31))
    assert data["found_date"] == "2024-07-03" and data["deadline"] == "2024-07-30"
    assert data["unreadable_count"] == 0 and data["overdue"] is True


def test_duplicate_rows_are_flagged_and_counted_once(tmp_path: Path, catalog: Catalog,
                                                     criteria: CriteriaSet) -> None:
    major = {"隐患等级": "重大", "隐患描述": "炼钢车间生产期间炉下渣坑有积水", "企业名称": "华兴钢铁有限公司",
             "行业领域": "工贸（冶金）"}  # judged 重大 from the description: counted unless it is a repeat
    rows = [_office_row(1, **major), _office_row(2, **major), _office_row(3, **major, 排查日期="2024-07-11")]
    data = _office_facts(tmp_path, catalog, criteria, rows)
    assert [d["is_duplicate"] for d in data] == [False, True, False]
    assert data[1]["duplicate_of"] == "第2行（1）"
    assert [d["counted_major"] for d in data] == [True, False, True]
    findings = _office_audit(tmp_path, catalog, criteria, rows)
    assert [f for f in findings if f[0] == "ledger-duplicate-row"] == [("ledger-duplicate-row", ("2",))]


def test_completion_and_deadline_before_the_finding_date(tmp_path: Path, catalog: Catalog,
                                                         criteria: CriteriaSet) -> None:
    rows = [_office_row(1, 整改完成时间="2024.07.05"), _office_row(2, 整改期限="20240701"), _office_row(3)]
    findings = _office_audit(tmp_path, catalog, criteria, rows)
    assert ("ledger-rectified-before-found", ("1",)) in findings
    assert ("ledger-deadline-before-found", ("2",)) in findings
    assert not [f for f in findings if f[1] == ("3",)]


def test_listed_row_not_reported_major(tmp_path: Path, catalog: Catalog, criteria: CriteriaSet) -> None:
    findings = _office_audit(tmp_path, catalog, criteria, [_office_row(1, 是否挂牌督办="是"), _office_row(2)])
    assert ("ledger-listed-not-major", ("1",)) in findings
    assert not [f for f in findings if f[1] == ("2",)]


def test_non_production_units_recognised_without_the_column(tmp_path: Path, catalog: Catalog,
                                                           criteria: CriteriaSet) -> None:
    rows = [_office_row(1, 企业名称="青石镇中心小学", 行业领域="教育"),
            _office_row(2, 企业名称="青石镇卫生院", 行业领域=None),
            _office_row(3, 企业名称="康泰医疗器械有限公司")]
    data = _office_facts(tmp_path, catalog, criteria, rows)
    assert [d["is_production_unit"] for d in data] == [False, False, True]
    assert "教育" in str(data[0]["production_reason"]) and "卫生院" in str(data[1]["production_reason"])
    assert data[0]["unreadable_count"] == 0  # a non-production sector is not an unreadable cell
    form = catalog.ledger("hazard-ledger")
    result, _ = audit_ledger(read_ledger(_office(tmp_path, rows), form), catalog.plan(form.id), criteria,
                             as_of=date(2024, 9, 30), backend="python")
    messages = {f.fields: f.message for f in result.findings if f.rule == "ledger-not-production-unit"}
    assert set(messages) == {("1",), ("2",)} and "名称含“卫生院”" in messages[("2",)]


def test_an_explicit_production_answer_wins_over_the_name(tmp_path: Path, catalog: Catalog,
                                                          criteria: CriteriaSet) -> None:
    header = [*OFFICE, "是否生产经营单位"]
    rows = [[*_office_row(1, 企业名称="青石镇中心小学校办工厂"), "是"],
            [*_office_row(2, 企业名称="华兴"), "否"]]
    data = _office_facts(tmp_path, catalog, criteria, rows, header)
    assert [d["is_production_unit"] for d in data] == [True, False]


def test_gongmao_row_takes_its_sector_from_the_enterprise_name(tmp_path: Path, catalog: Catalog,
                                                              criteria: CriteriaSet) -> None:
    row = list(MAJOR)
    row[3] = "工贸"  # 华兴钢铁 → 冶金
    form = catalog.ledger("hazard-ledger")
    ledger = read_ledger(_xlsx(tmp_path, [row]), form)
    classifier = Classifier(criteria, get_backend("python"))
    _, verdicts = ledger_row_facts(ledger, form, classifier, date(2024, 3, 31))
    assert verdicts[0].verdict == "重大" and verdicts[0].matches[0].ref == "第四条第(二)项"


def test_return_needs_the_unit_column(tmp_path: Path, catalog: Catalog, criteria: CriteriaSet) -> None:
    from engine.read import read_submission

    form = catalog.ledger("hazard-ledger")
    header = [h for h in OFFICE if h != "所属镇街"]
    rows = [[v for h, v in zip(OFFICE, _office_row(1), strict=True) if h != "所属镇街"]]
    ledger = read_ledger(_office(tmp_path, rows, header), form)
    alone, _ = audit_ledger(ledger, catalog.plan(form.id), criteria, as_of=date(2024, 9, 30),
                            backend="python")
    assert alone.summary.facts == 1
    ret_file = bundled("cases") / "hazard-ledger" / "district-2024-q1" / "return.csv"
    ret = read_submission(ret_file, catalog.forms, form_id=form.reconcile.form[0])
    with pytest.raises(InputError) as info:
        audit_ledger(ledger, catalog.plan(form.id), criteria, as_of=date(2024, 9, 30), ret=ret,
                     counts=catalog.counts(form.id), backend="python")
    assert info.value.field == "填报单位" and "office.csv" in info.value.one_line()


def test_a_ledger_id_with_a_plus_sign_stays_one_id(tmp_path: Path, catalog: Catalog,
                                                   criteria: CriteriaSet) -> None:
    row = list(MAJOR)
    row[0] = "A+2"
    row[9] = None  # measures missing: a five-in-place finding on this row
    form = catalog.ledger("hazard-ledger")
    result, _ = audit_ledger(read_ledger(_xlsx(tmp_path, [row]), form), catalog.plan(form.id), criteria,
                             as_of=date(2024, 3, 1), backend="python")
    five = next(f for f in result.findings if f.rule == "ledger-five-in-place-missing")
    assert five.fields == ("A+2",)


def test_a_ledger_result_builds_its_findings_and_rows_the_same_each_time_they_are_read() -> None:
    """Findings and row verdicts are sequences built on reading (engine/ledger/results.py):
    indexing, iterating twice and slicing give equal objects, in report order."""
    from engine.jobs import audit_file
    from engine.paths import bundled

    result = audit_file(bundled("cases") / "hazard-ledger" / "township-2024-office" / "ledger.csv",
                        as_of="2024-09-30", backend="python").result
    first, again = list(result.findings), list(result.findings)
    assert first == again == result.findings and len(first) == len(result.findings) > 3
    assert [result.findings[n] for n in range(len(first))] == first
    assert result.findings[-1] == first[-1] and result.findings[1:3] == first[1:3]
    assert list(result.rows) == [result.rows[n] for n in range(len(result.rows))]
    counts = result.summary.counts
    assert counts == {s: sum(1 for f in first if f.severity == s) for s in counts}
    assert [r.line for r in result.rows] == sorted(r.line for r in result.rows)


def test_an_unreadable_date_never_borrows_the_audit_date(tmp_path) -> None:
    """The same row, dated and undated: the undated one is 待确认 with the reason, not 重大."""
    from engine.jobs import audit_file

    path = tmp_path / "undated.csv"
    row = "北湖街道,华兴钢铁有限公司,冶金,炉下渣坑积水,生产期间=是；积水=是；场所=炉下渣坑,重大,企业自查"
    path.write_text("隐患编号,填报单位,企业名称,行业,隐患描述,事实,隐患等级,发现方式,发现日期\n"
                    f"U1,{row},三月底\nU2,{row},2024-03-01\n", encoding="utf-8")
    rows = list(audit_file(path, as_of="2024-06-30", backend="python").result.rows)
    assert [r.verdict for r in rows] == ["待确认", "重大"]
    assert rows[0].reason.startswith("发现日期无法识别")  # counted as reported: 待确认 is not 一般
