"""What ``hazcheck classify`` (and the ledger audit) says about one finding.

Plain pydantic models: the JSON report is their dump, the table reporter reads them, and the
ledger audit turns them into derived facts. Nothing here knows how the verdict was reached.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Verdict = Literal["重大", "一般", "待确认"]
LeafState = Literal["成立", "不成立", "未记录"]


class Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ConditionState(Out):
    """One elementary condition of an item and how it came out on this finding."""

    condition: str  # 积水 为 是；水封最高封堵煤气压力 < 30 kPa
    state: LeafState
    recorded: str | None = None  # the value recorded for the fact(s) it reads, 未记录 if none


class ItemResult(Out):
    """An item cited for a finding: matched, nearest miss, or undecided for want of facts."""

    standard: str  # standard id
    number: str  # 文号
    ref: str
    family: str
    summary: str
    verified: bool
    note: str | None = None
    conditions: tuple[ConditionState, ...] = ()
    missing: tuple[str, ...] = ()  # names of facts that would settle it
    score: float = 0.0  # nearness for misses; matched words for text candidates
    words: tuple[str, ...] = ()  # text mode: the mentions found in the text
    elements: tuple[str, ...] = ()  # a comprehensive determination: the refs of its elements that hold


FactOrigin = Literal["--fact", "事实列", "隐患文件", "行业", "描述"]


class FactSource(Out):
    """Where one fact of the verdict came from: a column, a ``--fact``, or words of the description."""

    name: str
    value: str  # as shown (是/否, 12 人, 超过 9 人)
    source: FactOrigin
    words: str | None = None  # the description's words that stated it
    used: bool = True  # False: read from the description but a given fact of that name won


class StandardUsed(Out):
    id: str
    title: str
    number: str
    effective_from: str
    effective_to: str | None
    role: Literal["本行业标准", "优先适用", "未指定行业"]
    reason: str | None = None
    coverage: Literal["complete", "partial"]
    missing_items: tuple[str, ...] = ()


class Classification(Out):
    """The answer for one finding."""

    verdict: Verdict
    needs_confirmation: bool
    reasons: tuple[str, ...]  # why this verdict, in order
    date: str
    sector: str | None
    facts: dict[str, str]  # 中文名 -> value as written back (是/否, 29.5 kPa …)
    standards: tuple[StandardUsed, ...]
    matches: tuple[ItemResult, ...] = ()
    undecided: tuple[ItemResult, ...] = ()
    nearest: tuple[ItemResult, ...] = ()
    candidates: tuple[ItemResult, ...] = ()  # text mode only
    text: str | None = None
    sources: tuple[FactSource, ...] = ()  # every fact with where it came from
    from_text: bool = False  # 据描述: the verdict rests on facts read from the description
    rule: str = ""  # the verdict rule that decided (engine/classify/verdict.py RULES), e.g. near-miss
    text_notes: tuple[str, ...] = ()  # what the description left unsettled (stated two ways, a range)

    @property
    def top_item(self) -> ItemResult | None:
        """The item the answer is mostly about: first match, else first open item, candidate or near miss."""
        for group in (self.matches, self.undecided, self.candidates, self.nearest):
            if group:
                return group[0]
        return None

    @property
    def matched_refs(self) -> tuple[str, ...]:
        return tuple(f"{m.standard} {m.ref}" for m in self.matches)
