"""Map header label paths to a form's indicator keys, and pick the form a file uses.

A column is known by the labels above it, top to bottom (``重大隐患 / 部门排查 / 排查``).
Files differ in how much of that path they show, so matching goes from strict to lenient:
the indicator key itself, the full path or an alias, then the shortest unique tail of the
path, then the labels run together (``行政处罚次数``), then a group label plus its unit
(``行政处罚（万元）``). Every lenient step must be unique within the form or it does not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from engine.errors import InputError
from engine.model.forms import Form
from engine.read.text import is_unit_word, normalise_label, segment_key, split_unit, unit_word

normalise = normalise_label  # the label normalisation header matching is built on

MIN_SCORE = 3
_SEPARATORS = ("/", "/.")


def _split(cell: str, seps: str) -> list[str]:
    """Split one header cell into path segments, unit bracket removed first."""
    text, _ = split_unit(cell)
    return [p for p in re.split("[" + re.escape(seps) + "]", text) if p]


def _segments(cells: Iterable[object], seps: str) -> tuple[str, ...]:
    """Canonical segments: split, normalised, vertical-merge repeats collapsed.

    Unit words stay: 场次/人次 are real leaf labels under 专题培训.
    """
    out: list[str] = []
    for cell in cells:
        if cell is None or str(cell).strip() == "":
            continue
        for part in _split(str(cell), seps):
            key = segment_key(part)
            if key and (not out or out[-1] != key):
                out.append(key)
    return tuple(out)


def _variants(texts: list[str], seps: str) -> list[tuple[str, ...]]:
    """The path as given, then without trailing bare units (a unit row left in)."""
    segs = _segments(texts, seps)
    out = [segs] if segs else []
    trimmed = list(texts)
    while trimmed and is_unit_word(trimmed[-1]):
        trimmed.pop()
    if len(trimmed) < len(texts) and (alt := _segments(trimmed, seps)):
        out.append(alt)
    return out


def header_unit(cells: Iterable[object]) -> str | None:
    """The measure unit a header path states, in a unit row cell or a trailing bracket."""
    unit = None
    for cell in cells:
        if cell is not None:
            unit = unit_word(str(cell)) or split_unit(str(cell))[1] or unit
    return unit


class IndicatorMatcher:
    """Resolves header paths against one form's indicators (paths and aliases)."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self.keys = {ind.key for ind in form.indicators}
        self.paths: list[tuple[str, tuple[str, ...]]] = []
        for ind in form.indicators:
            self.paths.append((ind.key, _segments(ind.path, "/")))
            for alias in ind.aliases:
                self.paths.append((ind.key, _segments([alias], "/.")))
        self.exact = {path: key for key, path in self.paths}
        self.measure = {ind.key: ind.measure for ind in form.indicators}
        # every tail p[-k:] and its run-together text, to the keys that end that way
        self.tails: dict[tuple[str, ...], set[str]] = {}
        self.concat: dict[str, set[str]] = {}
        for key, p in self.paths:
            for k in range(1, len(p) + 1):
                self.tails.setdefault(p[-k:], set()).add(key)
                self.concat.setdefault("".join(p[-k:]), set()).add(key)
        self._cache: dict[tuple[tuple[str, ...], str | None], str | None] = {}

    def match(self, cells: Sequence[object], unit: str | None = None) -> str | None:
        """Indicator key for a column whose header cells (top to bottom) are ``cells``."""
        texts = tuple(str(c).strip() for c in cells if c is not None and str(c).strip())
        if not texts:
            return None
        if (texts, unit) not in self._cache:
            self._cache[texts, unit] = self._resolve(texts, unit)
        return self._cache[texts, unit]

    def _resolve(self, texts: tuple[str, ...], unit: str | None) -> str | None:
        if texts[-1].lower() in self.keys:
            return texts[-1].lower()
        unit = unit or header_unit(texts)
        for seps in _SEPARATORS:
            for segs in _variants(list(texts), seps):
                found = self._match(segs, unit)
                if found:
                    return found
        return None

    def _match(self, segs: tuple[str, ...], unit: str | None) -> str | None:
        if segs in self.exact:
            return self.exact[segs]
        return self._by_tail(segs) or self._by_concat(segs) or self._by_group(segs, unit)

    def _by_tail(self, segs: tuple[str, ...]) -> str | None:
        for k in range(1, len(segs) + 1):
            found = self.tails.get(segs[-k:], set())
            if len(found) == 1:
                return next(iter(found))
            if not found:
                return None
        return None

    def _by_concat(self, segs: tuple[str, ...]) -> str | None:
        for j in range(len(segs), 0, -1):
            found = self.concat.get("".join(segs[-j:]), set())
            if found:
                return next(iter(found)) if len(found) == 1 else None
        return None

    def _by_group(self, segs: tuple[str, ...], unit: str | None) -> str | None:
        if not unit:
            return None
        wanted = {unit, "万元"} if unit == "万" else {unit}
        found = {key for key, p in self.paths
                 if len(p) >= 2 and p[-2] == segs[-1] and self.measure[key] in wanted}
        return found.pop() if len(found) == 1 else None


def score(headers: Iterable[Sequence[object]], matcher: IndicatorMatcher) -> int:
    """How many distinct indicators the header paths map to."""
    return len({k for h in headers if (k := matcher.match(h)) is not None})


def score_forms(headers: list[tuple[str, ...]], forms: dict[str, Form]) -> dict[str, int]:
    """Score of every form for these header paths."""
    return {fid: score(headers, IndicatorMatcher(form)) for fid, form in forms.items()}


def choose_form(scores: dict[str, int]) -> str:
    """The form with the best score if it is ≥ MIN_SCORE and strictly ahead of the next."""
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    listing = "、".join(f"{fid}（匹配 {n} 列）" for fid, n in ranked) or "（无）"
    if not ranked or ranked[0][1] < MIN_SCORE:
        raise InputError("表头与已知表单都对不上，无法识别表单",
                         hint=f"请用 --form 指定表单：{listing}")
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        raise InputError("表头同样符合多个表单，无法自动识别",
                         hint=f"请用 --form 指定表单：{listing}")
    return ranked[0][0]


def detect_form(headers: list[tuple[str, ...]], forms: dict[str, Form]) -> str:
    """Id of the form these header paths belong to; InputError if none or ambiguous."""
    return choose_form(score_forms(headers, forms))


def matches_name(cells: Iterable[object], names: Iterable[str]) -> bool:
    """True if a header path names one of ``names`` (unit column, unit-kind column)."""
    wanted = {segment_key(n) for n in names} | {n.lower() for n in names}
    for cell in cells:
        if cell is None or not str(cell).strip():
            continue
        text = str(cell).strip()
        if text.lower() in wanted or segment_key(text) in wanted:
            return True
    return False
