"""Read facts from a written description (隐患描述), and say which words gave each one.

A finding written as "速冻间内同时作业人员12人，未单独设置作业间" states facts the criteria
test (速冻间作业人数 = 12, 速冻装置单独设间 = 否). Each fact of the vocabulary lists its phrases
under ``says``; the cues every fact shares (negation, failure of a device, comparison words,
units) are in ``criteria/reading.yaml``. The reader is deliberately literal:

* a phrase counts only inside its own clause (split at punctuation and at 但/却…), and a
  negation word flips it only when it stands just before it (``negation_gap``);
* a device fact (``device: true``, "××有效") is read only when the clause says whether it works
  (未设置…, …损坏, 已设置并投用): naming a device says nothing about it;
* a number is read only with a unit the fact's unit converts from, next to one of the fact's
  number phrases; "超过9人" is a range, settled later against the thresholds in play;
* a fact stated two ways (是 and 否, or two different places) is not read at all: the
  verdict must then wait for a person, never pick one.

Phrases are found with one Aho-Corasick automaton (pyahocorasick) over every phrase of every
fact, so a description costs one pass whatever the size of the vocabulary; Chinese numerals
(十二, 三点五) are converted with cn2an, only where they stand next to a unit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Set
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import ahocorasick

from engine.model.criteria import Fact, Vocabulary
from engine.model.reading import ReadingRules

SCOPED_AUTOMATA = 4  # scopes with an automaton of their own; beyond, the automaton of all facts
_CN_DIGITS = "零〇一二两三四五六七八九十百千万点壹贰叁肆伍陆柒捌玖拾佰仟"  # financial numerals too (贰人)
_NUMBER = rf"(?:\d+(?:\.\d+)?|[{_CN_DIGITS}]+?)"  # lazy: 二十千帕 is 二十 + 千帕
_NUMBER_GREEDY = rf"(?:\d+(?:\.\d+)?|[{_CN_DIGITS}]+)"  # after a prefix unit nothing follows to stop it
_SPACE = re.compile(r"\s+")
_LINES = re.compile(r"[\r\n]+")


def normalise(text: str) -> str:
    """NFKC (full-width digits and letters to half-width) without white space: how phrases are matched.

    A line break ends a clause, as a full stop does.
    """
    return _SPACE.sub("", _LINES.sub("。", unicodedata.normalize("NFKC", text)))


@dataclass(frozen=True)
class Bound:
    """A number stated as a range: ``op`` is one of > >= < <= against ``value``."""

    op: str
    value: float


@dataclass(frozen=True)
class Evidence:
    """One fact read from the text: the value, and the words that stated it."""

    key: str
    value: Any  # bool, str, int/float; for a range, the Bound
    words: str  # the clause words that stated it, e.g. "未设置泄爆装置"
    start: int  # offsets in the normalised text
    end: int
    # named with no word saying its state (no negation, no 已/设有/损坏… in or beside the phrase):
    # a measure so named is in place unless the text says otherwise, but a bare name is never
    # what shows an item's deficiency absent (see Classifier: it cannot make a finding 一般)
    plain: bool = False


@dataclass(frozen=True)
class TextReading:
    """What a description states: exact facts, ranges, and facts stated two ways."""

    facts: dict[str, Any]
    bounds: dict[str, Bound]
    evidence: tuple[Evidence, ...]
    conflicts: dict[str, tuple[str, ...]]  # fact key -> the words that disagree
    conflict_values: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # fact key -> the values
    named: frozenset[str] = frozenset()  # facts whose words occur, stated or not (a device without its state)

    def plain_keys(self) -> frozenset[str]:
        """Facts read only from bare names: every word giving the value read is ``plain``."""
        return frozenset(k for k, v in self.facts.items()
                         if all(e.plain for e in self.evidence if e.key == k and e.value == v))

    def words_for(self, key: str, value: Any = None) -> str:
        """The words that stated ``key`` (only those giving ``value``, when one is named)."""
        return "、".join(dict.fromkeys(e.words for e in self.evidence
                                       if e.key == key and (value is None or e.value == value)))


@dataclass(frozen=True)
class _Phrase:
    key: str
    kind: str  # bool | text | number
    value: Any  # polarity for bool, the value for text, None for number
    text: str
    lead: re.Pattern[str] | None = None  # head words by class, to be found just before ``text``


_MONTHS = {"月", "个月"}  # only a month can be a date: "位于三层厂房" is three storeys
_DATE_BEFORE = {"年", "于", "自", "从"}  # "今年八月", "于3月": a month of the calendar, not a count
_DATE_AFTER = {"日", "号", "份", "底", "初", "中旬", "末"}
_DAY_AFTER = re.compile(rf"[\d{_CN_DIGITS}]{{1,3}}[日号]")  # 3月5日
_PART_OF = ("其中", "部分", "有的", "个别")  # a clause about some of the things just named
_LIST_SEP = re.compile(r"以及|或者|、|和|及|与|或|/")
_LIST = re.compile(r"^(?:、|和|及|与|或|以及|或者|/|等)$")  # "未设置A、B和C": one negation for all three
_COMPARE_OPS = {"greater": ">", "greater_equal": ">=", "less": "<", "less_equal": "<="}


class TextReader:
    """Compiled once per vocabulary; ``read`` is a pure function of the text."""

    def __init__(self, vocabulary: Vocabulary, rules: ReadingRules) -> None:
        self.rules = rules
        self._facts = {f.key: f for f in vocabulary.facts}
        # one automaton per set of facts in play (a standard's, or several): built on first use,
        # so classifying one 工贸 finding does not pay for the 75,000 phrases of every standard
        self._automata: dict[frozenset[str] | None, ahocorasick.Automaton | None] = {}
        self._negation = tuple(sorted({normalise(w) for w in rules.negation}, key=len, reverse=True))
        self._failure = tuple(sorted({normalise(w) for w in rules.failure}, key=len, reverse=True))
        self._accessories = tuple(normalise(w) for w in rules.accessories)
        self._working = tuple(sorted({normalise(w) for w in rules.working}, key=len, reverse=True))
        self._lapsed = tuple(sorted({normalise(w) for w in rules.lapsed}, key=len, reverse=True))
        self._not_negating = tuple(sorted({normalise(w) for w in rules.not_negating}, key=len, reverse=True))
        self._stops = tuple(normalise(w) for w in rules.negation_stops)
        establish = "|".join(re.escape(normalise(w)) for w in rules.establish) or "(?!)"
        negation = "|".join(re.escape(w) for w in self._negation) or "(?!)"
        self._undone = re.compile(rf"(?:{negation})[^,.;!?:。，；]{{0,4}}?(?:{establish})")
        breaks = sorted({normalise(b) or b for b in (*rules.clause_breaks, *rules.transitions)},
                        key=len, reverse=True)
        self._breaks = re.compile("|".join(re.escape(b) for b in breaks)) if breaks else None
        self._compare = {normalise(w): _COMPARE_OPS[k] for w, k in rules.compare.kind_of().items()}
        self._compare_rx = "|".join(re.escape(w) for w in sorted(self._compare, key=len, reverse=True))
        self._numbers: dict[str, re.Pattern[str]] = {}
        self._fact_phrases: dict[str, tuple[_Phrase, ...]] = {}
        self._variants = tuple(sorted(((normalise(a), normalise(b)) for a, b in rules.variants.items()),
                                      key=lambda ab: len(ab[0]), reverse=True))
        self._class_of = {normalise(w): name for name, ws in rules.equivalents.items() for w in ws}
        self._member_rx = re.compile(_alternatives(self._class_of) or "(?!)")
        self._variant_rx = re.compile(_alternatives(a for a, _ in self._variants)) if self._variants else None
        self._class_rx = {name: _alternatives(normalise(w) for w in ws)
                          for name, ws in rules.equivalents.items()}
        self._fillers = tuple(sorted((normalise(w) for w in rules.lead_fillers), key=len, reverse=True))
        counters = _alternatives(normalise(w) for w in rules.lead_counters)
        self._counter = rf"(?:[\d{_CN_DIGITS}]{{1,3}}(?:{counters}))" if rules.lead_counters else "(?!)"
        self._installed = self._installed_rx()
        self._head_words = tuple(sorted({normalise(w) for w in rules.device_heads}, key=len, reverse=True))
        self._heads = re.compile(_alternatives(self._head_words)) if self._head_words else None
        # a phrase opening with any word of a class holding a negation (也没, 一直未) has its own
        negating = {c for c, ws in rules.equivalents.items() if set(ws) & set(rules.negation)}
        own = {*self._negation, *(w for w, c in self._class_of.items() if c in negating)}
        self._own_negation = tuple(sorted(own, key=len, reverse=True))
        # the verbs of setting up (设置, 安装, 配备…): the class ``installed`` names in reading.yaml
        setup = rules.installed.verbs if rules.installed is not None else None
        self._setup_words = frozenset(w for w, c in self._class_of.items() if c == setup)
        self._denied = self._denied_rx(negating)
        # lookaheads: every start, overlapping ones too; the alternatives longest first
        self._negation_at = re.compile(f"(?=({_alternatives(self._negation)}))") if self._negation else None
        self._not_negating_at = (re.compile(f"(?=({_alternatives(self._not_negating)}))")
                                 if self._not_negating else None)
        self._covered: tuple[str, frozenset[int]] | None = None
        self._cues = tuple({*self._negation, *self._failure, *self._working, *self._lapsed,
                            *self._not_negating, *(normalise(w) for w in rules.establish),
                            *(normalise(w) for w in rules.plain_cues),
                            *(w for w in self._setup_words if len(w) > 1)})

    def _denied_rx(self, negating: set[str]) -> re.Pattern[str] | None:
        """What closes a clause after a phrase to say the thing is not there: "连墙件压根没有",
        "报警器都没装": fillers (``denial_fillers``), a negation, perhaps a set-up verb, nothing more."""
        if not self.rules.denial_fillers:
            return None
        words = {*self._negation, *(w for w, c in self._class_of.items() if c in negating)}
        verbs = {normalise(w) for w in self.rules.establish} | self._setup_words
        fillers = _alternatives(normalise(w) for w in self.rules.denial_fillers)
        done = _alternatives(self._fillers) or "(?!)"
        return re.compile(rf"(?:{fillers})*(?:{_alternatives(words)})(?:{done})?"
                          rf"(?:(?:{_alternatives(verbs)})(?:{done})?)?$")

    # ------------------------------------------------------------------ compile

    def fold(self, text: str) -> str:
        """``text`` with every declared variant (流糟, 连琐) written as the phrases write it.

        Variants and their replacements have the same length, so offsets into the folded text
        are offsets into the text as written: the words shown for a fact stay the writer's own.
        """
        if self._variant_rx is None:
            return text
        to = dict(self._variants)
        return self._variant_rx.sub(lambda m: to[m.group()], text)

    def device_failing(self, text: str | None) -> str | None:
        """Words saying some safety device fails or is missing ("报警系统关掉", "未设联锁"), or None.

        No phrase of any fact need be among them: the device may be one no list names. A text
        saying so is about a device the criteria may test, so it is never "about nothing".
        """
        if not text or not self._heads:
            return None
        norm = self.fold(normalise(text))
        for lo, hi in self._clauses(norm):
            for m in self._heads.finditer(norm, lo, hi):
                end = _word_end(norm, m.start(), self._head_words)
                fail = self._after(norm, end, hi, self._failure, self.rules.after_gap + 2)
                if fail is not None:
                    return norm[m.start():_word_end(norm, fail, self._failure)]
                neg = self._before(norm, lo, m.start(), self._negation, self.rules.negation_gap)
                if neg is not None and neg not in self._self_negating(norm):
                    return norm[neg:end]
        return None

    def _key(self, word: str) -> str:
        """A phrase as it is matched: normalised and folded like the text."""
        return self.fold(normalise(word))

    def _phrases_of(self, key: str, fact: Fact) -> tuple[_Phrase, ...]:
        """A fact's phrases, worked out once: every automaton that holds the fact reuses them."""
        if key not in self._fact_phrases:
            self._fact_phrases[key] = tuple(self._phrases(fact))
        return self._fact_phrases[key]

    def _phrases(self, fact: Fact) -> Iterable[_Phrase]:
        if fact.type == "bool":
            for label, polarity in (("是", True), ("否", False)):
                for w in fact.says.get(label, ()):
                    text = self._key(w)
                    yield _Phrase(fact.key, "bool", polarity, text)
                    led = self._split_lead(text)
                    if led is not None:
                        yield _Phrase(fact.key, "bool", polarity, led[1], lead=led[0])
        elif fact.type == "text":
            words: dict[str, str] = {}
            for value in fact.values if fact.value_phrases else ():
                if len(normalise(value)) >= 2:
                    words[self._key(value)] = value
            for value, phrases in fact.says.items():
                for w in phrases:
                    words[self._key(w)] = value
            for w, value in words.items():
                yield _Phrase(fact.key, "text", value, w)
        else:
            for w in fact.says.get("数值", ()):
                yield _Phrase(fact.key, "number", None, self._key(w))

    def _split_lead(self, phrase: str) -> tuple[re.Pattern[str], str] | None:
        """The phrase's head words as a pattern of their classes, and the rest of the phrase.

        "未设置紧急排放阀" is 否定 + 设置 + 紧急排放阀: the writer who puts "没装紧急排放阀" says the
        same, so the head is matched by class, the rest as written. Only the head is generalised
        (the 设 of 设备 is no verb); a head of one word needs two characters unless its class may
        stand alone (未, 仅), and the rest needs two characters of its own.
        """
        i, classes, chars = 0, [], 0
        while True:
            m = self._member_rx.match(phrase, i)
            if m is None:
                break
            word = m.group()
            classes.append(self._class_of[word])
            chars += len(word)
            i += len(word)
            i += next((len(f) for f in self._fillers if phrase.startswith(f, i)), 0)
        counted = re.match(self._counter, phrase[i:])
        rest = phrase[i + (counted.end() if counted else 0):]
        if not classes or len(rest) < 2:
            return None
        if len(classes) == 1 and chars < 2 and classes[0] not in self.rules.lead_alone:
            return None
        fill = f"(?:{_alternatives(self._fillers)})?" if self._fillers else ""
        gap = f".{{0,{self.rules.lead_gap}}}?"
        head = gap.join(f"(?:{self._class_rx[c]}){fill}" for c in classes)
        return _compiled(f"{head}{self._counter}?$"), rest

    def _installed_rx(self) -> re.Pattern[str] | None:
        """"均设", "都已装了两台", "另配有": the device just after was set up (``installed``)."""
        spec = self.rules.installed
        if spec is None:
            return None
        verbs = [normalise(w) for w in self.rules.equivalents[spec.verbs]]
        adverbs = _alternatives(normalise(w) for w in spec.adverbs) or "(?!)"
        fill = f"(?:{_alternatives(self._fillers)})?" if self._fillers else ""
        longer = _alternatives(w for w in verbs if len(w) >= 2) or "(?!)"
        head = rf"(?:(?:{adverbs})+(?:{_alternatives(verbs)})|(?:{longer}))"
        return re.compile(rf"{head}{fill}{self._counter}?$")

    def _installed_before(self, norm: str, lo: int, start: int) -> int | None:
        """Start of an installing verb (均设, 已安装了) standing right before the device at ``start``."""
        if self._installed is None or self.rules.installed is None:
            return None
        m = self._installed.search(norm, lo, start)
        if m is None:
            return None
        if any(norm.endswith(normalise(w), lo, m.start()) for w in self.rules.installed.except_after):
            return None
        return m.start()

    def _automaton(self, scope: frozenset[str] | None) -> ahocorasick.Automaton | None:
        """The phrases of the facts in ``scope`` (None: of every fact), built on first use.

        A small automaton per scope starts fast (one finding, one sector); past
        ``SCOPED_AUTOMATA`` scopes (a ledger of many sectors and editions) every scope is
        served by the one automaton of all facts, so memory stays bounded. Both give the
        same reading: ``read`` passes over the matches of facts it does not want.
        """
        if scope is not None and scope not in self._automata and len(self._automata) >= SCOPED_AUTOMATA:
            scope = None
        if scope not in self._automata:
            entries: dict[str, list[_Phrase]] = {}
            for key, fact in self._facts.items():
                if scope is None or key in scope:
                    for p in self._phrases_of(key, fact):
                        same = entries.setdefault(p.text, [])
                        if p not in same:  # 未设置X and 没有设置X give one head pattern for X
                            same.append(p)
            auto = None
            if entries:
                auto = ahocorasick.Automaton()
                for text, phrases in entries.items():
                    auto.add_word(text, tuple(phrases))
                auto.make_automaton()
            self._automata[scope] = auto
        return self._automata[scope]

    # ------------------------------------------------------------------ read

    def read(self, text: str | None, keys: Iterable[str] | None = None,
             scope: frozenset[str] | None = None) -> TextReading:
        """Facts stated by ``text``; only the facts in ``keys`` (else ``scope``, else all) are read.

        ``scope`` (a superset of ``keys``: every fact of the standards in play) picks the
        automaton; matches of facts not wanted are passed over, so an automaton of more facts
        gives the same matches as one of the wanted facts alone (every match is reported,
        overlapping ones too).
        """
        auto = self._automaton(scope if scope is not None else
                               frozenset(keys) if keys is not None else None)
        if not text or auto is None:
            return TextReading({}, {}, (), {})
        wanted = set(keys) if keys is not None else set(scope) if scope is not None else None
        written = normalise(text)
        norm = self.fold(written)
        clauses = self._clauses(norm)
        matches: dict[str, list[tuple[int, int, _Phrase]]] = {}
        for end, phrases in auto.iter(norm):
            for p in phrases:
                if wanted is not None and p.key not in wanted:
                    continue
                start = end - len(p.text) + 1
                if p.lead is not None:
                    head = p.lead.search(norm, self._clause_of(clauses, start)[0], start)
                    if head is None:
                        continue
                    start = head.start()
                matches.setdefault(p.key, []).append((start, end + 1, p))
        kept = [_longest(found_spans) for found_spans in matches.values()]
        numbers = [(a, b, p.key) for one in kept for a, b, p in one if p.kind == "number"]
        texts = [(a, b, p.key) for one in kept for a, b, p in one if p.kind == "text"]
        # the phrases a negation can govern
        spans = sorted((a, b) for one in kept for a, b, p in one if p.kind == "bool")
        found: list[Evidence] = []
        embedded: set[int] = set()  # text values inside another fact's longer phrase (高炉 in 高炉煤气)
        for phrase_spans in kept:
            for start, end, p in phrase_spans:
                same_kind = numbers if p.kind == "number" else texts if p.kind == "text" else []
                inside = any(a <= start and end <= b and (a, b) != (start, end) and k != p.key
                             for a, b, k in same_kind)
                if inside and p.kind == "number":
                    continue  # 纵坡 inside 设计纵坡: the longer phrase owns the number
                ev = self._state(norm, clauses, start, end, p, spans)
                if ev is not None:
                    found.append(ev)
                    if inside:
                        embedded.add(id(ev))
        named = frozenset(p.key for spans_ in kept for _, _, p in spans_)
        if written != norm:  # the words on record are the writer's, typos and all
            shown = {id(e): replace(e, words=written[e.start:e.end]) for e in found}
            embedded = {id(shown[i]) for i in embedded}
            found = list(shown.values())
        return replace(_settle(found, embedded), named=named)

    def _clauses(self, norm: str) -> list[tuple[int, int]]:
        """(start, end) of each clause; a break word belongs to no clause."""
        if self._breaks is None:
            return [(0, len(norm))]
        out, pos = [], 0
        for m in self._breaks.finditer(norm):
            out.append((pos, m.start()))
            pos = m.end()
        out.append((pos, len(norm)))
        return out

    @staticmethod
    def _clause_of(clauses: list[tuple[int, int]], start: int) -> tuple[int, int]:
        for a, b in clauses:
            if a <= start < b:
                return a, b
        return start, start

    def _before(self, norm: str, lo: int, start: int, words: tuple[str, ...], gap: int) -> int | None:
        """Start of a cue word that ends at most ``gap`` characters before ``start`` (same clause)."""
        window = norm[lo:start]
        best = None
        for w in words:
            i = window.rfind(w)
            if i >= 0 and len(window) - (i + len(w)) <= gap and (best is None or lo + i < best):
                best = lo + i
        return best

    def _negated(self, norm: str, lo: int, start: int, spans: list[tuple[int, int]]) -> int | None:
        """Start of the negation word that governs the phrase at ``start``, or None.

        A negation governs only the first phrase after it, and not when what stands between
        is an act (未及时修订…) or an attribute (不符合规定的…), nor when it begins a word that
        negates only itself (不合格, 未检).
        """
        gap = self.rules.negation_gap
        if any(norm.startswith(w, start) for w in self._own_negation):
            return None  # "未切断电源、未挂牌": a phrase with its own negation takes no other
        lo = max(lo, start - gap - max((len(w) for w in self._negation), default=0))
        window = norm[lo:start]
        # every place a negation word starts, nearest first; at each, the longest word there
        cues = [(m.start(), m.group(1)) for m in self._negation_at.finditer(window)] if self._negation else []
        for i, cue in reversed(cues):
            at, between = lo + i, window[i + len(cue):]
            if len(between) > gap:
                return None
            if any(a <= at < b <= start for a, b in spans):
                return None  # 未经首检即投入使用: the 未 belongs to the phrase 未经首检, not to what follows
            if at in self._self_negating(norm):
                continue
            if "的" in between:
                return None
            if any(w in between for w in self._stops) and not self._sets_up(between):
                return None  # 未及时修订预案: the act is negated; but 未配备…检测报警仪 lacks the device
            between_spans = [(a, b) for a, b in spans if at + len(cue) <= a and b <= start]
            if between_spans and not _LIST.match(norm[max(b for _, b in between_spans):start]):
                return None  # another phrase stands between: the negation is about that one
            return at
        return None

    def _self_negating(self, norm: str) -> frozenset[int]:
        """Positions of ``norm`` inside a word that negates only itself (不合格, 超期未检): a
        negation there governs nothing after it. Worked out once per text."""
        if self._covered is None or self._covered[0] is not norm:
            covered: set[int] = set()
            if self._not_negating_at is not None:
                for m in self._not_negating_at.finditer(norm):
                    covered.update(range(m.start(), m.start() + len(m.group(1))))
            self._covered = (norm, frozenset(covered))
        return self._covered[1]

    def _sets_up(self, words: str) -> bool:
        """``words`` open with a verb of setting up (配备, 设置, 安装): what follows is the thing set up."""
        m = self._member_rx.match(words)
        return m is not None and m.group() in self._setup_words and len(m.group()) > 1

    def _failure_in_part(self, norm: str, clauses: list[tuple[int, int]], hi: int) -> int | None:
        """A failure word in the next clause when it speaks of part of the same things (其中四台故障)."""
        nxt = next(((a, b) for a, b in clauses if a >= hi), None)
        if nxt is None or not any(norm.startswith(w, nxt[0]) for w in _PART_OF):
            return None
        return self._after(norm, nxt[0], nxt[1], self._failure, nxt[1] - nxt[0])

    @staticmethod
    def _list_end(norm: str, end: int, spans: list[tuple[int, int]]) -> int:
        """End of the list of phrases that starts with the one ending at ``end`` (、/和/及 between)."""
        starts = {a: b for a, b in spans}
        pos = end
        while True:
            m = _LIST_SEP.match(norm, pos)
            if m is None or m.end() not in starts:
                return pos
            pos = starts[m.end()]

    def _skip(self, norm: str, end: int, hi: int) -> int:
        """How many characters after a phrase a following negation may start (within after_gap)."""
        window = norm[end:min(hi, end + self.rules.after_gap + 1)]
        hits = [window.find(w) for w in self._negation]
        hits = [i for i in hits if i >= 0]
        return min(hits) if hits else 0

    @staticmethod
    def _after(norm: str, end: int, hi: int, words: tuple[str, ...], gap: int) -> int | None:
        """Start of the first cue word beginning at most ``gap`` characters after ``end`` (same clause)."""
        window = norm[end:hi]
        hits = [i for i in (window.find(w) for w in words) if 0 <= i <= gap]
        return end + min(hits) if hits else None

    def _state(self, norm: str, clauses: list[tuple[int, int]], start: int, end: int,
               p: _Phrase, spans: list[tuple[int, int]]) -> Evidence | None:
        lo, hi = self._clause_of(clauses, start)
        fact = self._facts[p.key]
        gap = self.rules.negation_gap
        neg = self._negated(norm, lo, start, spans)
        if p.kind == "number":
            return self._number(norm, lo, hi, start, end, fact)
        if p.kind == "text":
            if neg is not None and start - neg <= 2:
                return None  # "不在渣坑", "非防爆" state no value; "未设置可燃气体报警仪" still names the gas
            return Evidence(p.key, p.value, norm[start:end], start, end)
        polarity: bool = p.value
        first, last = start, end
        denied = None if neg is not None or not p.value or self._denied is None else \
            self._denied.match(norm, self._list_end(norm, end, spans), hi)
        if neg is not None:
            polarity, first = not polarity, neg
        elif denied is not None:
            polarity, last = False, denied.end()  # "连墙件压根没有": the clause ends saying it is not there
        elif (fact.device or fact.measure) and p.value:
            # a device's name alone says nothing: the clause must say it fails or works;
            # a measure (预案, 演练, 作业票) fails, or was not done (未按计划开展)
            tail = self._list_end(norm, end, spans)  # "A、B均已拆除": the state after the list is A's too
            fail = self._after(norm, tail, hi, self._failure, self.rules.after_gap)
            if fail is not None and any(w in norm[tail:fail] for w in self._accessories):
                fail = None  # "探测器防雨罩脱落": the cover fails, not the detector
            undone = self._undone.match(norm, tail + self._skip(norm, tail, hi), hi)
            if fail is None:
                fail = self._failure_in_part(norm, clauses, hi)
            lapsed = None if fact.device else self._after(norm, tail, hi, self._lapsed, self.rules.after_gap)
            if fail is not None:
                polarity, last = False, _word_end(norm, fail, self._failure)
            elif lapsed is not None:
                polarity, last = False, _word_end(norm, lapsed, self._lapsed)
            elif undone is not None:
                polarity, last = False, undone.end()
            elif not fact.device:
                # a measure named plainly is a measure in place, unless the text says otherwise of it
                return Evidence(p.key, True, norm[first:last], first, last,
                                plain=not self._cued(self._around(norm, lo, hi, start, end)))
            else:
                before = self._before(norm, lo, start, self._working, gap)
                if before is None:
                    before = self._installed_before(norm, lo, start)
                after = self._after(norm, tail, hi, self._working, self.rules.after_gap)
                if before is None and after is None:
                    return None
                if before is not None:
                    first = before
                if after is not None:
                    last = _word_end(norm, after, self._working)
        # a 否 phrase is a statement ("水性漆", "湿式除尘"), unless it is only the name of the thing
        # the fact is about ("喷淋" for 应设未设自动喷水灭火系统)
        plain = (neg is None and denied is None and not fact.device
                 and (p.value or p.text in normalise(fact.name))
                 and not self._cued(self._around(norm, lo, hi, start, end)))
        return Evidence(p.key, polarity, norm[first:last], first, last, plain=plain)

    def _around(self, norm: str, lo: int, hi: int, start: int, end: int) -> str:
        """The phrase with the words just before and after it in its clause."""
        return norm[max(lo, start - self.rules.negation_gap):min(hi, end + self.rules.after_gap)]

    def _cued(self, words: str) -> bool:
        """The phrase and the words around it in its clause say a state (已委托第三方监测, 监测装置齐全,
        设在单独作业间, 自救器不足), not only a name."""
        return any(w in words for w in self._cues)

    def _number_rx(self, fact: Fact) -> re.Pattern[str]:
        if fact.key not in self._numbers:
            units = sorted((normalise(u) for u in self.rules.spellings(fact.unit)), key=len, reverse=True)
            # a unit spelt before its number (百分之十五, 千分之十) ends in 之
            unit_rx = "|".join(re.escape(u) for u in units if not u.endswith("之")) or "(?!)"
            prefix_rx = "|".join(re.escape(u) for u in units if u.endswith("之")) or "(?!)"
            cmp_rx = self._compare_rx or "(?!)"
            self._numbers[fact.key] = re.compile(
                rf"(?P<pre>{cmp_rx})?(?:(?P<punit>{prefix_rx})(?P<pnum>{_NUMBER_GREEDY})"
                rf"|(?P<num>{_NUMBER})(?P<approx>余|多|几)?(?P<unit>{unit_rx}))(?P<post>{cmp_rx})?")
        return self._numbers[fact.key]

    def _number(self, norm: str, lo: int, hi: int, start: int, end: int, fact: Fact) -> Evidence | None:
        """The number next to a number phrase: after it in the clause, or just before it."""
        rx = self._number_rx(fact)
        spellings = self.rules.spellings(fact.unit)
        after = norm[end:hi]
        for m in rx.finditer(after):
            if m.start() > 8:
                break
            return self._number_evidence(norm, fact, m, end, start, end + m.end(), spellings)
        before = norm[lo:start]
        for m in rx.finditer(before):
            if m.end() >= len(before) - 2:  # "12名作业人员", "12人的作业间"
                return self._number_evidence(norm, fact, m, lo, lo + m.start(), end, spellings)
        return None

    def _number_evidence(self, norm: str, fact: Fact, m: re.Match[str], base: int, first: int, last: int,
                         spellings: dict[str, float]) -> Evidence | None:
        prefixed = m.group("pnum") is not None
        num, unit = (m.group("pnum"), m.group("punit")) if prefixed else (m.group("num"), m.group("unit"))
        start, end = base + m.start("pnum" if prefixed else "num"), base + m.end()
        dated = (norm[max(0, start - 1):start] in _DATE_BEFORE or norm[end:end + 1] in _DATE_AFTER
                 or _DAY_AFTER.match(norm, end))
        if dated and unit in _MONTHS:
            return None  # 今年八月, 3月5日: a date, not a quantity of months
        value = _to_number(num)
        if value is None:
            return None
        factor = next((k for u, k in spellings.items() if normalise(u) == unit), 1.0)
        value = _tidy(value * factor)
        word = m.group("pre") or m.group("post")
        if word is not None:
            out: Any = Bound(self._compare[word], value)
        elif m.group("approx"):
            out = Bound(">", value)  # 十余人, 二十多米: more than the round number
        else:
            out = value
        return Evidence(fact.key, out, norm[first:last], first, last)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """One compiled pattern per head shape: thousands of phrases share a few dozen."""
    return re.compile(pattern)


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first (so 没有 is tried before 没)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)


