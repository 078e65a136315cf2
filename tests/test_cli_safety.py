"""Issue 14: outputs that cannot destroy anything, text from files shown as data, and a command
line with manners (``-h``, Chinese help that fits 80 columns, Ctrl-C, broken pipes, closed stdout)."""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.cells import cell_len
from typer.testing import CliRunner

from cli import app

ROOT = Path(__file__).resolve().parent.parent
CLEAN = ROOT / "cases" / "campaign-2023-table" / "flat-keys-clean" / "return.csv"
LEDGER = ROOT / "cases" / "hazard-ledger" / "township-2024-office" / "ledger.csv"
DISTRICT = ROOT / "cases" / "campaign-2023-table" / "district-2023-09" / "return.xlsx"
runner = CliRunner()

# markup rich would obey or choke on, a NUL, a terminal colour escape, a right-to-left override
HOSTILE = "[bold]若干[/]\x00\x1b[31m\u202e"
SHOWN = r"[bold]若干[/]\x00\x1b[31m\u202e"  # as the terminal and CSV show it


def cli(*args: str, **popen: object) -> list[str]:
    return [sys.executable, str(ROOT / "cli.py"), *args]


def one_error(result) -> str:
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


# ----------------------------------------------------------------------------- hostile text


@pytest.fixture
def hostile(tmp_path: Path) -> dict[str, Path]:
    """A return with a hostile unit name and cell, a ledger with hostile names and a description."""
    src = CLEAN.read_text(encoding="utf-8").splitlines()
    head = src[0].split(",")
    row = src[1].split(",")
    row[0] = "北湖街道" + HOSTILE
    row[head.index("fines")] = "若干[/]\x1b[31m\x00\u202e"
    ret = tmp_path / "return.csv"
    ret.write_text("\n".join([src[0], ",".join(row), *src[2:]]) + "\n", encoding="utf-8")
    rows = [line.split(",") for line in LEDGER.read_text(encoding="utf-8").splitlines()]
    rows[1][2] = "华兴钢铁" + HOSTILE
    rows[1][4] += HOSTILE
    rows[2][1] = "北湖街道" + HOSTILE
    ledger = tmp_path / "ledger.csv"
    ledger.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    finding = tmp_path / "finding.yaml"
    finding.write_text(json.dumps({"findings": [
        {"编号": "F" + HOSTILE, "行业": "冶金", "发现日期": "2024-03-01",
         "事实": {"生产期间": "是", "积水": "是", "场所": "炉下渣坑"}}]}, ensure_ascii=True),
        encoding="utf-8")
    return {"return": ret, "ledger": ledger, "finding": finding}


def _assert_inert(text: str) -> None:
    assert "\x1b" not in text and "\x00" not in text and "\u202e" not in text, repr(text[:400])


@pytest.mark.parametrize("kind", ["return", "ledger"])
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_hostile_text_in_every_audit_format(hostile: dict[str, Path], kind: str, fmt: str) -> None:
    extra = ["--as-of", "2024-09-30"] if kind == "ledger" else []
    result = runner.invoke(app, ["audit", str(hostile[kind]), "--format", fmt, *extra])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    out = result.stdout
    if fmt == "json":
        doc = json.loads(out)
        units = {f["unit"] for f in doc["findings"]}
        assert any(u and u.endswith(HOSTILE) for u in units)  # JSON keeps the data exactly
        assert "\\u202e" in out  # ... written as an escape, so a terminal is not reversed
    else:
        assert SHOWN in out  # literal: the markup kept, the control characters escaped
    _assert_inert(out)


