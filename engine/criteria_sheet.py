"""Criteria reviewed in Excel: export an edition's items, import the edited workbook back.

Officials review criteria in a spreadsheet, not in YAML. ``export`` writes one row per item
(编号, 概括, 适用条件, 判定条件, the conditions in words, 描述用词, 已核实, 说明); ``import``
reads the edited rows back, validates every cell (a condition is compiled against the fact
vocabulary as the loader would), reports every error at its sheet!cell, and only when
there is none writes the changed fields into the edition's YAML file — through ruamel.yaml,
so the file's comments, key order and the untouched items stay exactly as they were.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import HazcheckError, InputError
from engine.expr.nodes import And, Arith, Cmp, Const, Expr, In, Name, Neg, Not, Or
from engine.expr.parse import parse
from engine.load.criteria import CriteriaSet, LoadedItem

SHEET = "条款"
# (column title, item field or None for the read-only columns, editable)
COLUMNS: tuple[tuple[str, str | None, bool], ...] = (
    ("编号", "ref", False),
    ("类别", "family", False),
    ("概括", "summary", True),
    ("适用条件", "applies_when", True),
    ("判定条件", "holds_when", True),
    ("条件（文字）", None, False),
    ("描述用词", "mentions", True),
    ("已核实", "verified", True),
    ("说明", "note", True),
)
_WORDS = {"==": "为", "!=": "不为", ">": "大于", ">=": "不小于", "<": "小于", "<=": "不大于"}


def in_words(text: str) -> str:
    """A condition as a sentence: 积水 and 场所 in ['炉下渣坑'] → 积水，且 场所为 炉下渣坑 之一."""

    def value(e: Expr) -> str:
        if isinstance(e, Const):
            v = e.value
            if isinstance(v, bool):
                return "是" if v else "否"
            return v if isinstance(v, str) else f"{v:g}"
        if isinstance(e, Name):
            return e.text
        if isinstance(e, Neg):
            return f"-{value(e.operand)}"
        if isinstance(e, Arith):
            return f"{value(e.left)} {e.op} {value(e.right)}"
        return f"（{say(e)}）"

    def say(e: Expr) -> str:
        if isinstance(e, And):
            return "，且 ".join(say(i) if not isinstance(i, Or) else f"（{say(i)}）" for i in e.items)
        if isinstance(e, Or):
            return "；或者 ".join(say(i) for i in e.items)
        if isinstance(e, Not):
            inner = e.operand
            return f"{inner.text}为否" if isinstance(inner, Name) else f"并非（{say(inner)}）"
        if isinstance(e, Cmp):
            return f"{value(e.left)}{_WORDS[e.op]} {value(e.right)}"
        if isinstance(e, In):
            return f"{value(e.item)}为 {'、'.join(value(o) for o in e.options)} 之一"
        return value(e)

    return say(parse(text))


def export_items(cs: CriteriaSet, standard_id: str, out: Path) -> int:
    """The edition's items as a workbook officials can review; returns the number of items."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from engine.report.atomic import write_atomic
    from engine.report.safe_text import cell as safe  # YAML text is data: never a formula

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([title for title, _, _ in COLUMNS])
    for cell, (_, _, editable) in zip(ws[1], COLUMNS, strict=True):
        cell.font = Font(bold=True)
        if not editable:
            cell.fill = PatternFill("solid", fgColor="DDDDDD")
    items = cs.items(standard_id)
    for it in items:
        ws.append([safe(_cell(it, key) if key else in_words(it.item.holds_when)) for _, key, _ in COLUMNS])
    for col, width in zip("ABCDEFGHI", (16, 10, 50, 30, 50, 50, 30, 8, 40), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    notes = wb.create_sheet("说明")
    std = cs.standard(standard_id)
    for line in (f"{std.title}（{std.number}，{standard_id}）", "灰色表头的列只读；编号不可改，不可增删行。",
                 "可改：概括、适用条件、判定条件（写法见 criteria 文件开头的说明）、描述用词（用、分隔）、"
                 "已核实（是/否）、说明。",
                 f"改好后：hazcheck criteria import {standard_id} 本文件.xlsx"):
        notes.append([line])
    write_atomic(out, lambda p: wb.save(p))
    return len(items)


def _cell(it: LoadedItem, key: str) -> Any:
    value = getattr(it.item, key)
    if key == "mentions":
        return "、".join(value)
    if key == "verified":
        return "是" if value else "否"
    return value.strip() if isinstance(value, str) else value


@dataclass(frozen=True)
class FieldChange:
    ref: str
    key: str
    old: Any
    new: Any


def _read(key: str, raw: Any) -> Any:
    """A cell as the item field it stands for; ValueError with the reason when it cannot be."""
    text = "" if raw is None else str(raw).strip()
    if key == "mentions":
        words = [w for w in re.split(r"[、，,；;\s]+", text) if w]
        if not words:
            raise ValueError("描述用词不能为空")
        return tuple(words)
    if key == "verified":
        if text not in ("是", "否"):
            raise ValueError(f"应为 是 或 否，写的是 “{text}”")
        return text == "是"
    if key in ("applies_when", "note"):
        return text or None
    if not text:
        raise ValueError("不能为空")
    return text


def read_changes(cs: CriteriaSet, standard_id: str, book: Path) -> list[FieldChange]:
    """Every edited field of the workbook, validated; every error at once as one InputError."""
    from openpyxl import load_workbook

    file = str(book)
    try:
        wb = load_workbook(book, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file it cannot read
        raise InputError(f"无法读取工作簿（{type(exc).__name__}）", file=file) from None
    if SHEET not in wb.sheetnames:
        raise InputError(f"工作簿中没有“{SHEET}”工作表（应为 hazcheck criteria export 导出的文件）",
                         file=file)
    rows = list(wb[SHEET].iter_rows(values_only=True))
    header = [str(h).strip() if h is not None else "" for h in (rows[0] if rows else ())]
    at = {title: header.index(title) for title, _, _ in COLUMNS if title in header}
    missing = [title for title, key, editable in COLUMNS if (editable or key == "ref") and title not in at]
    if missing:
        raise InputError(f"缺少列：{'、'.join(missing)}", file=file, line=1, field=missing[0])
    items = {it.ref: it for it in cs.items(standard_id)}
    seen: set[str] = set()
    changes: list[FieldChange] = []
    errors: list[str] = []
    for n, row in enumerate(rows[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in row):
            continue
        ref = str(row[at["编号"]] or "").strip()
        it = items.get(ref)
        if it is None or ref in seen:
            why = "重复" if ref in seen else f"不是 {standard_id} 的条款"
            errors.append(f"{SHEET}!A{n}：编号 “{ref}” {why}")
            continue
        seen.add(ref)
        for title, key, editable in COLUMNS:
            if not editable or key is None:
                continue
            col = at[title]
            where = f"{SHEET}!{chr(65 + col)}{n}"
            try:
                new = _read(key, row[col] if col < len(row) else None)
                if key in ("applies_when", "holds_when") and new is not None:
                    cs.compile(new)
            except (ValueError, LookupError, HazcheckError) as exc:  # LookupError: an unknown fact name
                hint = getattr(exc, "hint", None)
                said = f"{where} [{title}]：{getattr(exc, 'message', exc)}"
                errors.append(said + (f"（{hint}）" if hint else ""))
                continue
            old = getattr(it.item, key)
            if (old.strip() if isinstance(old, str) else old) != new:
                changes.append(FieldChange(ref, key, old, new))
    absent = [r for r in items if r not in seen]
    if absent:
        errors.append(f"{SHEET}：缺少条款 {'、'.join(absent)}（不可删行）")
    if errors:
        raise InputError(f"{len(errors)} 处错误：" + "；".join(errors), file=file,
                         hint="改正后重新导入；YAML 文件未改动")
    return changes


def write_changes(cs: CriteriaSet, standard_id: str, changes: Sequence[FieldChange],
                  target: Path | None = None) -> Path:
    """The changed fields written into the edition's YAML (or ``target``), comments kept."""
    from ruamel.yaml.comments import CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    from engine.report.atomic import write_text_atomic

    source = Path(cs.items(standard_id)[0].file)
    yaml = round_trip_yaml()
    doc = yaml.load(source.read_text(encoding="utf-8"))
    by_ref = {entry["ref"]: entry for entry in doc["items"]}
    for c in changes:
        entry = by_ref[c.ref]
        value: Any = c.new
        if isinstance(value, tuple):  # a list written [a, b] stays on one line
            value = CommentedSeq(value)
            value.fa.set_flow_style()
        elif isinstance(value, str) and "\n" in value:
            value = LiteralScalarString(value.rstrip("\n") + "\n")
        if value is None:
            entry.pop(c.key, None)
        else:
            entry[c.key] = value
    buf = io.StringIO()
    yaml.dump(doc, buf)
    out = target or source
    write_text_atomic(out, buf.getvalue())
    return out


def round_trip_yaml() -> Any:
    """ruamel.yaml set to this project's layout (lists indented under their key, long lines
    kept whole), so that loading and dumping an unchanged criteria file gives it back byte
    for byte (tests/criteria/test_criteria_sheet.py)."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = True
    return yaml
