"""Load ``criteria/``: the shared fact vocabulary and one file per standard edition.

Every ``criteria/facts/*.yaml`` is read first and merged into one vocabulary (a key or name
may be registered once across all of them); every ``criteria/*.yaml`` is one edition of one
standard. Every condition is parsed, resolved against the vocabulary and type-checked here,
so a misspelt fact name or an impossible comparison is an authoring error at load time
(file:line, key), never a criterion that silently never matches a finding.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from engine.compile.names import NameResolver, UnknownName
from engine.errors import RuleFileError
from engine.expr.evaluate import holds
from engine.expr.nodes import And, Const, Expr, Field, Or, Test
from engine.expr.normalize import ExprTypeError, normalize, referenced_fields
from engine.expr.parse import ExprSyntaxError, parse
from engine.load.cache import cached
from engine.load.positioned import Located, load_yaml, validation_error
from engine.model.criteria import (
    Combined,
    CriteriaFile,
    Fact,
    Item,
    Standard,
    Vocabulary,
    article_conflicts,
    duplicate_names,
    duplicate_refs,
    parse_iso_date,
)
from engine.model.reading import ReadingRules
from engine.paths import bundled

FACTS_DIR = "facts"
READING_FILE = "reading.yaml"
SECTORS_FILE = "sectors.yaml"  # sector words: engine.classify.sectors loads it, not a standard


class UnknownFact(UnknownName):
    """A condition names something that is not in the vocabulary."""


class BadValue(ValueError):
    """A condition compares a text fact with a value its vocabulary entry does not allow."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class NoStandardInForce(LookupError):
    """No encoded edition (or more than one family) answers an ``in_force`` question."""


# --------------------------------------------------------------------------- conditions


