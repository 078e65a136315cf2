"""Reporting rules (``rules/checks/*.yaml``): one rule = one check with its basis.

A rule names the kind of fact it looks at (``on``), a condition in the safe expression
language (``when``), a Chinese message template and the document it comes from.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}
SEVERITY_LABEL: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
_SEVERITY_WORDS = {label: key for key, label in SEVERITY_LABEL.items()}

FactKindName = Literal["row", "cell", "relation", "column_total", "change", "presence", "table_unit",
                       "ledger_row", "ledger_unit", "status_slot", "status_unit", "status_row"]
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Basis(BaseModel):
    """Where a check comes from, so a finding can be defended to whoever reported it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    document: str = Field(description="文件名称，如 填表说明")
    article: str | None = Field(None, description="条款，如 第5条")
    note: str | None = None

    def text(self) -> str:
        return "".join(p for p in (self.document, self.article and f"{self.article}",
                                   self.note and f"（{self.note}）") if p)


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    id: str
    title: str
    severity: Severity
    on: FactKindName
    when: str
    message: str
    basis: Basis
    forms: tuple[str, ...] = Field((), description="适用的表单（或时限表）id；为空表示所有表单")
    description: str | None = None
    overrides: bool = Field(False, description="规则包中：替换内置的同 id 规则（不写则 id 相同是错误）")

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError("规则 id 只能由小写字母、数字和连字符组成，如 fine-without-penalty")
        return v

    @field_validator("severity", mode="before")
    @classmethod
    def _chinese_severity(cls, v: object) -> object:
        """错误/警告/提示 as well as error/warning/info: officials write the rule files."""
        return _SEVERITY_WORDS.get(v, v) if isinstance(v, str) else v

    @field_validator("basis", mode="before")
    @classmethod
    def _basis_text(cls, v: object) -> object:
        return {"document": v} if isinstance(v, str) else v

    def applies_to(self, form_id: str) -> bool:
        return not self.forms or form_id in self.forms
