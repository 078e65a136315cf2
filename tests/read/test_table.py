"""Table layout: example A as xlsx and GBK csv, and flat files with keys or label paths."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import openpyxl
import pytest

from engine.errors import InputError
from engine.model.forms import Form
from engine.model.records import Submission
from engine.read import read_submission

from .builders import KEYS_A, ROWS_A, SECTIONS, TABLE, example_a_csv_rows, write_example_a


def _write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8",
               delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def _check_example_a(sub: Submission) -> None:
    assert sub.form_id == TABLE
    assert sub.period == "2023-05-01~2023-09-26"
    assert [r.unit for r in sub.rows] == ["累计", "XX镇", "区应急管理局", "区公安分局", "XX工业园"]
    assert [r.is_total for r in sub.rows] == [True, False, False, False, False]
    assert [r.unit_kind for r in sub.rows] == [None, "镇街", "区直部门", "区直部门", "镇街"]
    assert sub.rows[1].unit_kind_source == "name"
    for row in sub.rows:
        assert list(row.cells) == KEYS_A
        for i, key in enumerate(KEYS_A):
            assert row.cells[key].ref is not None and row.cells[key].ref.column == i + 2
    total = sub.rows[0].cells
    assert total["general_found"].value == 120 and total["fines"].value == 3.5
    assert total["reward_anonymous"].value == 0.2
    dept = sub.rows[2].cells
    assert (dept["general_found"].raw, dept["general_found"].value) == ("70", 70.0)
    assert (dept["general_rectified"].raw, dept["general_rectified"].value) == ("６０", 60.0)
    assert dept["helped_areas"].value == 6
    police = sub.rows[3].cells
    fines = police["fines"]
    assert (fines.raw, fines.status, fines.value) == ("—", "blank", None)
    park = sub.rows[4].cells
    assert (park["general_found"].status, park["general_found"].raw) == ("unreadable", "约10")
    assert park["general_rectified"].value == 1234
    assert park["helped_areas"].status == "blank"
    assert park["fines"].value == 3.5
    assert park["reward_total"].status == park["reward_anonymous"].status == "blank"
    town = sub.rows[1].cells
    assert town["helped_areas"].status == "blank" and town["helped_areas"].raw == ""


def test_example_a_xlsx(example_a: Path, forms: dict[str, Form]) -> None:
    digest = hashlib.sha256(example_a.read_bytes()).hexdigest()
    sub = read_submission(example_a, forms)
    _check_example_a(sub)
    assert sub.format == "xlsx" and sub.sheet == "调度表" and sub.encoding is None
    assert sub.header_rows == 4
    assert sub.rows[0].ref is not None and sub.rows[0].ref.a1() == "调度表!A6"
    assert sub.rows[4].cells["general_found"].ref.a1() == "调度表!B10"  # type: ignore[union-attr]
    assert hashlib.sha256(example_a.read_bytes()).hexdigest() == digest  # input untouched


def test_example_a_xlsx_upper_suffix_and_form_given(tmp_path: Path,
                                                    forms: dict[str, Form]) -> None:
    path = write_example_a(tmp_path / "RETURN.XLSX")
    _check_example_a(read_submission(path, forms, form_id=TABLE))


def test_example_a_gbk_csv(tmp_path: Path, forms: dict[str, Form]) -> None:
    path = _write_csv(tmp_path / "调度表.csv", example_a_csv_rows(), encoding="gbk")
    sub = read_submission(path, forms)
    _check_example_a(sub)
    assert sub.format == "csv" and sub.encoding == "gb18030" and sub.sheet is None
    # "区公安\n分局" is a quoted two-line cell: the next record starts one line later
    assert [r.ref.row for r in sub.rows] == [6, 7, 8, 9, 11]  # type: ignore[union-attr]
    assert sub.rows[2].cells["fines"].ref.a1() == "N8"  # type: ignore[union-attr]


def test_utf8_bom_tab_separated(tmp_path: Path, forms: dict[str, Form]) -> None:
    path = _write_csv(tmp_path / "r.txt", example_a_csv_rows(), encoding="utf-8-sig",
                      delimiter="\t")
    sub = read_submission(path, forms)
    _check_example_a(sub)
    assert sub.encoding == "utf-8-sig"


def test_flat_csv_with_keys(tmp_path: Path, forms: dict[str, Form]) -> None:
    rows = [["unit", "unit_kind", *KEYS_A],
            ["XX镇", "部门", *["1"] * len(KEYS_A)],
            ["区应急管理局", "", *["2"] * len(KEYS_A)],
            ["合 计", "", *["3"] * len(KEYS_A)]]
    sub = read_submission(_write_csv(tmp_path / "flat.csv", rows), forms)
    assert sub.form_id == TABLE and sub.header_rows == 1 and sub.period is None
    assert [(r.unit, r.unit_kind, r.unit_kind_source, r.is_total) for r in sub.rows] == [
        ("XX镇", "区直部门", "column", False), ("区应急管理局", "区直部门", "name", False),
        ("合计", None, "unknown", True)]
    assert sub.rows[1].cells["fines"].value == 2 and sub.rows[1].cells["fines"].ref.row == 3


def test_flat_csv_with_label_paths(tmp_path: Path, forms: dict[str, Form]) -> None:
    form = forms[TABLE]
    header = ["地区/部门"] + ["/".join(ind.path) for ind in form.indicators]
    rows = [header, ["XX街道", *range(len(form.indicators))]]
    sub = read_submission(_write_csv(tmp_path / "paths.csv", rows), forms)
    assert sub.form_id == TABLE
    cells = sub.rows[0].cells
    assert [cells[ind.key].value for ind in form.indicators] == list(range(len(form.indicators)))
    assert sub.rows[0].unit_kind == "镇街"


def test_flat_label_paths_for_sections_form_need_unit(tmp_path: Path,
                                                      forms: dict[str, Form]) -> None:
    form = forms[SECTIONS]
    rows = [["/".join(ind.path) for ind in form.indicators], ["1"] * len(form.indicators)]
    path = _write_csv(tmp_path / "one.csv", rows)
    with pytest.raises(InputError) as err:
        read_submission(path, forms)
    assert err.value.file == str(path) and "--unit" in (err.value.hint or "")
    sub = read_submission(path, forms, unit="XX镇")
    assert sub.form_id == SECTIONS and len(sub.rows) == 1
    assert sub.rows[0].unit == "XX镇" and len(sub.rows[0].cells) == len(form.indicators)
    assert sub.rows[0].cells["media_column"].value == 1


def test_flat_keys_sections_unit_from_cell(tmp_path: Path, forms: dict[str, Form]) -> None:
    keys = [ind.key for ind in forms[SECTIONS].indicators]
    rows = [["填报单位：XX乡"], keys, ["0"] * len(keys)]
    sub = read_submission(_write_csv(tmp_path / "one.csv", rows), forms)
    assert sub.form_id == SECTIONS and sub.rows[0].unit == "XX乡"
    assert sub.rows[0].unit_kind == "镇街"


def test_flat_keys_sections_unit_column(tmp_path: Path, forms: dict[str, Form]) -> None:
    keys = [ind.key for ind in forms[SECTIONS].indicators]
    rows = [["填报单位", *keys], ["区应急管理局", *["0"] * len(keys)]]
    sub = read_submission(_write_csv(tmp_path / "one.csv", rows), forms)
    assert sub.rows[0].unit == "区应急管理局"


def test_missing_indicators_have_no_cell(tmp_path: Path, forms: dict[str, Form]) -> None:
    rows = [["单位", "general_found", "general_rectified", "fines", "helped_areas"],
            ["XX镇", "3", "", "1.5", "—"]]
    sub = read_submission(_write_csv(tmp_path / "few.csv", rows), forms, form_id=TABLE)
    cells = sub.rows[0].cells
    assert set(cells) == {"general_found", "general_rectified", "fines", "helped_areas"}
    assert cells["general_rectified"].status == "blank"
    assert cells["helped_areas"].status == "blank"


def test_unit_kind_priority(tmp_path: Path, forms: dict[str, Form]) -> None:
    rows = [["单位", "单位类型", "general_found", "general_rectified", "fines"],
            ["XX镇", "部门", "1", "1", "1"],
            ["区应急管理局", "", "1", "1", "1"],
            ["张三工作组", "", "1", "1", "1"],
            ["累计", "镇街", "3", "3", "3"]]
    path = _write_csv(tmp_path / "kinds.csv", rows)
    sub = read_submission(path, forms, form_id=TABLE, unit_kinds={"区应急管理局": "镇街"})
    got = [(r.unit_kind, r.unit_kind_source) for r in sub.rows]
    assert got == [("区直部门", "column"), ("镇街", "override"), (None, "unknown"),
                   (None, "unknown")]
    with pytest.raises(InputError) as err:
        read_submission(path, forms, form_id=TABLE, unit_kinds={"XX镇": "村"})
    assert err.value.file == str(path)


def test_duplicate_columns(tmp_path: Path, forms: dict[str, Form]) -> None:
    rows = [["单位", "fines", "部门精准严格执法情况/行政处罚/罚款金额", "penalties", "exposures"],
            ["XX镇", "1", "2", "1", "1"]]
    path = _write_csv(tmp_path / "dup.csv", rows)
    with pytest.raises(InputError) as err:
        read_submission(path, forms, form_id=TABLE)
    assert err.value.file == str(path)
    assert "第2列“fines”" in err.value.message and "第3列" in err.value.message


def test_sheet_choice_and_formula_without_cache(tmp_path: Path,
                                                forms: dict[str, Form]) -> None:
    path = write_example_a(tmp_path / "wb.xlsx")
    wb = openpyxl.load_workbook(path)
    notes = wb.create_sheet("填表说明", 0)
    notes["A1"] = "说明：各项数据为累计数"
    wb.active = 0
    wb["调度表"]["B6"] = "=SUM(B7:B10)"
    wb.save(path)
    sub = read_submission(path, forms)
    assert sub.sheet == "调度表"
    cell = sub.rows[0].cells["general_found"]
    assert (cell.raw, cell.status) == ("=SUM(B7:B10)", "unreadable")


def test_numbering_row_and_serial_column(tmp_path: Path, forms: dict[str, Form]) -> None:
    rows = [["序号", "地区/部门", "一般隐患", "", "重大隐患", ""],
            ["", "", "排查", "已整改", "部门排查", ""],
            ["", "", "", "", "排查", "已整改"],
            ["甲", "乙", "1", "2", "3", "4"],
            ["1", "XX镇", "5", "4", "1", "1"],
            ["2", "区住建局", "6", "6", "0", "0"]]
    sub = read_submission(_write_csv(tmp_path / "n.csv", rows), forms, form_id=TABLE)
    assert [r.unit for r in sub.rows] == ["XX镇", "区住建局"]
    assert sub.rows[0].cells["major_dept_rectified"].value == 1
    assert sub.rows[1].cells["general_rectified"].value == 6


def test_rows_all_empty_are_skipped(tmp_path: Path, forms: dict[str, Form]) -> None:
    rows = [["单位", "general_found", "general_rectified", "fines"],
            ["XX镇", "1", "1", "1"], ["", "", "", ""], ["XX乡", "", "", ""]]
    sub = read_submission(_write_csv(tmp_path / "e.csv", rows), forms, form_id=TABLE)
    assert [r.unit for r in sub.rows] == ["XX镇", "XX乡"]
    assert all(c.status == "blank" for c in sub.rows[1].cells.values())


def test_rows_a_fixture_is_consistent() -> None:
    assert all(len(r) == len(KEYS_A) + 1 for r in ROWS_A)


def test_uncalculated_total_formulas_stay_data(tmp_path: Path, forms: dict[str, Form]) -> None:
    """An openpyxl-made workbook whose 累计 row is formulas Excel never calculated."""
    rows = [list(r) for r in ROWS_A]
    rows[0] = ["累计", *[f"=SUM({c}7:{c}10)" for c in "BCDEFGHIJKLMNOPQRSTUVWXYZ"],
               "=SUM(AA7:AA10)", "=SUM(AB7:AB10)", "=SUM(AC7:AC10)"]
    sub = read_submission(write_example_a(tmp_path / "f.xlsx", rows=rows), forms)
    assert [r.unit for r in sub.rows][:2] == ["累计", "XX镇"]
    assert sub.rows[0].cells["fines"].raw == "=SUM(N7:N10)"
    assert sub.rows[0].cells["fines"].status == "unreadable"
    assert sub.rows[1].cells["fines"].value == 1.5


def test_xlsx_with_unmerged_blank_headers(tmp_path: Path, forms: dict[str, Form]) -> None:
    """Merged ranges removed (as after copy-paste): blanks are filled like CSV."""
    path = write_example_a(tmp_path / "u.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for rng in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(rng))
    wb.save(path)
    _check_example_a(read_submission(path, forms))
