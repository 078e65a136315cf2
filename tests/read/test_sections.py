"""Vertical sections layout (example B), as xlsx and csv."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from engine.errors import InputError
from engine.model.forms import Form
from engine.read import read_submission

from .builders import ROWS_B, SECTIONS, rows_b_lines, write_example_b


def test_example_b_xlsx(tmp_path: Path, forms: dict[str, Form]) -> None:
    sub = read_submission(write_example_b(tmp_path / "月报.xlsx"), forms)
    assert sub.form_id == SECTIONS and sub.format == "xlsx" and sub.sheet == "月报"
    assert sub.period == "2023-05-01~2023-09-26"
    [row] = sub.rows
    assert (row.unit, row.unit_kind, row.unit_kind_source, row.is_total) == (
        "XX镇", "镇街", "name", False)
    assert set(row.cells) == {ind.key for ind in forms[SECTIONS].indicators}
    lines = rows_b_lines()
    for key, cell in row.cells.items():
        assert cell.ref is not None and (cell.ref.sheet, cell.ref.row, cell.ref.column) == (
            "月报", lines[key], 4), key
    c = row.cells
    assert c["major_self_rectified"].value == 10 and c["major_dept_rectified"].value == 6
    assert c["major_listed_rectified"].value == 1
    assert c["dangerous_operation_cases"].value == 1 and c["typical_cases"].value == 2
    assert c["penalties"].value == 5 and c["fines"].value == 2.5
    assert c["reward_total"].value == 0.5 and c["reward_anonymous"].value == 0.1
    assert (c["media_column"].raw, c["media_column"].value) == ("是", 1.0)
    assert c["no_duty_list"].status == "blank" and c["experts"].status == "blank"
    assert (c["assessment_tours"].raw, c["assessment_tours"].status) == ("若干", "unreadable")


def test_unit_argument_overrides_sheet(tmp_path: Path, forms: dict[str, Form]) -> None:
    sub = read_submission(write_example_b(tmp_path / "b.xlsx"), forms, unit="区应急管理局")
    assert sub.rows[0].unit == "区应急管理局" and sub.rows[0].unit_kind == "区直部门"


def test_no_unit_needs_argument(tmp_path: Path, forms: dict[str, Form]) -> None:
    path = write_example_b(tmp_path / "b.xlsx", unit_line=None)
    with pytest.raises(InputError) as err:
        read_submission(path, forms)
    assert err.value.file == str(path) and "--unit" in (err.value.hint or "")
    assert read_submission(path, forms, unit="XX街道").rows[0].unit == "XX街道"


def test_vertical_csv_label_value_pairs(tmp_path: Path, forms: dict[str, Form]) -> None:
    """No 序号 or 单位 column: label, value; units in brackets; 其中 rows."""
    lines: list[list[str]] = [["填报单位：", "XX街道办事处"]]
    for label, unit, value, key in ROWS_B:
        if key is None:
            lines.append([label, ""])
        else:
            text = f"{label}（{unit}）" if unit != "是/否" else label
            lines.append([text, "" if value is None else str(value)])
    path = tmp_path / "b.csv"
    with path.open("w", encoding="gb18030", newline="") as f:
        csv.writer(f).writerows(lines)
    sub = read_submission(path, forms)
    assert sub.form_id == SECTIONS and sub.encoding == "gb18030"
    [row] = sub.rows
    assert row.unit == "XX街道办事处" and row.unit_kind == "镇街"
    assert set(row.cells) == {ind.key for ind in forms[SECTIONS].indicators}
    assert row.cells["penalties"].value == 5 and row.cells["fines"].value == 2.5
    assert row.cells["major_listed_rectified"].ref.a1() == "B8"  # type: ignore[union-attr]


def test_section_column_and_qizhong(tmp_path: Path, forms: dict[str, Form]) -> None:
    """Section name in its own column; 其中 rows resolve against the row above."""
    rows = [["部分", "项目", "数值"],
            ["总体情况", "企业自查发现重大事故隐患", "4"],
            ["", "其中：已整改", "3"],
            ["", "部门检查发现重大事故隐患", "2"],
            ["", "其中：已整改", "2"],
            ["部门精准执法", "行政处罚次数", "1"]]
    path = tmp_path / "s.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    sub = read_submission(path, forms, form_id=SECTIONS, unit="XX镇")
    cells = sub.rows[0].cells
    assert {k: c.value for k, c in cells.items()} == {
        "major_self_found": 4, "major_self_rectified": 3, "major_dept_found": 2,
        "major_dept_rectified": 2, "penalties": 1}


def test_duplicate_rows(tmp_path: Path, forms: dict[str, Form]) -> None:
    rows = [["填报单位：XX镇"], ["学习研究", "1"], ["考核巡查", "1"], ["技术检查员或聘请专家", "2"],
            ["学习研究", "2"]]
    path = tmp_path / "d.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(InputError) as err:
        read_submission(path, forms, form_id=SECTIONS)
    assert "第2行和第5行" in err.value.message and err.value.file == str(path)
