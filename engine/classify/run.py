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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Protocol

from engine.classify.combined import CombinedOutcome, GroupCount, judge_combined
from engine.classify.explain import (
    Describer,
    closeness,
    failing_keys,
    held_keys,
    live_keys,
    ruled_out,
    stated_truth,
    truth,
)
from engine.classify.facts import show_value
from engine.classify.select import EditionsInForce, Selection, select_standards
from engine.classify.text import NearWords, Ranked, mentioned, rank
from engine.classify.text import normalise as normalise_text
from engine.classify.verdict import Evidence, decide
from engine.compile.criteria import FINDING_KIND, CriteriaPlan, compile_criteria
from engine.errors import EvaluationError
from engine.evaluate.sampled import one_input
from engine.evaluate.source import Backend
from engine.expr.normalize import referenced_fields
from engine.facts import Fact
from engine.load.criteria import CriteriaSet, LoadedItem
from engine.model.classification import (
    Classification,
    ConditionState,
    FactOrigin,
    FactSource,
    ItemResult,
    StandardUsed,
)
from engine.textread.bounds import Thresholds, stand_in, thresholds
from engine.textread.reader import TextReading, shared_reader

NEAREST = 3
_DAY = "\x00日期\x00"  # stands for the finding's date in a selection's notes until it is filled in
UNDECIDED = 5
CANDIDATES = 5
NEAR_PIECES = 4  # two-character pieces a text must share with an item's mentions to be "about" it
_BOUND_WORDS = {">": "超过", ">=": "不少于", "<": "不足", "<=": "不超过"}


@dataclass(frozen=True, slots=True)  # slots: a ledger makes one per row
class FindingInput:
    """One finding to classify: typed facts by key, its sector and its date."""

    facts: Mapping[str, Any]
    on: date
    sector: str | None = None
    text: str | None = None
    label: str = field(default="", compare=False)  # where it came from, for error messages
    given_as: FactOrigin = "--fact"  # where ``facts`` came from: --fact, a 事实 column, a finding file


@dataclass(frozen=True)
class _Facts:
    """A finding's facts as the backend sees them, and what the description contributed."""

    data: dict[str, Any]
    reading: TextReading | None
    from_text: frozenset[str]  # keys whose value came from the description
    notes: tuple[str, ...]
    plain: frozenset[str] = frozenset()  # of those, the ones read from a bare name (no state said)


@dataclass(frozen=True)
class Group:
    """The distinct findings judged by one set of standards: the unit of work, here or in a helper."""

    sector: str | None
    ids: tuple[str, ...]
    skip: bool  # leave out the sector-gated articles (工贸 with no sector read)
    findings: tuple[FindingInput, ...]  # the first finding of each distinct content
    selections: tuple[Selection, ...]  # the standards each was selected with (its date's notes)


class GroupHelpers(Protocol):
    """Other processes that classify some groups while this one does the rest."""

    def start(self, groups: Sequence[Group]) -> set[int]:
        """Send some groups away; returns their indexes (possibly none)."""
        ...

    def collect(self) -> dict[int, list[Classification]]:
        """The groups sent away, classified (raises what a helper raised)."""
        ...

    def close(self) -> None:
        """Stop the helpers, whether or not their groups were collected."""
        ...


@dataclass(frozen=True)
class ClassifiedBatch:
    """Findings classified once per distinct finding: the distinct results (dated ""), which one
    each finding has, and each finding's own notes (its date's editions, sector articles left out)."""

    results: list[Classification]
    which: list[int]
    notes: list[tuple[str, ...]]
    # (result, notes) -> the reasons: the rows of one day share their notes, and their reasons
    _reasons: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def reasons(self, i: int) -> tuple[str, ...]:
        notes = self.notes[i]
        if not notes:
            return self.results[self.which[i]].reasons
        key = (self.which[i], id(notes))  # the notes are held by ``notes``: their id is not reused
        known = self._reasons.get(key)
        if known is None:
            known = self._reasons[key] = (*self.results[self.which[i]].reasons, *notes)
        return known

    def of(self, i: int, on: date) -> Classification:
        """Finding ``i``'s classification on its own: dated, with its notes among the reasons."""
        base = self.results[self.which[i]]
        return base.model_copy(update={"date": on.isoformat(), "reasons": self.reasons(i)})


