"""The kinds of fact the engine asserts, and the fields each carries.

Rules are written against these vocabularies. Aggregates (column sums, comparisons with the
previous return, part/whole pairs) are computed in Python and asserted as their own facts,
because the rule engine does not aggregate.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FactField:
    key: str  # ASCII key inside the fact
    name: str  # Chinese name rule authors write
    type: str  # number | text | bool
    doc: str


def _f(key: str, name: str, type_: str, doc: str) -> FactField:
    return FactField(key, name, type_, doc)


_UNIT = [
    _f("unit", "单位", "text", "填报单位名称（累计行为“累计”）"),
    _f("unit_kind", "单位类型", "text", "镇街 或 区直部门；无法判断时为空"),
    _f("unit_kind_known", "单位类型已知", "bool", "能否判断单位类型"),
    _f("is_total", "是否累计行", "bool", "该行是否为累计/合计行"),
]


@dataclass(frozen=True)
class FactKind:
    name: str
    label: str
    doc: str
    fields: tuple[FactField, ...]
    indicators: bool = False  # the form's indicators are fields of this fact
    subject: tuple[str, ...] = ()  # fact keys naming the indicators a finding is about
    joined: tuple[str, ...] = ()  # subject keys that hold several indicator keys joined with +
    ledger: bool = False  # asserted for hazard ledgers (record forms), not for returns
    declared_by_form: bool = False  # the fields are the form's ``row_fact`` declarations, not listed here


FACT_KINDS: dict[str, FactKind] = {k.name: k for k in (
    FactKind("row", "行", "每个填报单位（含累计行）一条；各指标按 key 或中文标签引用，空白按 0 计",
             (*_UNIT, _f("nonzero_count", "非零项数", "number", "该行非零指标的个数")),
             indicators=True),
    FactKind("cell", "单元格", "每个指标值一条：用于逐格检查（负数、小数、无法识别、不应填报）", (
        *_UNIT,
        _f("field", "指标键", "text", "指标 key"),
        _f("label", "指标", "text", "指标中文标签路径"),
        _f("measure", "计量单位", "text", "条、家次、万元……"),
        _f("value", "值", "number", "读出的数值；空白为 0，无法识别时缺失"),
        _f("raw", "原文", "text", "单元格原文"),
        _f("readable", "可识别", "bool", "原文能否读成数值"),
        _f("blank", "是空白", "bool", "单元格为空或为 —、/ 等"),
        _f("is_count", "是计数", "bool", "计量单位为计数（应为整数）"),
        _f("is_integer", "是整数", "bool", "值是否为整数"),
        _f("expected", "本类单位应填", "bool", "表单是否要求该类单位填报此指标"),
    ), subject=("field",)),
    FactKind("relation", "指标关系", "表单声明的每对“分项—总项”关系，每行一条", (
        *_UNIT,
        _f("part", "分项键", "text", "分项指标 key（多个分项之和时以 + 连接）"),
        _f("part_label", "分项", "text", "分项中文标签"),
        _f("part_value", "分项值", "number", "分项的值（或分项之和）"),
        _f("whole", "总项键", "text", "总项指标 key"),
        _f("whole_label", "总项", "text", "总项中文标签"),
        _f("whole_value", "总项值", "number", "总项的值"),
        _f("note", "说明", "text", "表单中对该关系的说明"),
    ), subject=("part", "whole"), joined=("part",)),
    FactKind("column_total", "合计", "累计行与各单位行之和的核对，每个指标一条", (
        _f("unit", "单位", "text", "累计行的名称"),
        _f("field", "指标键", "text", "指标 key"),
        _f("label", "指标", "text", "指标中文标签路径"),
        _f("measure", "计量单位", "text", "条、家次、万元……"),
        _f("reported", "填报合计", "number", "累计行填报的数"),
        _f("computed", "各行之和", "number", "各单位行相加之和"),
        _f("abs_diff", "差额", "number", "两者之差的绝对值"),
        _f("tolerance", "容差", "number", "该计量单位允许的误差"),
    ), subject=("field",)),
    FactKind("change", "与上期比较", "给出 --previous 时，每个单位每个累计指标一条", (
        *_UNIT,
        _f("field", "指标键", "text", "指标 key"),
        _f("label", "指标", "text", "指标中文标签路径"),
        _f("current", "本期", "number", "本期数"),
        _f("previous", "上期", "number", "上期数"),
        _f("decrease", "减少", "number", "上期减本期"),
    ), subject=("field",)),
    FactKind("ledger_row", "台账行",
             "台账每条隐患一条：各项由台账表单的 row_fact 声明（rules/forms/hazard-ledger.yaml）",
             (), subject=("finding_id",), ledger=True, declared_by_form=True),
    FactKind("ledger_unit", "台账与报表", "给出 --return 时，每个单位每个核对列一条", (
        _f("unit", "单位", "text", "填报单位"),
        _f("field", "指标键", "text", "报表指标 key"),
        _f("label", "指标", "text", "报表指标中文标签路径"),
        _f("ledger_count", "台账数", "number", "台账中计入该指标的条数"),
        _f("return_value", "报表数", "number", "报表中该单位该指标的数"),
        _f("in_return", "报表有此单位", "bool", "报表中有该单位"),
    ), subject=("field",), ledger=True),
    FactKind("presence", "单位名单", "给出 --previous 时，两期出现过的每个单位一条", (
        *_UNIT,
        _f("in_current", "本期有", "bool", "本期报表中有该单位"),
        _f("in_previous", "上期有", "bool", "上期报表中有该单位"),
    )),
)}
