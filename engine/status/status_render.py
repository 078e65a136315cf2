"""The status table as a reader wants it: on screen (√/× grid, legend, findings), JSON, or CSV.

The grid is what a quarterly bulletin prints — a row per unit, a column per deadline — with a
last row of on-time / expected counts per column. Everything that came from a file (unit
names, messages) is rich ``Text``, never markup: a unit called ``[red]…`` prints as written.
CSV is the grid alone (UTF-8 with BOM, so Excel shows the Chinese), for pasting into a bulletin;
the findings are in the table and JSON outputs.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.model.rules import SEVERITY_LABEL
from engine.report.safe_text import csv_cell, json_safe
from engine.report.safe_text import text as _t
from engine.status.tracking import (
    CHASED,
    LATE,
    LEGEND,
    MISSING,
    NOT_DUE,
    NOT_REQUIRED,
    ON_TIME,
    RESUBMITTED,
    UNKNOWN,
    Slot,
    StatusResult,
)

SCHEMA = "hazcheck.status/1"
COUNT_COLUMNS = (("expected", "应报"), ("on_time", "按时"), ("late", "迟报"), ("missing", "漏报"),
                 ("resubmitted", "补报"), ("chased", "催报"))
_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_EXTRA_STYLE = {RESUBMITTED: "bold cyan", CHASED: "bold magenta"}
_MARK_STYLE = {ON_TIME: "green", LATE: "yellow", MISSING: "bold red", UNKNOWN: "magenta", NOT_DUE: "dim",
               NOT_REQUIRED: "dim"}


def _short_period(slot: Slot, result: StatusResult) -> str:
    """7月, 三季度 when the window is within one year (its label says the year), else in full."""
    label = slot.period.label
    if result.window.start.year == result.window.end.year and slot.period.kind != "phase":
        return label.removeprefix(f"{slot.period.start.year}年").removeprefix("第")
    return label


def column_title(slot: Slot, result: StatusResult) -> str:
    return f"{slot.tracked.label}\n{_short_period(slot, result)}\n截止{slot.due.month}/{slot.due.day}"


def column_totals(result: StatusResult) -> list[str]:
    """Per column, on-time over expected (due passed or received) among the units on the roster."""
    out = []
    for i in range(len(result.columns)):
        marks = [line.marks[i] for line in result.lines if line.on_roster]
        expected = sum(1 for m in marks if m[0] in (ON_TIME, LATE, MISSING, UNKNOWN))
        out.append(f"{sum(1 for m in marks if m[0] == ON_TIME)}/{expected}")
    return out


def _styled(mark: str) -> Text:
    text = _t(mark[0], style=_MARK_STYLE.get(mark[0], ""))
    for extra in mark[1:]:
        text.append(extra, style=_EXTRA_STYLE.get(extra, ""))
    return text


def render_table(result: StatusResult, console: Console) -> None:
    console.print(_t(f"报送情况：{result.schedule_title}（{result.schedule_id}）  {result.source}",
                       style="bold"))
    w = result.window
    console.print(_t(f"期间 {w.label}（截止日期在 {w.start} 至 {w.end} 之间的各期）  "
                       f"统计日期 {result.as_of}  应报送单位：{result.roster}"))
    if not result.columns:
        console.print(_t("所列期间内没有到截止日期的报表。"))
    else:
        grid = Table(show_lines=False, expand=False)
        grid.add_column("单位", no_wrap=True)
        for slot in result.columns:
            grid.add_column(_t(column_title(slot, result)), justify="center", no_wrap=True)
        for _, name in COUNT_COLUMNS:
            grid.add_column(name, justify="right")
        for line in result.lines:
            name = _t(line.unit) if line.on_roster else _t(f"{line.unit}（不在名单中）", style="italic")
            grid.add_row(name, *(_styled(m) for m in line.marks),
                         *(str(line.counts[k]) for k, _ in COUNT_COLUMNS))
        grid.add_section()
        grid.add_row(_t("按时/应报"), *column_totals(result), *([""] * len(COUNT_COLUMNS)))
        console.print(grid)
        marks = [f"{m} {meaning}" for m, meaning in LEGEND if m not in _EXTRA_STYLE]
        extras = [f"{m} {meaning}" for m, meaning in LEGEND if m in _EXTRA_STYLE]
        console.print(_t("图例：" + "  ".join(marks), style="dim"))
        console.print(_t("      " + "  ".join(extras) + "（跟在前一个标记之后）", style="dim"))
    for note in notes(result):
        console.print(_t(note))
    if result.findings:
        table = Table(title=_t("发现的问题"), expand=False)
        for name in ("单位", "级别", "检查", "问题", "依据"):
            table.add_column(name, overflow="fold", no_wrap=name in ("单位", "级别", "检查"))
        previous: str | None = "\0"
        for f in result.findings:
            unit = f.unit or "（登记表）"
            table.add_row(_t(unit if unit != previous else ""),
                          _t(SEVERITY_LABEL[f.severity], style=_SEVERITY_STYLE[f.severity]), _t(f.rule),
                          _t(f.message), _t(f.basis))
            previous = unit
        console.print(table)
    else:
        console.print(_t("未发现问题。"))
    counts = "，".join(f"{SEVERITY_LABEL[k]} {v} 项" for k, v in result.counts.items())
    console.print(_t(f"共 {len(result.lines)} 个单位、{len(result.columns)} 期报表；{counts}。"))


def notes(result: StatusResult) -> list[str]:
    """What was read and what was left out, so that no row and no report goes unmentioned."""
    r = result
    parts = [f"登记表共 {r.rows_read} 行：计入本表 {r.rows_in_window} 行"]
    if r.rows_flawed:
        parts.append(f"（其中 {r.rows_flawed} 行有无法识别的栏目）")
    if r.rows_outside:
        parts.append(f"，属所列期间以外的报送期 {r.rows_outside} 行（用 --period 查看）")
    if r.rows_unplaced:
        parts.append(f"，单位、报表或期别无法识别而未能计入 {r.rows_unplaced} 行")
    if r.rows_flawed or r.rows_unplaced:
        parts.append("；见下面的问题表")
    out = ["".join(parts) + "。"]
    if r.untracked:
        out.append(f"登记表中没有 {'、'.join(r.untracked)} 的记录，未列入"
                   "（时限表中写为 tracked: if-logged）。")
    return out


def as_dict(result: StatusResult) -> dict[str, Any]:
    from engine.report.json_report import finding_dict

    return {
        "schema": SCHEMA,
        "schedule": {"id": result.schedule_id, "title": result.schedule_title,
                     "file": result.schedule_source},
        "source": result.source,
        "as_of": result.as_of.isoformat(),
        "window": {"label": result.window.label, "start": result.window.start.isoformat(),
                   "end": result.window.end.isoformat()},
        "legend": dict(LEGEND),
        "columns": [{"id": s.id, "form": s.tracked.form, "report": s.tracked.label, "title": s.tracked.title,
                     "period": s.period.key, "period_label": s.period.label, "due": s.due.isoformat()}
                    for s in result.columns],
        "units": [{"unit": line.unit, "kind": line.kind, "on_roster": line.on_roster,
                   "marks": {s.id: m for s, m in zip(result.columns, line.marks, strict=True)},
                   "counts": line.counts} for line in result.lines],
        "findings": [finding_dict(f) for f in result.findings],
        "summary": {"roster": result.roster, "units": len(result.lines), "rows_read": result.rows_read,
                    "rows_in_window": result.rows_in_window, "rows_outside": result.rows_outside,
                    "rows_unplaced": result.rows_unplaced, "rows_flawed": result.rows_flawed,
                    "untracked": list(result.untracked),
                    "facts": result.facts, "checks": result.checks, "backend": result.backend,
                    "counts": result.counts},
    }


def render_json(result: StatusResult) -> str:
    return json_safe(json.dumps(as_dict(result), ensure_ascii=False, indent=2)) + "\n"


def _cell(text: str) -> str:
    """A unit name as a spreadsheet cell: text from a file never becomes a formula, and its
    control characters are shown as escapes."""
    return csv_cell(text)


def render_csv(result: StatusResult) -> str:
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["单位", "单位类型", *(f"{s.tracked.label} {s.period.label}（截止 {s.due.isoformat()}）"
                                       for s in result.columns), *(n for _, n in COUNT_COLUMNS)])
    for line in result.lines:
        name = line.unit if line.on_roster else f"{line.unit}（不在名单中）"
        counts = (line.counts[k] for k, _ in COUNT_COLUMNS)
        writer.writerow([_cell(name), line.kind or "", *line.marks, *counts])
    writer.writerow(["按时/应报", "", *column_totals(result), *([""] * len(COUNT_COLUMNS))])
    return buf.getvalue()
