"""``hazcheck status`` as an office runs it: the table and its legend, JSON, CSV, exit codes,
one-line errors naming file, row/line and field, atomic output, text from files never markup."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.conftest import ROOT, run_cli

from .conftest import CASES, HEADER, write_log

CASE = CASES / "county-2023-q3"
ARGS = (str(CASE / "log.csv"), "--units", str(CASE / "units.txt"), "--as-of", "2023-09-30")


def _one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_the_table_shows_marks_legend_and_findings_and_exits_1() -> None:
    proc = run_cli("status", *ARGS)
    assert proc.returncode == 1
    out = proc.stdout
    assert "2023年第三季度" in out and "统计日期 2023-09-30" in out
    for words in ("调度表", "隐患台账", "截止7/27", "截止9/27", "迟催", "√补", "×催", "按时/应报", "4/8"):
        assert words in out, words
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("图例："))
    legend = lines[at] + lines[at + 1]
    for words in ("√ 按时", "迟 迟报", "× 漏报", "补 有补报", "催 经催报", "? 登记有误", "· 未到截止日",
                  "— 该类单位不报"):
        assert words in legend, words
    assert "县市场监管局（不在名单中）" in out
    assert "status-unit-silent" in out and "一期也没有报送" in out
    assert "登记表中没有 月度报表（campaign-2023-sections） 的记录" in out


def test_json_has_columns_marks_and_findings() -> None:
    proc = run_cli("status", *ARGS, "--format", "json")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "hazcheck.status/1" and doc["schedule"]["id"] == "campaign-2023"
    assert doc["window"] == {"label": "2023年第三季度", "start": "2023-07-01", "end": "2023-09-30"}
    assert doc["columns"][0]["id"] == "campaign-2023-table:2023-07"
    unit = next(u for u in doc["units"] if u["unit"] == "河口乡")
    assert unit["marks"]["campaign-2023-table:2023-08"] == "迟催" and unit["counts"]["late"] == 3
    late = next(f for f in doc["findings"] if f["rule"] == "status-late" and f["unit"] == "河口乡")
    assert late["severity"] == "warning" and late["values"]["days_late"] == 4 and late["cells"] == ["F3"]
    assert doc["summary"]["counts"]["error"] > 0 and doc["summary"]["rows_read"] == 29


def test_csv_is_the_grid_for_excel() -> None:
    proc = run_cli("status", *ARGS, "--format", "csv")
    assert proc.stdout.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(proc.stdout.lstrip("\ufeff"))))
    assert rows[0][:3] == ["单位", "单位类型", "调度表 2023年7月（截止 2023-07-27）"]
    assert rows[2][:6] == ["河口乡", "镇街", "迟", "迟催", "√", "迟"]
    assert rows[-1][0] == "按时/应报"


def test_a_clean_log_exits_0(tmp_path: Path) -> None:
    log = write_log(tmp_path, [("城关镇", "调度表", "7月", None, "2023-07-20"),
                               ("城关镇", "隐患台账", "三季度", None, "2023-09-20"),
                               ("城关镇", "调度表", "8月", None, "2023-08-20"),
                               ("城关镇", "调度表", "9月", None, "2023-09-20")])
    proc = run_cli("status", str(log), "--as-of", "2023-09-30")
    assert proc.returncode == 0, proc.stdout
    assert "未发现问题" in proc.stdout


def test_output_is_written_atomically_and_never_over_an_input(tmp_path: Path) -> None:
    target = tmp_path / "状态.json"
    target.write_text("old", encoding="utf-8")
    proc = run_cli("status", *ARGS, "--format", "json", "--output", str(target))
    assert proc.returncode == 1 and proc.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["schema"] == "hazcheck.status/1"
    assert [p.name for p in tmp_path.iterdir()] == ["状态.json"]  # no temporary file left beside it
    table = tmp_path / "状态.txt"
    assert run_cli("status", *ARGS, "--output", str(table)).returncode == 1
    assert "按时/应报" in table.read_text(encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_bytes((CASE / "log.csv").read_bytes())
    line = _one_line_error(run_cli("status", str(log), "--output", str(log)))
    assert "[--output]" in line and "输出文件不能覆盖输入文件" in line
    assert log.read_bytes() == (CASE / "log.csv").read_bytes()


def test_a_failed_run_leaves_the_previous_output_in_place(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous", encoding="utf-8")
    proc = run_cli("status", str(CASE / "log.csv"), "--as-of", "2023-13-01", "--output", str(target))
    _one_line_error(proc)
    assert target.read_text(encoding="utf-8") == "previous"


@pytest.mark.parametrize(("rows", "header", "words"), [
    ([("城关镇", "调度表", "7月")], ("填报单位", "报表", "期别"),
     ["log.csv:1", "[报送日期]", "缺少 报送日期 列"]),
    ([("城关镇", "2023-07-20")], ("单位", "报送日期"), ["log.csv", "找不到报送登记表的表头"]),
])
def test_a_log_without_its_columns_is_one_line(tmp_path: Path, rows, header, words) -> None:
    log = write_log(tmp_path, rows, header)
    line = _one_line_error(run_cli("status", str(log)))
    for w in words:
        assert w in line, line


@pytest.mark.parametrize(("extra", "words"), [
    (("--as-of", "2023-13-01"), ["[--as-of]", "2023-13-01"]),
    (("--period", "三季度"), ["[--period]", "三季度"]),
    (("--schedule", "nope"), ["[--schedule]", "没有报送时限表 “nope”"]),
    (("--units", "missing.txt"), ["missing.txt", "[--units]"]),
])
def test_bad_arguments_are_one_line(extra, words) -> None:
    line = _one_line_error(run_cli("status", str(CASE / "log.csv"), *extra))
    for w in words:
        assert w in line, line


@pytest.mark.parametrize(("name", "content", "words"), [
    ("missing.csv", None, ["missing.csv", "文件不存在"]),
    ("old.xls", b"\xd0\xcf\x11\xe0", ["old.xls", "另存为 .xlsx"]),
    ("empty.csv", b"", ["empty.csv", "文件为空"]),
    ("broken.xlsx", b"PK\x03\x04 not really", ["broken.xlsx"]),
])
def test_an_unusable_log_is_one_line(tmp_path: Path, name: str, content: bytes | None, words) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    line = _one_line_error(run_cli("status", str(path)))
    for w in words:
        assert w in line, line


def test_a_broken_schedule_is_its_file_and_line(tmp_path: Path) -> None:
    schedule = tmp_path / "s.yaml"
    text = (ROOT / "rules" / "schedules" / "campaign-2023.yaml").read_text(encoding="utf-8")
    schedule.write_text(text.replace("  - form: hazard-ledger\n", "  - form: hazard-ledgr\n", 1),
                        encoding="utf-8")
    line = _one_line_error(run_cli("status", str(CASE / "log.csv"), "--schedule", str(schedule)))
    lineno = text[:text.index("  - form: hazard-ledger\n")].count("\n") + 1
    assert f"s.yaml:{lineno} [reports[2].form]" in line and "hazard-ledgr" in line, line


def _pack(tmp_path: Path, rule: str) -> Path:
    pack = tmp_path / "pack"
    (pack / "checks").mkdir(parents=True)
    (pack / "checks" / "ours.yaml").write_text("rules:\n" + rule, encoding="utf-8")
    return pack


CHASED = """  - id: status-chased
    overrides: true
    title: 经催报
    severity: error
    on: 报送
    when: 催报
    message: "{单位}：{报表}（{期别}）经催报，通报"
    basis: 本县报送管理办法