def _word_end(norm: str, at: int, words: tuple[str, ...]) -> int:
    """End of the longest cue word starting at ``at`` (cue tuples are sorted longest first)."""
    return next(at + len(w) for w in words if norm.startswith(w, at))


def _to_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        pass
    try:
        import cn2an

        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def _tidy(v: float) -> float | int:
    v = round(v, 9)
    return int(v) if float(v).is_integer() and abs(v) < 2**53 else v


def _longest(spans: list[tuple[int, int, _Phrase]]) -> list[tuple[int, int, _Phrase]]:
    """One fact's matches without overlaps, longest first: "无积水" wins over the "积水" inside it."""
    kept: list[tuple[int, int, _Phrase]] = []
    for s in sorted(spans, key=lambda x: (x[0] - x[1], x[0])):
        if all(s[1] <= k[0] or s[0] >= k[1] for k in kept):
            kept.append(s)
    return sorted(kept, key=lambda x: x[0])


def _settle(found: list[Evidence], embedded: Set[int] = frozenset()) -> TextReading:
    """One value per fact; a fact stated with two different values is a conflict, not a guess.

    A value whose words sit inside another fact's longer phrase (高炉 in 高炉煤气) gives way to
    one that stands on its own (煤气排水器); it is never read against nothing else.
    """
    by_key: dict[str, list[Evidence]] = {}
    for ev in found:
        by_key.setdefault(ev.key, []).append(ev)
    facts: dict[str, Any] = {}
    bounds: dict[str, Bound] = {}
    conflicts: dict[str, tuple[str, ...]] = {}
    conflict_values: dict[str, tuple[Any, ...]] = {}
    kept: list[Evidence] = []
    for key, evs in by_key.items():
        values = list(dict.fromkeys(e.value for e in evs))
        # a value standing on its own beats one inside another fact's phrase; then what is said
        # beats a bare name ("加臭机停用…加臭剂罐")
        for preferred in (lambda e: id(e) not in embedded, lambda e: not e.plain):
            better = [e for e in evs if preferred(e)]
            if len(values) > 1 and better and len({e.value for e in better}) == 1:
                evs, values = better, [better[0].value]
        kept.extend(evs)  # the words stay on record, read or not
        if len(values) > 1:
            conflicts[key] = tuple(dict.fromkeys(e.words for e in evs))
            conflict_values[key] = tuple(values)
            continue
        if isinstance(values[0], Bound):
            bounds[key] = values[0]
        else:
            facts[key] = values[0]
    kept.sort(key=lambda e: e.start)
    return TextReading(facts, bounds, tuple(kept), conflicts, conflict_values)


_SHARED: list[tuple[Vocabulary, ReadingRules, TextReader]] = []  # the last few, newest last


def shared_reader(vocabulary: Vocabulary, reading: ReadingRules) -> TextReader:
    """One reader per loaded vocabulary: its automata and phrase variants take a second to
    build, and every job in a process (each ledger, each test) would otherwise build them again."""
    for vocab, rules, reader in _SHARED:
        if vocab is vocabulary and rules is reading:
            return reader
    reader = TextReader(vocabulary, reading)
    _SHARED.append((vocabulary, reading, reader))
    del _SHARED[:-2]
    return reader
