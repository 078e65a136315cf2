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
from engine.read.numbers import yes_no

_TRUE = frozenset({"对", "存在"})  # beyond engine.read.numbers.yes_no: words inspectors use
_FALSE = frozenset({"没有", "不存在", "未"})
_NUMBER = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*(\S*)\s*$")
_PAIR_SPLIT = re.compile(r"[；;，,、\n]+")


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


def parse_value(fact: Fact, raw: Any) -> bool | float | int | str:
    """The value of ``fact`` as written; raises FactError when it cannot be that type."""
    if fact.type == "bool":
        answer = yes_no(raw, _TRUE, _FALSE)
        if answer is None:
            raise FactError(fact.name, f"“{fact.name}” 应为 是 或 否，写的是 “{raw}”")
        return answer
    if fact.type == "number":
        if isinstance(raw, bool):
            raise FactError(fact.name, f"“{fact.name}” 应为数值（{fact.unit}），写的是 “{raw}”")
        if isinstance(raw, (int, float)):
            return raw
        m = _NUMBER.match(str(raw))
        if not m or (m.group(2) and m.group(2) != fact.unit):
            raise FactError(fact.name, f"“{fact.name}” 应为以 {fact.unit} 计的数值，写的是 “{raw}”")
        value = float(m.group(1))
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
        out[fact.key] = parse_value(fact, value)
    return out


def parse_pairs(text: str) -> dict[str, str]:
    """``积水=是；场所=事故坑`` (also ``：`` or ``:``) as {name: value}."""
    out: dict[str, str] = {}
    for part in _PAIR_SPLIT.split(text):
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