class FactResolver:
    """Resolves a name in a condition to a fact, by ASCII key or by Chinese name (NameResolver)."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._facts: dict[str, Fact] = {}
        for f in vocabulary.facts:
            self._facts[f.key] = f
            self._facts[f.name] = f
        self._names = NameResolver(((n, Field(f.key, f.type)) for n, f in self._facts.items()),
                                   {f.key: f.name for f in vocabulary.facts}, self._unknown)

    def fact(self, name: str) -> Fact:
        return self._facts[self._names(name).key]

    def __call__(self, name: str) -> Field:
        return self._names(name)

    def near(self, name: str) -> list[str]:
        """Up to three fact names close to ``name`` (spelling, or one containing the other)."""
        name = name.strip()
        names = [f.name for f in self.vocabulary.facts]
        near = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        contained = [n for n in names if n not in near and name and (name in n or n in name)]
        return near + contained[: 3 - len(near)]

    def _unknown(self, name: str) -> UnknownFact:
        near = self.near(name)
        hint = (f"是否指：{'、'.join(near)}" if near else
                f"请先在 criteria/{FACTS_DIR}/ 的词表文件中登记该事实（key、name、type），或改用已有的事实")
        return UnknownFact(f"“{name}” 不在事实词表 criteria/{FACTS_DIR}/ 中", hint)

    def compile(self, text: str) -> Expr:
        """Parse, resolve, type-check and value-check one condition; returns the NNF tree."""
        tree = normalize(parse(text), self)
        self._check_values(tree)
        return tree

    def _check_values(self, tree: Expr) -> None:
        if isinstance(tree, (And, Or)):
            for node in tree.items:
                self._check_values(node)
            return
        assert isinstance(tree, Test)
        fact = self._facts[tree.field.key]
        if fact.values and isinstance(tree.rhs, Const) and tree.rhs.value not in fact.values:
            raise BadValue(f"“{fact.name}” 没有取值 “{tree.rhs.value}”", value_hint(fact, tree.rhs.value))


def value_hint(fact: Fact, value: object) -> str:
    """For a text value the fact does not allow: the closest allowed values, or all of them."""
    near = difflib.get_close_matches(str(value), fact.values, n=3, cutoff=0.3)
    return f"是否指：{'、'.join(near)}" if near else f"允许的取值：{'、'.join(fact.values)}"


def _compile_at(doc: Located, resolver: FactResolver, path: tuple[Any, ...], text: str,
                ref: str) -> Expr:
    """Compile one condition; every failure points at the line of ``path``."""
    where = f"{ref} 的 {path[-1]}"
    try:
        return resolver.compile(text)
    except ExprSyntaxError as exc:
        raise doc.error(path, f"{where} 写法有误：{exc}") from exc
    except UnknownFact as exc:
        raise doc.error(path, f"{where} 中的名称{exc}", exc.hint) from exc
    except ExprTypeError as exc:
        raise doc.error(path, f"{where} 无法判定：{exc}") from exc
    except BadValue as exc:
        raise doc.error(path, f"{where} 中 {exc}", exc.hint) from exc


# --------------------------------------------------------------------------- loaded shapes


@dataclass(frozen=True)
class LoadedItem:
    """An item with its compiled condition and the place it was written."""

    item: Item
    standard_id: str
    file: str
    line: int | None
    gate: Expr | None  # applies_when, compiled
    test: Expr  # holds_when, compiled
    condition: Expr  # gate and test together: what a finding must satisfy
    fields: tuple[Field, ...]
    test_fields: tuple[Field, ...]  # the facts holds_when reads (the gate's left out)

    @property
    def gate_fields(self) -> tuple[Field, ...]:
        return referenced_fields(self.gate) if self.gate is not None else ()

    @property
    def ref(self) -> str:
        return self.item.ref

    def holds(self, facts: Mapping[str, Any]) -> bool:
        """True when ``facts`` (keyed by fact key) satisfy gate and item; absent facts never do."""
        return holds(self.condition, facts)


@dataclass(frozen=True)
class LoadedCombined:
    """A comprehensive determination with its compiled gate (see ``Combined``)."""

    rule: Combined
    standard_id: str
    file: str
    line: int | None
    gate: Expr | None

    @property
    def ref(self) -> str:
        return self.rule.ref


@dataclass(frozen=True)
class LoadedStandard:
    standard: Standard
    file: str
    items: tuple[LoadedItem, ...]
    doc: Located = field(repr=False, compare=False)
    combined: tuple[LoadedCombined, ...] = ()


@dataclass(frozen=True)
class CriteriaSet:
    """Every encoded standard edition plus the vocabulary their conditions are written in."""

    vocabulary: Vocabulary
    standards: dict[str, LoadedStandard]
    resolver: FactResolver = field(repr=False, compare=False)
    reading: ReadingRules | None = field(default=None, repr=False, compare=False)
    folder: Path | None = field(default=None, repr=False, compare=False)
    packs: tuple[Path, ...] = field(default=(), repr=False, compare=False)  # rule packs' criteria/ folders

    def standard(self, standard_id: str) -> Standard:
        return self.standards[standard_id].standard

    def items(self, standard_id: str) -> tuple[LoadedItem, ...]:
        return self.standards[standard_id].items

    def item(self, standard_id: str, ref: str) -> LoadedItem:
        for it in self.standards[standard_id].items:
            if it.ref == ref:
                return it
        raise KeyError(f"{standard_id} {ref}")

    def compile(self, condition: str) -> Expr:
        """Compile an ad-hoc condition against the vocabulary (raises on unknown names)."""
        return self.resolver.compile(condition)

    def in_force(self, sector_or_family: str, on: date | str) -> Standard:
        """The edition that judges a finding of ``sector_or_family`` dated ``on``.

        ``sector_or_family`` may be a sector or sub-sector named in a standard's scope
        (冶金, 商贸 …), a standard family id (gongmao) or a standard id. A finding is judged
        by the edition in force on its own date, so an old finding keeps its old basis.
        """
        day = parse_iso_date(on) if isinstance(on, str) else on
        key = sector_or_family.strip()
        known = [s.standard for s in self.standards.values()
                 if key in (s.standard.family, s.standard.id)
                 or key in s.standard.scope.sectors or key in s.standard.scope.sub_sectors]
        if not known:
            raise NoStandardInForce(f"没有适用于 “{key}” 的判定标准")
        hits = [s for s in known if s.in_force_on(day)]
        families = sorted({s.family for s in hits})
        if len(families) > 1:
            names = "、".join(f"{s.id}（{s.title}）" for s in hits)
            raise NoStandardInForce(f"“{key}” 在 {day} 同时适用多个标准：{names}，请指明标准族")
        if hits:
            return hits[0]
        missing = sorted({old for s in known for old in s.supersedes
                          if old not in self.standards and day < s.start})
        extra = f"；它所替代的 {'、'.join(missing)} 尚未录入" if missing else ""
        spans = "、".join(f"{s.id}（{s.effective_from} 起）" for s in sorted(known, key=lambda s: s.start))
        raise NoStandardInForce(f"{day} 没有已录入的 “{key}” 判定标准在有效期内：已录入 {spans}{extra}")


# --------------------------------------------------------------------------- loading


def _top_keys(doc: Located, allowed: tuple[str, ...], required: str, what: str) -> dict[Any, Any]:
    data = doc.data
    if not isinstance(data, dict) or required not in data:
        raise doc.error((), f"{what}应以 {required}: 开头")
    unknown = [k for k in data if k not in allowed]
    if unknown:
        raise doc.error((unknown[0],), f"不认识的键（应为 {'、'.join(allowed)} 之一）")
    return data


def _validate(doc: Located, model: type[BaseModel], entry: Any, path: tuple[Any, ...]) -> Any:
    """Validate one mapping; a misspelt key is reported before the "missing" error it causes."""
    if isinstance(entry, dict):
        allowed = list(model.model_fields)
        for key in entry:
            if key not in allowed:
                near = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                raise doc.error((*path, key), "不认识的键（拼写错误？）",
                                f"是否指 {near[0]}" if near else f"可用的键：{'、'.join(allowed)}")
    try:
        return model.model_validate(entry)
    except ValidationError as exc:
        raise validation_error(doc, exc, path) from exc


def facts_from_document(doc: Located) -> list[Fact]:
    """The facts of one vocabulary file, duplicates inside the file reported at their line."""
    data = _top_keys(doc, ("facts",), "facts", "事实词表")
    raw = data["facts"]
    if not isinstance(raw, list) or not raw:
        raise doc.error(("facts",), "facts 应为非空列表，每项写明 key、name、type、doc")
    facts: list[Fact] = []
    for i, entry in enumerate(raw):
        facts.append(_validate(doc, Fact, entry, ("facts", i)))
    for i, text in duplicate_names(tuple(facts)):
        key = "key" if facts[i].key == text else "name"
        first = next(j for j, f in enumerate(facts) if text in (f.key, f.name))
        raise doc.error(("facts", i, key), f"“{text}” 已在第 {doc.line_of(('facts', first))} 行用过")
    return facts


def vocabulary_from_documents(docs: list[Located]) -> Vocabulary:
    """One vocabulary from several files; a key or name registered twice points at both places."""
    seen: dict[str, tuple[Located, int]] = {}
    facts: list[Fact] = []
    for doc in docs:
        for i, fact in enumerate(facts_from_document(doc)):
            for text, key in dict.fromkeys(((fact.key, "key"), (fact.name, "name"))):
                if text in seen:
                    first_doc, j = seen[text]
                    raise doc.error(("facts", i, key), f"“{text}” 已在 {first_doc.file}:"
                                                       f"{first_doc.line_of(('facts', j))} 登记过",
                                    "同一个意思只登记一次；共用的事实放在 common.yaml")
                seen[text] = (doc, i)
            facts.append(fact)
    return Vocabulary(facts=tuple(facts))


def vocabulary_from_document(doc: Located) -> Vocabulary:
    return vocabulary_from_documents([doc])


def criteria_from_document(doc: Located, resolver: FactResolver) -> LoadedStandard:
    data = _top_keys(doc, ("standard", "items", "combined"), "standard", "判定标准文件")
    std: Standard = _validate(doc, Standard, data["standard"], ("standard",))
    raw = data.get("items") or []
    if not isinstance(raw, list):
        raise doc.error(("items",), "items 应为列表")
    items: list[Item] = []
    for i, entry in enumerate(raw):
        items.append(_validate(doc, Item, entry, ("items", i)))
    frozen = tuple(items)
    for i, first in duplicate_refs(frozen):
        raise doc.error(("items", i, "ref"), f"条款编号 “{frozen[i].ref}” 与第 "
                                             f"{doc.line_of(('items', first, 'ref'))} 行重复")
    for i, key, first in article_conflicts(frozen):
        raise doc.error(("items", i, key), f"{frozen[i].ref} 的 {key} 与同条第一项（第 "
                                           f"{doc.line_of(('items', first, key))} 行）不一致",
                        "同一条的各项应写相同的 family 与 applies_when")
    refs = {it.ref for it in frozen}
    for k, ref in enumerate(std.missing_items):
        if ref in refs:
            raise doc.error(("standard", "missing_items", k), f"“{ref}” 已录入，不应再列为缺失")
    if std.item_count is not None and std.coverage == "complete" and len(frozen) != std.item_count:
        raise doc.error(("standard", "item_count"),
                        f"coverage 为 complete，官方共 {std.item_count} 项，实际录入 {len(frozen)} 项",
                        "补齐条款，或将 coverage 改为 partial 并列出 missing_items")
    loaded: list[LoadedItem] = []
    for i, it in enumerate(frozen):
        gate = None
        if it.applies_when:
            gate = _compile_at(doc, resolver, ("items", i, "applies_when"), it.applies_when, it.ref)
        test = _compile_at(doc, resolver, ("items", i, "holds_when"), it.holds_when, it.ref)
        condition = And((gate, test)) if gate is not None else test
        loaded.append(LoadedItem(it, std.id, doc.file, doc.line_of(("items", i)), gate, test,
                                 condition, referenced_fields(condition), referenced_fields(test)))
    combined = _combined_from_document(doc, resolver, data.get("combined"), frozen, std.id)
    try:  # the model's own invariants, as a backstop
        CriteriaFile(standard=std, items=frozen, combined=tuple(c.rule for c in combined))
    except ValidationError as exc:
        raise validation_error(doc, exc) from exc
    return LoadedStandard(std, doc.file, tuple(loaded), doc, combined)


def _combined_from_document(doc: Located, resolver: FactResolver, raw: Any, items: tuple[Item, ...],
                            standard_id: str) -> tuple[LoadedCombined, ...]:
    """Each counting rule, its element and required refs checked against the file's items."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise doc.error(("combined",), "combined 应为列表")
    by_ref = {it.ref: it for it in items}
    seen: dict[str, int] = {}
    out: list[LoadedCombined] = []
    for i, entry in enumerate(raw):
        rule: Combined = _validate(doc, Combined, entry, ("combined", i))
        if rule.ref in seen or rule.ref in by_ref:
            raise doc.error(("combined", i, "ref"), f"编号 “{rule.ref}” 已用过")
        seen[rule.ref] = i
        places = [(("requires",), rule.requires, False)]
        if rule.groups:
            places += [(("groups", g, "elements"), grp.elements, True) for g, grp in enumerate(rule.groups)]
        else:
            places.append((("elements",), rule.elements, True))
        for path, refs, counted in places:
            for k, ref in enumerate(refs):
                it = by_ref.get(ref)
                if it is None:
                    raise doc.error(("combined", i, *path, k), f"“{ref}” 不是本文件 items 中的条款编号")
                if counted and not it.element:
                    raise doc.error(("combined", i, *path, k), f"“{ref}” 没有标为 element: true",
                                    "计条数的要素须标 element: true，否则它单独就判为重大隐患")
        gate = None
        if rule.applies_when:
            gate = _compile_at(doc, resolver, ("combined", i, "applies_when"), rule.applies_when, rule.ref)
        out.append(LoadedCombined(rule, standard_id, doc.file, doc.line_of(("combined", i)), gate))
    counted = {ref for c in out for ref in c.rule.all_elements}
    for i, it in enumerate(items):
        if it.element and it.ref not in counted:
            raise doc.error(("items", i, "element"),
                            f"{it.ref} 标为综合判定要素，但没有哪条 combined 规则计它")
    return tuple(out)


