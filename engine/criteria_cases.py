"""Per-item example findings for the criteria (``cases/criteria/<standard-id>.yaml``).

Like Semgrep's rule tests: each item has findings that must match it and near misses that
must not. A near miss is written as a change to the matching facts (``null`` removes a
fact), so it shows exactly which recorded difference turns a major hazard into a general one.
The suite runs every case through ``hazcheck classify`` with both backends, and checks that
every item of every encoded standard has at least one case and one near miss.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from engine.load.positioned import Located, load_model
from engine.model.criteria import parse_iso_date


class ItemCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    item: str = Field(description="条款编号，如 第四条第(二)项")
    facts: dict[str, Any] = Field(description="符合该条款的事实（中文名称: 值）")
    near_misses: tuple[dict[str, Any], ...] = Field(min_length=1, description="对 facts 的改动；改后不应符合")
    date: str | None = None
    sector: str | None = None

    def day(self, default: date) -> date:
        return parse_iso_date(self.date) if self.date else default


class CriteriaCases(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    standard: str
    cases: tuple[ItemCase, ...] = Field(min_length=1)


def load_criteria_cases(path: Path) -> tuple[CriteriaCases, Located]:
    return load_model(path, CriteriaCases)


def find_criteria_cases(root: Path) -> list[Path]:
    return sorted((root / "criteria").glob("*.yaml"))


def near_miss_facts(facts: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    merged = {**facts, **change}
    return {k: v for k, v in merged.items() if v is not None}
