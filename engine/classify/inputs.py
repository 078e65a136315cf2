"""From what the user gave (a finding file, ``--fact`` pairs, a ledger row) to FindingInput.

Errors name the file, the finding (or row) and the fact, in one line: a fact that cannot be
read is never dropped, because a dropped fact could turn a major hazard into 一般.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from engine.classify.facts import FactError, typed_facts
from engine.classify.run import FindingInput
from engine.classify.sectors import SectorWords, UnknownSector, words_for
from engine.classify.select import Selection, select_standards
from engine.errors import InputError
from engine.load.criteria import CriteriaSet
from engine.read.finding import RawFinding

_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")  # 20240703
_SERIAL = re.compile(r"^\s*(\d{5})(?:\.0+)?\s*$")  # 45476: an Excel serial shown as a number
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, counting Excel's phantom 1900-02-29
_SERIAL_RANGE = (20000, 80000)  # 1954 … 2119: a five-digit number outside is not a date


def parse_day(value: Any, *, serials: bool = False) -> date:
    """2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, 20240703, or a spreadsheet date.

    ``serials``: also read a spreadsheet's day number (45476 = 2024-07-03), as a date column
    shows when its cell format is lost (csv export, a column formatted as 常规). Only for
    ledger cells: on the command line such a number is more likely a typo than a date.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    if serials and (isinstance(value, (int, float)) or _SERIAL.match(text)):
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if number.is_integer() and _SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + timedelta(days=int(number))
    m = _DATE.match(text) or _COMPACT.match(text)
    if not m:
        raise ValueError(f"日期 “{value}” 应写作 2024-03-01")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueError(f"日期 “{value}” 不存在") from None


def sector_facts(cs: CriteriaSet, sector: str | None, on: date, facts: Mapping[str, Any], *,
                 enterprise: str | None = None, text: str | None = None,
                 words: SectorWords | None = None,
                 selection: Selection | None = None) -> tuple[str | None, dict[str, Any]]:
    """The sector to classify under and the facts with the 行业/细分行业 the written word implies.

    白酒 sets 行业=轻工; 工贸 with 钢铁 in the enterprise name is classified as 冶金. Facts the
    finding records itself win. Raises UnknownSector for a word no criteria apply to.
    ``selection``: the standards already selected for this word, date and texts (a ledger
    selects once for every row with the same word and editions in force).
    """
    out = dict(facts)
    if not sector:
        return sector, out
    table = words if words is not None else words_for(cs)
    sel = selection or select_standards(cs, sector, on, enterprise=enterprise, text=text, words=table)
    for name, value in ((table.table.sector_fact, sel.sector_value),
                        (table.table.sub_sector_fact, sel.sub_sector_value)):
        fact = cs.vocabulary.get(name) if name else None
        if fact is not None and value is not None and value in fact.values:
            out.setdefault(fact.key, value)
    if table.resolve(cs, sector).sector is not None:
        return sector, out
    # a family word (工贸): classify under the sector the finding records, else the one inferred
    sector_fact = cs.vocabulary.get(table.table.sector_fact)
    recorded = out.get(sector_fact.key) if sector_fact else None
    if isinstance(recorded, str):
        return recorded, out
    return sel.sector_value or sector, out


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
    try:
        written, facts = sector_facts(cs, sector or raw.sector, day, facts, enterprise=raw.enterprise,
                                      text=raw.text)
    except UnknownSector as exc:
        # which finding of a file; on the command line the field (--sector) says it already
        where = f"{raw.label}：" if file is not None else ""
        raise InputError(f"{where}{exc}", file=file, field="--sector/行业", hint=exc.hint) from exc
    given_as = "隐患文件" if file is not None else "--fact"
    return FindingInput(facts, day, written, raw.text, raw.label, given_as=given_as)
