"""Is a reporting unit a township (镇街) or a district department (区直部门)?

Some indicators are filled by only one kind (townships do not fill 帮扶指导重点镇街), so the
engine needs the kind of every row. Most returns do not say it; the unit's name usually
does: 镇/乡/街道/园区 are townships, 局/大队/中心 are departments.
"""

from __future__ import annotations

import re

from engine.read.text import clean_unit_name

TOWNSHIP = "镇街"
DEPARTMENT = "区直部门"

# Checked first: "街道办" contains 办 and "工业园管委会" contains 委, yet both are townships.
_TOWNSHIP_ENDINGS = ("街道办事处", "街道办", "街道", "镇", "乡", "工业园", "园区", "开发区",
                     "管委会", "度假区", "产业园", "高新区", "新区", "片区")
# A township's own offices report for the township: XX镇人民政府, XX开发区安委办, XX街道安监站.
_OFFICES = ("人民政府", "政府", "党委", "党工委", "安委办", "安委会办公室", "安委会", "应急办",
            "应急管理办公室", "安监站", "安全生产监督管理站", "管委会", "管理委员会", "办事处")
_DEPARTMENT_PARTS = ("局", "大队", "支队", "中队", "队", "分局", "中心", "委员会", "委", "办公室",
                     "办", "供电", "公司", "院", "所", "站", "部", "总工会", "联合会", "妇联",
                     "团区委", "法院", "检察院", "署", "处", "科")  # 处/科: a zone's own departments

_COLUMN_VALUES = {
    "镇街": TOWNSHIP, "镇": TOWNSHIP, "乡": TOWNSHIP, "乡镇": TOWNSHIP, "街道": TOWNSHIP,
    "镇街道": TOWNSHIP, "镇(街道)": TOWNSHIP, "镇（街道）": TOWNSHIP, "园区": TOWNSHIP,
    "部门": DEPARTMENT, "区直部门": DEPARTMENT, "区直单位": DEPARTMENT, "行业部门": DEPARTMENT,
    "区直": DEPARTMENT, "单位": DEPARTMENT,
}


def guess_unit_kind(name: str) -> str | None:
    """Kind of a unit from its name, or None when the name does not tell."""
    n = re.sub(r"[（(][^）)]*[）)]$", "", clean_unit_name(name))
    if not n:
        return None
    if n.endswith(_TOWNSHIP_ENDINGS):
        return TOWNSHIP
    for office in _OFFICES:
        if n.endswith(office) and n[: -len(office)].endswith(_TOWNSHIP_ENDINGS):
            return TOWNSHIP
    if any(part in n for part in _DEPARTMENT_PARTS):
        return DEPARTMENT
    return None


def kind_from_text(text: object) -> str | None:
    """A unit-kind column value (镇街/乡镇/街道/部门/区直部门…) as a kind, else None."""
    if text is None:
        return None
    return _COLUMN_VALUES.get(clean_unit_name(text))
