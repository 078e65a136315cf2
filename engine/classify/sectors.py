"""Sector words as people write them → the sector, sub-sector or standard family they mean.

The words live in ``criteria/sectors.yaml`` (a rule author extends them); this module loads
that table (errors at file:line), checks every target against the standards' scopes, and
answers three questions: what does a written 行业 mean (``resolve``), which sector of a
family do an enterprise name or a description name (``infer``), and does a unit's name say
it is not a production/business unit (``non_production_reason``). A word that is itself a
scope sector, sub-sector, family id or standard id needs no entry, so a new standard's
sectors work before anyone adds spellings.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.errors import RuleFileError
from engine.expr.evaluate import holds
from engine.expr.normalize import referenced_fields
from engine.load.criteria import CriteriaSet, load_criteria
from engine.load.positioned import Located, load_yaml, validation_error
from engine.model.sectors import InferWord, SectorTable, SectorWord
from engine.paths import bundled

FILE = "sectors.yaml"
_SPACE = re.compile(r"[\s\u3000]+")
_SPLIT = re.compile(r"[()（）【】\[\]\-－—–/／、·,，;；:：]+")


class UnknownSector(LookupError):
    """A written sector no table entry or standard scope knows, or one no criteria apply to."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def norm(word: str) -> str:
    """Spaces and full-width brackets do not change what a word means."""
    return _SPACE.sub("", word).replace("（", "(").replace("）", ")")


@dataclass(frozen=True)
class SectorMeaning:
    """What a written sector means for the criteria."""

    word: str
    sector: str | None = None  # a value of the 行业 fact
    sub_sector: str | None = None
    family: str | None = None  # the standard family when only that is known (工贸 → gongmao)
    standard_id: str | None = None  # the word named one edition
    production: bool = True
    reason: str | None = None  # non-production: why

    @property
    def rank(self) -> int:
        """How specific: a sub-sector says more than a sector, a sector more than a family."""
        return 3 if self.sub_sector else 2 if self.sector else 1 if (self.family or self.standard_id) else 0


@dataclass(frozen=True)
class Inference:
    """A sector read from an enterprise name or a description, with the word that said it."""

    sector: str
    sub_sector: str | None
    word: str
    where: str  # 企业名称 / 隐患描述


@dataclass(frozen=True)
class _Scope:
    sectors: frozenset[str]
    sub_sectors: dict[str, tuple[str, ...]]  # sub-sector -> families naming it
    families: dict[str, frozenset[str]]  # family -> its sectors
    standards: dict[str, str]  # standard id -> family
    sole_sector: dict[str, str]  # sub-sector -> the only sector of its standard's scope


_SCOPES: dict[int, tuple[CriteriaSet, _Scope]] = {}  # id -> (the criteria, their scope): asked per ledger row


def _scope(cs: CriteriaSet) -> _Scope:
    known = _SCOPES.get(id(cs))
    if known is not None and known[0] is cs:
        return known[1]
    scope = _build_scope(cs)
    _SCOPES[id(cs)] = (cs, scope)
    return scope


def _build_scope(cs: CriteriaSet) -> _Scope:
    sectors: set[str] = set()
    subs: dict[str, list[str]] = {}
    families: dict[str, set[str]] = {}
    standards: dict[str, str] = {}
    sole: dict[str, str] = {}
    for ls in cs.standards.values():
        s = ls.standard
        sectors.update(s.scope.sectors)
        families.setdefault(s.family, set()).update(s.scope.sectors)
        standards[s.id] = s.family
        for sub in s.scope.sub_sectors:
            subs.setdefault(sub, []).append(s.family)
            if len(s.scope.sectors) == 1:
                sole[sub] = s.scope.sectors[0]
    return _Scope(frozenset(sectors), {k: tuple(v) for k, v in subs.items()},
                  {k: frozenset(v) for k, v in families.items()}, standards, sole)


_NOTHING = object()  # a text that names no sector of the family
_UNKNOWN = object()
_SAID_MEMO = 200_000  # texts remembered by ``SectorWords._said`` before it starts afresh


