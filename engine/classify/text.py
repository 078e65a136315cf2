"""Rank criterion items for a finding written as free text (``hazcheck classify --text``).

Words are evidence, not a verdict: an item is ranked by the words and synonyms it lists under
``mentions`` that occur in the text (longer, more specific words weigh more). The result is
always "needs confirmation" and says which facts would settle the top candidates.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from engine.classify.explain import ruled_out
from engine.load.criteria import LoadedItem

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub("", text).lower()


def words_in(text: str, mentions: Iterable[str]) -> tuple[str, ...]:
    """The mentions found in ``text``, longest first; a word inside a longer found one is dropped."""
    norm = normalise(text)
    found = sorted({m for m in mentions if normalise(m) and normalise(m) in norm}, key=len, reverse=True)
    kept: list[str] = []
    for w in found:
        if not any(normalise(w) in normalise(k) for k in kept):
            kept.append(w)
    return tuple(kept)


def rank(items: Iterable[LoadedItem], text: str, context: Mapping[str, Any],
         limit: int = 5) -> list[tuple[LoadedItem, tuple[str, ...], float]]:
    """(item, words found, score) for the best ``limit`` items; items ruled out by the gate are skipped.

    A word weighs its length times how rare it is among the candidates' mentions (a word every
    item of an article lists, such as 粉尘涉爆, says less than 泄爆, which one item lists).
    """
    pool = [it for it in items if not ruled_out(it.gate, context)]
    df = Counter(m for it in pool for m in set(it.item.mentions))
    scored = []
    for it in pool:
        words = words_in(text, it.item.mentions)
        if not words:
            continue
        score = sum(len(w) * math.log(1 + len(pool) / df[w]) for w in words)
        scored.append((it, words, round(score, 3)))
    scored.sort(key=lambda x: (-x[2], x[0].standard_id, x[0].ref))
    return scored[:limit]
