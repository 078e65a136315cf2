"""Versioned JSON: ``{"schema", "form", "findings": [...], "summary": {...}, "rows": [...]}``,
and ``"details": [...]`` (each detail file's own audit) for a return audited with ``--details``.

Written piece by piece (``write``), so a ledger of a million rows never holds its whole
report as one string; ``render`` gives the same text for small results and tests.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from itertools import islice
from typing import Any, TextIO

import orjson

from engine.model.findings import AuditResult, Finding, RowVerdict
from engine.report.safe_text import json_safe

SCHEMA = "hazcheck.audit/1"
_INDENT = 2


def finding_dict(f: Finding) -> dict[str, Any]:
    out = {
        "rule": f.rule, "title": f.title, "severity": f.severity, "unit": f.unit,
        "fields": list(f.fields), "values": f.values, "message": f.message, "basis": f.basis,
        "cells": [c.a1() for c in f.cells],
    }
    if f.file is not None:  # the cells are in another file than the one audited (the return)
        out["file"] = f.file
    return out


def _summary(result: AuditResult) -> dict[str, Any]:
    """The summary; ``details`` and ``ignored_columns`` only when there are any."""
    empty = {k for k in ("details", "together", "ignored_columns") if not getattr(result.summary, k)}
    return result.summary.model_dump(exclude=empty or None)


def _detail_dict(result: AuditResult) -> dict[str, Any]:
    """One detail file's audit, whole: detail files are a district's records, not a city's ledger."""
    return {"form": result.summary.form, "findings": [finding_dict(f) for f in result.findings],
            "summary": _summary(result)}


def row_dict(r: RowVerdict) -> dict[str, Any]:
    return {
        "line": r.line, "finding_id": r.finding_id, "unit": r.unit, "reported_level": r.reported_level,
        "verdict": r.verdict, "needs_confirmation": r.needs_confirmation, "counted_major": r.counted_major,
        "matched": r.matched, "reason": r.reason, "duplicate": r.duplicate, "from_text": r.from_text,
    }


def _dump(value: Any, level: int) -> str:
    """``value`` indented by two, as it sits ``level`` levels deep in the document.

    orjson (Rust) instead of the standard library: with indentation the standard encoder runs
    in pure Python, and a city's report has a million of these. It also writes NaN and
    infinities as null, where json.dumps wrote ``NaN``, which is not JSON.
    """
    text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    return text.replace("\n", "\n" + " " * (_INDENT * level))


_BATCH = 512  # items serialised by one orjson call: a call per finding would cost more than its text


def _items(key: str, values: Iterator[Any], last: bool) -> Iterator[str]:
    """``"key": [ ... ]`` with each item as ``_dump(item, 2)`` would write it, a batch at a time."""
    pad = " " * _INDENT
    first = True
    items = iter(values)
    while batch := list(islice(items, _BATCH)):
        yield (f'{pad}"{key}": [\n' if first else ",\n") + _inner(batch)
        first = False
    yield (f'{pad}"{key}": []' if first else f"\n{pad}]") + ("\n" if last else ",\n")


def _inner(batch: list[Any]) -> str:
    """The items of ``batch`` as they sit two levels deep, comma-separated, without the brackets."""
    text = orjson.dumps(batch, option=orjson.OPT_INDENT_2).decode()  # "[\n  item,\n  item\n]"
    pad = " " * _INDENT
    return pad + text[2:-2].replace("\n", "\n" + pad)


def chunks(result: AuditResult) -> Iterator[str]:
    """The report's text in pieces, each finding and row serialised when its turn comes."""
    pad = " " * _INDENT
    yield "{\n"
    yield f'{pad}"schema": {_dump(SCHEMA, 1)},\n'
    yield f'{pad}"form": {_dump(result.summary.form, 1)},\n'
    yield from _items("findings", (finding_dict(f) for f in result.findings), last=False)
    more = bool(result.rows) or bool(result.details)
    yield f'{pad}"summary": {_dump(_summary(result), 1)}' + (",\n" if more else "\n")
    if result.rows:  # ledger audits: every row's classification
        yield from _items("rows", (row_dict(r) for r in result.rows), last=not result.details)
    if result.details:  # a return recounted from detail files: each file's audit
        yield from _items("details", (_detail_dict(d) for d in result.details), last=True)
    yield "}\n"


def write(result: AuditResult, out: TextIO) -> None:
    for piece in chunks(result):  # direction marks and C1 controls as \\uXXXX: same data, inert text
        out.write(json_safe(piece))


def render(result: AuditResult) -> str:
    buf = io.StringIO()
    write(result, buf)
    return buf.getvalue()