class SectorWords:
    """The loaded table, indexed by normalised word."""

    def __init__(self, table: SectorTable) -> None:
        self.table = table
        self._entries: dict[str, SectorWord] = {}
        for entry in table.sectors:
            implicit = entry.sub_sector or entry.sector
            for w in (*entry.words, *((implicit,) if implicit else ())):
                self._entries.setdefault(norm(w), entry)
        self._infer: list[tuple[str, InferWord]] = sorted(
            ((norm(w), e) for e in table.infer for w in e.words), key=lambda p: -len(p[0]))
        self._said_memo: dict[tuple[str, frozenset[str], str], object] = {}
        npn = table.non_production_names
        self._np_words = sorted((norm(w) for w in npn.words), key=len, reverse=True) if npn else []
        self._endings = tuple(norm(w) for w in npn.company_endings) if npn else ()

    def words(self) -> list[str]:
        return list(self._entries)

    # ------------------------------------------------------------------ resolve

    def resolve(self, cs: CriteriaSet, word: str) -> SectorMeaning:
        """The meaning of ``word``; raises UnknownSector (with the closest known words) if none."""
        scope = _scope(cs)
        found = self._resolve(scope, word)
        if found is None:
            w = norm(word)
            names = [*sorted(scope.sectors), *scope.sub_sectors]
            usable = [k for k, e in self._entries.items() if self._from_entry(scope, k, e) is not None]
            near = difflib.get_close_matches(w, names, n=3, cutoff=0.3)
            near += [k for k in difflib.get_close_matches(w, usable, n=3, cutoff=0.4)
                     if k not in near][: 3 - len(near)]
            hint = (f"是否指：{'、'.join(near)}" if near
                    else f"可用的写法见 criteria/{FILE}；已录入标准的行业："
                         f"{'、'.join(sorted(scope.sectors))}")
            raise UnknownSector(f"不认识的行业 “{word}”，没有对应的已录入判定标准", hint)
        return found

    def _resolve(self, scope: _Scope, word: str) -> SectorMeaning | None:
        w = norm(word)
        if not w:
            return None
        entry = self._entries.get(w)
        if entry is not None:
            meaning = self._from_entry(scope, word, entry)
            if meaning is not None:
                return meaning
        direct = self._direct(scope, word, w)
        if direct is not None:
            return direct
        parts = [p for p in _SPLIT.split(w) if p and p != w]
        if len(parts) < 2:
            return None
        found = [m for m in (self._resolve(scope, p) for p in parts) if m is not None]
        if not found:
            return None
        best = max(m.rank for m in found)
        top = {(m.sector, m.sub_sector, m.family, m.standard_id, m.production)
               for m in found if m.rank == best}
        if len(top) != 1:
            return None  # 工贸/化工: two different sectors, not a guess
        m = next(m for m in found if m.rank == best)
        return SectorMeaning(word, m.sector, m.sub_sector, m.family, m.standard_id, m.production, m.reason)

    @staticmethod
    def _from_entry(scope: _Scope, word: str, e: SectorWord) -> SectorMeaning | None:
        """The entry's meaning, or None when its target is not among these criteria."""
        if not e.production:
            if e.sector is not None and e.sector in scope.sectors:  # 学校: judged under 教育, not counted
                return SectorMeaning(word, e.sector, e.sub_sector, production=False, reason=e.reason)
            return SectorMeaning(word, production=False, reason=e.reason)
        if e.family is not None:
            return SectorMeaning(word, family=e.family) if e.family in scope.families else None
        if e.sector not in scope.sectors or (e.sub_sector and e.sub_sector not in scope.sub_sectors):
            return None
        return SectorMeaning(word, e.sector, e.sub_sector)

    @staticmethod
    def _direct(scope: _Scope, word: str, w: str) -> SectorMeaning | None:
        if w in scope.sectors:
            return SectorMeaning(word, w)
        if w in scope.sub_sectors:
            if w in scope.sole_sector:
                return SectorMeaning(word, scope.sole_sector[w], w)
            families = set(scope.sub_sectors[w])
            return SectorMeaning(word, family=families.pop()) if len(families) == 1 else None
        if w in scope.families:
            return SectorMeaning(word, family=w)
        if w in scope.standards:
            return SectorMeaning(word, family=scope.standards[w], standard_id=w)
        return None

    # ------------------------------------------------------------------ infer

    def infer(self, cs: CriteriaSet, family: str,
              texts: Sequence[tuple[str, str | None]]) -> Inference | None:
        """The sector of ``family`` that the texts name, looking at each text in turn.

        ``texts`` are (where, text) pairs, the enterprise name first: a name says what the
        enterprise is, a description may mention a neighbour's trade. In one text the longest
        word wins; when the longest words point at different sectors nothing is inferred.
        """
        allowed = _scope(cs).families.get(family, frozenset())
        for where, text in texts:
            if not text:
                continue
            said = self._said(family, allowed, text)
            if said is _NOTHING:
                continue
            if said is None:  # the longest words point at different sectors
                return None
            sector, sub_sector, w = said  # type: ignore[misc]
            return Inference(sector, sub_sector, w, where)
        return None

    def _said(self, family: str, allowed: frozenset[str], text: str) -> object:
        """What one text says of ``family``'s sector: (sector, sub-sector, word), None when its
        longest words disagree, ``_NOTHING`` when it names none. Remembered per text: a city's
        ledger names the same enterprises and descriptions on many rows."""
        key = (family, allowed, text)
        known = self._said_memo.get(key, _UNKNOWN)
        if known is _UNKNOWN:
            t = norm(text)
            hits = [(w, e) for w, e in self._infer if e.family == family and e.sector in allowed and w in t]
            if not hits:
                known = _NOTHING
            else:
                longest = len(hits[0][0])
                top = [(w, e) for w, e in hits if len(w) == longest]
                known = None if len({(e.sector, e.sub_sector) for _, e in top}) != 1 else (
                    top[0][1].sector, top[0][1].sub_sector, top[0][0])
            if len(self._said_memo) >= _SAID_MEMO:
                self._said_memo.clear()
            self._said_memo[key] = known
        return known

    # ------------------------------------------------------------------ names

    def non_production_reason(self, name: str | None) -> str | None:
        """Why a unit's name says it is not a production/business unit, or None."""
        if not name:
            return None
        n = norm(name)
        if any(n.endswith(e) for e in self._endings):
            return None
        for w in self._np_words:
            if w in n:
                return f"名称含“{w}”，不是生产经营单位"
        return None


