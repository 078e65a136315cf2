"""What every reader hands back, and the last step they share: totals and unit kinds.

Readers only find units, values and where they sit. Deciding which row is the total and
whether a unit is a township or a department follows one priority order for all formats
(override > unit-kind column > name), so it lives here once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from engine.errors import InputError
from engine.model.forms import Form
from engine.model.records import Cell, CellRef, Row
from engine.read.numbers import parse_value, raw_text
from engine.read.text import clean_unit_name, squash
from engine.read.unitkind import guess_unit_kind, kind_from_text


@dataclass
class RawRow:
    """One unit's values before kinds and totals are settled."""

    unit: str
    cells: dict[str, Cell]
    ref: CellRef | None = None
    kind_text: object = None
    is_total: bool | None = None  # None: decide from the unit name


@dataclass
class Reading:
    """One interpretation of a file against one form; ``error`` is raised only if chosen.

    Table rows are costly to build, so a table reading carries ``build`` instead of rows.
    """

    form_id: str
    score: int
    rows: list[RawRow] = field(default_factory=list)
    build: Callable[[], list[RawRow]] | None = None
    period: str | None = None
    sheet: str | None = None
    header_rows: int = 1
    error: InputError | None = None
    order: int = 0  # tie-break: lower wins (active sheet, table before vertical)
    width: int = 0  # the file's labelled columns (table) or item rows (vertical), unit columns aside
    ignored: list[str] = field(default_factory=list)  # their labels that name no indicator of the form


def make_cell(raw: object, kind: str, ref: CellRef | None) -> Cell:
    """A Cell from a raw value, parsed for the measure kind (count, amount, flag)."""
    value, status = parse_value(raw, kind)
    return Cell(raw=raw_text(raw), value=value, status=status, ref=ref)


def measure_kind(form: Form, key: str) -> str:
    return form.measures[form.indicator(key).measure].kind


def is_total_name(unit: str, form: Form) -> bool:
    """True for 累计/合计/总计, also spelt ``合 计``, ``累计数`` or ``全区合计``."""
    name = squash(unit)
    return any(name.startswith(squash(t)) or name.endswith(squash(t)) for t in form.total_row)


def finish(rows: list[RawRow], form: Form, unit_kinds: dict[str, str] | None,
           file: str) -> list[Row]:
    """Settle is_total and unit kind for every row (override > column > name > unknown)."""
    overrides: dict[str, str] = {}
    for name, kind in (unit_kinds or {}).items():
        mapped = kind_from_text(kind)
        if mapped is None:
            raise InputError(f"单位类型“{kind}”无效，应为 镇街 或 区直部门", file=file,
                             field=f"unit_kinds.{name}")
        overrides[clean_unit_name(name)] = mapped
    out: list[Row] = []
    for raw in rows:
        total = raw.is_total if raw.is_total is not None else is_total_name(raw.unit, form)
        kind: str | None = None
        source = "unknown"
        if not total:
            if raw.unit in overrides:
                kind, source = overrides[raw.unit], "override"
            elif (k := kind_from_text(raw.kind_text)) is not None:
                kind, source = k, "column"
            elif (k := guess_unit_kind(raw.unit)) is not None:
                kind, source = k, "name"
        out.append(Row(unit=raw.unit, unit_kind=kind, unit_kind_source=source,  # type: ignore[arg-type]
                       is_total=total, cells=raw.cells, ref=raw.ref))
    _no_repeats(out, file)
    return out


def _no_repeats(rows: list[Row], file: str) -> None:
    """Two rows of one unit, or two 累计 rows, are an error naming both: summing the unit twice,
    or checking the total against neither, would be a silent wrong answer."""
    seen: dict[str, Row] = {}
    for row in rows:
        key = "（累计行）" if row.is_total else clean_unit_name(row.unit)
        first = seen.get(key)
        if first is not None:
            what = "两行累计（合计）行" if row.is_total else f"单位 “{row.unit}” 有两行"
            raise InputError(f"{what}：第{first.ref.row if first.ref else '?'}行和"
                             f"第{row.ref.row if row.ref else '?'}行，不知道以哪一行为准", file=file,
                             line=row.ref.row if row.ref else None, field=row.unit,
                             hint="删去重复的一行，或把两行合成一行")
        seen[key] = row