def _check_editions(standards: dict[str, LoadedStandard]) -> None:
    """Cross-file links: supersession agrees both ways, editions of a family do not overlap."""
    for ls in standards.values():
        std, doc = ls.standard, ls.doc
        for k, old_id in enumerate(std.supersedes):
            old = standards.get(old_id)
            if old is None:
                continue  # an edition not encoded (yet) may still be named
            path = ("standard", "supersedes", k)
            if old.standard.family != std.family:
                raise doc.error(path, f"{old_id} 属于标准族 {old.standard.family}，不是 {std.family}")
            if old.standard.superseded_by not in (None, std.id):
                raise doc.error(path, f"{old_id} 写明被 {old.standard.superseded_by} 替代，与此处矛盾")
        if std.superseded_by and std.superseded_by in standards:
            new = standards[std.superseded_by].standard
            if std.id not in new.supersedes:
                raise doc.error(("standard", "superseded_by"),
                                f"{new.id} 的 supersedes 中没有 {std.id}，两处应一致")
    by_family: dict[str, list[LoadedStandard]] = {}
    for ls in standards.values():
        by_family.setdefault(ls.standard.family, []).append(ls)
    for editions in by_family.values():
        editions.sort(key=lambda e: e.standard.start)
        for prev, cur in itertools.pairwise(editions):
            if prev.standard.end >= cur.standard.start:
                raise cur.doc.error(("standard", "effective_from"),
                                    f"{cur.standard.id} 的有效期与 {prev.standard.id}（{prev.file}）重叠",
                                    f"旧版的 effective_to 应早于 {cur.standard.effective_from}")