# --------------------------------------------------------------------------- loading


def _check(doc: Located, table: SectorTable, cs: CriteriaSet) -> None:
    """Every target exists in some standard's scope; no word written twice."""
    scope = _scope(cs)
    for key, name in (("sector_fact", table.sector_fact), ("sub_sector_fact", table.sub_sector_fact)):
        if name is not None and cs.vocabulary.get(name) is None:
            raise doc.error((key,), f"事实 “{name}” 不在事实词表 criteria/facts/ 中")
    seen: dict[str, int | None] = {}
    for i, e in enumerate(table.sectors):
        _target(doc, ("sectors", i), scope, e.sector, e.sub_sector, e.family)
        _agrees(doc, ("sectors", i), cs, table, e.sector, e.sub_sector)
        for k, w in enumerate(e.words):
            key = norm(w)
            if key in seen:
                raise doc.error(("sectors", i, "words", k), f"写法 “{w}” 已在第 {seen[key]} 行用过",
                                "同一个写法只能对应一个意思")
            seen[key] = doc.line_of(("sectors", i, "words", k))
    for i, e in enumerate(table.infer):
        if e.family not in scope.families:
            raise doc.error(("infer", i, "family"), f"标准族 “{e.family}” 不存在",
                            f"已有标准族：{'、'.join(sorted(scope.families))}")
        if e.sector not in scope.families[e.family]:
            raise doc.error(("infer", i, "sector"), f"“{e.sector}” 不在标准族 {e.family} 的适用行业中",
                            f"可用：{'、'.join(sorted(scope.families[e.family]))}")
        _target(doc, ("infer", i), scope, e.sector, e.sub_sector, None)
        _agrees(doc, ("infer", i), cs, table, e.sector, e.sub_sector)


def _agrees(doc: Located, path: tuple[Any, ...], cs: CriteriaSet, table: SectorTable, sector: str | None,
            sub: str | None) -> None:
    """A sub-sector's sector is the one its items are gated on (水泥: 第六条, 行业 == '建材').

    Only for sub-sectors the sub-sector fact records: their items name them as a value
    ('水泥'), so the item's applies_when can be tried with the sector the table gives.
    """
    sub_fact = cs.vocabulary.get(table.sub_sector_fact) if table.sub_sector_fact else None
    sector_fact = cs.vocabulary.get(table.sector_fact)
    if sub is None or sector is None or sub_fact is None or sector_fact is None or sub not in sub_fact.values:
        return
    for ls in cs.standards.values():
        for it in ls.items:
            reads = {f.key for f in it.fields}
            if it.gate is None or sub_fact.key not in reads or f"'{sub}'" not in it.item.holds_when:
                continue
            if sector_fact.key in {f.key for f in referenced_fields(it.gate)} \
                    and not holds(it.gate, {sector_fact.key: sector}):
                raise doc.error((*path, "sector"),
                                f"细分行业 “{sub}” 的条款 {ls.standard.id} {it.ref} 适用条件为 "
                                f"{it.item.applies_when}，不是行业 “{sector}”")


