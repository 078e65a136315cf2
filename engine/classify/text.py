"""Rank criterion items for a finding written as free text (``hazcheck classify --text``).

Words are evidence of what a description is about, not a verdict: an item is ranked by the
words and synonyms it lists under ``mentions`` that occur in the text (longer, more specific
words weigh more). The verdict comes from the facts read from the text
(``engine.textread``); the ranking says which item the text is about, so that an item the
text is about but whose facts it does not state stays open (待确认), never 一般.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import ahocorasick

from engine.classify.explain import ruled_out
from engine.expr.normalize import referenced_fields
from engine.load.criteria import LoadedItem
from engine.textread.reader import normalise as read_normalise

FACT_WEIGHT = 2.0  # score an item gains for each of its facts the finding states


def normalise(text: str) -> str:
    return read_normalise(text).lower()


@lru_cache(maxsize=8192)
def _normalised(mentions: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(mention, normalised) pairs, computed once per item's mention list: a ledger asks millions of times."""
    return tuple((m, n) for m in mentions if (n := normalise(m)))


def words_in(text: str, mentions: Iterable[str], *, normalised: bool = False) -> tuple[str, ...]:
    """The mentions found in ``text``, longest first; a word inside a longer found one is dropped.

    ``normalised``: ``text`` is already ``normalise``d (callers testing many items normalise once).
    """
    norm = text if normalised else normalise(text)
    return _kept(m for m in _normalised(tuple(mentions)) if m[1] in norm)


def _kept(found: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """Found (mention, normalised) pairs, longest first (ties in the item's order, never in a
    set's, which differs between processes), without one inside a longer one kept."""
    ordered = sorted(dict.fromkeys(found), key=lambda x: len(x[0]), reverse=True)
    kept: list[tuple[str, str]] = []
    for w, n in ordered:
        if not any(n in k for _, k in kept):
            kept.append((w, n))
    return tuple(w for w, _ in kept)


Ranked = list[tuple[LoadedItem, tuple[str, ...], float]]


class _Index:
    """One automaton of the mentions of a set of items (a plan), and which items list each."""

    def __init__(self, items: Sequence[LoadedItem]) -> None:
        self.items = items  # held, so that its id is not reused while the index is remembered
        self.by_mention: dict[str, list[int]] = {}
        for i, it in enumerate(items):
            for _, n in _normalised(tuple(it.item.mentions)):
                holders = self.by_mention.setdefault(n, [])
                if not holders or holders[-1] != i:
                    holders.append(i)
        self.automaton = None
        if self.by_mention:
            self.automaton = ahocorasick.Automaton()
            for n in self.by_mention:
                self.automaton.add_word(n, n)
            self.automaton.make_automaton()
        gate_fields = {f.key for it in items if it.gate is not None for f in referenced_fields(it.gate)}
        self.gate_keys = tuple(sorted(gate_fields))
        self.pools: dict[tuple[Any, ...], _Pool] = {}

    def present(self, norm: str) -> set[str]:
        """Every normalised mention occurring in ``norm`` (overlapping ones too)."""
        return {n for _, n in self.automaton.iter(norm)} if self.automaton is not None else set()

    def pool(self, facts: Mapping[str, Any]) -> _Pool:
        """The items not ruled out under the facts their gates read, remembered per those facts."""
        key = tuple(facts.get(k) for k in self.gate_keys)
        pool = self.pools.get(key)
        if pool is None:
            pool = self.pools[key] = _Pool([i for i, it in enumerate(self.items)
                                            if not ruled_out(it.gate, facts)], self.items)
        return pool


class _Pool:
    """The items a finding's gate facts leave in play (by position) and their mention counts."""

    def __init__(self, members: list[int], items: Sequence[LoadedItem]) -> None:
        self.members = frozenset(members)
        self.size = len(members)
        self.df = Counter(m for i in members for m in set(items[i].item.mentions))


_INDEXES: dict[int, _Index] = {}


def _index(items: Sequence[LoadedItem]) -> _Index:
    """The index of ``items`` (remembered: a ledger ranks thousands of texts against each plan)."""
    index = _INDEXES.get(id(items))
    if index is None or index.items is not items:
        if len(_INDEXES) > 64:
            _INDEXES.clear()
        index = _INDEXES[id(items)] = _Index(items)
    return index


def mentioned(items: Sequence[LoadedItem], norm: str) -> set[int]:
    """Positions of the items one of whose mentions occurs in ``norm`` (a ``normalise``d text):
    the items for which ``words_in(norm, item.mentions)`` is not empty, found in one pass."""
    index = _index(items if isinstance(items, tuple) else tuple(items))
    return {i for n in index.present(norm) for i in index.by_mention[n]}


def rank(items: Iterable[LoadedItem], text: str, facts: Mapping[str, Any],
         context: Collection[str] = (), limit: int | None = 5) -> Ranked:
    """(item, words found, score), best first; items ruled out by their gate are skipped.

    A word weighs its length times how rare it is among the candidates' mentions (a word every
    item of an article lists, such as 粉尘涉爆, says less than 泄爆, which one item lists). An
    item whose conditions read facts the finding states (not context such as 行业) gains a
    little for each: the description is about what it states.
    """
    index = _index(items if isinstance(items, tuple) else tuple(items))
    pool = index.pool(facts)
    norm = normalise(text)
    present = index.present(norm)
    touched = sorted({i for n in present for i in index.by_mention[n] if i in pool.members})
    scored = []
    for i in touched:
        it = index.items[i]
        words = _kept(m for m in _normalised(tuple(it.item.mentions)) if m[1] in present)
        if not words:
            continue
        score = sum(len(w) * math.log(1 + pool.size / pool.df[w]) for w in words)
        stated = {f.key for f in it.test_fields if f.key in facts and f.key not in context}
        score += FACT_WEIGHT * len(stated)
        scored.append((it, words, round(score, 3)))
    scored.sort(key=lambda x: (-x[2], x[0].standard_id, x[0].ref))
    return scored if limit is None else scored[:limit]


def bigrams(text: str) -> set[str]:
    """Two-character pieces of the text's Chinese (and letters): a coarse sign of shared subject."""
    norm = "".join(ch for ch in normalise(text) if ch.isalnum())
    return {norm[i:i + 2] for i in range(len(norm) - 1)}


class NearWords:
    """Items whose mentions share rare two-character pieces with a text, though no mention occurs whole.

    "起重量限止器" (a typo) is still about 起重量限制器. ``rare`` keeps only pieces that at most
    that many items' mentions use. Enough to keep a description from being called "about
    nothing", never enough to rank or decide an item.
    """

    def __init__(self, items: Sequence[LoadedItem], rare: int | None = None) -> None:
        self._pieces = [{b for m in it.item.mentions for b in bigrams(m)} for it in items]
        df = Counter(b for ps in self._pieces for b in ps)
        self._rare = {b for b, n in df.items() if rare is None or n <= rare}

    def about(self, text: str, least: int = 2) -> bool:
        pieces = bigrams(text) & self._rare
        return len(pieces) >= least and any(len(pieces & ps) >= least for ps in self._pieces)
