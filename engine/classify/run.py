"""Classify findings: facts through a backend against the items in force, then a verdict.

The backend (durable-rules or the plain-Python reference) decides which items hold; this
module only groups findings by the standards that judge them, counts that every finding was
evaluated, and turns hits into a verdict with its reasons:

* 重大 — at least one item holds (cited with the conditions that held); if every item that
  holds is still unverified, the verdict says it needs confirmation;
* 待确认 — no item holds, but one could once a missing fact is recorded, or a standard is
  only partly encoded, or no standard was in force: a person decides;
* 一般 — no item holds, none is left open, and at least one item the finding is about failed
  on a recorded fact; the nearest items are shown with the condition that failed. Facts that
  touch no item's conditions are no evidence either way: 待确认.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from engine.classify.explain import Describer, closeness, held_keys, live_keys, ruled_out, truth
from engine.classify.facts import show_value
from engine.classify.select import Selection, select_standards
from engine.classify.text import rank
from engine.compile.criteria import FINDING_KIND, CriteriaPlan, compile_criteria
from engine.errors import EvaluationError
from engine.evaluate.run import Backend
from engine.facts import Fact
from engine.load.criteria import CriteriaSet, LoadedItem
from engine.model.classification import Classification, ItemResult, StandardUsed

NEAREST = 3
UNDECIDED = 5


@dataclass(frozen=True)
class FindingInput:
    """One finding to classify: typed facts by key, its sector and its date."""

    facts: Mapping[str, Any]
    on: date
    sector: str | None = None
    text: str | None = None
    label: str = field(default="", compare=False)  # where it came from, for error messages


class Classifier:
    def __init__(self, cs: CriteriaSet, backend: Backend) -> None:
        self.cs = cs
        self.backend = backend
        self.describe = Describer(cs.vocabulary)
        self._plans: dict[tuple[str, ...], CriteriaPlan] = {}
        self._context = {f.key for f in cs.vocabulary.facts if f.context}
        sector_fact = cs.vocabulary.get("行业")
        self._sector_key = sector_fact.key if sector_fact else None
        self._sector_values = set(sector_fact.values) if sector_fact else set()

    # ------------------------------------------------------------------ inputs

    def sector_of(self, finding: FindingInput) -> str | None:
        if finding.sector:
            return finding.sector
        if self._sector_key and isinstance(finding.facts.get(self._sector_key), str):
            return str(finding.facts[self._sector_key])
        return None

    def _data(self, finding: FindingInput, sector: str | None) -> dict[str, Any]:
        data = {k: v for k, v in finding.facts.items() if v is not None}
        if sector in self._sector_values and self._sector_key and self._sector_key not in data:
            data[self._sector_key] = sector
        return data

    def plan(self, ids: tuple[str, ...]) -> CriteriaPlan:
        if ids not in self._plans:
            self._plans[ids] = compile_criteria(self.cs, ids)
        return self._plans[ids]

    # ------------------------------------------------------------------ run

    def classify_many(self, findings: Sequence[FindingInput]) -> list[Classification]:
        """One Classification per finding, in order; every finding is evaluated or we stop."""
        groups: dict[tuple[str | None, date], list[int]] = {}
        sectors = [self.sector_of(f) for f in findings]
        for i, f in enumerate(findings):
            groups.setdefault((sectors[i], f.on), []).append(i)
        out: list[Classification | None] = [None] * len(findings)
        for (sector, on), members in groups.items():
            selection = select_standards(self.cs, sector, on)
            plan = self.plan(selection.ids)
            data = [self._data(findings[i], sector) for i in members]
            facts = [Fact(FINDING_KIND, d) for d in data]
            hits, evaluated = self.backend.evaluate(plan, facts)
            if evaluated != len(facts):
                raise EvaluationError(
                    f"判定：送入 {len(facts)} 条隐患，只评估了 {evaluated} 条，结果不完整，已停止")
            held: dict[int, list[int]] = {}
            for item_index, fact_index in hits:
                held.setdefault(fact_index, []).append(item_index)
            for j, i in enumerate(members):
                matched = [plan.items[k] for k in sorted(held.get(j, []))]
                out[i] = self._verdict(findings[i], sector, on, selection, plan, data[j], matched)
        assert all(c is not None for c in out)
        return [c for c in out if c is not None]

    def classify(self, finding: FindingInput) -> Classification:
        return self.classify_many([finding])[0]

    # ------------------------------------------------------------------ verdict

    def _cite(self, it: LoadedItem, **extra: Any) -> ItemResult:
        """An item as the report cites it: standard, number, ref, paraphrase, verification."""
        return ItemResult(standard=it.standard_id, number=self.cs.standard(it.standard_id).number, ref=it.ref,
                          family=it.item.family, summary=it.item.summary, verified=it.item.verified,
                          note=it.item.note, **extra)

    def _result(self, it: LoadedItem, data: Mapping[str, Any], **extra: Any) -> ItemResult:
        """Cited with the state of each of its conditions on this finding."""
        return self._cite(it, conditions=self.describe.states(it.condition, data), **extra)

    def _relevant(self, it: LoadedItem, data: Mapping[str, Any]) -> bool:
        """Part of the item already holds on something it is about (not just its gate or context).

        Only such items can be "undecided" or "nearest": an item the finding merely shares a
        fact with (a place that is not one of the item's places) says nothing about it.
        """
        if ruled_out(it.gate, data):
            return False  # another sector's or enterprise type's article
        test_keys = {f.key for f in it.test_fields} - self._context
        return bool(held_keys(it.condition, data) & test_keys)

    def _open(self, it: LoadedItem, data: Mapping[str, Any]) -> bool:
        """An undecided item the finding is about: a branch still open reads a recorded fact."""
        if ruled_out(it.gate, data):
            return False
        test_keys = {f.key for f in it.test_fields} - self._context
        return bool(live_keys(it.test, data) & test_keys)

    def _covered(self, it: LoadedItem, data: Mapping[str, Any]) -> bool:
        """Every fact the item's deciding branch reads is recorded (and one is not context)."""
        if ruled_out(it.gate, data):
            return False
        keys = {f.key for f in it.test_fields} - self._context
        return bool(keys & data.keys()) and not self.describe.missing(it.condition, data)

    def _verdict(self, finding: FindingInput, sector: str | None, on: date, selection: Selection,
                 plan: CriteriaPlan, data: dict[str, Any], matched: list[LoadedItem]) -> Classification:
        reasons: list[str] = []
        matches = tuple(self._result(it, data) for it in matched)
        undecided: tuple[ItemResult, ...] = ()
        nearest: tuple[ItemResult, ...] = ()
        if matches:
            verdict = "重大"
            cited = "；".join(f"{m.number} {m.ref}" for m in matches)
            reasons.append(f"符合 {cited}")
            confirm = not any(m.verified for m in matches)
            if confirm:
                reasons.append("所符合的条款均未在两个以上来源核实（verified: false），请对照官方原文确认")
            reasons.extend(self._precedence_reasons(selection.standards, matches))
        else:
            truths = [(it, truth(it.condition, data)) for it in plan.items]
            open_items = [it for it, t in truths if t is None and self._open(it, data)]
            cache: dict[int, tuple[float, int]] = {}

            def near(it: LoadedItem) -> tuple[float, int]:
                if id(it) not in cache:
                    cache[id(it)] = closeness(it.condition, data)
                return cache[id(it)]

            open_items.sort(key=near, reverse=True)
            undecided = tuple(self._result(it, data, missing=self.describe.missing(it.condition, data),
                                           score=near(it)[0])
                              for it in open_items[:UNDECIDED])
            # items that partly hold come first; an item that failed on its only recorded
            # conditions (a threshold just missed) is shown when nothing partly holds
            failed_items = [it for it, t in truths if t is False]
            failed = [it for it in failed_items if self._relevant(it, data)] or [
                it for it in failed_items if self._covered(it, data)]
            failed.sort(key=near, reverse=True)
            nearest = tuple(self._result(it, data, score=near(it)[0]) for it in failed[:NEAREST])
            partial = [s for s in selection.standards if s.coverage == "partial"
                       and (s.role != "优先适用" or self._touches(s.id, plan, data))]
            confirm = True
            if not selection.has_sector_standard:
                verdict = "待确认"
            elif undecided:
                verdict = "待确认"
                for u in undecided:
                    reasons.append(f"{u.number} {u.ref} 尚不能判断：缺少 {'、'.join(u.missing)}")
            elif partial:
                verdict = "待确认"
                for s in partial:
                    missing = "、".join(s.missing_items[:5]) + (
                        f" 等 {len(s.missing_items)} 项" if len(s.missing_items) > 5 else "")
                    reasons.append(f"没有符合已录入条款，但 {s.title}（{s.number}）只录入了部分条款"
                                   f"（未录入：{missing}），请人工判断")
            elif not nearest:
                # nothing was ruled out on a recorded fact: no evidence for 一般 either
                verdict = "待确认"
                recorded = any(k not in self._context for k in data)
                reasons.append("记录的事实没有涉及任何已录入条款的判定条件，无法据此判定" if recorded
                               else "没有记录任何可以对照条款的事实")
            else:
                verdict = "一般"
                confirm = False
                reason = "没有符合任何已录入条款；与隐患有关的条款均因已记录的事实不成立"
                if nearest:
                    near = nearest[0]
                    failed_text = "、".join(f"{c.condition}（记录：{c.recorded}）"
                                            for c in near.conditions if c.state == "不成立")
                    reason += f"（最接近的 {near.number} {near.ref}：{failed_text} 不成立）"
                reasons.append(reason)
        candidates: tuple[ItemResult, ...] = ()
        if finding.text:
            ranked = rank(plan.items, finding.text, data)
            candidates = tuple(self._cite(it, words=words, score=score,
                                          missing=self.describe.missing(it.condition, data))
                               for it, words, score in ranked)
            if not finding.facts:
                verdict, confirm, undecided, nearest = "待确认", True, (), ()
                reasons = ["仅凭文字描述无法定论：以下候选条款按描述中出现的词排序，需人工确认；"
                           "记录候选条款列出的事实（--fact 名称=值）后可以判定"]
                if not candidates:
                    reasons.append("描述中没有出现任何条款的关键词")
        reasons.extend(selection.notes)
        return Classification(
            verdict=verdict, needs_confirmation=confirm, reasons=tuple(reasons), date=on.isoformat(),
            sector=sector, facts=self._shown(data), standards=selection.standards, matches=matches,
            undecided=undecided, nearest=nearest, candidates=candidates, text=finding.text)

    def _touches(self, standard_id: str, plan: CriteriaPlan, data: Mapping[str, Any]) -> bool:
        """The finding records a fact (other than context) that an item of this standard reads."""
        keys = {f.key for it in plan.items if it.standard_id == standard_id for f in it.test_fields}
        return any(k in keys and k not in self._context for k in data)

    @staticmethod
    def _precedence_reasons(used: tuple[StandardUsed, ...], matches: tuple[ItemResult, ...]) -> list[str]:
        by_id = {s.id: s for s in used}
        out = []
        for sid in dict.fromkeys(m.standard for m in matches):
            s = by_id.get(sid)
            if s is not None and s.role == "优先适用" and s.reason:
                out.append(f"{s.title}：{s.reason}")
        return out

    def _shown(self, data: Mapping[str, Any]) -> dict[str, str]:
        out = {}
        for key, value in data.items():
            fact = self.cs.vocabulary.by_key(key)
            out[fact.name] = show_value(fact, value)
        return out