def reading_from_document(doc: Located) -> ReadingRules:
    """The shared cues for reading descriptions; every fact's ``says`` is checked against them."""
    if not isinstance(doc.data, dict):
        raise doc.error((), "reading.yaml 应为映射（negation、failure、working、compare、units……）")
    return _validate(doc, ReadingRules, doc.data, ())


def load_criteria(folder: Path | None = None, packs: Sequence[Path] = ()) -> CriteriaSet:
    """The vocabulary in ``folder/facts/*.yaml`` and every standard in ``folder/*.yaml``
    (default: the bundled ``criteria/``), then each rule pack's ``criteria/`` (``packs``:
    the packs' folders); from the cache when no file has changed."""
    folder = (folder or bundled("criteria")).resolve()
    extra = tuple(p.resolve() / "criteria" for p in packs if (p / "criteria").is_dir())
    files = [*(f for d in (folder, *extra) for f in (*d.glob("*.yaml"), *(d / FACTS_DIR).glob("*.yaml")))]
    return cached("criteria", files, lambda: _load_criteria(folder, extra))


def _pack_facts(doc: Located, known: dict[str, Fact]) -> tuple[Located, dict[str, tuple[str, ...]]]:
    """A pack's facts file split into new facts (the document, without the other entries) and
    phrases for bundled facts: an entry of only ``name`` and ``says`` adds its phrases to the
    fact of that name (``says: {是: [...]}``), so an office teaches the reader its own words."""
    data = doc.data
    entries = data.get("facts") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return doc, {}
    added: dict[str, dict[str, tuple[str, ...]]] = {}
    kept = []
    for i, entry in enumerate(entries):
        if isinstance(entry, dict) and set(entry) == {"name", "says"} and entry["name"] in known:
            says = entry["says"]
            if not isinstance(says, dict):
                raise doc.error(("facts", i, "says"), "says 应为映射，如 {是: [说法, …]}")
            added[entry["name"]] = {str(k): tuple(str(w) for w in v) for k, v in says.items()}
        else:
            kept.append((i, entry))
    def entry_of(key: tuple[Any, ...]) -> bool:
        return len(key) >= 2 and key[0] == "facts" and isinstance(key[1], int)

    lines = {k: v for k, v in doc.lines.items() if not entry_of(k)}  # the kept entries, renumbered
    for n, (i, _) in enumerate(kept):
        lines.update({("facts", n, *k[2:]): line for k, line in doc.lines.items()
                      if entry_of(k) and k[1] == i})
    return Located(doc.file, {**data, "facts": [e for _, e in kept]}, lines), added