@pytest.mark.parametrize("kind", ["return", "ledger"])
def test_hostile_text_in_the_annotated_workbook(hostile: dict[str, Path], kind: str, tmp_path: Path) -> None:
    book = tmp_path / f"{kind}.xlsx"
    extra = ["--as-of", "2024-09-30"] if kind == "ledger" else []
    result = runner.invoke(app, ["audit", str(hostile[kind]), "--annotate", str(book), *extra])
    assert result.exit_code in (0, 1), result.output
    assert "标注文件" in result.stderr
    wb = load_workbook(book)
    cells = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("[bold]若干[/]" in c and r"\x00" in c and r"\x1b" in c and r"\u202e" in c for c in cells)
    for c in cells:
        _assert_inert(c)


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_hostile_text_through_classify(hostile: dict[str, Path], fmt: str) -> None:
    result = runner.invoke(app, ["classify", str(hostile["finding"]), "--format", fmt])
    assert result.exit_code in (0, 1), result.output
    text = runner.invoke(app, ["classify", "-s", "冶金", "-t", "炉下渣坑有积水" + HOSTILE, "--format", fmt])
    assert text.exit_code in (0, 1), text.output
    for out in (result.stdout, text.stdout):
        _assert_inert(out)
        if fmt == "json":
            json.loads(out)
    if fmt == "table":  # a single finding is shown without its label; the description is shown
        assert "[bold]若干[/]" in text.stdout and r"\x1b[31m" in text.stdout
    if fmt == "json":
        assert json.loads(result.stdout)["results"][0]["finding"].endswith("F" + HOSTILE + "）")


def test_hostile_file_name_in_an_error_is_one_inert_line(tmp_path: Path) -> None:
    path = tmp_path / "坏[bold]若干[red\x1b[31m.csv"
    path.write_bytes(b"a,b\n1,2\n")
    result = runner.invoke(app, ["audit", str(path)])
    assert result.exit_code == 2
    line = one_error(result)
    assert "坏[bold]若干[red" in line and r"\x1b" in line and "\x1b" not in line


# ----------------------------------------------------------------------------- harmless outputs


def test_output_onto_a_device_is_refused() -> None:
    result = runner.invoke(app, ["audit", str(CLEAN), "--output", "/dev/null"])
    assert result.exit_code == 2
    line = one_error(result)
    assert "/dev/null" in line and "字符设备" in line
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_output_onto_a_fifo_or_a_folder_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    for args in (["audit", str(CLEAN), "--output", str(fifo)],
                 ["audit", str(CLEAN), "--annotate", str(fifo)],
                 ["audit", str(CLEAN), "--format", "json", "-o", str(folder)],
                 ["classify", "-s", "冶金", "-F", "积水=是", "-o", str(fifo)],
                 ["criteria", "export", "gongmao-2023", str(folder / "x.xlsx")]):
        if args[0] == "criteria":
            (folder / "x.xlsx").mkdir()
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        line = one_error(result)
        assert ("pipe" in line and "FIFO" in line) or ("folder" in line and "文件夹" in line), line
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and folder.is_dir()


def test_output_onto_an_input_by_hard_or_symbolic_link_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(CLEAN.read_bytes())
    hard = tmp_path / "hard.csv"
    os.link(source, hard)
    soft = tmp_path / "soft.csv"
    soft.symlink_to(source)
    for target in (source, hard, soft):
        for flag in ("--output", "--annotate"):
            name = target.with_suffix(".xlsx") if flag == "--annotate" else target
            if flag == "--annotate":
                continue  # the annotation must end in .xlsx; the hard link check is the same code
            result = runner.invoke(app, ["audit", str(source), flag, str(name)])
            assert result.exit_code == 2, result.output
            assert "输入" in one_error(result)
    assert source.read_bytes() == CLEAN.read_bytes() and hard.read_bytes() == CLEAN.read_bytes()
    assert soft.is_symlink()


def test_output_onto_a_detail_file_or_the_other_output_is_refused(tmp_path: Path) -> None:
    details = tmp_path / "details"
    details.mkdir()
    record = details / "penalties.csv"
    record.write_text("x\n", encoding="utf-8")
    result = runner.invoke(app, ["audit", str(CLEAN), "--details", str(details), "-o", str(record)])
    assert result.exit_code == 2 and "输入" in one_error(result)
    assert record.read_text(encoding="utf-8") == "x\n"
    both = tmp_path / "both.xlsx"
    result = runner.invoke(app, ["audit", str(CLEAN), "-o", str(both), "--annotate", str(both)])
    assert result.exit_code == 2 and "--output" in one_error(result)
    assert not both.exists()


