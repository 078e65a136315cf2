"""The forms, schedules and rules in force, loaded and cross-checked once per process."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from engine.compile.plan import CompiledCount, Plan, check_form_references, compile_counts, compile_plan
from engine.errors import InputError, RuleFileError
from engine.load.factkinds import fact_kinds
from engine.load.forms import load_forms
from engine.load.rules import LoadedRule, load_rules
from engine.model.forms import Form
from engine.model.ledger import LedgerForm
from engine.paths import bundled

if TYPE_CHECKING:
    from engine.status.schedule_load import Schedule


@dataclass
class Catalog:
    forms: dict[str, Form]  # progress returns
    rules: list[LoadedRule]  # the checks of returns and ledgers (their cases: cases/**/case.yaml)
    ledgers: dict[str, LedgerForm] = field(default_factory=dict)
    schedules: dict[str, Schedule] = field(default_factory=dict)  # rules/schedules (hazcheck status)
    # the checks on a schedule's facts (报送, 单位, 登记行), from the same rules/checks files; kept
    # apart from ``rules`` because their cases are the submissions cases (cases/submissions), which
    # tests/status runs, not the audit cases ``hazcheck rules test`` runs
    status_rules: list[LoadedRule] = field(default_factory=list)
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
            if form_id in self.schedules:
                return self.schedule_plan(self.schedules[form_id])
            form = self.ledgers[form_id] if form_id in self.ledgers else self.form(form_id)
            self._plans[form_id] = compile_plan(self.rules, form)
        return self._plans[form_id]

    def schedule_plan(self, schedule: Schedule) -> Plan:
        """The status rules compiled for ``schedule``: once for a schedule of the catalog, afresh
        for one given as a file (``--schedule``)."""
        if self.schedules.get(schedule.id) is not schedule:
            return compile_plan(self.status_rules, schedule)
        if schedule.id not in self._plans:
            self._plans[schedule.id] = compile_plan(self.status_rules, schedule)
        return self._plans[schedule.id]


def load_catalog(rules_dir: Path | None = None, packs: Sequence[Path] = ()) -> Catalog:
    """Forms from ``<rules>/forms`` and checks from ``<rules>/checks``, then those of each rule
    pack (``--rules DIR``, ``HAZCHECK_RULES``) in order, and the reporting schedules of
    ``<rules>/schedules``; every form's and schedule's plan is compiled up front so that a
    broken rule is reported before any input is read."""
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
    schedules = _schedules(root / "schedules", every)
    check_form_references(rules, {**every, **schedules})
    forms = {k: f for k, f in every.items() if isinstance(f, Form)}
    ledgers = {k: f for k, f in every.items() if isinstance(f, LedgerForm)}
    kinds = fact_kinds()
    catalog = Catalog(forms, [r for r in rules if not kinds[r.rule.on].schedule], ledgers, schedules,
                      [r for r in rules if kinds[r.rule.on].schedule])
    for form_id in [*every, *schedules]:
        catalog.plan(form_id)
    for form_id in ledgers:
        catalog.counts(form_id)
    return catalog


def _schedules(folder: Path, forms: Mapping[str, Form | LedgerForm]) -> dict[str, Schedule]:
    """The schedules of ``folder`` (none without it); an id that is also a form's is an error."""
    if not folder.is_dir():
        return {}
    from engine.status.schedule_load import load_schedules

    schedules = load_schedules(folder, {k: f.title for k, f in forms.items()})
    for s in schedules.values():
        if s.id in forms:
            raise RuleFileError(f"时限表 id “{s.id}” 与表单 {s.id} 相同：规则的 forms 无法区分",
                                file=s.source, field="schedule.id")
    return schedules


PACK_PARTS = ("forms", "checks", "criteria")


def check_pack(folder: Path) -> None:
    """A rule pack is a folder laid out like the bundled ones: ``forms/``, ``checks/`` (as in
    ``rules/``) and ``criteria/`` (as the bundled ``criteria/``: editions, ``facts/``,
    ``sectors.yaml``). Anything else in it is an error, not a file silently left unread."""
    if not folder.is_dir():
        raise InputError("规则包应为文件夹（其中有 forms/、checks/）", file=str(folder), field="--rules")
    parts = {p.name for p in folder.iterdir() if not p.name.startswith(".")}
    unknown = sorted(parts - set(PACK_PARTS) - {"cases", "README.md"})
    if unknown:
        raise InputError(f"规则包中不认识的内容：{'、'.join(unknown)}", file=str(folder), field="--rules",
                         hint="规则包只读 forms/（表单）、checks/（审核规则）和 criteria/"
                              "（判定标准、事实、行业写法）；cases/ 放示例")
    if not parts & set(PACK_PARTS):
        raise InputError("规则包中没有 forms/、checks/ 或 criteria/", file=str(folder), field="--rules")


def packs_from(given: Sequence[Path] = (), environ: Mapping[str, str] | None = None) -> list[Path]:
    """The rule packs of a run: ``HAZCHECK_RULES`` (folders separated as in PATH), then ``--rules``."""
    env = (os.environ if environ is None else environ).get("HAZCHECK_RULES", "")
    return [*(Path(p) for p in env.split(os.pathsep) if p), *given]