def _target(doc: Located, path: tuple[Any, ...], scope: _Scope, sector: str | None, sub: str | None,
            family: str | None) -> None:
    if family is not None and family not in scope.families:
        raise doc.error((*path, "family"), f"标准族 “{family}” 不存在",
                        f"已有标准族：{'、'.join(sorted(scope.families))}")
    if sector is not None and sector not in scope.sectors:
        near = difflib.get_close_matches(sector, sorted(scope.sectors), n=3, cutoff=0.3)
        raise doc.error((*path, "sector"), f"行业 “{sector}” 不在任何已录入判定标准的适用范围中",
                        f"是否指：{'、'.join(near)}" if near else None)
    if sub is not None:
        families = [f for f, secs in scope.families.items() if sector in secs]
        if sub not in scope.sub_sectors or not set(scope.sub_sectors[sub]) & set(families):
            raise doc.error((*path, "sub_sector"),
                            f"细分行业 “{sub}” 不在适用 “{sector}” 的判定标准的 sub_sectors 中")


def sector_words_from_document(doc: Located, cs: CriteriaSet) -> SectorWords:
    data = doc.data
    if not isinstance(data, dict) or "sectors" not in data:
        raise doc.error((), "行业写法表应有 sectors: 列表")
    try:
        table = SectorTable.model_validate(data)
    except ValidationError as exc:
        raise validation_error(doc, exc) from exc
    _check(doc, table, cs)
    return SectorWords(table)


_CACHE: dict[Path, SectorWords] = {}


def load_sector_words(folder: Path | None = None, cs: CriteriaSet | None = None) -> SectorWords:
    """``folder/sectors.yaml`` (default: the bundled criteria), checked against ``cs``.

    Cached per folder: the table is read on every classification and ledger row, and it
    does not change while a process runs. Without ``cs`` the folder's criteria are loaded.
    """
    folder = (folder or bundled("criteria")).resolve()
    if folder not in _CACHE:
        path = folder / FILE
        if not path.is_file():
            raise RuleFileError(f"缺少行业写法表 {FILE}", file=str(folder))
        _CACHE[folder] = sector_words_from_document(load_yaml(path), cs or load_criteria(folder))
    return _CACHE[folder]



_EMPTY = SectorWords(SectorTable.model_construct(sector_fact="行业", sub_sector_fact="细分行业", sectors=(),
                                                 infer=(), non_production_names=None))


def words_for(cs: CriteriaSet) -> SectorWords:
    """The table beside ``cs``'s own files (its folder's sectors.yaml), checked against ``cs``.

    A criteria folder without a sectors.yaml (a test's small folder) knows only the names in
    its standards' scopes: the bundled spellings would point at standards it does not have.
    """
    folder = getattr(cs, "folder", None)
    if folder is None:
        files = [ls.file for ls in cs.standards.values()]
        if not files:
            return _EMPTY
        folder = Path(files[0]).resolve().parent
    if not (folder / FILE).is_file():
        return _EMPTY
    packs = tuple(p for p in getattr(cs, "packs", ()) if (p / FILE).is_file())
    if not packs:
        return load_sector_words(folder, cs)
    if (folder, packs) not in _WITH_PACKS:  # asked on every ledger row: merged once per process
        words = load_sector_words(folder, cs)
        for pack in packs:
            words = _with_pack_words(words, load_yaml(pack / FILE), cs)
        _WITH_PACKS[(folder, packs)] = words
    return _WITH_PACKS[(folder, packs)]


_WITH_PACKS: dict[tuple[Path, tuple[Path, ...]], SectorWords] = {}


def _with_pack_words(words: SectorWords, doc: Located, cs: CriteriaSet) -> SectorWords:
    """A rule pack's own sector words (``criteria/sectors.yaml``: ``sectors:`` and ``infer:``
    entries) after the bundled ones; a word that already has a meaning is an error at its line."""
    data = doc.data
    shaped = isinstance(data, dict) and isinstance(data.get("sectors"), list)
    if not shaped or set(data) - {"sectors", "infer"}:
        raise doc.error((), "规则包的行业写法表只写 sectors:（及 infer:）列表")
    try:
        extra = SectorTable.model_validate({**data, "sector_fact": words.table.sector_fact,
                                            "sub_sector_fact": words.table.sub_sector_fact})
    except ValidationError as exc:
        raise validation_error(doc, exc) from exc
    _check(doc, extra, cs)
    known = {norm(w) for e in words.table.sectors for w in e.words}
    for i, e in enumerate(extra.sectors):
        for k, w in enumerate(e.words):
            if norm(w) in known:
                raise doc.error(("sectors", i, "words", k), f"写法 “{w}” 在内置行业写法表中已有意思",
                                "同一个写法只能对应一个意思")
    table = words.table.model_copy(update={"sectors": (*words.table.sectors, *extra.sectors),
                                           "infer": (*words.table.infer, *extra.infer)})
    return SectorWords(table)
