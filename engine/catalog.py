"""The forms and rules in force, loaded and cross-checked once per process."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from engine.compile.plan import CompiledCount, Plan, check_form_references, compile_counts, compile_plan
from engine.errors import InputError
from engine.load.forms import load_forms
from engine.load.rules import LoadedRule, load_rules
from engine.model.forms import Form
from engine.model.ledger import LedgerForm
from engine.paths import bundled


@dataclass
class Catalog:
    forms: dict[str, Form]  # progress returns
    rules: list[LoadedRule]
    ledgers: dict[str, LedgerForm] = field(default_factory=dict)
    _plans: dict[str, Plan] = field(default_factory=dict, repr=False)

    def form(self, form_id: str) -> Form:
        if form_id not in self.forms:
            raise InputError(f"没有表单 “{form_id}”", field="--form",
                             hint=f"可用的表单：{'、'.join(sorted(self.forms))}")
        return self.forms[form_id]

    def ledger(self, form_id: str) -> LedgerForm:
        if form_id not in self.ledgers:
            raise InputError(f"没有台账表单 “{form_id}”", field="--form",
                             hint=f"可用的台账表单：{'、'.join(sorted(self.ledgers))}")
        return self.ledgers[form_id]

    def counts(self, form_id: str) -> tuple[CompiledCount, ...]:
        return compile_counts(self.ledger(form_id), self.forms)

    def plan(self, form_id: str) -> Plan:
        if form_id not in self._plans:
            form = self.ledgers[form_id] if form_id in self.ledgers else self.form(form_id)
            self._plans[form_id] = compile_plan(self.rules, form)
        return self._plans[form_id]


def load_catalog(rules_dir: Path | None = None, packs: Sequence[Path] = ()) -> Catalog:
    """Forms from ``<rules>/forms`` and checks from ``<rules>/checks``, then those of each rule
    pack (``--rules DIR``, ``HAZCHECK_RULES``) in order; every form's plan is compiled up
    front so that a broken rule is reported before any input is read."""
    root = rules_dir or bundled("rules")
    every: dict[str, Form | LedgerForm] = {}
    origin: dict[str, str] = {}
    rules: list[LoadedRule] = []
    for n, folder in enumerate([root, *packs]):
        pack = n > 0
        if pack:
            check_pack(folder)
        if (folder / "forms").is_dir():
            load_forms(folder / "forms", into=every, origin=origin, pack=pack)
        if (folder / "checks").is_dir():
            rules = load_rules(folder / "checks", into=rules, pack=pack)
    check_form_references(rules, every)
    forms = {k: f for k, f in every.items() if isinstance(f, Form)}
    ledgers = {k: f for k, f in every.items() if isinstance(f, LedgerForm)}
    catalog = Catalog(forms, rules, ledgers)
    for form_id in every:
        catalog.plan(form_id)
    for form_id in ledgers:
        catalog.counts(form_id)
    return catalog


PACK_PARTS = ("forms", "checks")


def check_pack(folder: Path) -> None:
    """A rule pack is a folder laid out like the bundled ``rules/``: ``forms/`` and/or ``checks/``
    of YAML files. Anything else in it is an error, not a file silently left unread."""
    if not folder.is_dir():
        raise InputError("规则包应为文件夹（其中有 forms/、checks/）", file=str(folder), field="--rules")
    parts = {p.name for p in folder.iterdir() if not p.name.startswith(".")}
    unknown = sorted(parts - set(PACK_PARTS) - {"cases", "README.md"})
    if unknown:
        raise InputError(f"规则包中不认识的内容：{'、'.join(unknown)}", file=str(folder), field="--rules",
                         hint="规则包只读 forms/（表单）和 checks/（审核规则）；cases/ 放示例")
    if not parts & set(PACK_PARTS):
        raise InputError("规则包中没有 forms/ 或 checks/", file=str(folder), field="--rules")


def packs_from(given: Sequence[Path] = (), environ: Mapping[str, str] | None = None) -> list[Path]:
    """The rule packs of a run: ``HAZCHECK_RULES`` (folders separated as in PATH), then ``--rules``."""
    env = (os.environ if environ is None else environ).get("HAZCHECK_RULES", "")
    return [*(Path(p) for p in env.split(os.pathsep) if p), *given]
