"""The log and the roster as offices keep them: encodings, a title above the header, lists of units."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from engine.errors import InputError
from engine.status.roster import read_units
from engine.status.schedule_load import load_schedule
from engine.status.submissions import read_log

from .conftest import SCHEDULE

COLUMNS = load_schedule(SCHEDULE).columns


def test_a_gbk_log_with_a_title_row_and_spelled_columns(tmp_path: Path) -> None:
    path = tmp_path / "登记.csv"
    path.write_bytes("2023年报送登记表\n序号,镇街/部门,报送材料,所属月份,收到日期,是否催报\n"
                     "1,城关镇,调度表,7月,2023-07-20,\n,,,,,\n2,河口乡,调度表,7月,2023-07-21,是\n"
                     .encode("gbk"))
    log = read_log(path, COLUMNS)
    assert [r.line for r in log.rows] == [3, 5]  # the blank line is no row; lines are the file's
    assert log.rows[1].raw == {"unit": "河口乡", "form": "调度表", "period": "7月", "received": "2023-07-21",
                               "chased": "是"}
    assert log.rows[0].cell("received").a1() == "E3"


def test_a_missing_column_names_the_header_line(tmp_path: Path) -> None:
    path = tmp_path / "登记.csv"
    path.write_text("说明\n单位,报表,报送日期\n城关镇,调度表,2023-07-20\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_log(path, COLUMNS)
    assert caught.value.line == 2 and caught.value.field == "期别" and "截止日期" not in caught.value.message
    assert "期别 列可写作" in caught.value.hint


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("units.txt", "# 名单\n城关镇\n河口乡,镇街\n\n县应急管理局\t区直部门\n城关镇\n",
     [("城关镇", None), ("河口乡", "镇街"), ("县应急管理局", "区直部门")]),
    ("units.csv", "城关镇\n河口乡\n", [("城关镇", None), ("河口乡", None)]),
    ("units.csv", "名单\n序号,填报单位,类型\n1,城关镇,镇\n2,县消防救援大队,部门\n",
     [("城关镇", "镇街"), ("县消防救援大队", "区直部门")]),
])
def test_rosters(tmp_path: Path, name: str, content: str, expected) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert [(u.name, u.kind) for u in read_units(path, COLUMNS)] == expected


def test_a_roster_workbook(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["单位", "单位类型"])
    wb.active.append(["五里铺", "镇街"])
    path = tmp_path / "名单.xlsx"
    wb.save(path)
    assert [(u.name, u.kind) for u in read_units(path, COLUMNS)] == [("五里铺", "镇街")]


@pytest.mark.parametrize(("name", "content", "words"), [
    ("units.csv", "甲,乙\n城关镇,1\n", "找不到单位列"),
    ("units.txt", "# 只有注释\n", "没有任何单位"),
    ("units.pdf", "%PDF", ".txt"),
])
def test_an_unusable_roster_is_an_input_error(tmp_path: Path, name: str, content: str, words: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_units(path, COLUMNS)
    assert words in caught.value.one_line() and caught.value.field == "--units"
