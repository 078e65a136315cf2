"""Header normalisation, path matching and form detection."""

from __future__ import annotations

import pytest

from engine.errors import InputError
from engine.model.forms import Form
from engine.read import detect_form
from engine.read.headers import IndicatorMatcher, normalise
from engine.read.text import extract_period, unit_from_text

from .builders import COLUMNS_A, SECTIONS, TABLE


@pytest.mark.parametrize(("label", "expected"), [
    ("  一般 隐患\n", "一般隐患"),
    ("罚款金额（万元）", "罚款金额"),
    ("罚款金额(万元)", "罚款金额"),
    ("排查\u3000（条）", "排查"),
    ("帮扶指导重点县区（镇街）", "帮扶指导重点县区(镇街)"),
    ("企业和企业主要负责人“一案双罚”", '企业和企业主要负责人"一案双罚"'),
    ("其中：已整改", "其中已整改"),
    ("一、总体情况", "总体情况"),
    ("（二）对企业自查自改进行抽查检查", "对企业自查自改进行抽查检查"),
    ("1.企业自查发现重大事故隐患（项）", "企业自查发现重大事故隐患"),
    ("一般隐患", "一般隐患"),
    ("一案双罚", "一案双罚"),
])
def test_normalise(label: str, expected: str) -> None:
    assert normalise(label) == expected


@pytest.fixture
def table(forms: dict[str, Form]) -> IndicatorMatcher:
    return IndicatorMatcher(forms[TABLE])


@pytest.mark.parametrize(("cells", "key"), [
    (["fines"], "fines"),
    (["重大隐患", "部门挂牌督办", "排查"], "major_listed_found"),
    (["重大隐患/部门挂牌督办/排查"], "major_listed_found"),
    (["部门挂牌督办", "排查"], "major_listed_found"),  # top group omitted
    (["XX区调度表", "重大隐患", "部门排查", "已整改", "条"], "major_dept_rectified"),
    (["一般隐患", "一般隐患", "排查（条）"], "general_found"),  # vertical merge repeats
    (["帮扶指导重点县区"], "helped_areas"),  # alias
    (["专题培训.场次"], "training_sessions"),  # dotted alias
    (["专题培训", "人次"], "training_attendance"),
    (["部门精准严格执法情况", "企业和企业主要负责人“一案双罚”"], "double_penalties"),
    (["一案双罚"], "double_penalties"),
    (["举报奖励", "其中：匿名举报查实奖励金额（万元）"], "reward_anonymous"),
    (["行政处罚次数"], "penalties"),  # labels run together
    (["排查"], None),  # ambiguous: four indicators end with 排查
    (["一般隐患", "排查", "XX"], None),
    (["地区/部门"], None),
])
def test_match_table(table: IndicatorMatcher, cells: list[str], key: str | None) -> None:
    assert table.match(cells) == key


def test_every_example_a_header_matches(table: IndicatorMatcher) -> None:
    for group, sub, leaf, unit, key in COLUMNS_A:
        cells = [c for c in (group, sub, leaf, unit) if c]
        assert table.match(cells) == key


def test_every_label_path_matches_itself(forms: dict[str, Form]) -> None:
    for form in forms.values():
        matcher = IndicatorMatcher(form)
        for ind in form.indicators:
            assert matcher.match(list(ind.path)) == ind.key
            assert matcher.match(["/".join(ind.path)]) == ind.key
            assert matcher.match([ind.key]) == ind.key


def test_group_and_unit_disambiguate(forms: dict[str, Form]) -> None:
    matcher = IndicatorMatcher(forms[SECTIONS])
    assert matcher.match(["部门精准执法", "行政处罚"], "次") == "penalties"
    assert matcher.match(["部门精准执法", "行政处罚（万元）"]) == "fines"
    assert matcher.match(["部门精准执法", "行政处罚"]) is None


def test_detect_form(forms: dict[str, Form]) -> None:
    table_headers = [tuple(c for c in (g, s, leaf) if c) for g, s, leaf, _, _ in COLUMNS_A]
    assert detect_form(table_headers, forms) == TABLE
    sections_headers = [ind.path for ind in forms[SECTIONS].indicators]
    assert detect_form(sections_headers, forms) == SECTIONS


def test_detect_form_too_few(forms: dict[str, Form]) -> None:
    with pytest.raises(InputError) as err:
        detect_form([("a",), ("b",)], forms)
    assert "--form" in (err.value.hint or "")
    assert TABLE in (err.value.hint or "") and SECTIONS in (err.value.hint or "")


def test_detect_form_tie(forms: dict[str, Form]) -> None:
    # keys both forms share: equal scores, so the user must choose
    with pytest.raises(InputError) as err:
        detect_form([("fines",), ("penalties",), ("exposures",)], forms)
    assert "匹配 3 列" in (err.value.hint or "")


@pytest.mark.parametrize(("text", "period"), [
    ("数据统计区间：2023年5月1日-2023年9月26日", "2023-05-01~2023-09-26"),
    ("（数据统计区间：2023年5月1日—9月26日）", "2023-05-01~2023-09-26"),
    ("2023年5月1日至2023年10月25日", "2023-05-01~2023-10-25"),
    ("统计区间 2023-05-01 ~ 2023-09-26", "2023-05-01~2023-09-26"),
    ("2023.5.1-2023.9.26", "2023-05-01~2023-09-26"),
    ("2023年9月", None),
    ("2023年13月1日-2023年9月26日", None),
])
def test_extract_period(text: str, period: str | None) -> None:
    assert extract_period(text) == period


@pytest.mark.parametrize(("text", "unit"), [
    ("填报单位：XX镇", "XX镇"),
    ("填报单位：XX镇（盖章）", "XX镇"),
    ("填报单位： 区应急管理局    填报日期：2023年9月", "区应急管理局"),
    ("填报单位：", None),
    ("单位：万元", None),
    ("备注", None),
])
def test_unit_from_text(text: str, unit: str | None) -> None:
    assert unit_from_text(text) == unit
