"""The checks of a schedule file: conditions in the rules' language over three kinds of status fact.

The facts are computed here in Python (a deadline passed, days late, how many submissions) and
named in Chinese below; which of them make a finding, how severe, in what words and on what
basis is the schedule file's ``checks:`` list, compiled with the same parser, name resolver
and predicate compiler as ``rules/checks`` (engine/expr, engine/compile/names.py). A name a
check does not know is a RuleFileError at its file and line, before any log is read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.compile.names import NameResolver, UnknownName
from engine.expr.nodes import Field
from engine.expr.normalize import ExprTypeError, normalize, referenced_fields
from engine.expr.parse import ExprSyntaxError, parse
from engine.expr.predicate import Predicate, compile_predicate
from engine.load.positioned import Located
from engine.model.factkinds import FactField
from engine.model.findings import Finding
from engine.model.records import CellRef
from engine.status.schedule import Check

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class StatusKind:
    key: str
    name: str
    doc: str
    fields: tuple[FactField, ...]


def _f(key: str, name: str, type_: str, doc: str) -> FactField:
    return FactField(key, name, type_, doc)


# What each kind of fact carries. The names are what checks write; the values are computed by
# engine/status/tracking.py, and a test checks that every fact it builds has exactly these keys.
KINDS: dict[str, StatusKind] = {k.key: k for k in (
    StatusKind("slot", "报送", "每个单位、每份报表、每一期一条（截止日期在所列期间内的各期）", (
        _f("unit", "单位", "text", "应报送的单位"),
        _f("unit_kind", "单位类型", "text", "镇街 或 区直部门；不明时为空"),
        _f("on_roster", "在名单中", "bool", "单位在应报送单位名单中（没有名单时为 是）"),
        _f("form", "表单", "text", "报表的表单 id"),
        _f("report", "报表", "text", "报表简称"),
        _f("period", "期别", "text", "报送期，如 2023年7月"),
        _f("due", "截止日期", "text", "截止日期（含当日，YYYY-MM-DD）：登记表填了的以所填为准"),
        _f("scheduled_due", "时限表截止日期", "text", "按时限表计算的截止日期"),
        _f("as_of", "统计日期", "text", "--as-of 的日期"),
        _f("due_passed", "已到期", "bool", "统计日期已过截止日期"),
        _f("received", "已报送", "bool", "统计日期前收到了（至少一次）"),
        _f("received_on", "报送日期", "text", "第一次报送的日期；未报送时为空"),
        _f("days_late", "迟报天数", "number", "第一次报送晚于截止日期的天数（按时为 0；未报送时为空）"),
        _f("days_overdue", "逾期天数", "number", "已到期未报送时，统计日期距截止日期的天数"),
        _f("submissions", "报送次数", "number", "报送了几次（不同日期）"),
        _f("resubmitted", "补报", "bool", "登记为补报，或同一期报送了不止一次"),
        _f("last_received", "最后报送日期", "text", "最后一次报送的日期"),
        _f("chased", "催报", "bool", "登记为经催报"),
        _f("state", "报送情况", "text", "“2023-07-31 报送” 或 “未报送”"),
        _f("unreadable", "登记有误", "bool", "这一期有登记行的日期无法识别，无法判断"),
    )),
    StatusKind("unit", "单位", "每个单位一条：所列期间内的汇总", (
        _f("unit", "单位", "text", "单位名称"),
        _f("unit_kind", "单位类型", "text", "镇街 或 区直部门；不明时为空"),
        _f("on_roster", "在名单中", "bool", "单位在应报送单位名单中（没有名单时为 是）"),
        _f("has_roster", "有名单", "bool", "给出了应报送单位名单（时限表 units 或 --units）"),
        _f("window", "期间", "text", "所列期间，如 2023年第三季度"),
        _f("as_of", "统计日期", "text", "--as-of 的日期"),
        _f("expected", "应报次数", "number", "已到截止日期、该单位应报送的期数"),
        _f("received", "已报次数", "number", "收到了的期数"),
        _f("on_time", "按时次数", "number", "按时报送的期数"),
        _f("late", "迟报次数", "number", "迟报的期数"),
        _f("missing", "漏报次数", "number", "已到期未报送的期数"),
        _f("resubmitted", "补报次数", "number", "有补报的期数"),
        _f("chased", "催报次数", "number", "经催报的期数"),
        _f("unreadable", "登记有误次数", "number", "登记有误、无法判断的期数"),
        _f("rows", "登记行数", "number", "所列期间内该单位的登记行数"),
        _f("nearest", "相近单位", "text", "名单中写法相近的单位（不在名单中时）"),
    )),
    StatusKind("row", "登记行", "登记表每行一条", (
        _f("where", "位置", "text", "行号，如 第12行（工作簿中为 工作表!第12行）"),
        _f("line", "行号", "number", "行号"),
        _f("unit", "单位", "text", "单位一栏所填"),
        _f("report", "报表", "text", "报表一栏所填"),
        _f("period", "期别", "text", "期别一栏所填（或读出的期别）"),
        _f("readable", "可识别", "bool", "各栏都能读懂"),
        _f("problem", "问题", "text", "无法识别的栏目及原文"),
        _f("counted", "计入", "bool", "该行计入了报送情况（单位、报表、期别都能读懂）"),
        _f("duplicate", "重复登记", "bool", "与前面一行的单位、报表、期别、报送日期都相同"),
        _f("duplicate_of", "重复于", "text", "与之重复的行"),
        _f("received_on", "报送日期", "text", "报送日期（YYYY-MM-DD）"),
        _f("as_of", "统计日期", "text", "--as-of 的日期"),
        _f("after_as_of", "晚于统计日期", "bool", "报送日期晚于统计日期（未计入本表）"),
        _f("period_start", "报送期开始", "text", "所报期别的第一天"),
        _f("before_period", "早于报送期", "bool", "报送日期早于所报期别的第一天（期别可能写错）"),
    )),
)}
_BY_NAME = {n: k.key for k in KINDS.values() for n in (k.key, k.name)}


@dataclass(frozen=True)
class CompiledCheck:
    check: Check
    kind: str  # slot / unit / row
    holds: Predicate
    placeholders: tuple[tuple[str, str], ...]  # (as written, fact key)
    shown: tuple[str, ...]  # fact keys a finding shows: those the condition and message read
    labels: dict[str, str] = field(hash=False, compare=False, default_factory=dict)


def compile_checks(checks: Sequence[Check], doc: Located) -> tuple[CompiledCheck, ...]:
    """Every check compiled; the first that cannot be is a RuleFileError at its line."""
    seen: dict[str, int] = {}
    out = []
    for i, check in enumerate(checks):
        if check.id in seen:
            raise doc.error(("checks", i, "id"), f"检查 id “{check.id}” 与第 {seen[check.id] + 1} 条重复")
        seen[check.id] = i
        out.append(_compile(check, i, doc))
    return tuple(out)


def _compile(check: Check, i: int, doc: Located) -> CompiledCheck:
    kind = KINDS[_BY_NAME[check.on]]
    exact = [(n, Field(f.key, f.type)) for f in kind.fields for n in (f.key, f.name)]
    labels = {f.key: f.name for f in kind.fields}

    def unknown(name: str) -> UnknownName:
        return UnknownName(f"不认识的名称 “{name}”（{kind.name}事实）",
                           f"{kind.name}事实可用的名称：{'、'.join(f.name for f in kind.fields)}")

    names = NameResolver(exact, labels, unknown)
    try:
        condition = normalize(parse(check.when), names)
    except ExprSyntaxError as exc:
        raise doc.error(("checks", i, "when"), f"条件写法有误：{exc}") from exc
    except UnknownName as exc:
        raise doc.error(("checks", i, "when"), str(exc), exc.hint) from exc
    except ExprTypeError as exc:
        raise doc.error(("checks", i, "when"), f"条件无法判定：{exc}") from exc
    placeholders = []
    for written in _PLACEHOLDER.findall(check.message):
        try:
            placeholders.append((written, names(written).key))
        except UnknownName as exc:
            raise doc.error(("checks", i, "message"), f"提示中的 {{{written}}}：{exc}", exc.hint) from exc
    shown = tuple(dict.fromkeys([*(f.key for f in referenced_fields(condition)),
                                 *(k for _, k in placeholders)]))
    return CompiledCheck(check, kind.key, compile_predicate(condition), tuple(placeholders), shown,
                         {k: labels[k] for k in shown})


@dataclass(frozen=True)
class StatusFact:
    """One fact: its values by field key, plus what a finding about it names and points at."""

    kind: str
    data: Mapping[str, Any]
    unit: str | None
    subject: tuple[str, ...] = ()  # the column id (form:period) of a slot, the row of a log row
    cells: tuple[CellRef, ...] = ()


def findings(compiled: Sequence[CompiledCheck], facts: Sequence[StatusFact]) -> list[Finding]:
    """Every check on every fact of its kind, in check order then fact order."""
    from engine.evaluate.run import fmt  # numbers as an office writes them, 是/否: as audit findings

    out = []
    for c in compiled:
        for fact in facts:
            if fact.kind != c.kind or not c.holds(fact.data):
                continue
            message = c.check.message
            for written, key in c.placeholders:
                message = message.replace("{" + written + "}", fmt(fact.data.get(key)))
            out.append(Finding(rule=c.check.id, title=c.check.title, severity=c.check.severity,
                               unit=fact.unit, fields=fact.subject,
                               values={k: fact.data.get(k) for k in c.shown if k != "unit"},
                               labels=c.labels, message=message, basis=c.check.basis.text(),
                               cells=fact.cells))
    return out
