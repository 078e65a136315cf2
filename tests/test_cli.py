"""The command line as a user runs it: exit codes, one-line errors, outputs, annotation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli import app

ROOT = Path(__file__).resolve().parent.parent
DISTRICT = ROOT / "cases" / "campaign-2023-table" / "district-2023-09"
CLEAN = ROOT / "cases" / "campaign-2023-table" / "flat-keys-clean" / "return.csv"
runner = CliRunner()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)


@pytest.mark.parametrize(("name", "content"), [
    ("broken.xlsx", b"\x00\x01not a workbook"),
    ("unknown.csv", b"a,b\n1,2\n"),
    ("empty.csv", b""),
    ("notes.txt.pdf", b"%PDF-1.4"),
])
def test_unusable_input_is_one_line_and_exit_2(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    proc = run("audit", str(path))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and name in lines[0], proc.stderr
    assert path.read_bytes() == content  # never modified


def test_missing_file_exit_2(tmp_path: Path) -> None:
    proc = run("audit", str(tmp_path / "missing.csv"))
    assert proc.returncode == 2 and "missing.csv" in proc.stderr and "Traceback" not in proc.stderr


def test_clean_return_exits_0_and_errors_exit_1() -> None:
    assert runner.invoke(app, ["audit", str(CLEAN)]).exit_code == 0
    assert runner.invoke(app, ["audit", str(DISTRICT / "return.xlsx")]).exit_code == 1


def test_json_output_shape() -> None:
    result = runner.invoke(app, ["audit", str(DISTRICT / "return.xlsx"), "--format", "json"])
    doc = json.loads(result.stdout)
    assert doc["form"] == "campaign-2023-table"
    fine = next(f for f in doc["findings"] if f["rule"] == "fine-without-penalty")
    assert set(fine) >= {"rule", "severity", "unit", "fields", "values", "message", "basis"}
    assert fine["unit"] == "区交警大队" and fine["values"] == {"fines": 14, "penalties": 0}
    assert fine["severity"] == "error" and "第5条" in fine["basis"]
    rates = {r["key"]: r for r in doc["summary"]["rates"]}
    assert rates["listed_rate"]["numerator"] == 10 and rates["listed_rate"]["denominator"] == 24


def test_output_file_is_written_and_cannot_overwrite_input(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    result = runner.invoke(app, ["audit", str(DISTRICT / "return.xlsx"), "--format", "csv",
                                 "--output", str(out)])
    assert result.exit_code == 1
    text = out.read_text(encoding="utf-8-sig")
    assert text.startswith("单位,级别,规则") and "区交警大队" in text
    copy = tmp_path / "in.csv"
    copy.write_bytes(CLEAN.read_bytes())
    result = runner.invoke(app, ["audit", str(copy), "--output", str(copy)])
    assert result.exit_code == 2
    assert copy.read_bytes() == CLEAN.read_bytes()


def test_annotated_workbook_marks_flagged_cells(tmp_path: Path) -> None:
    out = tmp_path / "marked.xlsx"
    before = (DISTRICT / "return.xlsx").read_bytes()
    result = runner.invoke(app, ["audit", str(DISTRICT / "return.xlsx"), "--previous",
                                 str(DISTRICT / "previous.xlsx"), "--annotate", str(out)])
    assert result.exit_code == 1
    assert (DISTRICT / "return.xlsx").read_bytes() == before
    wb = load_workbook(out)
    ws = wb["调度表"]
    flagged = [c for row in ws.iter_rows() for c in row if c.comment is not None]
    texts = " ".join(c.comment.text for c in flagged)
    assert "fine-without-penalty" in texts and "total-equals-sum" in texts
    fine_cell = next(c for c in flagged if "fine-without-penalty" in c.comment.text)
    assert ws.cell(fine_cell.row, 1).value == "区交警大队"
    assert fine_cell.fill.fgColor.rgb.endswith("FFC7CE")
    listing = wb["审核结果"]
    assert listing.max_row == 1 + 11  # header + every finding


def test_annotate_csv_input_builds_a_workbook(tmp_path: Path) -> None:
    src = ROOT / "cases" / "campaign-2023-table" / "county-gbk-csv" / "return.csv"
    out = tmp_path / "gbk.xlsx"
    result = runner.invoke(app, ["audit", str(src), "--annotate", str(out)])
    assert result.exit_code == 1
    ws = load_workbook(out)["数据"]
    marked = {ws.cell(c.row, 1).value for row in ws.iter_rows() for c in row if c.comment}
    assert {"滨江街道", "县应急管理局", "县消防救援大队", "累计"} <= marked


def test_unit_kind_override_and_bad_value() -> None:
    bad = runner.invoke(app, ["audit", str(CLEAN), "--unit-kind", "北湖街道=村"])
    assert bad.exit_code == 2
    ok = runner.invoke(app, ["audit", str(CLEAN), "--unit-kind", "北湖街道=区直部门", "--format", "json"])
    assert ok.exit_code == 0


def test_unknown_form_is_exit_2() -> None:
    result = run("audit", str(CLEAN), "--form", "no-such-form")
    assert result.returncode == 2 and "no-such-form" in result.stderr


def test_forms_list_and_show() -> None:
    listed = runner.invoke(app, ["forms", "list"])
    assert listed.exit_code == 0 and "campaign-2023-sections" in listed.stdout
    shown = runner.invoke(app, ["forms", "show", "campaign-2023-table"])
    assert shown.exit_code == 0 and "帮扶指导重点县区(镇街)" in shown.stdout and "挂牌督办率" in shown.stdout
    assert runner.invoke(app, ["forms", "show", "nope"]).exit_code == 2


def test_progress_bar_only_for_long_inputs_on_a_terminal(monkeypatch) -> None:
    """The bar appears on stderr for a ledger past 5,000 rows when stderr is a terminal, and not
    otherwise (short inputs, pipes, JSON: ``_Bar(False)``)."""
    import io

    from rich.console import Console

    import cli

    screen = io.StringIO()
    monkeypatch.setattr(cli, "err", Console(file=screen, force_terminal=True, width=100))
    short = cli._Bar(True)
    short("读取各行", 100, 100)
    short.close()
    assert screen.getvalue() == ""
    off = cli._Bar(False)
    off("读取各行", 6_000, 10_000)
    off.close()
    assert screen.getvalue() == ""
    long = cli._Bar(True)
    long("读取各行", 6_000, 10_000)
    long("按判定标准判定", 10_000, 10_000)
    long.close()
    assert "按判定标准判定" in screen.getvalue() or "读取各行" in screen.getvalue()


def test_the_csv_report_speaks_chinese_and_keeps_the_keys_for_systems(tmp_path: Path) -> None:
    """级别 is 错误/警告, 数值 is 标签=值 pairs (no raw JSON), 指标代码 keeps the keys."""
    import csv

    out = tmp_path / "r.csv"
    assert runner.invoke(app, ["audit", str(DISTRICT / "return.xlsx"), "--format", "csv",
                               "--output", str(out)]).exit_code == 1
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert rows and {r["级别"] for r in rows} <= {"错误", "警告", "提示"}
    assert not any(r["数值"].startswith("{") or "true" in r["数值"] or "null" in r["数值"] for r in rows)
    part = next(r for r in rows if r["规则"] == "part-le-whole")
    assert "分项值=" in part["数值"] and part["指标代码"] and ";" in part["指标代码"]
