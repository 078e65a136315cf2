"""Cell values to numbers, with a status instead of exceptions.

A return is typed by many hands: ``1,234``, ``１２``, ``3.5万元``, ``—`` for nothing. The
audit must tell "left blank" (counts as 0 downstream) from "wrote something we cannot
read" (a finding of its own), so parsing never raises and never guesses.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata

from engine.model.records import CellStatus

# Text that means "nothing to report"; blank counts are treated as 0 downstream.
BLANK_MARKS: frozenset[str] = frozenset({
    "", "-", "--", "---", "—", "——", "–", "―", "─", "/", "//", "\\", "无", "空", "暂无",
})
_YES: frozenset[str] = frozenset({"是", "有", "√", "✓", "✔", "y", "yes", "1", "true", "已播出"})
_NO: frozenset[str] = frozenset({"否", "无", "×", "✗", "✘", "x", "n", "no", "0", "false", "未播出"})
# Unit words a number may carry (``12条``, ``3.5万元``); ``元`` and ``%`` are not accepted
# because reading them as the column's own unit (万元, a count) would change the value.
_SUFFIXES = ("万元", "家次", "个次", "场次", "人次", "条", "项", "件", "起", "处", "家", "户",
             "次", "人", "名", "个", "场", "万", "份", "篇", "期", "座", "所", "台", "辆", "艘")
_PLAIN = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def yes_no(raw: object, more_yes: frozenset[str] = frozenset(),
           more_no: frozenset[str] = frozenset()) -> bool | None:
    """是/否 as people write it (是, 有, √, yes, 1 … / 否, 无, ×, no, 0 …, plus a caller's own words);
    None when it is neither."""
    if isinstance(raw, bool):
        return raw
    low = str(raw).strip().lower()
    if low in _YES or low in more_yes:
        return True
    if low in _NO or low in more_no:
        return False
    return None


def raw_text(raw: object) -> str:
    """What the user wrote, as text: whole floats lose their ``.0``, None becomes ``""``."""
    if raw is None:
        return ""
    if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, (_dt.datetime, _dt.date, _dt.time)):
        return raw.isoformat()
    try:
        return str(raw)
    except ValueError:  # an int beyond Python's 4300-digit str() limit
        return "（数字位数过多）"


def is_blank_text(text: str) -> bool:
    """True for an empty cell or a dash/slash/无 placeholder."""
    return unicodedata.normalize("NFKC", text).strip() in BLANK_MARKS


# the largest magnitude every backend holds exactly (a float64's integers): beyond it a count
# would be summed wrong (9223372036854775807) or rejected by durable-rules (32 digits), so it is
# an unreadable cell, reported as such, before any backend sees it
MAX_EXACT = 2 ** 53


def exact_number(value: float) -> bool:
    """True when every backend holds ``value`` exactly: finite and within ±2**53."""
    return math.isfinite(value) and abs(value) <= MAX_EXACT


def _number(text: str) -> float | None:
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)].rstrip()
            break
    if _PLAIN.match(text):
        return float(text)
    if _GROUPED.match(text):
        return float(text.replace(",", ""))
    return None


def _parse_text(raw: str, kind: str) -> tuple[float | None, CellStatus]:
    text = unicodedata.normalize("NFKC", raw).strip()
    if kind == "flag":
        low = text.lower()
        if low in _YES:
            return 1.0, "ok"
        if low in _NO:
            return 0.0, "ok"
    if text in BLANK_MARKS:
        return None, "blank"
    value = _number(text)
    if value is None or not exact_number(value):
        return None, "unreadable"
    if kind == "flag" and value not in (0.0, 1.0):
        return None, "unreadable"
    return value, "ok"


def parse_value(raw: object, kind: str) -> tuple[float | None, CellStatus]:
    """Read one cell as a number for a measure of ``kind`` (count, amount or flag).

    Returns ``(value, status)``: ``ok`` with a float, ``blank`` for empty/placeholder
    cells, ``unreadable`` for anything else (``约10``, ``若干``, ``十二``, dates).
    """
    try:
        if raw is None:
            return None, "blank"
        if isinstance(raw, bool):  # JSON true/false: a yes/no answer, never a count or an amount
            return ((1.0 if raw else 0.0), "ok") if kind == "flag" else (None, "unreadable")
        if isinstance(raw, (int, float)):
            if isinstance(raw, int) and abs(raw) > MAX_EXACT:
                return None, "unreadable"
            value = float(raw)
            if not exact_number(value):
                return None, "unreadable"
            if kind == "flag" and value not in (0.0, 1.0):
                return None, "unreadable"
            return value, "ok"
        if isinstance(raw, str):
            return _parse_text(raw, kind)
        return None, "unreadable"
    except Exception:
        return None, "unreadable"
