"""Reports for ``hazcheck classify``: a rich table for people, versioned JSON for programs."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.model.classification import Classification, FactSource, ItemResult
from engine.report.safe_text import json_safe, visible
from engine.report.safe_text import text as _t

SCHEMA = "hazcheck.classify/2"
FROM_TEXT = "据描述：结论依据从隐患描述中读出的事实（见“事实及来源”），需人工确认，不是检查人员的认定"
_STYLE = {"重大": "bold red", "一般": "green", "待确认": "bold yellow"}


def render_json(results: Sequence[Classification], labels: Sequence[str]) -> str:
    doc = {"schema": SCHEMA, "results": [
        {"finding": label, **r.model_dump()} for label, r in zip(labels, results, strict=True)]}
    return json_safe(json.dumps(doc, ensure_ascii=False, indent=2)) + "\n"


def _conditions(item: ItemResult, states: tuple[str, ...]) -> str:
    return "\n".join(f"{'✓' if c.state == '成立' else ('✗' if c.state == '不成立' else '?')} {c.condition}"
                     + (f"（记录：{c.recorded}）" if c.state != "成立" else "")
                     for c in item.conditions if c.state in states)


def _items(console: Console, title: str, items: Sequence[ItemResult], kind: str) -> None:
    if not items:
        return
    t = Table(title=title, title_justify="left", show_lines=True)
    t.add_column("依据", overflow="fold")
    t.add_column("条款概括", max_width=48, overflow="fold")
    t.add_column({"match": "成立的条件", "near": "未成立的条件", "open": "缺少的事实",
                  "text": "描述中的词 / 需记录的事实"}[kind], max_width=56, overflow="fold")
    for it in items:
        basis = f"{it.number}\n{it.ref}" + ("" if it.verified else "\n（条款未核实）")
        if kind == "match":
            detail = _conditions(it, ("成立",))
        elif kind == "near":
            detail = _conditions(it, ("不成立", "未记录"))
        elif kind == "open":
            detail = "、".join(it.missing)
        else:
            need = f"\n需记录：{'、'.join(it.missing)}" if it.missing else ""
            detail = f"词：{'、'.join(it.words)}{need}"
        t.add_row(_t(basis), _t(it.summary), _t(detail))  # recorded values are the user's text
    console.print(t)


def _origin(src: FactSource) -> str:
    """Where a fact came from, in the words the table uses."""
    if src.source == "描述":
        said = f"据描述“{src.words}”"
        return said if src.used else f"{said}（未采用：已另行给出）"
    return {"--fact": "--fact 给出", "事实列": "台账事实列", "隐患文件": "隐患文件",
            "行业": "据行业写法"}[src.source]


def render_table(result: Classification, console: Console, label: str | None = None) -> None:
    head = f"[{_STYLE[result.verdict]}]判定：{result.verdict}[/]"
    if result.from_text:
        head += " [yellow]（据描述，需人工确认）[/]"
    elif result.needs_confirmation:
        head += " [yellow]（需人工确认）[/]"
    line = Text.from_markup(head)  # the verdict and fixed words only: markup of our own
    if label:
        line = _t(f"{label}  ").append_text(line)
    line.append(visible(f"  日期 {result.date}  行业 {result.sector or '未指定'}"))
    console.print(line, highlight=False)
    for s in result.standards:
        span = f"{s.effective_from} 起" + (f"至 {s.effective_to}" if s.effective_to else "")
        cover = "" if s.coverage == "complete" else "，仅部分录入"
        reason = f"：{s.reason}" if s.reason else ""
        line = _t(f"  依据标准 {s.title}（{s.number}，{span}{cover}）")
        console.print(line.append(visible(f"{s.role}{reason}"), style="dim"), highlight=False, soft_wrap=True)
    if result.sources:
        console.print("  事实及来源：", highlight=False)
        for src in result.sources:
            console.print(_t(f"    {src.name}={src.value}  {_origin(src)}"), highlight=False, soft_wrap=True)
    elif result.facts:
        facts = "；".join(f"{k}={v}" for k, v in result.facts.items())
        console.print(_t(f"  事实：{facts}"), highlight=False, soft_wrap=True)
    if result.text:
        console.print(_t(f"  描述：{result.text}"), highlight=False, soft_wrap=True)
    if result.from_text:
        console.print(f"  · {FROM_TEXT}", highlight=False, markup=False, soft_wrap=True)
    for reason in result.reasons:
        console.print(_t(f"  · {reason}"), highlight=False, soft_wrap=True)
    _items(console, "符合的条款", result.matches, "match")
    _items(console, "尚不能判断的条款（记录缺少的事实后再判定）", result.undecided, "open")
    _items(console, "最接近的条款", result.nearest, "near")
    shown = {(i.standard, i.ref) for i in (*result.matches, *result.undecided, *result.nearest)}
    others = [c for c in result.candidates if (c.standard, c.ref) not in shown]
    _items(console, "描述还提到的条款（按描述用词排序）", others, "text")
