"""The forms and rules in force, loaded and cross-checked once per process."""

from __future__ import annotations

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


def load_catalog(rules_dir: Path | None = None) -> Catalog:
    """Forms from ``<rules>/forms`` and checks from ``<rules>/checks``; every form's plan is
    compiled up front so that a broken rule is reported before any input is read."""
    root = rules_dir or bundled("rules")
    every = load_forms(root / "forms")
    rules = load_rules(root / "checks")
    check_form_references(rules, every)
    forms = {k: f for k, f in every.items() if isinstance(f, Form)}
    ledgers = {k: f for k, f in every.items() if isinstance(f, LedgerForm)}
    catalog = Catalog(forms, rules, ledgers)
    for form_id in every:
        catalog.plan(form_id)
    for form_id in ledgers:
        catalog.counts(form_id)
    return catalog
