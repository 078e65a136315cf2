"""Recounting a return from its detail records (``hazcheck audit RETURN --details DIR``).

The bundled cases fix which findings each counting rule gives; these tests pin the
mechanisms beneath them: how a rule counts (rows, sums, distinct values), which records it
names, how a detail file's form is told from a hazard ledger's, and what the user sees
in every output and on bad input.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli import app
from engine.facts import Fact
from engine.jobs import audit_file
from engine.ledger.records import record_row_facts
from engine.ledger.recount import recount
from engine.read.ledger import detect_ledger

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "cases" / "campaign-2023-table" / "district-2023-09-recount"
runner = CliRunner()


def _count(catalog, form_id: str, indicator: str):
    return next(c for c in catalog.counts(form_id) if c.indicator == indicator)


def _facts(rows: list[dict]) -> list[Fact]:
    return [Fact("ledger_row", data, "甲", []) for data in rows]


def test_a_sum_adds_the_counted_rows_only(catalog) -> None:
    fines = _count(catalog, "penalty-ledger", "fines")
    rows = _facts([{"finding_id": "a", "counted": True, "amount": 0.1},
                   {"finding_id": "b", "counted": True, "amount": 0.2},
                   {"finding_id": "c", "counted": False, "amount": 5.0}])
    total, left_out = recount(rows, fines)
    assert total == pytest.approx(0.3)
    assert [f.data["finding_id"] for f in left_out] == ["c"]  # among: 罚款金额 > 0, not counted


def test_distinct_counts_values_and_names_the_repeats_in_row_order(catalog) -> None:
    tours = _count(catalog, "supervision-tour-ledger", "assessment_tours")
    rows = _facts([{"finding_id": "1", "has_document": True, "document": "甲〔2023〕1号"},
                   {"finding_id": "2", "has_document": False},
                   {"finding_id": "3", "has_document": True, "document": "甲〔2023〕1号"},
                   {"finding_id": "4", "has_document": True, "document": "甲〔2023〕2号"}])
    figure, left_out = recount(rows, tours)
    assert figure == 2  # two documents, whatever the units visited
    assert [f.data["finding_id"] for f in left_out] == ["2", "3"]


def test_among_limits_the_records_named(catalog) -> None:
    double = _count(catalog, "penalty-ledger", "double_penalties")
    rows = _facts([{"finding_id": "x", "double_penalty": False},
                   {"finding_id": "y", "double_penalty": True},
                   {"finding_id": "z", "double_penalty": True, "counted_double": True}])
    figure, left_out = recount(rows, double)
    assert figure == 1 and [f.data["finding_id"] for f in left_out] == ["y"]


def test_a_detail_file_is_read_as_its_own_form_not_as_a_hazard_ledger(catalog) -> None:
    found = {p.name: detect_ledger(p, catalog.ledgers.values()).form_id
             for p in (TABLE / "details").iterdir()}
    assert found == {"行政处罚台账.csv": "penalty-ledger", "移送司法机关台账.csv": "judicial-transfer-ledger",
                     "典型案例公布台账.csv": "published-case-ledger", "专题培训签到表.csv": "training-roster",
                     "督导检查记录.csv": "supervision-tour-ledger",
                     "执法检查记录.csv": "inspection-visit-ledger"}
    hazard = ROOT / "cases" / "hazard-ledger" / "district-2024-q1" / "ledger.csv"
    assert detect_ledger(hazard, catalog.ledgers.values()).form_id == "hazard-ledger"


def test_detail_rows_as_a_table_equal_the_rows_built_one_by_one(catalog) -> None:
    from datetime import date

    ledger = detect_ledger(TABLE / "details" / "行政处罚台账.csv", catalog.ledgers.values())
    form = catalog.ledger(ledger.form_id)
    table = record_row_facts(ledger, form, date(2023, 9, 30))
    each = record_row_facts(ledger, form, date(2023, 9, 30), per_row=True)
    assert [table[i].data for i in range(len(table))] == [f.data for f in each]
    assert not form.classifies and catalog.ledger("hazard-ledger").classifies


def test_the_recount_names_the_records_and_points_at_the_return_cell(catalog, criteria) -> None:
    job = audit_file(TABLE / "return.csv", details=TABLE / "details", as_of="2023-09-30",
                     catalog=catalog, criteria=criteria)
    penalties = next(d for d in job.result.details if d.summary.form == "penalty-ledger")
    over = next(f for f in penalties.findings
                if f.rule == "detail-over-reported" and f.fields == ("penalties",))
    assert over.values["ledger_count"] == 3 and over.values["return_value"] == 7
    for number in ("103", "104", "105", "107"):
        assert f"交罚〔2023〕{number}" in over.message
    assert over.file == str(TABLE / "return.csv") and over.cells[0].row == 5  # the return's 交警大队 row
    assert job.exit_code == 1 and job.result.summary.details == sorted(
        str(p) for p in (TABLE / "details").iterdir())


def test_json_csv_and_annotated_copy_carry_the_recount(tmp_path: Path) -> None:
    args = ["audit", str(TABLE / "return.csv"), "--details", str(TABLE / "details"), "--as-of", "2023-09-30"]
    doc = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    forms = {d["form"]: d for d in doc["details"]}
    assert set(forms) >= {"penalty-ledger", "training-roster"} and len(doc["summary"]["details"]) == 6
    training = [f for f in forms["training-roster"]["findings"] if f["rule"] == "detail-over-reported"]
    assert training[0]["file"].endswith("return.csv") and "R03、R04" in training[0]["message"]

    out = tmp_path / "report.csv"
    assert runner.invoke(app, [*args, "--format", "csv", "--output", str(out)]).exit_code == 1
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    files = {Path(r["文件"]).name for r in rows if r["规则"] == "training-attendee-not-enforcement"}
    assert files == {"专题培训签到表.csv"}

    book = tmp_path / "annotated.xlsx"
    assert runner.invoke(app, [*args, "--annotate", str(book)]).exit_code == 1
    ws = load_workbook(book)["数据"]
    marked = [c for row in ws.iter_rows() for c in row if c.comment is not None]
    assert any("detail-over-reported" in c.comment.text and "交罚〔2023〕103" in c.comment.text
               for c in marked)
    result = load_workbook(book)["审核结果"]
    assert any(r[2] == "penalty-not-operating-vehicle" and "行政处罚台账.csv" in str(r[5])
               for r in result.iter_rows(values_only=True))


def test_a_file_no_form_fits_is_a_one_line_error_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "details"
    shutil.copytree(TABLE / "details", folder)
    (folder / "会议记录.csv").write_text("时间,地点,内容\n2023-07-01,会议室,研究部署\n", encoding="utf-8")
    result = runner.invoke(app, ["audit", str(TABLE / "return.csv"), "--details", str(folder)])
    assert result.exit_code == 2 and "会议记录.csv" in result.stderr and "--details" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("bad", ["missing", "file"])
def test_details_must_be_a_folder(tmp_path: Path, bad: str) -> None:
    target = tmp_path / "x.csv"
    if bad == "file":
        target.write_text("a,b\n", encoding="utf-8")
    result = runner.invoke(app, ["audit", str(TABLE / "return.csv"), "--details", str(target)])
    assert result.exit_code == 2 and "--details" in result.stderr and "Traceback" not in result.stderr


def test_details_are_for_returns_not_ledgers(tmp_path: Path) -> None:
    ledger = ROOT / "cases" / "hazard-ledger" / "district-2024-q1" / "ledger.csv"
    result = runner.invoke(app, ["audit", str(ledger), "--details", str(TABLE / "details")])
    assert result.exit_code == 2 and "--details" in result.stderr


def test_every_counting_check_has_a_case_that_fires_it(catalog) -> None:
    from engine.cases import find_cases, load_case
    from engine.paths import bundled

    fired = {e.rule for p in find_cases(bundled("cases")) for e in load_case(p).expect}
    counting = {r.rule.id for r in catalog.rules if Path(r.doc.file).name == "detail-records.yaml"}
    assert len(counting) >= 17 and not counting - fired, counting - fired


def test_an_xlsx_detail_file_and_an_unreadable_cell_stay_findings(tmp_path: Path, catalog, criteria) -> None:
    from openpyxl import Workbook

    folder = tmp_path / "details"
    folder.mkdir()
    wb = Workbook()
    ws = wb.active
    ws.append(["交警大队行政处罚台账（2023年9月）"])  # a title row above the header, as offices keep them
    ws.append(["序号", "执法单位", "当事人", "对象类型", "罚款金额（万元）"])
    ws.append(["J1", "交警大队", "鲁A12345", "营运车辆", 0.05])
    ws.append(["J2", "交警大队", "张某", "三轮车", 0.01])  # a kind the form does not know
    wb.save(folder / "处罚.xlsx")
    job = audit_file(TABLE / "return.csv", details=folder, catalog=catalog, criteria=criteria)
    (detail,) = job.result.details
    assert detail.summary.form == "penalty-ledger" and detail.summary.facts_evaluated == detail.summary.facts
    unreadable = next(f for f in detail.findings if f.rule == "detail-unreadable-value")
    assert unreadable.fields == ("J2",) and "三轮车" in unreadable.message
    over = next(f for f in detail.findings if f.rule == "detail-over-reported" and f.fields == ("penalties",))
    assert over.values["ledger_count"] == 1 and "J2" in over.message  # not counted, and named
