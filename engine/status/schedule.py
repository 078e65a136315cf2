"""The reporting schedule (``rules/schedules/*.yaml``): what is due when, and how a log writes it.

Everything an office may need to change about what is due — a deadline, a campaign phase's
dates, the way its log spells a column or a report, the units that must report — is in this
file, so none of it is Python. What makes a finding (漏报, 迟报…: condition, severity, wording,
basis) is not: those are ordinary rules in ``rules/checks`` on the schedule's fact kinds
(``rules/facts.yaml``, ``schedule: true``). The models only validate shapes; cross-references
(a report's first period, a name two reports share) are checked by ``schedule_load`` at their line.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from engine.model.forms import UnitKind

PeriodKind = Literal["monthly", "quarterly", "phase"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Head(_Strict):
    id: str = Field(description="时限表 id（--schedule 可写此 id）")
    title: str
    start: date | None = Field(None, description="专项行动开始日期：--period 全程 的起点")
    end: date | None = Field(None, description="专项行动结束日期：--period 全程 的终点")
    description: str | None = None


class Due(_Strict):
    """The deadline of a monthly or quarterly report, counted from its period's last month."""

    # bounds checked below, in words an office reads; the schema states them too
    day: int = Field(json_schema_extra={"minimum": 1, "maximum": 31},
                     description="截止日（含当日）：报送期最后一个月的第几日；31 为该月最后一天")
    months_after: int = Field(0, json_schema_extra={"minimum": 0, "maximum": 12},
                              description="截止日在报送期最后一个月之后第几个月（0 为当月）")

    @field_validator("day")
    @classmethod
    def _day(cls, v: int) -> int:
        if not 1 <= v <= 31:
            raise ValueError(f"截止日 {v} 应在 1 到 31 之间（31 表示该月最后一天）")
        return v

    @field_validator("months_after")
    @classmethod
    def _months(cls, v: int) -> int:
        if not 0 <= v <= 12:
            raise ValueError(f"months_after {v} 应在 0 到 12 之间")
        return v


class Phase(_Strict):
    name: str = Field(description="阶段名称，如 企业自查自改和部门精准执法阶段")
    names: tuple[str, ...] = Field((), description="登记表“期别”一栏的其他写法，如 第二阶段")
    start: date
    end: date
    due: date | None = Field(None, description="按阶段报送的报表的截止日期（含当日）；不写则为阶段最后一天")

    @model_validator(mode="after")
    def _order(self) -> Phase:
        if self.end < self.start:
            raise ValueError("阶段的 end 早于 start")
        if self.due is not None and self.due < self.start:
            raise ValueError("阶段的 due 早于 start")
        return self

    @property
    def deadline(self) -> date:
        return self.due or self.end


class Report(_Strict):
    """One report units must send: its form, its period kind and its deadline."""

    form: str = Field(description="表单 id：rules/forms 中的表单写其 id；不在其中的报表另写 title")
    title: str | None = Field(None, description="报表名称；rules/forms 中的表单不写则用表单的 title")
    label: str | None = Field(None, description="表头中的简称，如 调度表；不写则用 title")
    names: tuple[str, ...] = Field((), description="登记表“报表”一栏的写法（表单 id、title、label 总是认得）")
    period: PeriodKind = Field(description="报送周期：monthly 每月、quarterly 每季、phase 专项行动每阶段")
    due: Due | None = Field(None, description="monthly/quarterly 的截止日期；phase 用各阶段的 due")
    first: str | None = Field(None, description="第一期，如 2023-05、2023Q2；不写则不限")
    last: str | None = Field(None, description="最后一期，如 2023-12；不写则不限")
    exceptions: dict[str, date] = Field(
        {}, description="个别期另定的截止日期：期别: 日期，如 \"2023-10\": 2023-10-26")
    reported_by: tuple[UnitKind, ...] = Field(
        ("镇街", "区直部门"), description="哪类单位报送（镇街、区直部门）；类型不明的单位按应报送")
    tracked: Literal["always", "if-logged"] = Field(
        "always", description="always 总是列入；if-logged 登记表中（任何一期）有这份报表的记录才列入")

    @model_validator(mode="after")
    def _due(self) -> Report:
        if self.period == "phase" and self.due is not None:
            raise ValueError("按阶段报送的报表不写 due，截止日期写在 phases 的各阶段中")
        if self.period != "phase" and self.due is None:
            raise ValueError("按月、按季报送的报表须写 due（截止日）")
        if not self.reported_by:
            raise ValueError("reported_by 不能为空")
        return self


class Column(_Strict):
    label: str = Field(description="表头名称")
    aliases: tuple[str, ...] = Field((), description="表头的其他写法")

    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


class MarkColumn(Column):
    yes: tuple[str, ...] = Field(
        (), description="表示“是”的写法（是、√、有 总是认得；含日期的单元格也算“是”）")
    contains: tuple[str, ...] = Field((), description="单元格含这些字也算“是”，如 催")


class Columns(_Strict):
    """The columns of a submissions log, as offices head them."""

    unit: Column
    form: Column
    period: Column = Field(description="期别；没有这一列时须有截止日期列")
    received: Column = Field(description="报送（收到）日期；空白为未收到")
    due: Column | None = Field(None, description="截止日期；空白时按本时限表计算，填了以所填为准")
    chased: MarkColumn | None = None
    resubmitted: MarkColumn | None = None
    note: Column | None = None


class RosterUnit(_Strict):
    name: str
    kind: UnitKind | None = Field(None, description="镇街 或 区直部门；不写按名称判断")
    aliases: tuple[str, ...] = Field((), description="登记表中这个单位的其他写法")


class ScheduleFile(_Strict):
    schedule: Head
    phases: tuple[Phase, ...] = ()
    reports: tuple[Report, ...] = Field(min_length=1)
    columns: Columns
    units: tuple[RosterUnit | str, ...] = Field(
        (), description="应报送单位名单（名称，或 {name, kind, aliases}）；也可用 --units 给出")

    def roster(self) -> tuple[RosterUnit, ...]:
        return tuple(RosterUnit(name=u) if isinstance(u, str) else u for u in self.units)
