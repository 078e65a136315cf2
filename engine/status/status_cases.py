"""Example submissions logs with the exact table and findings they must give
(``cases/submissions/*/status-case.yaml``), as ``cases/**/case.yaml`` are for audits.

A case names its log (and roster, schedule, as-of date and period), the table's columns in
order, every unit's row of marks (``迟 迟催 √ ×``), and every finding as ``{rule, unit,
fields}``, where a slot's fields are its column id (``campaign-2023-table:2023-07``) and a log
row's its row (``第9行``). A test runs each through ``engine.jobs.track_submissions``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.cases import Expected
from engine.load.positioned import load_yaml, validation_error


class StatusCase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str
    log: str = Field(description="报送登记表（相对于本文件）")
    units: str | None = Field(None, description="应报送单位名单（相对于本文件）")
    schedule: str | None = Field(None, description="报送时限表：id 或文件（相对于本文件）；不写则自动选用")
    as_of: str = Field(description="统计日期")
    period: str | None = Field(None, description="--period")
    columns: list[str] = Field(description="表的各列（表单 id:期别），按顺序")
    table: dict[str, str] = Field(description="每个单位一行标记，按 columns 的顺序，以空格分开")
    expect: list[Expected]


def load_status_case(path: Path) -> StatusCase:
    doc = load_yaml(path)
    try:
        return StatusCase.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error(doc, exc) from exc


def find_status_cases(root: Path) -> list[Path]:
    return sorted(root.glob("submissions/*/status-case.yaml"))