def _with_phrases(fact: Fact, says: dict[str, tuple[str, ...]]) -> Fact:
    merged = dict(fact.says)
    for key, words in says.items():
        merged[key] = tuple(dict.fromkeys((*merged.get(key, ()), *words)))
    return fact.model_validate({**fact.model_dump(), "says": merged})


def _load_criteria(folder: Path, packs: tuple[Path, ...] = ()) -> CriteriaSet:
    facts_paths = sorted((folder / FACTS_DIR).glob("*.yaml"))
    if not facts_paths:
        raise RuleFileError(f"缺少事实词表：{FACTS_DIR}/ 下没有 .yaml 文件", file=str(folder))
    docs = [load_yaml(p) for p in facts_paths]
    vocabulary = vocabulary_from_documents(docs)
    if packs:
        known = {f.name: f for f in vocabulary.facts}
        phrases: dict[str, dict[str, tuple[str, ...]]] = {}
        for pack in packs:
            for path in sorted((pack / FACTS_DIR).glob("*.yaml")):
                rest, added = _pack_facts(load_yaml(path), known)
                phrases.update(added)
                if rest.data.get("facts"):
                    docs.append(rest)
        vocabulary = vocabulary_from_documents(docs)
        vocabulary = Vocabulary(facts=tuple(_with_phrases(f, phrases[f.name]) if f.name in phrases else f
                                            for f in vocabulary.facts))
    resolver = FactResolver(vocabulary)
    reading_path = folder / READING_FILE
    reading = reading_from_document(load_yaml(reading_path)) if reading_path.is_file() else None
    standards: dict[str, LoadedStandard] = {}
    for n, where in enumerate((folder, *packs)):
        for path in sorted(where.glob("*.yaml")):
            if path.name in (READING_FILE, SECTORS_FILE):
                if n and path.name == READING_FILE:
                    raise RuleFileError("规则包中不能改 reading.yaml（各事实共用的读法）；说法写在 facts/ 中",
                                        file=str(path))
                continue
            doc = load_yaml(path)
            loaded = criteria_from_document(doc, resolver)
            sid = loaded.standard.id
            if sid in standards and not (n and loaded.standard.overrides):
                hint = "规则包中的标准要替换内置标准，在 standard: 下写 overrides: true" if n else None
                raise doc.error(("standard", "id"), f"标准 id “{sid}” 已在 {standards[sid].file} 中定义",
                                hint)
            if loaded.standard.overrides and sid not in standards:
                raise doc.error(("standard", "overrides"), f"overrides: true，但没有要替换的标准 “{sid}”")
            standards[sid] = loaded
    _check_editions(standards)
    return CriteriaSet(vocabulary, standards, resolver, reading, folder, packs)
