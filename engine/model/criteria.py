"""Determination criteria (判定标准): standards, their items, and the shared fact vocabulary.

A criteria file (``criteria/<standard-id>.yaml``) holds one edition of one official standard:
its header (number, dates, scope, precedence, coverage) and its items, each with the official
numbering, our own one-sentence paraphrase and a condition in the safe expression language.
``criteria/facts/*.yaml`` is the vocabulary those conditions are written in: every fact a
finding may carry, with its type, unit and Chinese name.

Why a shared vocabulary: a written finding is turned into facts once, and every standard's
items are then tested against the same facts; two items that look at "the same thing" must
name the same fact, or a finding would match one and silently miss the other.

Why device facts are "有效" facts: 第十四条 of the 2023 工贸 standard says a monitoring, alarm or
protective device that has failed or does not work counts as missing. So a device is recorded
as ``泄爆装置有效: false`` whether it is absent, broken, bypassed or switched off, and the items
only ever test the "有效" fact. Facts marked ``device: true`` are those.

This module checks shape and internal consistency only. Conditions are parsed and resolved
against the vocabulary by ``engine.load.criteria``, which knows the file positions.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FactType = Literal["number", "text", "bool"]
Coverage = Literal["complete", "partial"]

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A fact name must be writable as one bare name in a condition (see engine/expr/parse.py).
_NAME = re.compile(r"^[^\W\d][\w.]*$")
# durable-rules keeps its own ``id``/``sid``; ``seq``/``hz_open`` are the backend's (see durable_backend).
_ENGINE_KEYS = {"id", "sid", "seq", "hz_open"}
_RESERVED = {"and", "or", "not", "in", "true", "false", "且", "并且", "或", "或者", "非", "属于", "是", "否"}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def parse_iso_date(value: str) -> date:
    """``YYYY-MM-DD`` only: a standard's dates decide which edition judges a finding."""
    if not _ISO.match(value):
        raise ValueError(f"日期 “{value}” 应写作 YYYY-MM-DD，如 2023-05-15")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"日期 “{value}” 不存在") from None


def _as_tuple(v: object) -> object:
    return (v,) if isinstance(v, str) else v


def distinct_nonblank(values: tuple[str, ...], what: str) -> tuple[str, ...]:
    if any(not v.strip() for v in values):
        raise ValueError(f"{what}中不能有空项")
    dup = sorted({v for v in values if values.count(v) > 1})
    if dup:
        raise ValueError(f"{what}中有重复：{'、'.join(dup)}")
    return values


# --------------------------------------------------------------------------- vocabulary


