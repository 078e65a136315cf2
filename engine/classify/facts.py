"""Turn what a person wrote about a finding into typed facts of the criteria vocabulary.

Facts arrive as ``名称=值`` pairs (command line, a ledger cell) or as a mapping (YAML/JSON).
Names are the vocabulary's Chinese names or keys; values are read as people write them
(是/否/有/无, ``29.5``, ``29.5 kPa``). Anything that cannot be read is an error naming the
fact, never a silently dropped fact: a dropped fact could turn a major hazard into 一般.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine.load.criteria import CriteriaSet, value_hint
from engine.model.criteria import Fact
from engine.read.numbers import exact_number, yes_no

_TRUE = frozenset({"对", "存在"})  # beyond engine.read.numbers.yes_no: words inspectors use
_FALSE = frozenset({"没有", "不存在", "未"})
_NUMBER = re.compile(r"^\s*([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(\S*)\s*$")
_PAIR_SPLIT = re.compile(r"([；;，,、\n]+)")
_THOUSANDS_TAIL = re.compile(r"^\d{3}(?:\.\d+)?\s*\S*$")  # "100" after "数量=1," is 1,100


class FactError(ValueError):
    """One fact cannot be used; ``name`` is the fact as written."""

    def __init__(self, name: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.name = name
        self.hint = hint


def _fact(cs: CriteriaSet, name: str) -> Fact:
    fact = cs.vocabulary.get(name.strip())
    if fact is None:
        near = cs.resolver.near(name)
        hint = f"是否指：{'、'.join(near)}" if near else "hazcheck criteria facts 列出全部事实名称"
        raise FactError(name, f"不认识的事实 “{name}”", hint)
    return fact


def parse_value(fact: Fact, raw: Any, units: Mapping[str, float] | None = None) -> bool | float | int | str:
    """The value of ``fact`` as written; raises FactError when it cannot be that type.

    ``units``: the spellings of the fact's unit (criteria/reading.yaml, e.g. 万吨 and 吨 for 万t)
    with their factor into it; without it only the unit itself is accepted. A number no backend
    holds exactly (beyond 2**53) or not finite is refused, so the backends cannot disagree on it.
    """
    if fact.type == "bool":
        answer = yes_no(raw, _TRUE, _FALSE)
        if answer is None:
            raise FactError(fact.name, f"“{fact.name}” 应为 是 或 否，写的是 “{raw}”")
        return answer
    if fact.type == "number":
        if isinstance(raw, bool):
            raise FactError(fact.name, f"“{fact.name}” 应为数值（{fact.unit}），写的是 “{raw}”")
        spellings = dict(units or {})
        if fact.unit:
            spellings.setdefault(fact.unit, 1.0)
        m = None if isinstance(raw, (int, float)) else _NUMBER.match(str(raw))
        if isinstance(raw, (int, float)):
            value = float(raw)
        elif not m or (m.group(2) and m.group(2) not in spellings):
            said = f"以 {fact.unit} 计的数值" if fact.unit else "数值"
            hint = f"单位可写作 {'、'.join(spellings)}" if len(spellings) > 1 else None
            raise FactError(fact.name, f"“{fact.name}” 应为{said}，写的是 “{raw}”", hint)
        else:
            value = float(m.group(1).replace(",", "")) * (spellings[m.group(2)] if m.group(2) else 1.0)
        if not exact_number(value):
            raise FactError(fact.name, f"“{fact.name}” 的数值 “{raw}” 超出可精确计算的范围"
                                       "（应为有限数，绝对值不超过 2⁵³）")
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        value = round(value, 10)  # 1100 吨 → 0.11 万t, not 0.11000000000000001
        return int(value) if value.is_integer() else value
    text = str(raw).strip()
    if fact.values and text not in fact.values:
        raise FactError(fact.name, f"“{fact.name}” 没有取值 “{text}”", value_hint(fact, text))
    return text


def typed_facts(cs: CriteriaSet, raw: Mapping[str, Any]) -> dict[str, Any]:
    """{fact key: typed value} from {name or key: value}; blank values are "not recorded"."""
    out: dict[str, Any] = {}
    for name, value in raw.items():
        fact = _fact(cs, str(name))
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if fact.key in out:
            raise FactError(str(name), f"“{fact.name}” 写了两次")
        units = cs.reading.spellings(fact.unit) if cs.reading is not None and fact.type == "number" else None
        out[fact.key] = parse_value(fact, value, units)
    return out


def parse_pairs(text: str) -> dict[str, str]:
    """``积水=是；场所=事故坑`` (also ``：`` or ``:``) as {name: value}."""
    out: dict[str, str] = {}
    parts: list[str] = []
    pieces = _PAIR_SPLIT.split(text)
    for i in range(0, len(pieces), 2):
        part = pieces[i]
        glue = pieces[i - 1] if i else ""
        grouped = glue in (",", "，") and _THOUSANDS_TAIL.match(part)
        if parts and grouped and re.search(r"=\s*[-+]?\d{1,3}(?:,\d{3})*$", parts[-1]):
            parts[-1] += "," + part  # 数量=1,100: a thousands separator, not a second pair
        else:
            parts.append(part)
    for part in parts:
        if not part.strip():
            continue
        m = re.match(r"^\s*([^=＝:：]+?)\s*[=＝:：]\s*(.*?)\s*$", part)
        if not m:
            raise FactError(part.strip(), f"“{part.strip()}” 应写作 名称=值，如 积水=是")
        if m.group(1) in out:
            raise FactError(m.group(1), f"“{m.group(1)}” 写了两次")
        out[m.group(1)] = m.group(2)
    return out


def show_value(fact: Fact, value: Any) -> str:
    """A typed value the way the report shows it (是/否, number with unit)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if fact.type == "number":
        text = f"{value:g}" if isinstance(value, float) else str(value)
        return f"{text} {fact.unit}" if fact.unit else text
    return str(value)
