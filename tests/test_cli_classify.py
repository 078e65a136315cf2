"""``hazcheck classify`` and ``hazcheck audit LEDGER`` as a user runs them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
LEDGER = ROOT / "cases" / "hazard-ledger" / "district-2024-q1"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args)


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_major_exits_1_and_cites_the_item() -> None:
    proc = run("classify", "-s", "冶金", "-d", "2024-03-01", "-F", "生产期间=是", "-F", "积水=是",
               "-F", "场所=事故坑")
    assert proc.returncode == 1, proc.stderr
    assert "判定：重大" in proc.stdout and "第四条第(二)项" in proc.stdout and "✓ 积水 为 是" in proc.stdout


def test_general_exits_0_and_shows_what_failed() -> None:
    proc = run("classify", "-s", "冶金", "-d", "2024-03-01", "-F", "生产期间=是；积水=否；场所=事故坑")
    assert proc.returncode == 0, proc.stderr
    assert "判定：一般" in proc.stdout and "✗ 积水 为 是（记录：否）" in proc.stdout


def test_text_reads_facts_and_says_so_in_json() -> None:
    proc = run("classify", "-s", "冶金", "-d", "2024-03-01", "--text", "炉下渣坑内有积水", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "hazcheck.classify/2"
    result = doc["results"][0]
    # 生产期间 is not stated: the item the text is about stays open, with the missing fact named
    assert result["verdict"] == "待确认" and result["needs_confirmation"] is True and result["from_text"]
    assert result["undecided"][0]["ref"] == "第四条第(二)项"
    assert "生产期间" in result["undecided"][0]["missing"]
    read = {s["name"]: s for s in result["sources"] if s["source"] == "描述"}
    assert read["积水"]["value"] == "是" and read["积水"]["words"] == "积水"
    assert read["场所"]["value"] == "炉下渣坑"


def test_finding_file_with_several_findings(tmp_path: Path) -> None:
    path = tmp_path / "findings.yaml"
    path.write_text(
        "findings:\n"
        "  - {编号: F1, 行业: 冶金, 发现日期: 2024-03-01, 事实: {生产期间: 是, 积水: 是, 场所: 炉下渣坑}}\n"
        "  - {编号: F2, 行业: 冶金, 发现日期: 2024-03-01, 事实: {生产期间: 是, 积水: 否, 场所: 炉下渣坑}}\n",
        encoding="utf-8")
    out = tmp_path / "out.json"
    proc = run("classify", str(path), "--format", "json", "-o", str(out))
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [(r["finding"], r["verdict"]) for r in doc["results"]] == [
        ("第 1 条隐患（F1）", "重大"), ("第 2 条隐患（F2）", "一般")]


def test_unknown_fact_is_one_line_with_a_suggestion() -> None:
    line = one_error_line(run("classify", "-s", "冶金", "-F", "积水量=是"))
    assert "积水量" in line and "积水" in line and "--fact" in line


def test_bad_fact_in_file_names_file_finding_and_fact(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("行业: 冶金\n事实: {积水: 有点}\n", encoding="utf-8")
    line = one_error_line(run("classify", str(path)))
    assert "f.yaml" in line and "[积水]" in line and "有点" in line


def test_unknown_sector_and_bad_date() -> None:
    assert "冶炼" in one_error_line(run("classify", "-s", "冶炼", "-F", "积水=是"))
    assert "--date" in one_error_line(run("classify", "-s", "冶金", "-F", "积水=是", "-d", "去年"))


def test_nothing_to_classify() -> None:
    assert "--fact" in one_error_line(run("classify"))


def test_criteria_list_and_facts() -> None:
    proc = run("criteria", "list")
    assert proc.returncode == 0 and "gongmao-2023" in proc.stdout
    proc = run("criteria", "facts", "积水")
    assert proc.returncode == 0 and "积水" in proc.stdout


def test_ledger_audit_with_return_exits_1_with_json_findings() -> None:
    proc = run("audit", str(LEDGER / "ledger.csv"), "--return", str(LEDGER / "return.csv"),
               "--as-of", "2024-03-31", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    rules = {f["rule"] for f in doc["findings"]}
    assert {"ledger-major-matches-no-item", "ledger-general-matches-item",
            "ledger-return-count-differs"} <= rules
    assert doc["form"] == "hazard-ledger" and doc["summary"]["reconciled_with"].endswith("return.csv")
    rows = {r["finding_id"]: r for r in doc["rows"]}
    assert rows["L03"]["verdict"] == "重大"
    assert rows["L03"]["matched"] == ["应急管理部令第10号 第五条第(二)项"]
    assert rows["L02"]["verdict"] == "一般" and not rows["L02"]["counted_major"]
    assert rows["L01"]["counted_major"] and rows["L09"]["verdict"] == "待确认"


def test_ledger_options_only_for_ledgers() -> None:
    ret = ROOT / "cases" / "campaign-2023-table" / "flat-keys-clean" / "return.csv"
    assert "--return" in one_error_line(run("audit", str(ret), "--return", str(ret)))
    ret2 = LEDGER / "return.csv"
    assert "--previous" in one_error_line(run("audit", str(LEDGER / "ledger.csv"), "--previous", str(ret2)))


@pytest.mark.parametrize("source", [LEDGER / "ledger.csv",
                                    ROOT / "cases" / "hazard-ledger" / "county-2026-xlsx" / "ledger.xlsx"])
def test_annotated_ledger_adds_verdict_and_findings_columns(tmp_path: Path, source: Path) -> None:
    out = tmp_path / "标注.xlsx"
    before = source.read_bytes()
    proc = run("audit", str(source), "--as-of", "2026-07-31", "--annotate", str(out))
    assert proc.returncode == 1, proc.stderr
    assert source.read_bytes() == before
    wb = load_workbook(out)
    ws = wb[wb.sheetnames[0]]
    header_row = next(r for r in ws.iter_rows() if any(c.value == "判定结果" for c in r))
    cols = {c.value: c.column for c in header_row}
    verdicts = [ws.cell(r, cols["判定结果"]).value for r in range(header_row[0].row + 1, ws.max_row + 1)]
    assert any(v and v.startswith("重大：") for v in verdicts)
    notes = [ws.cell(r, cols["审核意见"]) for r in range(header_row[0].row + 1, ws.max_row + 1)]
    flagged = [c for c in notes if c.value]
    assert flagged and all(c.fill.fgColor.rgb.endswith(("FFC7CE", "FFEB9C")) for c in flagged)
    assert all(c.comment is not None for c in flagged)
    assert "审核结果" in wb.sheetnames


def test_ledger_output_cannot_overwrite_the_ledger_or_the_return(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.csv"
    ret = tmp_path / "return.csv"
    ledger.write_bytes((LEDGER / "ledger.csv").read_bytes())
    ret.write_bytes((LEDGER / "return.csv").read_bytes())
    for target in (ledger, ret):
        line = one_error_line(run("audit", str(ledger), "--return", str(ret), "-o", str(target)))
        assert "--output" in line
    assert ledger.read_bytes() == (LEDGER / "ledger.csv").read_bytes()
    assert ret.read_bytes() == (LEDGER / "return.csv").read_bytes()


def test_criteria_facts_for_a_sector_and_show_an_item() -> None:
    proc = run("criteria", "facts", "--sector", "冶金", "--date", "2024-03-01")
    assert proc.returncode == 0 and "积水" in proc.stdout and "年原煤产量" not in proc.stdout
    proc = run("criteria", "show", "gongmao-2023", "第四条第(二)项")
    assert proc.returncode == 0 and "炉下渣坑" in proc.stdout and "已核实" in proc.stdout
    assert "gongmao-2023" in one_error_line(run("criteria", "show", "gongmao-2099"))


def test_unknown_sector_on_the_command_line_does_not_blame_the_facts() -> None:
    line = one_error_line(run("classify", "--sector", "不存在", "-F", "积水=是"))
    assert "[--sector/行业]" in line and "不存在" in line and "--fact" not in line
