"""Hazard ledgers: reading real-looking sheets, deriving duties, and the rules that judge them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from engine.catalog import Catalog
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
    path.write_text("序号,镇街,企业名称,隐患等级\nA1,北湖街道,华兴,重大\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_ledger(path, catalog.ledger("hazard-ledger"))
    assert "事实" in info.value.one_line() and "ledger.csv:1" in info.value.one_line()


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


def test_ledger_without_facts_column_says_so_through_the_cli(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "台账.csv"
    path.write_text("序号,镇街,企业名称,隐患等级,发现方式\nA1,北湖街道,华兴,重大,企业自查\n",
                    encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, str(root / "cli.py"), "audit", str(path)], capture_output=True,
                          text=True, timeout=120, cwd=root)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "缺少必需的列：事实" in proc.stderr and "台账.csv:1" in proc.stderr


def test_unknown_sector_is_an_unreadable_cell(tmp_path: Path, catalog: Catalog,
                                              criteria: CriteriaSet) -> None:
    row = list(MAJOR)
    row[3] = "冶炼"
    data = _row_fact(tmp_path, catalog, criteria, row)
    assert data["unreadable_count"] == 1 and "冶炼" in str(data["unreadable"])
    assert data["facts_readable"] is True
