"""Criteria reviewed in Excel: export, edit, import back into YAML with comments kept."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli import app
from engine.criteria_sheet import in_words, round_trip_yaml
from engine.load.criteria import load_criteria
from engine.paths import bundled

runner = CliRunner()
EDITIONS = sorted(p for p in bundled("criteria").glob("*.yaml")
                  if p.name not in ("reading.yaml", "sectors.yaml"))


@pytest.mark.parametrize("path", EDITIONS, ids=lambda p: p.name)
def test_an_unchanged_file_comes_back_byte_for_byte(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    yaml = round_trip_yaml()
    buf = io.StringIO()
    yaml.dump(yaml.load(text), buf)
    assert buf.getvalue() == text


def test_conditions_in_words() -> None:
    assert in_words("生产期间 and 积水 and 场所 in ['炉下渣坑', '事故坑']") == \
        "生产期间，且 积水，且 场所为 炉下渣坑、事故坑 之一"
    assert in_words("not 泄爆装置有效 or 压力 >= 30") == "泄爆装置有效为否；或者 压力不小于 30"


def _edit(book: Path, ref: str, column: str, value: str) -> None:
    wb = load_workbook(book)
    ws = wb["条款"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == ref:
            row[header.index(column)].value = value
    wb.save(book)


def test_an_edited_workbook_is_written_back_with_comments_kept(tmp_path: Path) -> None:
    import yaml

    book = tmp_path / "gongmao.xlsx"
    assert runner.invoke(app, ["criteria", "export", "gongmao-2023", str(book)]).exit_code == 0
    source = bundled("criteria") / "gongmao-2023.yaml"
    first = yaml.safe_load(source.read_text(encoding="utf-8"))["items"][0]["ref"]
    _edit(book, first, "概括", "改写后的概括：企业对承包、承租单位不统一协调管理或不定期检查")
    _edit(book, first, "描述用词", "以包代管、以租代管")
    target = tmp_path / "out.yaml"
    result = runner.invoke(app, ["criteria", "import", "gongmao-2023", str(book), "--output", str(target)])
    assert result.exit_code == 0 and "共 2 处改动" in result.stdout
    before = source.read_text(encoding="utf-8").splitlines()
    after = target.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]  # comments and order kept
    assert len(changed) == 2
    assert all("summary:" in b or "mentions: [以包代管, 以租代管]" in b for _, b in changed)
    item = yaml.safe_load("\n".join(after))["items"][0]
    assert item["summary"].startswith("改写后的概括") and item["mentions"] == ["以包代管", "以租代管"]
    assert source.read_text(encoding="utf-8").splitlines() == before  # --output: the edition untouched


def test_a_bad_cell_is_an_error_at_its_cell_and_nothing_is_written(tmp_path: Path) -> None:
    book = tmp_path / "g.xlsx"
    runner.invoke(app, ["criteria", "export", "gongmao-2023", str(book)])
    cs = load_criteria()
    ref = cs.items("gongmao-2023")[2].ref
    _edit(book, ref, "判定条件", "不存在的事实 and 积水")
    _edit(book, ref, "已核实", "也许")
    target = tmp_path / "out.yaml"
    result = runner.invoke(app, ["criteria", "import", "gongmao-2023", str(book), "--output", str(target)])
    assert result.exit_code == 2 and not target.exists()
    assert "条款!E4 [判定条件]" in result.stderr and "条款!H4 [已核实]" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