def test_output_through_a_symbolic_link_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    result = runner.invoke(app, ["audit", str(CLEAN), "--format", "json", "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and json.loads(real.read_text(encoding="utf-8"))["schema"]


def test_write_error_names_the_file_given_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "r.csv"
    result = runner.invoke(app, ["audit", str(CLEAN), "--format", "csv", "-o", str(target)])
    assert result.exit_code == 2
    line = one_error(result)
    assert str(target) in line and "不存在" in line and ".tmp" not in line
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as root: permissions are not enforced")
        result = runner.invoke(app, ["audit", str(CLEAN), "-o", str(locked / "r.txt")])
        assert result.exit_code == 2 and "r.txt" in one_error(result) and "没有权限" in one_error(result)
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_existing_report_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "r.csv"
    target.write_text("old report", encoding="utf-8")
    target.chmod(0o640)
    result = runner.invoke(app, ["audit", str(DISTRICT), "--format", "csv", "-o", str(target)])
    assert result.exit_code == 1
    assert target.read_text(encoding="utf-8-sig").startswith("单位,级别")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]  # no temporary file left


# ----------------------------------------------------------------------------- the CLI's manners


def _commands(group, path: tuple[str, ...] = ()):
    yield path
    for name, cmd in getattr(group, "commands", {}).items():
        yield from _commands(cmd, (*path, name))


def test_dash_h_is_help_everywhere_in_chinese_within_80_columns() -> None:
    import typer

    root = typer.main.get_command(app)
    paths = list(_commands(root))
    assert len(paths) > 15
    for path in paths:
        result = runner.invoke(app, [*path, "-h"], env={"COLUMNS": "80"})
        assert result.exit_code == 0, (path, result.output)
        out = result.stdout
        assert out.startswith("用法："), (path, out)
        assert "-h, --help" in out and "显示本帮助并退出" in out
        for english in ("Show this message", "Usage:", "Options", "Arguments", "Commands", "<str>", "<path>",
                        "<bool>", "[default:", "[required]"):
            assert english not in out, (path, english)
        assert not re.search("(?<!…)…(?!…)", out), (path, out)  # cut off (the help's own “……” is text)
        for line in out.splitlines():
            assert cell_len(line) <= 80, (path, line)
        assert runner.invoke(app, [*path, "--help"]).stdout == runner.invoke(app, [*path, "-h"]).stdout


def test_help_keeps_every_word_of_an_option() -> None:
    out = runner.invoke(app, ["audit", "-h"], env={"COLUMNS": "80"}).stdout
    flat = "".join(line.strip() for line in out.splitlines())
    assert "指定单位类型：名称=镇街|区直部门，可重复" in flat
    assert "按填表说明的计数规则重新统计报表各数并逐一核对" in flat


def test_usage_error_is_one_chinese_line() -> None:
    proc = subprocess.run(cli("audit", str(CLEAN), "--format", "xml"), capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert proc.returncode == 2
    line = one_error(proc)
    assert "用法错误" in line and "--format" in line and "xml" in line and "-h" in line


@pytest.fixture(scope="module")
def big_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = [line.split(",") for line in LEDGER.read_text(encoding="utf-8").splitlines()]
    head, body = rows[0], rows[1:]
    out = [",".join(head)]
    for i in range(50_000):
        r = list(body[i % len(body)])
        r[0], r[2] = str(i + 1), f"{r[2]}{i}"
        out.append(",".join(r))
    path = tmp_path_factory.mktemp("big") / "ledger.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def test_ctrl_c_is_one_chinese_line_and_exit_130(big_ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    proc = subprocess.Popen(cli("audit", str(big_ledger), "--as-of", "2024-09-30", "--format", "json",
                                "-o", str(out)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT)
    time.sleep(3)
    assert proc.poll() is None, "the audit finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    lines = [x for x in stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "已中断" in lines[0], stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []  # no partial output


def test_broken_pipe_is_quiet(big_ledger: Path) -> None:
    proc = subprocess.Popen(cli("audit", str(big_ledger), "--as-of", "2024-09-30", "--format", "csv"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "单位".encode() in first
    assert stderr == "", stderr
    assert proc.returncode == 141


def test_closed_stdout_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    command = " ".join(f"'{a}'" for a in cli("audit", str(CLEAN)))
    proc = subprocess.run(["sh", "-c", f"exec {command} >&-"], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)
    assert proc.returncode == 2
    assert "标准输出已关闭" in one_error(proc)
    out = tmp_path / "r.txt"  # with --output nothing needs stdout: the run is as usual
    proc = subprocess.run(["sh", "-c", f"exec {command} -o '{out}' >&-"], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert proc.returncode == 0 and proc.stderr == "" and "未发现问题" in out.read_text(encoding="utf-8")
