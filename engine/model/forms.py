"""Form definitions: which indicators a return has, how they relate, how they are labelled.

A form is data written by rule authors in ``rules/forms/*.yaml``; readers use it to map
spreadsheet columns to indicator keys, and rules use it to name indicators in Chinese.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

UnitKind = Literal["镇街", "区直部门"]
UNIT_KINDS: tuple[str, ...] = ("镇街", "区直部门")
RESERVED_KEYS = {"id", "sid", "seq", "kind", "unit", "unit_kind", "is_total", "nonzero_count"}
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Measure(Strict):
    """A unit of measurement (条, 家次, 万元, 是/否...) and how its values behave.

    ``count``: whole non-negative numbers; ``amount``: decimals allowed, totals compared
    within ``tolerance``; ``flag``: 是/否 read as 1/0.
    """

    kind: Literal["count", "amount", "flag"] = "count"
    tolerance: float = Field(0.0, ge=0, description="合计核对允许的误差")


class Indicator(Strict):
    key: str = Field(description="ASCII key used in output and facts")
    path: tuple[str, ...] = Field(description="Chinese label path, group first")
    measure: str
    filled_by: tuple[UnitKind, ...] = UNIT_KINDS  # type: ignore[assignment]
    part_of: str | None = Field(None, description="key of the indicator this one is part of")
    aliases: tuple[str, ...] = ()
    cumulative: bool | None = None  # None: inherit the form's setting
    summed: bool = Field(True, description="the total row must equal the sum of unit rows")

    @field_validator("key")
    @classmethod
    def _key_shape(cls, v: str) -> str:
        if not _KEY.match(v):
            raise ValueError("指标 key 只能由小写字母、数字和下划线组成，且以字母开头")
        if v in RESERVED_KEYS:
            raise ValueError(f"“{v}” 是保留字，不能作为指标 key")
        return v

    @field_validator("path")
    @classmethod
    def _path_nonempty(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v or any(not p.strip() for p in v):
            raise ValueError("path 不能为空，也不能含空段")
        return v

    @property
    def label(self) -> str:
        return "/".join(self.path)


class Relation(Strict):
    """``parts`` are each part of ``whole``; if ``disjoint`` their sum is too."""

    whole: str
    parts: tuple[str, ...]
    disjoint: bool = False
    note: str | None = None


class Rate(Strict):
    """A share the summary computes, e.g. 挂牌督办率 = 挂牌督办 / 部门排查重大隐患."""

    key: str
    label: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]

    @field_validator("numerator", "denominator", mode="before")
    @classmethod
    def _as_tuple(cls, v: object) -> object:
        return (v,) if isinstance(v, str) else v


class Form(Strict):
    id: str
    title: str
    layout: Literal["table", "sections"]
    description: str | None = None
    cumulative: bool = False
    period_start: str | None = None
    unit_column: tuple[str, ...] = ("地区/部门", "地区", "部门", "单位", "单位名称", "填报单位")
    unit_kind_column: tuple[str, ...] = ("单位类型",)
    total_row: tuple[str, ...] = ("累计", "合计", "总计")
    measures: dict[str, Measure]
    indicators: tuple[Indicator, ...]
    relations: tuple[Relation, ...] = ()
    rates: tuple[Rate, ...] = ()
    basis: str | None = None
    overrides: bool = Field(False, description="规则包中：替换内置的同 id 表单（不写则 id 相同是错误）")

    @model_validator(mode="after")
    def _references(self) -> Form:
        keys = [i.key for i in self.indicators]
        dup = {k for k in keys if keys.count(k) > 1}
        if dup:
            raise ValueError(f"指标 key 重复：{'、'.join(sorted(dup))}")
        labels = [i.label for i in self.indicators]
        dupl = {x for x in labels if labels.count(x) > 1}
        if dupl:
            raise ValueError(f"指标标签路径重复：{'、'.join(sorted(dupl))}")
        known = set(keys)
        for ind in self.indicators:
            if ind.measure not in self.measures:
                raise ValueError(f"指标 {ind.key} 的计量单位 “{ind.measure}” 未在 measures 中定义")
            if ind.part_of and ind.part_of not in known:
                raise ValueError(f"指标 {ind.key} 的 part_of “{ind.part_of}” 不是本表的指标")
        for rel in self.relations:
            for k in (rel.whole, *rel.parts):
                if k not in known:
                    raise ValueError(f"relations 中的 “{k}” 不是本表的指标")
        for rate in self.rates:
            for k in (*rate.numerator, *rate.denominator):
                if k not in known:
                    raise ValueError(f"比率 {rate.key} 引用的 “{k}” 不是本表的指标")
        return self

    def indicator(self, key: str) -> Indicator:
        for ind in self.indicators:
            if ind.key == key:
                return ind
        raise KeyError(key)

    def part_whole_pairs(self) -> list[tuple[str, str, str | None]]:
        """Every declared (part, whole, note) pair: ``part_of`` fields plus ``relations``."""
        pairs: list[tuple[str, str, str | None]] = []
        for ind in self.indicators:
            if ind.part_of:
                pairs.append((ind.key, ind.part_of, None))
        for rel in self.relations:
            pairs.extend((p, rel.whole, rel.note) for p in rel.parts)
        return list(dict.fromkeys(pairs))

    def is_cumulative(self, ind: Indicator) -> bool:
        return self.cumulative if ind.cumulative is None else ind.cumulative
