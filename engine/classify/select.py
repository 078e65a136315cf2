"""Which standard editions judge a finding: its sector, its date, and the precedence rules.

A finding is judged by the edition in force on its own date (an old finding keeps its old
basis). Inside a sector standard, some topics are judged by another standard (工贸 第二条:
危险化学品, 消防, 燃气, 特种设备); those standards are consulted too, and the output says
why. Whatever cannot be consulted (no edition in force, a standard not encoded) is returned
as a note, so the verdict can refuse to say 一般.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.classify.sectors import SectorMeaning, SectorWords, UnknownSector, words_for
from engine.expr.normalize import referenced_fields
from engine.load.criteria import CriteriaSet, LoadedStandard
from engine.model.classification import StandardUsed

__all__ = ["Selection", "UnknownSector", "known_sectors", "not_applied", "select_standards"]


@dataclass(frozen=True)
class Selection:
    """The editions that judge a finding, and what the written sector set or left out.

    ``sector_value``/``sub_sector_value`` are the 行业/细分行业 facts the sector word implies
    (白酒 → 轻工, 白酒), to be set on the finding where it does not record them itself.
    ``skip_sector_gated`` is True when the word named only a family (工贸) and no sector could
    be read from the enterprise name or description: items whose applies_when reads 行业 are
    then left out (and named in ``notes``) instead of waiting for a fact nobody will record.
    """

    standards: tuple[StandardUsed, ...]
    notes: tuple[str, ...]  # what could not be consulted, each a sentence
    has_sector_standard: bool  # False: the sector's own standard is not available on that date
    sector_value: str | None = None
    sub_sector_value: str | None = None
    skip_sector_gated: bool = False
    skip_notes: tuple[str, ...] = ()  # the articles left out, said when they are

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


def _matches(ls: LoadedStandard, m: SectorMeaning) -> bool:
    s = ls.standard
    if m.standard_id:
        return s.id == m.standard_id
    if m.sub_sector and m.sub_sector in s.scope.sub_sectors:
        return True
    if m.sector:
        return m.sector in s.scope.sectors
    return s.family == m.family


def sector_gated(cs: CriteriaSet, ls: LoadedStandard, fact_name: str) -> list[tuple[str, str]]:
    """(article, item family) of the items whose applies_when reads ``fact_name``, in file order."""
    fact = cs.vocabulary.get(fact_name)
    if fact is None:
        return []
    out: dict[str, str] = {}
    for it in ls.items:
        if it.gate is not None and any(f.key == fact.key for f in referenced_fields(it.gate)):
            out.setdefault(it.item.article, it.item.family)
    return list(out.items())


def not_applied(cs: CriteriaSet, ls: LoadedStandard, fact_name: str) -> str | None:
    """"第四条至第十条（冶金、有色…）": the gated articles, consecutive runs joined with 至."""
    gated = dict(sector_gated(cs, ls, fact_name))
    if not gated:
        return None
    order = list(dict.fromkeys(it.item.article for it in ls.items))
    runs: list[list[str]] = []
    previous = None
    for article in order:
        if article in gated:
            if runs and previous in gated:
                runs[-1].append(article)
            else:
                runs.append([article])
        previous = article
    spans = "、".join(r[0] if len(r) == 1 else f"{r[0]}至{r[-1]}" for r in runs)
    return f"{spans}（{'、'.join(dict.fromkeys(gated.values()))}）"


class EditionsInForce:
    """The ids of the editions in force on a day, remembered per day: what a finding's date
    changes about its judgement (a ledger has three years of days and a few dozen switches)."""

    def __init__(self, cs: CriteriaSet) -> None:
        self._cs = cs
        self._days: dict[date, tuple[str, ...]] = {}

    def __call__(self, on: date) -> tuple[str, ...]:
        ids = self._days.get(on)
        if ids is None:
            ids = self._days[on] = tuple(sid for sid, ls in self._cs.standards.items()
                                         if ls.standard.in_force_on(on))
        return ids


def select_standards(cs: CriteriaSet, sector: str | None, on: date, *, enterprise: str | None = None,
                     text: str | None = None, words: SectorWords | None = None,
                     day_label: str | None = None) -> Selection:
    """The editions that judge a finding of ``sector`` dated ``on`` (all in force if no sector).

    ``sector`` is read through the sector-word table (工贸（冶金）, 建筑施工, 白酒 …). A word
    naming only a family (工贸) takes its sector from ``enterprise`` or ``text`` where their
    words say it; otherwise the sector articles are left out and named. ``day_label`` is how
    the notes name the date (default: the date itself): a caller that selects once for every
    day with the same editions in force passes a placeholder and fills in each day.
    """
    day = day_label if day_label is not None else str(on)
    in_force = [ls for ls in cs.standards.values() if ls.standard.in_force_on(on)]
    if sector is None:
        used = tuple(_used(ls, "未指定行业", None) for ls in in_force)
        note = "未指定行业：按所有在该日期有效的已录入标准判断，行业专属条款需行业才能判定"
        return Selection(used, (note,),
                         bool(used))
    table = words if words is not None else words_for(cs)
    meaning = table.resolve(cs, sector)
    if not meaning.production and meaning.sector is None:
        raise UnknownSector(f"行业 “{sector}” 不是生产经营单位的行业（{meaning.reason}），"
                            "没有适用的重大事故隐患判定标准",
                            "非生产经营单位的隐患不按判定标准认定，也不计入重大隐患（填表说明第3条）")
    known = [ls for ls in cs.standards.values() if _matches(ls, meaning)]
    if not known:
        sectors = known_sectors(cs)
        raise UnknownSector(f"没有适用于行业 “{sector}” 的已录入判定标准",
                            f"已录入标准的行业：{'、'.join(sectors)}")
    primary = [ls for ls in known if ls.standard.in_force_on(on)]
    notes: list[str] = []
    if not meaning.production:
        notes.append(f"行业写作 “{sector}”：{meaning.reason}，按 {meaning.sector} 的判定标准判定；"
                     "其隐患不计入调度表的重大隐患（填表说明第3条）")
    if not primary:
        spans = "、".join(f"{ls.standard.id}（{ls.standard.effective_from} 起"
                         + (f"，至 {ls.standard.effective_to}" if ls.standard.effective_to else "") + "）"
                         for ls in sorted(known, key=lambda x: x.standard.start))
        notes.append(f"{day} 没有在有效期内的已录入 “{sector}” 判定标准（已录入：{spans}）")
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
                         f"这些标准在 {day} 没有已录入的有效版本，此类隐患需人工判断")
    value, sub, skip = meaning.sector, meaning.sub_sector, False
    skip_notes: tuple[str, ...] = ()
    if value is None and meaning.family is not None:
        found = table.infer(cs, meaning.family, (("企业名称", enterprise), ("隐患描述", text)))
        if found is not None:
            value, sub = found.sector, found.sub_sector
            notes.append(f"行业写作 “{sector}”，据{found.where}中的“{found.word}”按 {value} 判定")
        else:
            skipped = [(ls, s) for ls in primary if (s := not_applied(cs, ls, table.table.sector_fact))]
            skip = bool(skipped)
            skip_notes = tuple(f"未能判断细分行业，{ls.standard.number} {span}未适用；"
                               f"其余条款照常判定（写明具体行业可判定这些条款）" for ls, span in skipped)
    sub_fact = cs.vocabulary.get(table.table.sub_sector_fact) if table.table.sub_sector_fact else None
    if sub is not None and (sub_fact is None or sub not in sub_fact.values):
        sub = None  # a sub-sector no fact records (白酒 is a 场所 matter, not a 细分行业 value)
    return Selection(tuple(used), tuple(notes), bool(primary), value, sub, skip, skip_notes)
