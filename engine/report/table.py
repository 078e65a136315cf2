"""The human view: findings grouped by unit in a rich table, then the summary and rates."""

from __future__ import annotations

from itertools import groupby

from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.model.findings import AuditResult
from engine.model.rules import SEVERITY_LABEL
from engine.report.safe_text import text as _t

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _pct(value: float | None) -> str:
    return "—（分母为0）" if value is None else f"{value * 100:.2f}%"


def render(result: AuditResult, console: Console) -> None:
    s = result.summary
    title = f"{s.form_title}（{s.form}）  {s.source}" + (f"  数据区间 {s.period}" if s.period else "")
    if result.findings:
        table = Table(title=_t(title), show_lines=False, expand=False)
        table.add_column("单位", no_wrap=True)
        table.add_column("级别", no_wrap=True)
        table.add_column("规则", no_wrap=True)
        table.add_column("问题", overflow="fold", ratio=3)
        table.add_column("依据", overflow="fold", ratio=2)
        for unit, items in groupby(result.findings, key=lambda f: f.unit):
            for n, f in enumerate(items):
                # unit names, messages and bases carry text from the file: never markup
                table.add_row(
                    _t((unit or "（全表）") if n == 0 else ""),
                    Text(SEVERITY_LABEL[f.severity], style=_STYLE[f.severity]), _t(f.rule),
                    _t(f.message), _t(f.basis))
            table.add_section()
        console.print(table)
    else:
        console.print(_t(f"{title}\n未发现问题。"), highlight=False)
    counts = "，".join(f"{SEVERITY_LABEL[k]} {v} 项" for k, v in s.counts.items())
    console.print(f"共 {s.units} 个填报单位；{counts}。", markup=False)
    if s.previous:
        console.print(_t(f"已与上期报表比较：{s.previous}"), highlight=False)
    if s.ignored_columns:  # every column of the file is used or said to be unused
        console.print(_t(f"未使用的列（不是表单 {s.form} 的指标，未审核）：{'、'.join(s.ignored_columns)}"),
                      highlight=False)
    if result.rows:
        rows = [r for r in result.rows if not r.duplicate]  # a repeated row is counted once
        verdicts = {v: sum(1 for r in rows if r.verdict == v) for v in ("重大", "一般", "待确认")}
        reported = sum(1 for r in rows if r.reported_level == "重大")
        counted = sum(1 for r in rows if r.counted_major)
        read = sum(1 for r in rows if r.from_text)
        repeats = len(result.rows) - len(rows)
        console.print(f"按判定标准：重大 {verdicts['重大']} 条，一般 {verdicts['一般']} 条，"
                      f"待确认 {verdicts['待确认']} 条；上报重大 {reported} 条，其中可计入 {counted} 条。"
                      + (f"其中 {read} 条据隐患描述判定，需人工确认。" if read else "")
                      + (f"另有重复登记 {repeats} 条，只计一次。" if repeats else ""),
                      highlight=False, markup=False)
    if s.reconciled_with:
        console.print(_t(f"已与报表核对：{s.reconciled_with}"), highlight=False)
    if s.together:
        console.print(_t(f"已与同期的 {len(s.together)} 张表核对各表的单位：{'、'.join(s.together)}"
                         "（各表的问题见下）"), highlight=False)
    if s.details:
        errors = sum(d.summary.counts.get("error", 0) for d in result.details
                     if d.summary.source in s.details)
        console.print(f"已按 {len(s.details)} 份明细台账重新统计报表各数（明细中错误 {errors} 项，见下）。",
                      markup=False, highlight=False)
    if s.rates:
        rates = Table(title="计算得出的比率", show_header=True)
        rates.add_column("比率")
        rates.add_column("分子", justify="right")
        rates.add_column("分母", justify="right")
        rates.add_column("数值", justify="right")
        for r in s.rates:
            rates.add_row(_t(r.label), f"{r.numerator:g}", f"{r.denominator:g}", _pct(r.value))
        console.print(rates)
    for detail in result.details:  # --details: each detail file, its records and the figures recounted
        console.print()
        what = "同期的表" if detail.summary.source in s.together else "明细台账"
        console.print(_t(f"{what}：{detail.summary.source}", style="bold"))
        render(detail, console)
