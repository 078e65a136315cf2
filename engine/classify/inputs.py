"""From what the user gave (a finding file, ``--fact`` pairs, a ledger row) to FindingInput.

Errors name the file, the finding (or row) and the fact, in one line: a fact that cannot be
read is never dropped, because a dropped fact could turn a major hazard into 一般.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from engine.classify.facts import FactError, typed_facts
from engine.classify.run import FindingInput
from engine.errors import InputError
from engine.load.criteria import CriteriaSet
from engine.read.finding import RawFinding

_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?\s*$")


def parse_day(value: Any) -> date:
    """2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, or a spreadsheet date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    m = _DATE.match(str(value))
    if not m:
        raise ValueError(f"日期 “{value}” 应写作 2024-03-01")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueError(f"日期 “{value}” 不存在") from None


def finding_input(cs: CriteriaSet, raw: RawFinding, *, default_day: date, file: str | None,
                  sector: str | None = None) -> FindingInput:
    """Typed facts, date and sector of one raw finding; ``sector`` (from --sector) wins if given."""
    try:
        facts = typed_facts(cs, raw.facts)
    except FactError as exc:
        raise InputError(f"{raw.label}：{exc}", file=file, field=exc.name, hint=exc.hint) from exc
    try:
        day = parse_day(raw.date) if raw.date else default_day
    except ValueError as exc:
        raise InputError(f"{raw.label}：{exc}", file=file, field="date") from exc
    return FindingInput(facts, day, sector or raw.sector, raw.text, raw.label)
