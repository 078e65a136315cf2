"""``hazcheck rules lint``: every error in every rule file, not only the first.

Loading stops at the first broken file, as it must before an audit; an author fixing a
pack wants the whole list at once. Each file is loaded on its own, each rule of a checks
file validated and compiled on its own (against every form it applies to: the bundled ones
and the pack's), and every error is kept, each at its file, line and key.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from engine.catalog import PACK_PARTS, check_pack
from engine.compile.plan import compile_counts, compile_rule, fits_kind
from engine.errors import HazcheckError, RuleFileError
from engine.load.forms import form_from_file
from engine.load.positioned import Located, load_yaml
from engine.load.rules import LoadedRule, rules_from_document
from engine.model.forms import Form
from engine.model.ledger import LedgerForm
from engine.paths import bundled


@dataclass
class LintReport:
    files: list[str] = field(default_factory=list)
    errors: list[HazcheckError] = field(default_factory=list)

    def add(self, exc: HazcheckError) -> None:
        for e in (exc, *getattr(exc, "others", ())):
            if all(e.one_line() != seen.one_line() for seen in self.errors):
                self.errors.append(e)


def _yaml_files(paths: Sequence[Path], report: LintReport, *, packs: bool = True) -> Iterator[Path]:
    """The YAML files named, or under the folders named (a pack: its forms/ and checks/;
    ``packs``: a folder with them is held to a pack's layout, as ``--rules`` holds it)."""
    for path in paths:
        if path.is_file():
            yield path
        elif path.is_dir():
            parts = [path / p for p in PACK_PARTS if (path / p).is_dir() and p != "criteria"]
            if parts and packs:
                try:
                    check_pack(path)
                except HazcheckError as exc:
                    report.add(exc)
            for folder in parts or [path]:
                yield from sorted(folder.glob("*.yaml"))
        else:
            report.add(RuleFileError("文件或文件夹不存在", file=str(path)))


def _kind(doc: Located) -> str | None:
    data = doc.data
    if isinstance(data, dict) and isinstance(data.get("form"), dict):
        return "form"
    if isinstance(data, dict) and "rules" in data:
        return "checks"
    if isinstance(data, dict) and "standard" in data:
        return "criteria"
    if isinstance(data, dict) and "facts" in data:
        return "facts"
    return None


def _lint_criteria(doc: Located, kind: str) -> None:
    """A criteria edition compiled against the bundled fact vocabulary, or a vocabulary file."""
    from engine.load.criteria import criteria_from_document, facts_from_document, load_criteria

    if kind == "facts":
        facts_from_document(doc)
    else:
        criteria_from_document(doc, load_criteria().resolver)


def lint(paths: Sequence[Path] = ()) -> LintReport:
    """Every error of the rule files under ``paths`` (default: the bundled rules/)."""
    report = LintReport()
    from engine.load.forms import load_forms

    forms: dict[str, Form | LedgerForm] = {}
    targets = list(paths) or [bundled("rules")]
    linting_bundled = not paths
    if not linting_bundled:  # the pack's rules may name the bundled forms, and vice versa
        forms.update(load_forms(bundled("rules") / "forms"))
    rules: list[LoadedRule] = []
    seen_ids: dict[str, LoadedRule] = {}
    broken: set[str] = set()  # ids of forms whose files have errors: rules naming them are not blamed
    for path in _yaml_files(targets, report, packs=not linting_bundled):
        report.files.append(str(path))
        try:
            doc = load_yaml(path)
            kind = _kind(doc)
            if kind == "form":
                broken.add(str(doc.data["form"].get("id")))
                form, _ = form_from_file(path)
                forms[form.id] = form
                broken.discard(form.id)
            elif kind == "checks":
                for loaded in rules_from_document(doc, on_error=report.add):
                    first = seen_ids.get(loaded.rule.id)
                    if first is not None and not loaded.rule.overrides:
                        report.add(loaded.error("id", f"规则 id “{loaded.rule.id}” 与 {first.doc.file}:"
                                                      f"{first.line('id')} 重复"))
                    seen_ids[loaded.rule.id] = loaded
                    rules.append(loaded)
            elif kind in ("criteria", "facts"):
                _lint_criteria(doc, kind)
            else:
                report.add(RuleFileError("既不是表单文件（form:）、规则文件（rules:），也不是判定标准（standard:）"
                                         "或事实词表（facts:）", file=str(path)))
        except HazcheckError as exc:
            report.add(exc)
    schedules: dict = {}
    try:  # the bundled reporting schedules: the status checks are compiled against them
        from engine.status.schedule_load import load_schedules

        schedules = load_schedules(bundled("rules") / "schedules", {k: f.title for k, f in forms.items()})
    except HazcheckError as exc:
        report.add(exc)
    for loaded in rules:
        for form_id in loaded.rule.forms:
            if form_id not in forms and form_id not in broken and form_id not in schedules:
                report.add(loaded.error("forms", f"表单 “{form_id}” 不存在",
                                        f"已有表单：{'、'.join(sorted(forms))}"))
        for target in (*forms.values(), *schedules.values()):  # every form or schedule it applies to
            if loaded.rule.applies_to(target.id) and fits_kind(loaded.rule.on, target):
                try:
                    compile_rule(loaded, target)
                except HazcheckError as exc:
                    report.add(exc)
    for path in targets:  # a pack's criteria/: loaded with the bundled criteria, as an audit loads them
        if path.is_dir() and (path / "criteria").is_dir():
            report.files.append(str(path / "criteria"))
            try:
                from engine.classify.sectors import words_for
                from engine.load.criteria import load_criteria

                words_for(load_criteria(packs=[path]))
            except HazcheckError as exc:
                report.add(exc)
    returns = {k: f for k, f in forms.items() if isinstance(f, Form)}
    for form in forms.values():
        if isinstance(form, LedgerForm):
            try:
                compile_counts(form, returns)
            except HazcheckError as exc:
                report.add(exc)
    return report
