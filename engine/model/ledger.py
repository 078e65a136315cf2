"""Hazard ledgers (隐患排查治理台账): the record form and the rows read from a file.

Unlike a progress return (one row of numbers per unit), a ledger has one row per finding,
with text, dates, yes/no columns and the finding's facts. The form file says which columns
exist, what they are called in real spreadsheets, what a blank means, and how ledger rows
are counted into a return's columns for reconciliation (``--return``).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from engine.model.records import CellRef
from engine.model.rules import Basis
from engine.model.trusted import trusted

FieldType = Literal["text", "bool", "number", "date", "facts"]
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _ascii_key(v: str) -> str:
    if not _KEY.match(v):
        raise ValueError("key 只能由小写字母、数字和下划线组成")
    return v


Key = Annotated[str, AfterValidator(_ascii_key)]  # a program-side name: lower-case ASCII


class LedgerField(Strict):
    key: Key
    label: str = Field(description="表头中文名称")
    type: FieldType = "text"
    aliases: tuple[str, ...] = Field((), description="表头的其他写法")
    fallback_aliases: tuple[str, ...] = Field(
        (), description="只在这个写法所属的列已被另一表头占用时，才算本列的写法（如 单位名称）")
    values: tuple[str, ...] = Field((), description="文字型允许的取值")
    synonyms: dict[str, str] = Field({}, description="取值的其他写法 → 标准取值，如 企业: 企业自查")
    blank: bool | None = Field(None, description="是/否型空白时按此值；不写则空白为未填")
    required: bool = Field(False, description="表头中必须有此列")
    doc: str

    @model_validator(mode="after")
    def _shape(self) -> LedgerField:
        if self.blank is not None and self.type != "bool":
            raise ValueError("只有是/否型（bool）列可以写 blank")
        if (self.values or self.synonyms) and self.type != "text":
            raise ValueError("只有文字型（text）列可以写 values、synonyms")
        bad = [v for v in self.synonyms.values() if self.values and v not in self.values]
        if bad:
            raise ValueError(f"synonyms 指向的取值不在 values 中：{'、'.join(bad)}")
        return self

    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases, self.key)


COMPUTATIONS: dict[str, str] = {
    # name -> what it gives (the mechanisms a row-fact field may name with ``compute``)
    "unit_name": "填报单位名称（去掉空白和序号）",
    "finding_id": "编号（隐患编号、案号……，即 finding_id 列）；没有时为“第N行”",
    "unit_kind": "填报单位类型：镇街 或 区直部门（按单位名称识别；无法判断时空白）",
    "production": "是否生产经营单位：该列所填；未填时按行业和企业名称识别（criteria/sectors.yaml）",
    "production_reason": "识别为非生产经营单位的依据",
    "verdict": "按判定标准的判定结果：重大、一般、待确认",
    "matches_item": "符合判定标准的至少一项",
    "matched_refs": "所符合条款的文号和编号",
    "matched_words": "据描述判定时，所符合条款对应的描述用词",
    "verdict_reason": "判定结果的第一条理由",
    "counted_major": "计入重大隐患（填表说明：上报重大、生产经营单位、判定不是一般、不是重复行）",
    "duplicate": "与前面某行的单位、企业、隐患描述和发现日期都相同",
    "duplicate_of": "与之重复的第一行（行号和编号）",
    "blank_count": "of 所列各列中未填的列数",
    "blank_names": "of 所列各列中未填的列名",
    "filled": "of 所列的列已填写",
    "as_of": "审核日期（--as-of，YYYY-MM-DD）",
    "before": "of 的第一列的日期早于第二列的日期（任一列未填时为 否）",
    "before_as_of": "of 所列的日期早于审核日期（未填时为 否）",
    "unreadable_count": "无法识别的单元格数",
    "unreadable": "无法识别的列及原文",
    "facts_readable": "事实列能否读成判定标准的事实",
    "facts_problem": "事实列无法识别的原因",
}


# the computations of a hazard ledger: each row classified against the criteria (its 行业
# read, its 事实 typed) and compared with the other findings; a detail form has none of them
HAZARD_ONLY = frozenset({"production", "production_reason", "verdict", "matches_item", "matched_refs",
                         "matched_words", "verdict_reason", "counted_major", "facts_readable",
                         "facts_problem", "duplicate", "duplicate_of"})


class RowFactField(Strict):
    """One field of the ``ledger_row`` fact that the ledger rules test.

    Declared with the form so that a rule author can add a column and the fields derived
    from it without Python: a column's value as it is, a yes/no condition over the fields
    declared before it, or one of a small named set of computations (COMPUTATIONS).
    """

    key: Key
    name: str = Field(description="规则中写的中文名")
    type: Literal["text", "bool", "number"]
    doc: str
    column: str | None = Field(None, description="取该列（fields 中的 key）的值；日期写成 YYYY-MM-DD")
    when: str | None = Field(
        None, description="条件成立为 是，否则为 否（写法同审核规则；只能用前面声明的项）")
    only_if: str | None = Field(None, description="与 when 同用：这一项（前面声明的）空白时本项也空白")
    compute: str | None = Field(None, description="程序提供的计算，见 COMPUTATIONS")
    of: tuple[str, ...] = Field((), description="compute 用到的列（fields 中的 key）")
    names: tuple[str, ...] = Field((), description="blank_names：of 各列在提示中的叫法（不写则用列名）")

    @model_validator(mode="after")
    def _one_source(self) -> RowFactField:
        given = [n for n in ("column", "when", "compute") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("每一项须写 column、when、compute 三者之一")
        if self.compute is not None and self.compute not in COMPUTATIONS:
            raise ValueError(f"不认识的计算 “{self.compute}”（可用：{'、'.join(COMPUTATIONS)}）")
        if self.when is not None and self.type != "bool":
            raise ValueError("when 得出 是/否，type 应为 bool")
        if self.only_if is not None and self.when is None:
            raise ValueError("only_if 只与 when 同用")
        arity = {"before": 2, "before_as_of": 1}.get(self.compute or "")
        if arity is not None and len(self.of) != arity:
            raise ValueError(f"{self.compute} 的 of 应列出 {arity} 个日期列")
        if self.of and self.compute not in ("blank_count", "blank_names", "filled", "before", "before_as_of"):
            raise ValueError("of 只用于 blank_count、blank_names、filled、before、before_as_of")
        if self.names and (self.compute != "blank_names" or len(self.names) != len(self.of)):
            raise ValueError("names 只用于 blank_names，且与 of 一一对应")
        return self


class ReconcileCount(Strict):
    """One return column and the ledger rows that count into it (a counting rule of 填表说明).

    By default each row that meets ``count`` counts once. ``sum`` adds a number field
    instead (罚款金额, 人数); ``distinct`` counts the different values of the fields it names
    among those rows (a tour counted once per document, one typical case per type and
    sector). ``among`` names the rows the column is about (all the unit's rows unless said),
    so that those of them the rule leaves out can be named when the return's figure differs.
    """

    indicator: str = Field(description="报表指标 key")
    label: str
    count: str = Field(description="台账行计入该指标的条件（台账行事实）")
    sum: str | None = Field(None, description="计入各行此项（数值）之和，而不是行数")
    distinct: tuple[str, ...] = Field((), description="计入各行这几项的不同取值个数（如同一文件只计一次）")
    among: str | None = Field(
        None, description="与该指标有关的行（不写则为该单位的所有行）：其中不计入的行在数目不符时列出")
    basis: Basis | None = Field(
        None, description="计数规则的依据，写法同审核规则：{document: 填表说明, article: 第5条}")

    @field_validator("basis", mode="before")
    @classmethod
    def _basis_text(cls, v: object) -> object:
        return {"document": v} if isinstance(v, str) else v

    @model_validator(mode="after")
    def _one_way(self) -> ReconcileCount:
        if self.sum is not None and self.distinct:
            raise ValueError("sum 与 distinct 只能写一个")
        return self


class Reconcile(Strict):
    form: tuple[str, ...] = Field(min_length=1, description="报表表单 id（可写多个）")
    counts: tuple[ReconcileCount, ...] = Field(min_length=1)

    @field_validator("form", mode="before")
    @classmethod
    def _one_or_more(cls, v: object) -> object:
        return (v,) if isinstance(v, str) else v


class LedgerForm(Strict):
    id: str
    kind: Literal["ledger"]
    title: str
    description: str | None = None
    fields: tuple[LedgerField, ...]
    row_fact: tuple[RowFactField, ...] = Field(
        min_length=1, description="台账行事实的各项：规则检查的就是这些")
    reconcile: Reconcile | None = None
    overrides: bool = Field(False, description="规则包中：替换内置的同 id 表单（不写则 id 相同是错误）")

    @property
    def classifies(self) -> bool:
        """Its rows are judged against the criteria (a hazard ledger), not only counted (a
        detail form such as a penalty ledger): some row-fact field needs the verdict."""
        return any(rf.compute in HAZARD_ONLY for rf in self.row_fact)

    @property
    def indicators(self) -> tuple[()]:
        """A ledger has no numeric indicators; rules address ledger-row fields instead."""
        return ()

    @model_validator(mode="after")
    def _unique(self) -> LedgerForm:
        seen: set[str] = set()
        for f in self.fields:
            for name in f.names():
                if name in seen:
                    raise ValueError(f"列名或 key “{name}” 重复")
                seen.add(name)
        keys = {f.key for f in self.fields}
        needed = {"unit", "reported_level", "facts"} if self.classifies else {"unit"}
        if not needed <= keys:
            raise ValueError(f"台账表单须有这些列：{'、'.join(sorted(needed - keys))}"
                             + ("（row_fact 用到了按判定标准判定的计算）" if self.classifies else ""))
        declared: set[str] = set()
        for rf in self.row_fact:
            if rf.key in declared or rf.name in declared:
                raise ValueError(f"row_fact 中 “{rf.key}”/“{rf.name}” 重复")
            declared.update((rf.key, rf.name))
            for col in (rf.column, *rf.of):
                if col is not None and col not in keys:
                    raise ValueError(f"row_fact “{rf.key}” 用到的列 “{col}” 不在 fields 中")
        return self

    def field(self, key: str) -> LedgerField:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)


@dataclass(frozen=True, slots=True)
class RowPlace:
    """Where the rows of one sheet or file sit: shared by every row, so a row holds no cell objects.

    A city's ledger has hundreds of thousands of rows of a dozen cells; a CellRef per cell
    cost more memory than the cells' text. The reference a finding points at is made only
    when asked for.
    """

    sheet: str | None  # workbook sheet; None for csv
    columns: Mapping[str, int]  # field key -> 1-based column
    key_paths: Mapping[str, str] | None = None  # json/yaml rows: field key -> the key as written


class RowValues(Mapping[str, Any]):
    """One row's values: a tuple in a fixed field order, read by field key.

    A dict per row costs about 600 bytes more than the values it holds; a province's ledger
    holds a million rows of them twice (as read, and typed). Every row of a sheet shares one
    ``at`` (field key → position).
    """

    __slots__ = ("_at", "_values")

    def __init__(self, at: Mapping[str, int], values: tuple[Any, ...]) -> None:
        self._at, self._values = at, values

    def __getitem__(self, key: str) -> Any:
        return self._values[self._at[key]]

    def get(self, key: str, default: Any = None) -> Any:
        i = self._at.get(key)
        return default if i is None else self._values[i]

    def __contains__(self, key: object) -> bool:
        return key in self._at

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a ledger's rows (or their facts) are built.

    Building a city's ledger allocates millions of small objects that are kept (rows, typed
    values, row contexts, columns) and makes next to no reference cycles: each full
    collection walks every object kept so far and frees nothing (measured on 100,000 rows:
    21 full collections, 3.4 s of a 28 s audit, 336 objects freed by them). Reference
    counting still frees everything else at once; the few cycles made meanwhile are
    collected once the collector resumes. A nested pause leaves it as the outer one found it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def column_of(rows: Sequence[Mapping[str, Any]], key: str) -> list[Any]:
    """``[row.get(key) for row in rows]``, by position for the rows that share one layout.

    Every row of a sheet is a RowValues with the same ``at``; asked for a column of a
    million rows, the position is looked up once per layout, not once per row.
    """
    out: list[Any] = []
    layout: Mapping[str, int] | None = None
    at: int | None = None
    for row in rows:
        if type(row) is RowValues:
            if row._at is not layout:
                layout = row._at
                at = layout.get(key)
            out.append(None if at is None else row._values[at])
        else:
            out.append(row.get(key))
    return out


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One finding as written: raw value per field; the cells they came from on demand."""

    line: int  # 1-based row/line in the source (json/yaml: position in the list)
    raw: Mapping[str, object]  # field key -> value as read (None for blank)
    place: RowPlace

    def cell(self, key: str) -> CellRef | None:
        if self.place.key_paths is not None:
            written = self.place.key_paths.get(key)
            if written is None:
                return None
            return _ref(None, self.line, None, f"[{self.line - 1}].{written}")
        column = self.place.columns.get(key)
        return None if column is None else _ref(self.place.sheet, self.line, column, None)

    @property
    def cells(self) -> dict[str, CellRef]:
        keys = self.place.key_paths if self.place.key_paths is not None else self.place.columns
        return {k: ref for k in keys if (ref := self.cell(k)) is not None}

    @property
    def ref(self) -> CellRef:
        if self.place.key_paths is not None:
            return _ref(None, self.line, None, f"[{self.line - 1}]")
        return _ref(self.place.sheet, self.line, None, None)


def _ref(sheet: str | None, row: int, column: int | None, key_path: str | None) -> CellRef:
    """A CellRef from positions the reader counted itself (unvalidated: a million rows ask)."""
    return trusted(CellRef, {"sheet": sheet, "row": row, "column": column, "key_path": key_path})


@dataclass(frozen=True)
class Ledger:
    form_id: str
    source: str
    rows: tuple[LedgerRow, ...]
    sheet: str | None = None
    columns: tuple[str, ...] | None = None  # field keys the header has; None: not known (json/yaml rows)

    def has(self, key: str) -> bool:
        """The file has this column (json/yaml rows: some row fills it)."""
        if self.columns is not None:
            return key in self.columns
        return any(key in r.raw for r in self.rows)