class _ContentKeys:
    """What makes two findings of one set of standards the same: their facts, description and
    where the facts came from. The facts' part is worked out once per mapping — a ledger's
    rows share their 事实 mappings — instead of sorting each row's facts again."""

    def __init__(self) -> None:
        self._facts: dict[int, tuple[Mapping[str, Any], tuple[Any, ...]]] = {}

    def of(self, finding: FindingInput) -> tuple[Any, ...]:
        facts = finding.facts
        if not facts:
            return ((), finding.text, finding.given_as)
        known = self._facts.get(id(facts))
        if known is None or known[0] is not facts:  # the mapping held beside it: its id is not reused
            known = self._facts[id(facts)] = (facts, tuple(sorted(facts.items())))
        return (known[1], finding.text, finding.given_as)


class Classifier:
    def __init__(self, cs: CriteriaSet, backend: Backend) -> None:
        self.cs = cs
        self.backend = backend
        self.describe = Describer(cs.vocabulary)
        self._plans: dict[tuple[tuple[str, ...], bool], CriteriaPlan] = {}
        self._context = {f.key for f in cs.vocabulary.facts if f.context}
        sector_fact = cs.vocabulary.get("行业")
        self._sector_key = sector_fact.key if sector_fact else None
        self._sector_values = set(sector_fact.values) if sector_fact else set()
        sub_fact = cs.vocabulary.get("细分行业")
        self._sector_keys = {f.key for f in (sector_fact, sub_fact) if f is not None}
        self.reader = shared_reader(cs.vocabulary, cs.reading) if cs.reading is not None else None
        self._thresholds: dict[str, Thresholds] = {}
        self._plan_keys: dict[str, frozenset[str]] = {}
        self._own_keys: dict[tuple[str, tuple[str, ...]], frozenset[str]] = {}
        self._by_key: dict[str, tuple[dict[str, list[int]], dict[int, int]]] = {}
        self._near: dict[str, NearWords] = {}
        self._elements: dict[str, tuple[LoadedItem, ...]] = {}  # plan digest -> its counted elements
        self._readings: dict[tuple[str, frozenset[str]], TextReading] = {}
        self._editions = EditionsInForce(cs)
        self._selections: dict[tuple[str | None, tuple[str, ...]], Selection] = {}

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

    def plan(self, ids: tuple[str, ...], skip_sector_gated: bool = False) -> CriteriaPlan:
        """The compiled items of ``ids``; without those gated on 行业 when the sector is unknown."""
        key = (ids, skip_sector_gated)
        if key not in self._plans:
            plan = compile_criteria(self.cs, ids)
            if skip_sector_gated and self._sector_key:
                plan = plan.without(lambda it: it.gate is not None
                                    and any(f.key == self._sector_key for f in it.gate_fields))
            self._plans[key] = plan
            self._thresholds[plan.digest] = thresholds(it.condition for it in plan.items)
            gates = [c.gate for sid in ids for c in self.cs.standards[sid].combined if c.gate is not None]
            read = {f.key for it in plan.items for f in it.fields}  # and the place conditions counted on
            read |= {f.key for g in gates for f in referenced_fields(g)}
            self._plan_keys[plan.digest] = frozenset(read)
        return self._plans[key]

    def _read_keys(self, plan: CriteriaPlan, selection: Selection, text: str) -> frozenset[str]:
        """The facts to look for in ``text``: those the sector's own standards read, and those of a
        standard consulted by precedence (优先适用) only for its items the text has words of — a
        fire or chemicals standard judges a finding about fire or chemicals, not every finding."""
        deferred = {s.id for s in selection.standards if s.role == "优先适用"}
        if not deferred:
            return self._plan_keys[plan.digest]
        own = self._own_keys.get((plan.digest, tuple(sorted(deferred))))
        if own is None:
            own = frozenset(f.key for it in plan.items if it.standard_id not in deferred for f in it.fields)
            self._own_keys[(plan.digest, tuple(sorted(deferred)))] = own
        items = plan.items
        worded = {f.key for n in mentioned(items, normalise_text(text))
                  if items[n].standard_id in deferred for f in items[n].fields}
        return own | worded

    def _facts(self, finding: FindingInput, sector: str | None, plan: CriteriaPlan,
               selection: Selection) -> _Facts:
        """Given facts over facts read from the description (only facts the plan's items read)."""
        given = self._data(finding, sector)
        if not finding.text or self.reader is None:
            return _Facts(given, None, frozenset(), ())
        keys = self._read_keys(plan, selection, self._folded(finding.text))
        memo = (finding.text, keys)
        reading = self._readings.get(memo)
        if reading is None:  # a ledger repeats a description with and without a 事实 cell
            reading = self.reader.read(finding.text, keys, scope=self._plan_keys[plan.digest])
            self._readings[memo] = reading
        read = dict(reading.facts)
        notes: list[str] = []
        for key, bound in reading.bounds.items():
            value = stand_in(key, bound, self._thresholds[plan.digest])
            name = self.cs.vocabulary.by_key(key).name
            if value is None:
                notes.append(f"描述中的“{reading.words_for(key)}”只给出范围，不足以判断{name}是否达到条款的界限")
            else:
                read[key] = value
        for key, words in reading.conflicts.items():
            name = self.cs.vocabulary.by_key(key).name
            values = reading.conflict_values.get(key, ())
            chosen = self._interchangeable(plan, {**read, **given}, key, values)
            if chosen is not None and key not in given:
                read[key] = chosen
                notes.append(f"描述中{name}有几种说法（{'、'.join(map(str, values))}），"
                             f"对各条款的判定结果相同，按“{chosen}”记录")
            else:
                notes.append(f"描述中{name}的说法不一致（{'、'.join(words)}），未采用")
        from_text = frozenset(k for k in read if k not in given)
        return _Facts({**read, **given}, reading, from_text, tuple(notes), reading.plain_keys() & from_text)

    @staticmethod
    def _interchangeable(plan: CriteriaPlan, data: Mapping[str, Any], key: str,
                         values: Sequence[Any]) -> Any | None:
        """The first value, when every item reading ``key`` comes out the same whichever is taken.

        "加热炉…进车间前的煤气管道": two 设备 named, and both in the same item's list; which one
        is recorded changes no verdict, so the description need not be set aside. Only plain
        values qualify: a range ("没超过6米" beside "4.2米") is a statement, not a value to try.
        """
        if not values or any(isinstance(v, bool) or not isinstance(v, (int, float, str)) for v in values):
            return None
        items = [it for it in plan.items if any(f.key == key for f in it.fields)]
        answers = {tuple(truth(it.condition, {**data, key: v}) for it in items) for v in values}
        return values[0] if len(answers) == 1 else None

    # ------------------------------------------------------------------ run

    def classify_many(self, findings: Sequence[FindingInput]) -> list[Classification]:
        """One Classification per finding, in order, with its own date and date notes."""
        batch = self.classify_distinct(findings)
        return [batch.of(i, findings[i].on) for i in range(len(findings))]

    def classify_distinct(self, findings: Sequence[FindingInput],
                          progress: Callable[[int, int], None] | None = None,
                          helpers: GroupHelpers | None = None) -> ClassifiedBatch:
        """Every finding classified, each distinct one once; every finding is evaluated or we stop.

        A classification depends only on the standards in play and on the finding's content
        (facts, description), so each distinct finding is evaluated and explained
        once per set of standards and joined back to every row that repeats it — a city's
        ledger repeats the same few thousand descriptions. Only the date, and the notes that
        name it, differ from row to row: the batch keeps the distinct results and, per
        finding, which one is its and its notes, so a million rows need not hold a million
        copies. ``progress(done, total)`` is told after each set of standards is done.

        ``helpers`` (engine/classify/helpers.py) may take a share of the sets of standards to
        other processes: each set is classified by ``classify_group`` wherever it runs, so
        the batch is the same either way.
        """
        selections: dict[tuple[str | None, date], Selection] = {}
        groups: dict[tuple[str | None, tuple[str, ...], bool], dict[tuple[Any, ...], list[int]]] = {}
        # (sector, day, 行业 recorded) -> its group: the group is worked out once per such triple,
        # not once a row (a city's ledger has a million rows and a few thousand triples)
        slots: dict[tuple[str | None, date, bool], dict[tuple[Any, ...], list[int]]] = {}
        contents = _ContentKeys()
        for i, f in enumerate(findings):
            sector = self.sector_of(f)
            # 工贸 with no sector read: the sector articles are left out, unless 行业 was recorded
            recorded = self._sector_key is not None and f.facts.get(self._sector_key) is not None
            slot = slots.get((sector, f.on, recorded))
            if slot is None:
                if (sector, f.on) not in selections:
                    selections[(sector, f.on)] = self._selection(sector, f.on)
                selection = selections[(sector, f.on)]
                skip = selection.skip_sector_gated and not recorded
                slot = slots[(sector, f.on, recorded)] = groups.setdefault((sector, selection.ids, skip), {})
            slot.setdefault(contents.of(f), []).append(i)
        del slots, contents
        work = [Group(sector, ids, skip, tuple(findings[m[0]] for m in by_content.values()),
                      tuple(selections[(sector, findings[m[0]].on)] for m in by_content.values()))
                for (sector, ids, skip), by_content in groups.items()]
        sizes = [sum(len(m) for m in by_content.values()) for by_content in groups.values()]
        classified: dict[int, list[Classification]] = {}
        try:
            away = helpers.start(work) if helpers is not None else set()
            done = 0
            here = [g for g in range(len(work)) if g not in away]
            # this process's groups are one input to the backend: one sample over all of them
            with one_input(self.backend, sum(len(work[g].findings) for g in here)):
                for g in here:
                    classified[g] = self.classify_group(work[g])
                    done += sizes[g]
                    if progress is not None:
                        progress(done, len(findings))
            if away:
                classified.update(helpers.collect())  # type: ignore[union-attr]
                if progress is not None:
                    progress(len(findings), len(findings))
        finally:
            if helpers is not None:
                helpers.close()
        results: list[Classification] = []
        which: list[int] = [-1] * len(findings)
        notes: list[tuple[str, ...]] = [()] * len(findings)
        shared_notes: dict[tuple[str | None, date, bool], tuple[str, ...]] = {}  # one per day, not per row
        for g, ((sector, _, skip), by_content) in enumerate(groups.items()):
            if len(classified.get(g, ())) != len(by_content):
                raise EvaluationError(
                    f"判定：一组隐患没有全部得到结论（{len(by_content)} 条），结果不完整，已停止")
            for result, members in zip(classified[g], by_content.values(), strict=True):
                results.append(result)
                for i in members:
                    which[i] = len(results) - 1
                    day = (sector, findings[i].on, skip)
                    if day not in shared_notes:
                        sel = selections[(sector, findings[i].on)]
                        shared_notes[day] = (*sel.notes, *(sel.skip_notes if skip else ()))
                    notes[i] = shared_notes[day]
        missing = sum(1 for w in which if w < 0)
        if missing:
            raise EvaluationError(f"判定：{missing} 条隐患没有得到结论，结果不完整，已停止")
        return ClassifiedBatch(results, which, notes)

    def classify_group(self, group: Group) -> list[Classification]:
        """One set of standards' distinct findings, evaluated together: one result each, in order."""
        plan = self.plan(group.ids, group.skip)
        failures: dict[int, Exception] = {}
        read = [self._read_or_fail(f, group.sector, plan, sel, failures, j)
                for j, (f, sel) in enumerate(zip(group.findings, group.selections, strict=True))]
        facts = [Fact(FINDING_KIND, r.data) for r in read]
        hits, evaluated = self.backend.evaluate(plan, facts)
        if evaluated != len(facts):
            raise EvaluationError(
                f"判定：送入 {len(facts)} 条隐患，只评估了 {evaluated} 条，结果不完整，已停止")
        held: dict[int, list[int]] = {}
        for item_index, fact_index in hits:
            held.setdefault(fact_index, []).append(item_index)
        out: list[Classification] = []
        for j, (finding, selection) in enumerate(zip(group.findings, group.selections, strict=True)):
            matched = [plan.items[k] for k in sorted(held.get(j, []))]
            try:
                if j in failures:
                    raise failures[j]
                out.append(self._verdict(finding, group.sector, selection, plan, read[j], matched))
            except EvaluationError:
                raise
            except Exception as exc:  # one finding's explanation must not sink a whole ledger
                out.append(self._failed(finding, group.sector, selection, exc))
        return out

    def _read_or_fail(self, finding: FindingInput, sector: str | None, plan: CriteriaPlan,
                      selection: Selection, failures: dict[int, Exception], j: int) -> _Facts:
        """The finding's facts; if reading its description fails, its given facts alone, and the
        error kept for its verdict."""
        try:
            return self._facts(finding, sector, plan, selection)
        except EvaluationError:
            raise
        except Exception as exc:
            failures[j] = exc
            return _Facts(self._data(finding, sector), None, frozenset(), ())

    def _failed(self, finding: FindingInput, sector: str | None, selection: Selection,
                exc: Exception) -> Classification:
        """待确认, with the error named: the finding is judged by a person, the run goes on."""
        rule = decide(Evidence(matched=False, sector_standard=selection.has_sector_standard, undecided=False,
                               partial=False, near_miss=False, text_about_nothing=False, failed=True))
        return Classification(
            verdict=rule.verdict, needs_confirmation=rule.needs_confirmation,
            reasons=(f"{rule.doc}：{type(exc).__name__}: {exc}",), date="", sector=sector, facts={},
            standards=selection.standards, text=finding.text, from_text=bool(finding.text), rule=rule.code)

    def _selection(self, sector: str | None, on: date) -> Selection:
        """``select_standards``, once per sector and set of editions in force: the date matters
        only through the editions, and through the notes that name it, which are made with a
        placeholder and filled in per day."""
        key = (sector, self._editions(on))
        template = self._selections.get(key)
        if template is None:
            template = select_standards(self.cs, sector, on, day_label=_DAY)
            self._selections[key] = template
        if not any(_DAY in n for n in (*template.notes, *template.skip_notes)):
            return template
        day = str(on)
        return replace(template, notes=tuple(n.replace(_DAY, day) for n in template.notes),
                       skip_notes=tuple(n.replace(_DAY, day) for n in template.skip_notes))

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

    def _verdict(self, finding: FindingInput, sector: str | None, selection: Selection,
                 plan: CriteriaPlan, facts: _Facts, matched: list[LoadedItem]) -> Classification:
        """The verdict on one distinct finding; the caller adds its date and the date's notes."""
        data = facts.data
        reasons: list[str] = []
        # what the description talks about: items ranked by the words they share with it
        folded = self._folded(finding.text)
        ranked = rank(plan.items, folded, data, self._context, limit=None) if finding.text else []
        by_item = {id(it): (words, score) for it, words, score in ranked}

        def by_text(it: LoadedItem) -> float:
            return by_item.get(id(it), ((), 0.0))[1]

        def words_of(it: LoadedItem) -> tuple[str, ...]:
            return by_item.get(id(it), ((), 0.0))[0]

        # an element of a comprehensive determination is never a match on its own: it is counted
        elements = {(it.standard_id, it.ref) for it in matched if it.item.element}
        matched = sorted((it for it in matched if not it.item.element), key=by_text, reverse=True)
        combos = self._combos(plan, data, elements, bool(finding.text) and facts.reading is not None)
        holding = [c for c in combos if c.state == "holds"]
        matches = (*(self._result(it, data, words=words_of(it)) for it in matched),
                   *(self._combined_result(c, data) for c in holding))
        reasons.extend(self._combined_reason(c) for c in combos)
        undecided: tuple[ItemResult, ...] = ()
        nearest: tuple[ItemResult, ...] = ()
        # the items the verdict rests on
        decisive: list[LoadedItem] = [*matched, *(it for c in holding for it in c.held)]
        partial: list[StandardUsed] = []
        about_nothing = on_topic = False
        if not matches:
            # only items that read a recorded fact (other than context) or share words with the
            # text can be open or near: the others are neither, whatever their truth
            touched = self._touched_items(plan, data, ranked)
            truths = {id(it): truth(it.condition, data) for it in touched}
            if finding.text and facts.reading is not None:
                # a description speaks of one situation: an item's other situations, which no
                # fact it states touches, do not keep the item open
                for it in touched:
                    if truths[id(it)] is None and stated_truth(it.condition, data, self._context) is False:
                        truths[id(it)] = False
                if facts.plain:
                    # an item that fails only on a bare name ("自救器", "监护人") is not shown to be
                    # in order: mentioning a thing does not say it is there and fit
                    for it in touched:
                        if truths[id(it)] is not False:
                            continue
                        named = failing_keys(it.condition, data) & facts.plain
                        bare = {k: v for k, v in data.items() if k not in named}
                        if named and stated_truth(it.condition, bare, self._context) is None:
                            truths[id(it)] = None
            # an item is open when a branch that could still hold reads a given fact, or a fact
            # read from the description that the item's own words show the text is about
            worded = by_item.keys()
            given = {k: v for k, v in data.items() if k not in facts.from_text}
            open_items = [it for it in touched if truths[id(it)] is None
                          and self._open(it, data if id(it) in worded else given)]
            # the description's main topic, if no fact read settles it, is open too
            topic = self._topic(ranked, truths)
            open_items += [it for it in topic if truths[id(it)] is None and it not in open_items]
            cache: dict[int, tuple[float, int]] = {}

            def near(it: LoadedItem) -> tuple[float, float, int]:
                if id(it) not in cache:
                    cache[id(it)] = closeness(it.condition, data)
                return (by_text(it), *cache[id(it)])

            open_items.sort(key=near, reverse=True)
            undecided = (*(self._combined_result(c, data) for c in combos if c.state == "open"),
                         *(self._result(it, data, missing=self.describe.missing(it.condition, data),
                                        score=cache[id(it)][0], words=words_of(it))
                           for it in open_items[:UNDECIDED]))[:UNDECIDED]
            # items that partly hold come first; an item that failed on its only recorded
            # conditions (a threshold just missed) is shown when nothing partly holds
            failed_items = [it for it in touched if truths[id(it)] is False]
            failed = [it for it in failed_items if self._relevant(it, data) or id(it) in worded] or [
                it for it in failed_items if self._covered(it, data)]
            failed.sort(key=near, reverse=True)
            nearest = (*(self._combined_result(c, data) for c in combos if c.state == "fails"),
                       *(self._result(it, data, score=cache[id(it)][0], words=words_of(it))
                         for it in failed[:NEAREST]))[:NEAREST]
            decisive = [*(it for c in combos for it in c.held), *failed[:NEAREST]]
            on_topic = bool(failed) and self._failed_on_topic(failed[0], ranked, data)
            partial = [s for s in selection.standards if s.coverage == "partial"
                       and (s.role != "优先适用" or self._touches(s.id, plan, data))]
            about_nothing = (not nearest and bool(finding.text) and facts.reading is not None
                             and not ranked and not self._text_touches(plan, facts)
                             and not self._relevant_given(finding, data)
                             and not self._near_words(plan).about(folded, NEAR_PIECES))
            failing = self.reader.device_failing(folded) if about_nothing and self.reader else None
            if failing is not None:
                about_nothing = False  # a device said to fail, though no item's words name it
                reasons.append(f"描述说到装置失效或缺失（“{failing}”），但没有读出条款用到的事实，不能据此判为一般")
        rule = decide(Evidence(matched=bool(matches), sector_standard=selection.has_sector_standard,
                               undecided=bool(undecided), partial=bool(partial), near_miss=bool(nearest),
                               text_about_nothing=about_nothing, near_on_topic=on_topic))
        verdict, confirm = rule.verdict, rule.needs_confirmation
        if rule.code == "matched":
            reasons.append(f"符合 {'；'.join(f'{m.number} {m.ref}' for m in matches)}")
            confirm = not any(m.verified for m in matches)
            if confirm:
                reasons.append("所符合的条款均未在两个以上来源核实（verified: false），请对照官方原文确认")
            reasons.extend(self._precedence_reasons(selection.standards, matches))
        elif rule.code == "undecided":
            reasons.extend(f"{u.number} {u.ref} 尚不能判断：缺少 {'、'.join(u.missing) or '其他情形的事实'}"
                           for u in undecided)
        elif rule.code == "partial-standard":
            for s in partial:
                missing = "、".join(s.missing_items[:5]) + (
                    f" 等 {len(s.missing_items)} 项" if len(s.missing_items) > 5 else "")
                reasons.append(f"没有符合已录入条款，但 {s.title}（{s.number}）只录入了部分条款"
                               f"（未录入：{missing}），请人工判断")
        elif rule.code == "text-about-nothing":
            reasons.append("描述没有涉及任何已录入条款的内容（没有条款的关键词，也没有读出任何条款用到的事实）")
            decisive = []
        elif rule.code == "no-evidence":
            recorded = any(k not in self._context for k in data)
            reasons.append("记录的事实没有涉及任何已录入条款的判定条件，无法据此判定" if recorded
                           else "没有记录任何可以对照条款的事实")
        elif rule.code in ("near-miss", "near-miss-on-topic"):
            near_item = nearest[0]
            failed_text = "、".join(f"{c.condition}（记录：{c.recorded}）"
                                    for c in near_item.conditions if c.state == "不成立")
            reasons.append("没有符合任何已录入条款；与隐患有关的条款均因已记录的事实不成立"
                           f"（最接近的 {near_item.number} {near_item.ref}：{failed_text} 不成立）")
        candidates = tuple(self._cite(it, words=words, score=score,
                                      missing=self.describe.missing(it.condition, data))
                           for it, words, score in ranked[:CANDIDATES])
        from_text = bool(finding.text) and (
            verdict == "待确认" or not decisive
            or any(f.key in facts.from_text for it in decisive for f in it.fields))
        confirm = confirm or from_text
        reasons.extend(facts.notes)
        return Classification(
            verdict=verdict, needs_confirmation=confirm, reasons=tuple(reasons), date="",
            sector=sector, facts=self._shown(data), standards=selection.standards, matches=matches,
            undecided=undecided, nearest=nearest, candidates=candidates, text=finding.text,
            sources=self._sources(finding, facts), from_text=from_text, text_notes=facts.notes,
            rule=rule.code)

    def _combos(self, plan: CriteriaPlan, data: Mapping[str, Any], held: set[tuple[str, str]],
                described: bool) -> list[CombinedOutcome]:
        """The counting rules the finding is about: an element holds, or one it does not settle
        is open on a recorded fact (as ``_open`` says of an item). Sharing words is not enough:
        喷头 names several elements, and a rule left open on words alone would make every fire
        finding 待确认. A description speaks of one situation (``described``): an element's other
        situations, which nothing stated touches, do not keep it open — as for items."""
        candidates = self._elements.get(plan.digest)
        if candidates is None:  # once per plan, not once per distinct finding of a large ledger
            candidates = self._elements[plan.digest] = tuple(it for it in plan.items if it.item.element)
        if not candidates:
            return []
        about = {(it.standard_id, it.ref) for it in candidates
                 if (it.standard_id, it.ref) not in held
                 and (stated_truth(it.condition, data, self._context) if described
                      else truth(it.condition, data)) is None and self._open(it, data)}
        return judge_combined(self.cs, plan.standard_ids, data, held, about)

    def _combined_result(self, c: CombinedOutcome, data: Mapping[str, Any]) -> ItemResult:
        """A counting rule cited like an item: its place condition, then each element's state."""
        rule = c.rule.rule
        held = {id(it) for it in c.held}
        unknown = {id(it) for it in c.unknown}
        by_ref = {it.ref: it for it in self.cs.items(c.rule.standard_id)}
        states = list(self.describe.states(c.rule.gate, data)) if c.rule.gate is not None else []
        for group in rule.counted_groups:
            for ref in group.elements:
                it = by_ref[ref]
                state = "成立" if id(it) in held else ("未记录" if id(it) in unknown else "不成立")
                label = f"{group.name} " if group.name else ""
                states.append(ConditionState(condition=f"{label}要素 {ref}：{it.item.summary}", state=state))
        missing: list[str] = []
        if c.gate is None and c.rule.gate is not None:
            missing.extend(self.describe.missing(c.rule.gate, data))
        if c.short_by:
            missing.append(f"该场所的其他综合判定要素（还差 {c.short_by} 条）")
        missing.extend(f"条款 {ref}" for ref in c.required_missing)
        return ItemResult(standard=c.rule.standard_id, number=self.cs.standard(c.rule.standard_id).number,
                          ref=rule.ref, family="综合判定", summary=rule.summary, verified=rule.verified,
                          note=rule.note, conditions=tuple(states), missing=tuple(missing),
                          score=len(c.held) / sum(g.at_least for g in c.groups),
                          elements=tuple(it.ref for it in c.held))

    def _combined_reason(self, c: CombinedOutcome) -> str:
        """One sentence on a counting rule: how many elements hold of how many it takes."""
        rule = c.rule.rule
        number = self.cs.standard(c.rule.standard_id).number
        def counted(g: GroupCount) -> str:
            refs = f"（{'、'.join(it.ref for it in g.held)}）" if g.held else ""
            return f"{g.name or '综合判定要素'}成立 {len(g.held)} 条{refs}，须 {g.at_least} 条以上"

        head = f"综合判定 {number} {rule.ref}：" + "；".join(counted(g) for g in c.groups)
        if c.state == "holds":
            return head + "，已达到，判为重大隐患"
        if c.gate is False:
            return head + "；场所类别不符，本规则不适用"
        if c.state == "fails":
            return head + "；这条隐患单独达不到，不构成重大隐患（同一场所的其他隐患须合并计数）"
        tail = "；单项要素不构成重大隐患，须与同一场所的其他隐患合并计数"
        if c.gate is None and c.rule.gate is not None:
            tail += "，并写明场所类别"
        return head + tail

    def _folded(self, text: str | None) -> str:
        """The text with its declared typos written as the items' words are (流糟 → 流槽)."""
        if not text or self.reader is None:
            return text or ""
        return self.reader.fold(text)

    def _failed_on_topic(self, it: LoadedItem, ranked: Ranked, data: Mapping[str, Any]) -> bool:
        """The item failed is the one the text is most about, and fails outright on what is recorded.

        Then a partly encoded standard's missing items are not what the text speaks of: its
        words picked this item, and what it states of this item rules the item out. A failure
        on context alone (a place, a sector) is no such statement.
        """
        if not ranked:
            return False
        best = ranked[0][2]
        if not any(r is it and score >= best for r, _, score in ranked):
            return False
        if truth(it.condition, data) is not False:
            return False  # failed only as "the situation the text speaks of": too weak against missing items
        tested = {f.key for f in it.test_fields} - self._context
        return any(data.get(k) is not None for k in tested)

    def _near_words(self, plan: CriteriaPlan) -> NearWords:
        if plan.digest not in self._near:
            self._near[plan.digest] = NearWords(plan.items)
        return self._near[plan.digest]

    def _touched_items(self, plan: CriteriaPlan, data: Mapping[str, Any], ranked: Ranked) -> list[LoadedItem]:
        """The plan's items, in plan order, that read a recorded non-context fact or are ranked by words."""
        if plan.digest not in self._by_key:
            index: dict[str, list[int]] = {}
            for n, it in enumerate(plan.items):
                for f in it.fields:
                    index.setdefault(f.key, []).append(n)
            self._by_key[plan.digest] = (index, {id(it): n for n, it in enumerate(plan.items)})
        index, position = self._by_key[plan.digest]
        picked = {n for k in data if k not in self._context for n in index.get(k, ())}
        picked.update(position[id(it)] for it, _, _ in ranked)
        # an element alone decides nothing: its counting rule is judged in judge_combined
        return [plan.items[n] for n in sorted(picked) if not plan.items[n].item.element]

    @staticmethod
    def _topic(ranked: list[tuple[LoadedItem, tuple[str, ...], float]],
               truths: Mapping[int, bool | None]) -> list[LoadedItem]:
        """The items the description is most about: the best-ranked, and any tied with it."""
        if not ranked:
            return []
        best = ranked[0][2]
        # an element is no topic of its own: its counting rule is (``truths`` holds no elements)
        return [it for it, _, score in ranked
                if score >= best and not it.item.element and truths[id(it)] is not False]

    def _text_touches(self, plan: CriteriaPlan, facts: _Facts) -> bool:
        """A condition (yes/no or number) read from the text partly holds an item: the text is about it.

        A place or a kind of equipment named in passing (装置区, 职工宿舍) is no such sign; a
        stated condition such as 积水 or 作业人员12人 that an item tests is.
        """
        keys = {k for k in facts.from_text - self._context
                if self.cs.vocabulary.by_key(k).type in ("bool", "number")}
        if facts.reading is not None and any(
                self.cs.vocabulary.by_key(k).device for k in facts.reading.named - facts.from_text):
            return True  # a device named without its state: the text is about it, the state unsaid
        if not keys:
            return False
        # a precondition (an applies_when fact such as 仍在使用) read alone is no sign either
        return any(not ruled_out(it.gate, facts.data) and held_keys(it.test, facts.data) & keys
                   for it in plan.items if keys & {f.key for f in it.test_fields})

    def _relevant_given(self, finding: FindingInput, data: Mapping[str, Any]) -> bool:
        """A given (not read) fact other than context: then silence of the text proves nothing."""
        return any(k not in self._context for k in finding.facts if data.get(k) is not None)

    def _sources(self, finding: FindingInput, facts: _Facts) -> tuple[FactSource, ...]:
        out: list[FactSource] = []
        reading = facts.reading
        for key, value in facts.data.items():
            fact = self.cs.vocabulary.by_key(key)
            if key in facts.from_text and reading is not None:
                bound = reading.bounds.get(key)
                shown = (f"{_BOUND_WORDS[bound.op]} {show_value(fact, bound.value)}" if bound
                         else show_value(fact, value))
                out.append(FactSource(name=fact.name, value=shown, source="描述",
                                      words=reading.words_for(key, bound or value)))
            elif key in finding.facts or key in self._sector_keys:
                origin = "行业" if key in self._sector_keys and finding.sector else finding.given_as
                out.append(FactSource(name=fact.name, value=show_value(fact, value), source=origin))
        if reading is not None:
            for key, value in reading.facts.items():
                if key in finding.facts:
                    fact = self.cs.vocabulary.by_key(key)
                    out.append(FactSource(name=fact.name, value=show_value(fact, value), source="描述",
                                          words=reading.words_for(key), used=False))
        return tuple(out)

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
