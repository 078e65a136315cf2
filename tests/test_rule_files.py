"""Broken rule and form files: each gives one precise error naming file, line and key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.catalog import load_catalog
from engine.errors import RuleFileError
from engine.paths import bundled

GOOD_RULE = """rules:
  - id: fine-without-penalty
    title: 有罚款金额但无行政处罚
    severity: error
    on: 行
    when: 行政处罚.罚款金额 > 0 and 行政处罚.次数 == 0
    message: "{单位}：罚款 {行政处罚.罚款金额}"
    basis: {document: 填表说明, article: 第5条}
"""


def tree(tmp_path: Path, rule_text: str) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(bundled("rules") / "forms", root / "forms")
    (root / "checks").mkdir()
    (root / "checks" / "x.yaml").write_text(rule_text, encoding="utf-8")
    return root


def error_for(tmp_path: Path, rule_text: str) -> RuleFileError:
    with pytest.raises(RuleFileError) as info:
        load_catalog(tree(tmp_path, rule_text))
    return info.value


def test_good_rule_loads(tmp_path: Path) -> None:
    catalog = load_catalog(tree(tmp_path, GOOD_RULE))
    assert [r.rule.id for r in catalog.rules] == ["fine-without-penalty"]


@pytest.mark.parametrize(("change", "line", "words"), [
    (("severity: error", "severity: fatal"), 4, "severity"),
    (("on: 行", "on: 列"), 5, "on"),
    (("行政处罚.次数 == 0", "行政处罚.件数 == 0"), 6, "件数"),
    (("行政处罚.次数 == 0", "行政处罚.次数 = 0"), 6, "=="),
    (("罚款 {行政处罚.罚款金额}", "罚款 {罚金}"), 7, "罚金"),
    (("    title: 有罚款金额但无行政处罚\n",
      "    title: 有罚款金额但无行政处罚\n    titel: x\n"), 4, "titel"),
    (("id: fine-without-penalty", "id: Fine Without"), 2, "id"),
    (("行政处罚.罚款金额 > 0 and", "排查 > 0 and"), 6, "可指多个指标"),
    (("    basis: {document: 填表说明, article: 第5条}\n", ""), 2, "basis"),
])
def test_broken_rule_points_at_file_line_and_key(tmp_path: Path, change: tuple[str, str],
                                                  line: int, words: str) -> None:
    text = GOOD_RULE.replace(*change)
    assert text != GOOD_RULE
    err = error_for(tmp_path, text)
    one = err.one_line()
    assert err.file is not None and err.file.endswith("x.yaml")
    assert err.line == line, one
    assert words in one
    assert "\n" not in one


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    err = error_for(tmp_path, GOOD_RULE.replace("severity: error", "severity: [error"))
    assert err.line is not None and "YAML" in err.message


def test_duplicate_rule_id(tmp_path: Path) -> None:
    root = tree(tmp_path, GOOD_RULE)
    (root / "checks" / "y.yaml").write_text(GOOD_RULE, encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_catalog(root)
    assert "重复" in info.value.message and info.value.file.endswith("y.yaml")


def test_rule_for_unknown_form(tmp_path: Path) -> None:
    err = error_for(tmp_path, GOOD_RULE.replace("    basis:", "    forms: [no-such-form]\n    basis:"))
    assert "no-such-form" in err.message and err.line == 8


def test_broken_form_points_at_indicator(tmp_path: Path) -> None:
    root = tree(tmp_path, GOOD_RULE)
    form = root / "forms" / "campaign-2023-table.yaml"
    text = form.read_text(encoding="utf-8")
    form.write_text(text.replace("part_of: general_found}", "part_of: general_fund}", 1), encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_catalog(root)
    assert "general_fund" in info.value.message
    assert info.value.file.endswith("campaign-2023-table.yaml")


def test_bundled_rules_compile_for_every_form() -> None:
    catalog = load_catalog()
    for form_id in catalog.forms:
        plan = catalog.plan(form_id)
        assert plan.rules, form_id
