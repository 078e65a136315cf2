"""What an audit produces: findings (one per rule and fact) and a summary."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from engine.model.records import CellRef


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True)
    rule: str
    title: str
    severity: str
    unit: str | None
    fields: tuple[str, ...]  # indicator keys the finding is about
    values: dict[str, Any]  # fact field -> value the rule saw
    labels: dict[str, str]  # fact field / indicator key -> Chinese label
    message: str
    basis: str
    cells: tuple[CellRef, ...] = ()
    file: str | None = None  # the file the cells are in, when not the audited file

    def key(self) -> tuple[str, str | None, tuple[str, ...]]:
        """Identity used to compare against expected findings of a case."""
        return (self.rule, self.unit, self.fields)


class RateValue(BaseModel):
    key: str
    label: str
    numerator: float
    denominator: float
    value: float | None  # None when the denominator is 0


class Summary(BaseModel):
    form: str
    form_title: str
    source: str
    period: str | None
    units: int
    facts: int
    facts_evaluated: int
    rules: int
    backend: str
    counts: dict[str, int]  # severity -> number of findings
    rates: list[RateValue]
    previous: str | None = None
    reconciled_with: str | None = None  # ledger audits: the return given with --return
    details: list[str] = []  # return audits with --details: the detail files recounted
    together: list[str] = []  # return audits with --with: the other tables of the period
    ignored_columns: list[str] = []  # return audits: columns of the file that are no indicator of the form


class RowVerdict(BaseModel):
    """Ledger audits: how one row was classified against the criteria, for the office's own count."""

    model_config = ConfigDict(frozen=True)
    line: int
    finding_id: str
    unit: str | None
    reported_level: str | None
    verdict: str  # 重大 / 一般 / 待确认
    needs_confirmation: bool
    counted_major: bool
    matched: list[str]  # 文号 + 编号 of every item that holds
    reason: str | None
    duplicate: bool = False  # a repeat of an earlier row: flagged, counted once
    from_text: bool = False  # the verdict rests on facts read from the description (据描述)


class AuditResult(BaseModel):
    findings: list[Finding]
    summary: Summary
    rows: list[RowVerdict] = []  # ledger audits only
    # a return audited with --details: each detail file's own audit (its records' findings, and
    # the return's figures recounted from it)
    details: list[AuditResult] = []

    @property
    def has_errors(self) -> bool:
        return (any(f.severity == "error" for f in self.findings)
                or any(d.has_errors for d in self.details))


AuditResult.model_rebuild()  # details: a list of its own kind


def shown_value(value: Any) -> str:
    """A value as a finding shows it to an office worker: 是/否, 14, 0.5, 空 (messages, CSV)."""
    if value is None:
        return "空"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)
