"""Text that came from a file is data: shown as written, never obeyed.

A unit name, a cell or a description may hold anything: rich markup (``[bold]``, ``若干[/]``),
terminal escape sequences (``\\x1b[31m``), NUL bytes, other control characters, and the
Unicode marks that reverse the direction of the text after them (``\\u202e``). Every reporter
passes such text through one of these before it reaches a terminal, a workbook or a CSV:

- :func:`visible` for the terminal and CSV: each control or direction character becomes its
  escape (``\\x1b``, ``\\x00``, ``\\u202e``), so the text reads as written and nothing moves
  the cursor, changes colours or reorders the line. Newlines and tabs are kept.
- :func:`text` gives the same as a rich ``Text`` (never parsed as markup).
- :func:`cell` for openpyxl: the characters XML cannot hold (openpyxl raises
  ``IllegalCharacterError`` on them) and the direction marks become their escapes.
- :func:`json_safe` for JSON documents: the JSON text stays exactly the same data, but the
  characters that JSON allows raw and a terminal would obey are written as ``\\uXXXX``.
"""

from __future__ import annotations

import re

from rich.text import Text

# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional formatting
# characters (marks, embeddings, overrides, isolates): what a terminal or a viewer would act on
_DIRECTION = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_DIRECTION}]")
# what XML 1.0 cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE), plus the direction characters
_XLSX_UNSAFE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_DIRECTION}]")
# inside a JSON document: what the encoder leaves raw but a terminal would obey
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_DIRECTION}]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value: object) -> str:
    """``value`` as text, every control and direction character replaced by its escape."""
    s = "" if value is None else str(value)
    return _UNSAFE.sub(_escape, s) if _UNSAFE.search(s) else s


def text(value: object, style: str = "") -> Text:
    """A rich ``Text`` of ``value``: shown literally (no markup), control characters escaped."""
    return Text(visible(value), style=style)


def cell(value: object) -> object:
    """A value for an openpyxl cell or comment: strings made safe to store, others unchanged."""
    if isinstance(value, str) and _XLSX_UNSAFE.search(value):
        return _XLSX_UNSAFE.sub(_escape, value)
    return value


def csv_cell(value: object) -> str:
    """A CSV field: control characters escaped, and text that a spreadsheet would take for a
    formula (``=``, ``+``, ``-``, ``@`` first) quoted with a leading apostrophe."""
    s = visible(value)
    return "'" + s if s[:1] in ("=", "+", "-", "@") and not _is_number(s) else s


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def json_safe(doc: str) -> str:
    """A JSON document with DEL, C1 and direction characters written as ``\\uXXXX``.

    These only ever occur inside strings (the document's own syntax is ASCII), where the
    escape decodes to the same character: the data is unchanged, the terminal is not moved.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", doc) if _JSON_UNSAFE.search(doc) else doc


def literal(xl_cell: object) -> None:
    """Keep an openpyxl cell's text as text: a value from a file that starts with ``=`` is
    stored as the string it is, never as a formula the spreadsheet would run."""
    if isinstance(getattr(xl_cell, "value", None), str) and getattr(xl_cell, "data_type", None) == "f":
        xl_cell.data_type = "s"  # type: ignore[attr-defined]
