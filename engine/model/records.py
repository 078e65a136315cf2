"""Records as read from a submitted file: every value keeps where it came from.

Readers produce a ``Submission``; nothing downstream needs to know the file format.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

CellStatus = Literal["ok", "blank", "unreadable"]


class CellRef(BaseModel):
    """Where a value sits in the source: sheet/row/column for workbooks, line for text."""

    model_config = ConfigDict(frozen=True)
    sheet: str | None = None
    row: int  # 1-based row (xlsx) or line number (csv); 0 for structured files
    column: int | None = None  # 1-based
    key_path: str | None = None  # json/yaml: where in the document

    def a1(self) -> str:
        if self.key_path:
            return self.key_path
        if self.column is None:
            return f"第{self.row}行"
        col, n = "", self.column
        while n:
            n, r = divmod(n - 1, 26)
            col = chr(65 + r) + col
        return f"{self.sheet + '!' if self.sheet else ''}{col}{self.row}"


class Cell(BaseModel):
    model_config = ConfigDict(frozen=True)
    raw: str  # what the user wrote, as text
    value: float | None  # None when blank or unreadable
    status: CellStatus
    ref: CellRef | None = None


class Row(BaseModel):
    """One reporting unit (or the total row) of a return."""

    unit: str
    unit_kind: str | None  # 镇街 / 区直部门 / None when it cannot be told
    unit_kind_source: Literal["column", "name", "override", "unknown"] = "unknown"
    is_total: bool = False
    cells: dict[str, Cell]  # indicator key -> cell
    ref: CellRef | None = None


class Submission(BaseModel):
    """A whole return as read: the form it was matched to and its rows."""

    source: str
    format: Literal["xlsx", "csv", "json", "yaml"]
    form_id: str
    period: str | None = None
    sheet: str | None = None
    rows: list[Row]
    encoding: str | None = None
    header_rows: int = 1
    ignored: list[str] = []  # the file's columns (or item rows) that name no indicator of the form
