"""The written-findings development set (``cases/classify/*.yaml``) and its metric.

Each case is a finding as an inspector writes it, with what a person would conclude:
``重大`` (and the item that makes it major), ``近似`` (a near miss: the item's topic on the
safe side, so 一般, and the item it is near) or ``一般`` (an ordinary finding). The tool
must reach that conclusion from the description alone. ``todo:`` records a known gap — the
verdict the tool gives today — like Semgrep's ``todoruleid``: the case still runs, and the
test fails when the tool's answer changes, so a fix or a regression is never silent.

The metric (``bench/text_accuracy.py``, and a test of the targets) is the confusion table
label × verdict and the share of majors whose item ranks first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from engine.classify.inputs import finding_input
from engine.classify.run import Classifier
from engine.load.positioned import Located, load_model
from engine.model.classification import Classification, Verdict
from engine.model.criteria import parse_iso_date
from engine.read.finding import RawFinding

Label = Literal["重大", "近似", "一般"]
EXPECTED: dict[str, Verdict] = {"重大": "重大", "近似": "一般", "一般": "一般"}
NO_ITEM = "无"  # todo_top when the tool cites no item at all


class TextCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str = Field(description="隐患描述，按检查人员的日常写法")
    sector: str = Field(description="行业（或行业领域的写法，如 工贸、建筑施工）")
    date: str = Field(description="发现日期 YYYY-MM-DD，决定适用哪一版标准")
    label: Label = Field(description="重大、近似（同一条款的安全一侧）或 一般")
    item: str | None = Field(None, description="重大/近似：标准 id 和条款编号，"
                                               "如 gongmao-2023 第四条第(二)项")
    enterprise: str | None = Field(None, description="企业名称（可用于判断细分行业）")
    todo: Verdict | None = Field(None, description="已知差距：工具现在给出的结论")
    todo_top: str | None = Field(None, description="已知差距：结论对，但工具现在排在第一的条款"
                                                    "（标准id 条款编号）")

    @field_validator("date")
    @classmethod
    def _iso(cls, v: str) -> str:
        parse_iso_date(v)
        return v

    @model_validator(mode="after")
    def _item_needed(self) -> TextCase:
        if self.label in ("重大", "近似") and not self.item:
            raise ValueError(f"{self.label} 用例须写 item（标准 id 和条款编号）")
        if self.todo is not None and self.todo == EXPECTED[self.label]:
            raise ValueError(f"todo 与应得结论 {self.todo} 相同：这已不是差距，删去 todo")
        if self.todo_top is not None and (self.todo is not None or self.label == "一般"):
            raise ValueError("todo_top 只用于结论正确、但排在第一的条款不对的 重大/近似 用例")
        if self.todo_top is not None and self.todo_top == self.item:
            raise ValueError("todo_top 与 item 相同：这已不是差距，删去 todo_top")
        return self

    @property
    def day(self) -> date:
        return parse_iso_date(self.date)

    @property
    def item_key(self) -> tuple[str, str] | None:
        if not self.item:
            return None
        standard, _, ref = self.item.partition(" ")
        return standard, ref.strip()


class TextCaseFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    cases: tuple[TextCase, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Outcome:
    case: TextCase
    file: str
    line: int | None
    result: Classification

    @property
    def top(self) -> tuple[str, str] | None:
        top = self.result.top_item
        return (top.standard, top.ref) if top else None

    @property
    def right_item(self) -> bool:
        return self.case.item_key is not None and self.top == self.case.item_key

    @property
    def as_labelled(self) -> bool:
        return self.result.verdict == EXPECTED[self.case.label]

    @property
    def as_recorded(self) -> bool:
        """The answer is the labelled one, or exactly the recorded gap (todo / todo_top)."""
        case = self.case
        if case.todo is not None:
            return self.result.verdict == case.todo
        if not self.as_labelled:
            return False
        if case.label == "一般":
            return True
        top = " ".join(self.top) if self.top else NO_ITEM
        return top == (case.todo_top or case.item)


def load_text_cases(path: Path) -> tuple[TextCaseFile, Located]:
    return load_model(path, TextCaseFile)


def find_text_cases(root: Path) -> list[Path]:
    return sorted((root / "classify").glob("*.yaml"))


def run_text_cases(classifier: Classifier, paths: Sequence[Path]) -> list[Outcome]:
    """Every case of every file, classified from its description alone, in one batch."""
    loaded = []
    for path in paths:
        cases, doc = load_text_cases(path)
        for i, case in enumerate(cases.cases):
            loaded.append((case, str(path), doc.line_of(("cases", i))))
    # the same path as ``hazcheck classify FILE``: the sector word is read through criteria/sectors.yaml
    raws = [RawFinding(f"{f}:{line}", date=c.date, sector=c.sector, text=c.text, enterprise=c.enterprise)
            for c, f, line in loaded]
    inputs = [finding_input(classifier.cs, raw, default_day=c.day, file=f)
              for raw, (c, f, _) in zip(raws, loaded, strict=True)]
    results = classifier.classify_many(inputs)
    return [Outcome(c, f, line, r) for (c, f, line), r in zip(loaded, results, strict=True)]


@dataclass(frozen=True)
class Metric:
    confusion: dict[str, Counter[str]]  # label -> verdict -> count
    major_top1: float
    major_verdict: float
    major_general: float
    general_verdict: float
    near_verdict: float
    total: int

    def share(self, label: str, verdict: str) -> float:
        row = self.confusion.get(label, Counter())
        n = sum(row.values())
        return row[verdict] / n if n else 0.0


def metric(outcomes: Sequence[Outcome]) -> Metric:
    confusion: dict[str, Counter[str]] = {label: Counter() for label in ("重大", "近似", "一般")}
    for o in outcomes:
        confusion[o.case.label][o.result.verdict] += 1
    majors = [o for o in outcomes if o.case.label == "重大"]
    top1 = sum(o.right_item for o in majors) / len(majors) if majors else 0.0
    m = Metric(confusion, top1, 0, 0, 0, 0, len(outcomes))
    return Metric(confusion, top1, m.share("重大", "重大"), m.share("重大", "一般"), m.share("一般", "一般"),
                  m.share("近似", "一般"), len(outcomes))


# The targets on findings nobody tuned the tool to.
TARGETS = {"major_top1": 0.90, "major_verdict": 0.80, "general_verdict": 0.70, "near_verdict": 0.60}
MAX_MAJOR_GENERAL = 0.05
