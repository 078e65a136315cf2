"""Which standard editions judge a finding: its sector, its date, and the precedence rules.

A finding is judged by the edition in force on its own date (an old finding keeps its old
basis). Inside a sector standard, some topics are judged by another standard (工贸 第二条:
危险化学品, 消防, 燃气, 特种设备); those standards are consulted too, and the output says
why. Whatever cannot be consulted (no edition in force, a standard not encoded) is returned
as a note, so the verdict can refuse to say 一般.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

from engine.load.criteria import CriteriaSet, LoadedStandard
from engine.model.classification import StandardUsed


class UnknownSector(LookupError):
    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Selection:
    standards: tuple[StandardUsed, ...]
    notes: tuple[str, ...]  # what could not be consulted, each a sentence
    has_sector_standard: bool  # False: the sector's own standard is not available on that date

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.standards)


def known_sectors(cs: CriteriaSet) -> list[str]:
    names: dict[str, None] = {}
    for ls in cs.standards.values():
        for s in (*ls.standard.scope.sectors, *ls.standard.scope.sub_sectors):
            names[s] = None
    return list(names)


def _used(ls: LoadedStandard, role: str, reason: str | None) -> StandardUsed:
    s = ls.standard
    return StandardUsed(id=s.id, title=s.title, number=s.number, effective_from=s.effective_from,
                        effective_to=s.effective_to, role=role, reason=reason, coverage=s.coverage,
                        missing_items=s.missing_items)


def _matches(ls: LoadedStandard, sector: str) -> bool:
    s = ls.standard
    return sector in (s.family, s.id) or sector in s.scope.sectors or sector in s.scope.sub_sectors


def select_standards(cs: CriteriaSet, sector: str | None, on: date) -> Selection:
    """The editions that judge a finding of ``sector`` dated ``on`` (all in force if no sector)."""
    in_force = [ls for ls in cs.standards.values() if ls.standard.in_force_on(on)]
    if sector is None:
        used = tuple(_used(ls, "未指定行业", None) for ls in in_force)
        note = "未指定行业：按所有在该日期有效的已录入标准判断，行业专属条款需行业才能判定"
        return Selection(used, (note,),
                         bool(used))
    known = [ls for ls in cs.standards.values() if _matches(ls, sector)]
    if not known:
        sectors = known_sectors(cs)
        near = difflib.get_close_matches(sector, sectors, n=3, cutoff=0.3)
        hint = f"是否指：{'、'.join(near)}" if near else f"已录入标准的行业：{'、'.join(sectors)}"
        raise UnknownSector(f"没有适用于行业 “{sector}” 的已录入判定标准", hint)
    primary = [ls for ls in known if ls.standard.in_force_on(on)]
    notes: list[str] = []
    if not primary:
        spans = "、".join(f"{ls.standard.id}（{ls.standard.effective_from} 起"
                         + (f"，至 {ls.standard.effective_to}" if ls.standard.effective_to else "") + "）"
                         for ls in sorted(known, key=lambda x: x.standard.start))
        notes.append(f"{on} 没有在有效期内的已录入 “{sector}” 判定标准（已录入：{spans}）")
    used = [_used(ls, "本行业标准", None) for ls in primary]
    seen = {u.id for u in used}
    for ls in primary:
        absent: list[str] = []
        for p in ls.standard.precedence:
            targets = [t for t in in_force if t.standard.family == p.defer_to or t.standard.id == p.defer_to]
            if not targets:
                absent.append(f"{p.topic}（{p.defer_to}）")
            for t in targets:
                if t.standard.id not in seen:
                    seen.add(t.standard.id)
                    used.append(_used(t, "优先适用", f"按 {ls.standard.number}，{p.topic}方面按此标准判定"))
        if absent:
            notes.append(f"按 {ls.standard.number}，{'、'.join(absent)}方面的重大隐患另按专门标准判定，"
                         f"这些标准在 {on} 没有已录入的有效版本，此类隐患需人工判断")
    return Selection(tuple(used), tuple(notes), bool(primary))
