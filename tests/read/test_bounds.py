"""Hostile or broken inputs stay bounded and explained (issue 14): alias bombs, repeated keys,
merged-range and stray-cell workbooks, numbers no backend holds exactly."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cli import app
from engine.errors import InputError
from engine.read import read_submission
from engine.read.grid import load_xlsx
from engine.read.numbers import MAX_EXACT, parse_value

ROOT = Path(__file__).resolve().parents[2]
CLEAN = ROOT / "cases" / "campaign-2023-table" / "flat-keys-clean" / "return.csv"
runner = CliRunner()


def _bomb(levels: int) -> str:
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for n in range(1, levels):
        prev, name = chr(96 + n), chr(97 + n)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(_bomb(9), encoding="utf-8")  # 9^9 ≈ 387 million nodes from 400 bytes
    result = runner.invoke(app, ["classify", str(path)])
    assert result.exit_code == 2 and "别名" in result.stderr and "HAZCHECK_MAX_YAML_NODES" in result.stderr


def test_the_alias_bound_can_be_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forms) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("shared: &v {fines: 1, penalties: 1}\nrows:\n  - {unit: 甲镇, values: *v}\n"
                    "  - {unit: 乙镇, values: *v}\n", encoding="utf-8")
    monkeypatch.setenv("HAZCHECK_MAX_YAML_NODES", "5")
    with pytest.raises(InputError, match="别名"):
        read_submission(path, forms, form_id="campaign-2023-table")
    monkeypatch.setenv("HAZCHECK_MAX_YAML_NODES", "1000")
    sub = read_submission(path, forms, form_id="campaign-2023-table")
    assert [r.cells["fines"].value for r in sub.rows] == [1, 1]


@pytest.mark.parametrize(("name", "text", "where"), [
    ("r.yaml", "rows:\n  - unit: 甲镇\n    unit: 乙镇\n    values: {fines: 1}\n", ":3 [unit]"),
    ("r.json", '{"rows": [{"unit": "甲镇", "values": {"fines": 1, "fines": 2}}]}', "fines"),
])
def test_a_repeated_key_is_an_error_not_the_last_value(tmp_path: Path, name: str, text: str,
                                                       where: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["audit", str(path)])
    assert result.exit_code == 2 and "重复" in result.stderr and where in result.stderr


def _with_sheet_xml(src: Path, dst: Path, edit) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, edit(data) if item.filename == "xl/worksheets/sheet1.xml" else data)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    for line in CLEAN.read_text(encoding="utf-8-sig").splitlines():
        wb.active.append([float(x) if re.fullmatch(r"\d+(\.\d+)?", x) else x for x in line.split(",")])
    path = tmp_path / "base.xlsx"
    wb.save(path)
    return path


def test_a_merged_range_of_billions_of_cells_is_refused(tmp_path: Path, book: Path) -> None:
    bad = tmp_path / "merge.xlsx"
    _with_sheet_xml(book, bad, lambda d: d.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A20:XFD1048576"/></mergeCells>'))
    result = runner.invoke(app, ["audit", str(bad)])
    assert result.exit_code == 2 and "A20:XFD1048576" in result.stderr
    assert "HAZCHECK_MAX_MERGED_CELLS" in result.stderr


def test_a_stray_far_cell_does_not_widen_every_row(tmp_path: Path, book: Path) -> None:
    bad = tmp_path / "stray.xlsx"
    _with_sheet_xml(book, bad, lambda d: re.sub(
        rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', d.replace(
            b"</sheetData>",
            b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')))
    grid = load_xlsx(bad, str(bad))[0]
    assert grid.width <= 40 and len(grid.cells) < 20  # the data's extent, not the sheet's declared one
    assert runner.invoke(app, ["audit", str(bad)]).exit_code == 0


@pytest.mark.parametrize("raw", [True, 2 ** 63 - 1, "12345678901234567890123456789012", float("inf"),
                                 float("nan"), "1e309", MAX_EXACT + 1])
def test_numbers_no_backend_holds_exactly_are_unreadable(raw: object) -> None:
    assert parse_value(raw, "count") == (None, "unreadable")


def test_a_flag_still_takes_true_and_a_count_takes_the_largest_exact_number() -> None:
    assert parse_value(True, "flag") == (1.0, "ok")
    assert parse_value(MAX_EXACT, "count") == (float(MAX_EXACT), "ok")


@pytest.mark.parametrize(("second", "said"), [("北湖街道", "北湖街道"), ("累计", "累计")])
def test_a_repeated_unit_or_total_row_is_an_error_naming_both_rows(tmp_path: Path, second: str,
                                                                 said: str, forms) -> None:
    lines = CLEAN.read_text(encoding="utf-8-sig").splitlines()
    copy = next(x for x in lines if x.startswith(second + ","))
    path = tmp_path / "twice.csv"
    path.write_text("\n".join([*lines, copy]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_submission(path, forms)
    assert said in err.value.message and "第" in err.value.message and err.value.file == str(path)


def test_a_return_longer_than_any_real_one_is_refused_and_the_bound_can_be_raised(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 100,000-row csv return took 178 s and 6.6 GB; past HAZCHECK_MAX_RETURN_ROWS (one row per
    unit) it is one line naming the file and the variable, before any form is matched."""
    path = tmp_path / "long.csv"
    lines = CLEAN.read_text(encoding="utf-8-sig").splitlines()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("HAZCHECK_MAX_RETURN_ROWS", str(len(lines) - 1))
    result = runner.invoke(app, ["audit", str(path)])
    assert result.exit_code == 2 and str(path) in result.stderr
    assert "HAZCHECK_MAX_RETURN_ROWS" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    monkeypatch.setenv("HAZCHECK_MAX_RETURN_ROWS", str(len(lines)))
    assert runner.invoke(app, ["audit", str(path)]).exit_code in (0, 1)


@pytest.mark.parametrize(("change", "said"), [
    (lambda row: row + ",1,2,3", "多 3 个"),  # stray separators: was "第30列和第31列都对应指标"
    (lambda row: '"' + row, "引号没有闭合"),  # an unclosed quote: was "no data rows" with no line
])
def test_a_csv_record_that_does_not_line_up_is_named_at_its_line(tmp_path: Path, change, said: str) -> None:
    lines = CLEAN.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = change(lines[2])
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["audit", str(path)])
    assert result.exit_code == 2 and f"{path}:3:" in result.stderr and said in result.stderr


def test_a_cell_with_line_breaks_and_blank_trailing_fields_are_fine(tmp_path: Path) -> None:
    lines = CLEAN.read_text(encoding="utf-8-sig").splitlines()
    first = lines[2].split(",")
    first[0] = f'"{first[0]}\n（备注）"'
    lines[2] = ",".join(first) + ",,"
    path = tmp_path / "ok.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert runner.invoke(app, ["audit", str(path)]).exit_code in (0, 1)