"""


def test_a_rule_pack_may_change_a_status_check(tmp_path: Path) -> None:
    pack = _pack(tmp_path, CHASED)
    doc = json.loads(run_cli("status", *ARGS, "--format", "json", "--rules", str(pack)).stdout)
    chased = [f for f in doc["findings"] if f["rule"] == "status-chased"]
    assert chased and all(f["severity"] == "error" and f["message"].endswith("经催报，通报") for f in chased)
    assert all(f["basis"] == "本县报送管理办法" for f in chased)


def test_a_broken_status_check_is_its_file_and_line_before_the_log_is_read(tmp_path: Path) -> None:
    pack = _pack(tmp_path, CHASED.replace("    when: 催报\n", "    when: 催报了\n"))
    line = _one_line_error(run_cli("status", str(tmp_path / "no-such-log.csv"), "--rules", str(pack)))
    assert "ours.yaml:7 [status-chased.when]" in line and "催报了" in line, line


@pytest.mark.parametrize("backend", ["durable", "polars", "python", "auto"])
def test_the_backend_is_chosen_as_for_an_audit(backend: str) -> None:
    reference = json.loads(run_cli("status", *ARGS, "--format", "json", "--backend", "python").stdout)
    proc = run_cli("status", *ARGS, "--format", "json", "--backend", backend)
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["findings"] == reference["findings"] and doc["units"] == reference["units"]
    assert doc["summary"]["backend"] == ("durable" if backend == "auto" else backend)  # auto: a small log


def test_text_from_the_log_is_never_markup(tmp_path: Path) -> None:
    log = write_log(tmp_path, [("[red]城关镇[/red]", "调度表", "7月", None, "2023-07-30")])
    proc = run_cli("status", str(log), "--as-of", "2023-09-30", "--period", "2023-07")
    assert proc.stdout.count("[red]城关镇[/red]") >= 3  # the table, the findings' unit and message


def test_a_workbook_with_a_sheet_a_month(tmp_path: Path) -> None:
    wb = Workbook()
    first = wb.active
    first.title = "7月"
    first.append(["2023年报送登记"])
    first.append(list(HEADER))
    first.append(["城关镇", "调度表", "2023年7月", None, "2023-07-30"])
    second = wb.create_sheet("8月")
    second.append(list(HEADER))
    from datetime import datetime

    second.append(["城关镇", "调度表", "2023年8月", None, datetime(2023, 8, 20)])
    second.append(["城关镇", "调度表", "2023年8月", None, "8月下旬"])
    path = tmp_path / "登记.xlsx"
    wb.save(path)
    doc = json.loads(run_cli("status", str(path), "--as-of", "2023-09-30",
                             "--period", "2023-07-01~2023-08-31", "--format", "json").stdout)
    assert doc["units"][0]["marks"] == {"campaign-2023-table:2023-07": "迟",
                                        "campaign-2023-table:2023-08": "√"}
    bad = next(f for f in doc["findings"] if f["rule"] == "status-unreadable-row")
    assert bad["fields"] == ["8月!第3行"] and bad["cells"] == ["8月!E3"]


def test_units_from_a_return_the_office_compiled(tmp_path: Path) -> None:
    """The roster of a county's return (its unit rows, not 累计) with the kinds read from the names."""
    ret = ROOT / "cases" / "campaign-2023-table" / "county-gbk-csv" / "return.csv"
    log = write_log(tmp_path, [("城关镇", "调度表", "7月", None, "2023-07-20")])
    doc = json.loads(run_cli("status", str(log), "--units", str(ret), "--as-of", "2023-07-31",
                             "--period", "2023-07", "--format", "json").stdout)
    units = [(u["unit"], u["kind"]) for u in doc["units"]]
    assert units[:3] == [("城关镇", "镇街"), ("河口乡", "镇街"), ("滨江街道", "镇街")]
    assert ("县应急管理局", "区直部门") in units and all(u != "累计" for u, _ in units)


def test_units_from_a_table_with_a_kind_column(tmp_path: Path) -> None:
    roster = tmp_path / "名单.csv"
    roster.write_text("序号,单位名称,单位类型\n1,五里铺,镇街\n2,区应急管理局,部门\n", encoding="gbk")
    log = write_log(tmp_path, [("五里铺", "调度表", "7月", None, "2023-07-20")])
    doc = json.loads(run_cli("status", str(log), "--units", str(roster), "--as-of", "2023-07-31",
                             "--period", "2023-07", "--format", "json").stdout)
    units = [(u["unit"], u["kind"]) for u in doc["units"]]
    assert units == [("五里铺", "镇街"), ("区应急管理局", "区直部门")]


def test_help_stays_light() -> None:
    """``hazcheck --help`` imports none of the status engine (cli.py imports it inside the command)."""
    code = "import sys, cli; assert not [m for m in sys.modules if m.startswith('engine.status')], 'loaded'"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    help_text = run_cli("status", "--help").stdout
    assert "--units" in help_text and "--as-of" in help_text and "--period" in help_text
    assert "--backend" in help_text and "--rules" in help_text
