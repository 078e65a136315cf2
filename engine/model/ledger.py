"""Hazard ledgers (隐患排查治理台账): the record form and the rows read from a file.

Unlike a progress return (one row of numbers per unit), a ledger has one row per finding,
with text, dates, yes/no columns and the finding's facts. The form file says which columns
exist, what they are called in real spreadsheets, what a blank means, and how ledger rows
are counted into a return's columns for reconciliation (``--return``).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from engine.model.records import CellRef

FieldType = Literal["text", "bool", "number", "date", "facts"]
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LedgerField(Strict):
    key: str
    label: str = Field(description="表头中文名称")
    type: FieldType = "text"
    aliases: tuple[str, ...] = Field((), description="表头的其他写法")
    fallback_aliases: tuple[str, ...] = Field(
        (), description="只在这个写法所属的列已被另一表头占用时，才算本列的写法（如 单位名称）")
    values: tuple[str, ...] = Field((), description="文字型允许的取值")
    synonyms: dict[str, str] = Field({}, description="取值的其他写法 → 标准取值，如 企业: 企业自查")
    blank: bool | None = Field(None, description="是/否型空白时按此值；不写则空白为未填")
    required: bool = Field(False, description="表头中必须有此列")
    doc: str

    @field_validator("key")
    @classmethod
    def _key(cls, v: str) -> str:
        if not _KEY.match(v):
            raise ValueError("key 只能由小写字母、数字和下划线组成")
        return v

    @model_validator(mode="after")
    def _shape(self) -> LedgerField:
        if self.blank is not None and self.type != "bool":
            raise ValueError("只有是/否型（bool）列可以写 blank")
        if (self.values or self.synonyms) and self.type != "text":
            raise ValueError("只有文字型（text）列可以写 values、synonyms")
        bad = [v for v in self.synonyms.values() if self.values and v not in self.values]
        if bad:
            raise ValueError(f"synonyms 指向的取值不在 values 中：{'、'.join(bad)}")
        return self

    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases, self.key)


class ReconcileCount(Strict):
    """One return column and the ledger rows that count into it."""

    indicator: str = Field(description="报表指标 key")
    label: str
    count: str = Field(description="台账行计入该指标的条件（台账行事实）")


class Reconcile(Strict):
    form: str = Field(description="报表表单 id")
    counts: tuple[ReconcileCount, ...] = Field(min_length=1)


class LedgerForm(Strict):
    id: str
    kind: Literal["ledger"]
    title: str
    description: str | None = None
    fields: tuple[LedgerField, ...]
    reconcile: Reconcile | None = None

    @property
    def indicators(self) -> tuple[()]:
        """A ledger has no numeric indicators; rules address ledger-row fields instead."""
        return ()

    @model_validator(mode="after")
    def _unique(self) -> LedgerForm:
        seen: set[str] = set()
        for f in self.fields:
            for name in f.names():
                if name in seen:
                    raise ValueError(f"列名或 key “{name}” 重复")
                seen.add(name)
        keys = {f.key for f in self.fields}
        needed = {"unit", "reported_level", "facts"}
        if not needed <= keys:
            raise ValueError(f"台账表单须有这些列：{'、'.join(sorted(needed - keys))}")
        return self

    def field(self, key: str) -> LedgerField:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)


class LedgerRow(BaseModel):
    """One finding as written: raw text per field, the cell each came from."""

    model_config = ConfigDict(frozen=True)
    line: int  # 1-based row/line in the source
    raw: dict[str, object]  # field key -> value as read (None for blank)
    cells: dict[str, CellRef]
    ref: CellRef | None = None


class Ledger(BaseModel):
    model_config = ConfigDict(frozen=True)
    form_id: str
    source: str
    sheet: str | None = None
    rows: tuple[LedgerRow, ...]
    columns: tuple[str, ...] | None = None  # field keys the header has; None: not known (json/yaml rows)

    def has(self, key: str) -> bool:
        """The file has this column (json/yaml rows: some row fills it)."""
        if self.columns is not None:
            return key in self.columns
        return any(key in r.raw for r in self.rows)