class Fact(Strict):
    """One fact a finding may carry; conditions name it by ``name`` (or ``key``)."""

    key: str = Field(description="ASCII snake_case key used in fact dicts and output")
    name: str = Field(description="中文名称，条件中按此书写")
    type: FactType
    unit: str | None = Field(None, description="数值型指标的单位，如 kPa、m、人")
    values: tuple[str, ...] = Field((), description="文字型指标允许的取值；为空表示不限")
    device: bool = Field(False, description="监控、报警、防护装置或设施：否 = 未设置、失效或无效（第十四条）")
    context: bool = Field(False, description="背景事实（行业、生产期间）：单独记录不足以说明隐患与某条款有关")
    measure: bool = Field(False, description="措施、制度、票证类（预案、演练、作业票）：是 = 已落实；"
                                             "描述中其后的失效词、“未开展”等读作否")
    value_phrases: bool = Field(True, description="文字型：取值本身是否当作描述中的说法"
                                                  "（如 合格、开关 过于常见时写 false）")
    doc: str
    says: dict[str, tuple[str, ...]] = Field(
        default_factory=dict,
        description="隐患描述中怎么说这个事实：是/否型写 是:、否:；文字型按取值写；"
                    "数值型写 数值: 数字旁边的词")

    @field_validator("says")
    @classmethod
    def _says_words(cls, v: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for key, words in v.items():
            if any(not w or w != w.strip() for w in words):
                raise ValueError(f"says.{key} 中不能有空项或首尾空格")
        return v

    @field_validator("key")
    @classmethod
    def _key_shape(cls, v: str) -> str:
        if not _KEY.match(v):
            raise ValueError("key 只能由小写字母、数字和下划线组成，且以字母开头，如 dust_explosion_hazard")
        if v in _ENGINE_KEYS:
            raise ValueError(f"key “{v}” 是规则引擎自用的字段名，请换一个")
        return v

    @field_validator("name")
    @classmethod
    def _name_shape(cls, v: str) -> str:
        if not _NAME.match(v) or v.lower() in _RESERVED:
            raise ValueError(f"名称 “{v}” 不能直接写进条件：只能用汉字、字母、数字、下划线和点，"
                             "不能以数字开头，也不能是 and/or/not/是/否 等保留字")
        return v

    @field_validator("values")
    @classmethod
    def _values_ok(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return distinct_nonblank(v, "values ")

    @model_validator(mode="after")
    def _type_rules(self) -> Fact:
        if self.values and self.type != "text":
            raise ValueError(f"只有文字型（text）指标可以列出 values，“{self.name}” 是 {self.type}")
        if self.type == "number" and not self.unit:
            raise ValueError(f"数值型指标 “{self.name}” 须写明 unit（单位），阈值才有意义")
        if self.unit and self.type != "number":
            raise ValueError(f"只有数值型（number）指标有 unit，“{self.name}” 是 {self.type}")
        if self.device and self.type != "bool":
            raise ValueError(f"装置类指标（device: true）应为是/否型，“{self.name}” 是 {self.type}")
        if self.measure and self.type != "bool":
            raise ValueError(f"措施类指标（measure: true）应为是/否型，“{self.name}” 是 {self.type}")
        allowed = {"bool": ("是", "否"), "number": ("数值",), "text": self.values}[self.type]
        bad = [k for k in self.says if allowed and k not in allowed]
        if bad:
            what = {"bool": "是、否", "number": "数值"}.get(self.type) or "、".join(self.values)
            raise ValueError(f"“{self.name}” 的 says 只能按 {what} 写，不能写 {'、'.join(bad)}")
        return self


def duplicate_names(facts: tuple[Fact, ...]) -> list[tuple[int, str]]:
    """(index, text) of each fact whose key or name was already used by an earlier fact."""
    seen: set[str] = set()
    out: list[tuple[int, str]] = []
    for i, f in enumerate(facts):
        for text in dict.fromkeys((f.key, f.name)):
            if text in seen:
                out.append((i, text))
            seen.add(text)
    return out


class Vocabulary(Strict):
    """Every fact any criteria item may test (``criteria/facts/*.yaml``, merged)."""

    facts: tuple[Fact, ...]

    @model_validator(mode="after")
    def _unique(self) -> Vocabulary:
        dup = duplicate_names(self.facts)
        if dup:
            raise ValueError(f"事实 key 或名称重复：{'、'.join(t for _, t in dup)}")
        return self

    def _index(self) -> dict[str, Fact]:
        """Key and Chinese name → fact, built once (names and keys are unique, see _unique)."""
        index = self.__dict__.get("_by_name")
        if index is None:
            index = {}
            for f in self.facts:
                index.setdefault(f.key, f)
                index.setdefault(f.name, f)
            self.__dict__["_by_name"] = index  # a cache on a frozen model, not a field
        return index

    def get(self, name: str) -> Fact | None:
        """The fact whose key or Chinese name is ``name``."""
        return self._index().get(name)

    def by_key(self, key: str) -> Fact:
        fact = self._index().get(key)
        if fact is None or fact.key != key:
            raise KeyError(key)
        return fact


# --------------------------------------------------------------------------- standard


class Scope(Strict):
    """Which enterprises a standard judges; ``sectors`` is what ``in_force`` looks up."""

    sectors: tuple[str, ...]
    sub_sectors: tuple[str, ...] = ()
    note: str | None = None

    @field_validator("sectors", "sub_sectors")
    @classmethod
    def _clean(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return distinct_nonblank(v, "行业列表")


class Precedence(Strict):
    """A topic this standard leaves to another one (e.g. 特种设备 inside a 工贸 enterprise)."""

    topic: str = Field(description="如 危险化学品、消防、燃气、特种设备")
    defer_to: str = Field(description="应适用的标准族 id 或标准名称")
    note: str | None = None


class GeneralClause(Strict):
    """An article without items that changes how every item is read (e.g. 第十四条)."""

    ref: str
    summary: str
    note: str | None = None


class Standard(Strict):
    """One edition of an official determination standard."""

    id: str = Field(description="kebab-case, family plus edition year, e.g. gongmao-2023")
    family: str = Field(description="标准族 id，同一标准的各版本相同，如 gongmao")
    title: str
    number: str = Field(description="文号，如 应急管理部令第10号")
    issuer: str
    effective_from: str
    effective_to: str | None = Field(None, description="最后有效的一天（含）；现行为空")
    supersedes: tuple[str, ...] = ()
    superseded_by: str | None = None
    scope: Scope
    precedence: tuple[Precedence, ...] = ()
    coverage: Coverage
    missing_items: tuple[str, ...] = Field((), description="coverage 为 partial 时尚未录入的条款编号")
    item_count: int | None = Field(None, ge=0, description="官方条款总数，用于核对是否录全")
    general_clauses: tuple[GeneralClause, ...] = ()
    sources: tuple[str, ...] = ()
    verification: str | None = Field(None, description="核对情况说明")
    overrides: bool = Field(False, description="规则包中：替换内置的同 id 标准（不写则 id 相同是错误）")

    @field_validator("supersedes", mode="before")
    @classmethod
    def _one_or_many(cls, v: object) -> object:
        return _as_tuple(v)

    @field_validator("id", "family", "superseded_by")
    @classmethod
    def _kebab(cls, v: str | None) -> str | None:
        if v is not None and not _ID.match(v):
            raise ValueError(f"“{v}” 只能由小写字母、数字和连字符组成，如 gongmao-2023")
        return v

    @field_validator("supersedes")
    @classmethod
    def _ids(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for s in v:
            if not _ID.match(s):
                raise ValueError(f"“{s}” 不是标准 id（小写字母、数字和连字符，如 gongmao-2017）")
        return distinct_nonblank(v, "supersedes ")

    @field_validator("effective_from", "effective_to")
    @classmethod
    def _iso(cls, v: str | None) -> str | None:
        if v is not None:
            parse_iso_date(v)
        return v

    @field_validator("missing_items")
    @classmethod
    def _missing(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return distinct_nonblank(v, "missing_items ")

    @model_validator(mode="after")
    def _consistent(self) -> Standard:
        if self.effective_to and self.end < self.start:
            raise ValueError(f"effective_to {self.effective_to} 早于 effective_from {self.effective_from}")
        if self.coverage == "partial" and not self.missing_items:
            raise ValueError("coverage 为 partial 时须在 missing_items 中列出尚未录入的条款编号")
        if self.coverage == "complete" and self.missing_items:
            raise ValueError("coverage 为 complete 时不能有 missing_items")
        if self.id in self.supersedes or self.superseded_by == self.id:
            raise ValueError("标准不能替代自己")
        if not self.id.startswith(self.family):
            raise ValueError(f"标准 id “{self.id}” 应以标准族 “{self.family}” 开头")
        return self

    @property
    def start(self) -> date:
        return parse_iso_date(self.effective_from)

    @property
    def end(self) -> date:
        """Last day in force; ``date.max`` while current."""
        return parse_iso_date(self.effective_to) if self.effective_to else date.max

    def in_force_on(self, day: date) -> bool:
        return self.start <= day <= self.end


# --------------------------------------------------------------------------- items


class Item(Strict):
    """One officially numbered item: when it applies, and what makes it hold.

    ``applies_when`` gates the whole article (a sector, a hazard profile); ``holds_when`` is
    the item itself, each official "或者" alternative an ``or`` branch. Both name facts of the
    vocabulary; the item is a major hazard when both hold.
    """

    ref: str = Field(description="官方编号，如 第四条第(三)项")
    article: str = Field(description="所属条，如 第四条；须是 ref 的开头")
    family: str = Field(description="该条的类别，如 管理类、冶金、粉尘防爆")
    applies_when: str | None = Field(None, description="适用条件（整条共用），如 行业 == '冶金'")
    summary: str = Field(description="自己的话概括的一句话，不照抄原文")
    holds_when: str = Field(description="判定条件")
    mentions: tuple[str, ...] = Field(description="书面隐患描述中可能出现的词")
    element: bool = Field(False, description="综合判定要素：单独成立不构成重大隐患，只在 combined 中计条数")
    verified: bool
    checked_against: tuple[str, ...] = Field(
        (), description="核对过的公开文本（网址或仓库路径）；verified 为 true 须有两个相互独立的来源")
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _default_article(cls, data: object) -> object:
        if isinstance(data, dict) and "article" not in data and isinstance(data.get("ref"), str):
            m = re.match(r"^(第[一二三四五六七八九十百零〇]+条)", data["ref"])
            if m:
                data = {**data, "article": m.group(1)}
        return data

    @field_validator("ref", "article", "family", "summary", "holds_when")
    @classmethod
    def _nonblank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("不能为空")
        return v.strip()

    @field_validator("summary")
    @classmethod
    def _one_sentence(cls, v: str) -> str:
        if "\n" in v:
            raise ValueError("summary 应为一句话，不要换行")
        return v

    @field_validator("mentions")
    @classmethod
    def _mentions(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("mentions 至少列出一个词")
        return distinct_nonblank(v, "mentions ")

    @model_validator(mode="after")
    def _consistent(self) -> Item:
        if not self.ref.startswith(self.article):
            raise ValueError(f"编号 “{self.ref}” 不属于 article “{self.article}”")
        if not self.verified and not (self.note and self.note.strip()):
            raise ValueError("verified 为 false 的条目须在 note 中说明未核实的原因")
        if self.verified and len(self.checked_against) == 1:
            raise ValueError("verified 为 true 须有两个相互独立的公开文本一致（checked_against 只列了一个）")
        return self

    @field_validator("checked_against")
    @classmethod
    def _copies(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return distinct_nonblank(v, "checked_against ")

    def condition(self) -> str:
        """The full test as one condition: gate and item together."""
        if self.applies_when:
            return f"({self.applies_when}) and ({self.holds_when})"
        return self.holds_when


def duplicate_refs(items: tuple[Item, ...]) -> list[tuple[int, int]]:
    """(index, index of first use) for each item whose ref repeats an earlier one."""
    first: dict[str, int] = {}
    out: list[tuple[int, int]] = []
    for i, it in enumerate(items):
        if it.ref in first:
            out.append((i, first[it.ref]))
        else:
            first[it.ref] = i
    return out


def article_conflicts(items: tuple[Item, ...]) -> list[tuple[int, str, int]]:
    """(index, key, index of the article's first item) where an item disagrees with it.

    All items of one article share its family and gate; a difference is a copy-paste slip
    that would silently change which findings the item can match.
    """
    first: dict[str, int] = {}
    out: list[tuple[int, str, int]] = []
    for i, it in enumerate(items):
        j = first.setdefault(it.article, i)
        for key in ("family", "applies_when"):
            if getattr(it, key) != getattr(items[j], key):
                out.append((i, key, j))
    return out


class ElementGroup(Strict):
    """Elements counted together: at least ``at_least`` of ``elements`` must hold."""

    name: str | None = Field(None, description="这一组要素的名称，如 基础条件、物的不安全状态")
    elements: tuple[str, ...] = Field(description="计数的综合判定要素（items 中 element: true 的 ref）")
    at_least: int = Field(ge=1, description="至少几条要素成立")

    @field_validator("elements")
    @classmethod
    def _refs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return distinct_nonblank(v, "elements ")

    @model_validator(mode="after")
    def _reachable(self) -> ElementGroup:
        if self.at_least > len(self.elements):
            raise ValueError(f"at_least 为 {self.at_least}，但 elements 只有 {len(self.elements)} 条")
        return self


class Combined(Strict):
    """A comprehensive determination (综合判定): enough elements together make a major hazard.

    GB 35181 and the 水利 standard judge some hazards only by counting: a place of a given
    category with at least ``at_least`` of ``elements`` (items marked ``element``) holding, and
    every item of ``requires`` holding, is a major hazard. A rule counting in several groups
    (水利: 3 基础条件 and 3 物的不安全状态) writes ``groups`` instead, each with its own count,
    and holds when every group reaches it. The count is taken over the element verdicts the
    backends already give, so it cannot differ between them.
    """

    ref: str = Field(description="综合判定规则的编号，如 5.3.3 a)")
    summary: str
    applies_when: str | None = Field(None, description="场所类别等适用条件，如 场所类别 == '人员密集场所'")
    elements: tuple[str, ...] = Field((), description="计数的综合判定要素（只有一组时写这里）")
    at_least: int | None = Field(None, ge=1, description="至少几条要素成立（与 elements 同写）")
    groups: tuple[ElementGroup, ...] = Field((), description="分组计数时：每组的要素和至少条数，各组都须达到")
    requires: tuple[str, ...] = Field((), description="还必须全部成立的条款 ref（可空）")
    verified: bool
    checked_against: tuple[str, ...] = ()
    note: str | None = None

    @field_validator("elements", "requires", "checked_against")
    @classmethod
    def _refs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return distinct_nonblank(v, "列表")

    @model_validator(mode="after")
    def _consistent(self) -> Combined:
        if self.groups and (self.elements or self.at_least is not None):
            raise ValueError("写了 groups 就不再写 elements、at_least（每组各写）")
        if not self.groups:
            if not self.elements or self.at_least is None:
                raise ValueError("须写 elements 和 at_least（或分组的 groups）")
            _ = self.counted_groups  # the one group, built and so checked (at_least <= elements)
        refs = [r for g in self.counted_groups for r in g.elements]
        if len(refs) != len(set(refs)):
            raise ValueError("同一要素不能计入两个组")
        if not self.verified and not (self.note and self.note.strip()):
            raise ValueError("verified 为 false 的规则须在 note 中说明未核实的原因")
        return self

    @property
    def counted_groups(self) -> tuple[ElementGroup, ...]:
        """The groups counted: ``groups``, or the one group of ``elements``/``at_least``."""
        if self.groups:
            return self.groups
        return (ElementGroup(elements=self.elements, at_least=self.at_least or 1),)

    @property
    def all_elements(self) -> tuple[str, ...]:
        return tuple(r for g in self.counted_groups for r in g.elements)


class CriteriaFile(Strict):
    """One standard edition and its items."""

    standard: Standard
    items: tuple[Item, ...] = ()
    combined: tuple[Combined, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> CriteriaFile:
        dup = duplicate_refs(self.items)
        if dup:
            raise ValueError(f"条款编号重复：{'、'.join(self.items[i].ref for i, _ in dup)}")
        bad = article_conflicts(self.items)
        if bad:
            i, key, _ = bad[0]
            raise ValueError(f"{self.items[i].ref} 的 {key} 与同条其他项不一致")
        refs = {it.ref for it in self.items}
        both = [r for r in self.standard.missing_items if r in refs]
        if both:
            raise ValueError(f"missing_items 中的条款已录入：{'、'.join(both)}")
        count = self.standard.item_count
        if count is not None and self.standard.coverage == "complete" and len(self.items) != count:
            raise ValueError(f"coverage 为 complete，item_count 为 {count}，实际录入 {len(self.items)} 项")
        return self
