"""The forms and rules in force, loaded and cross-checked once per process."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine.compile.plan import Plan, check_form_references, compile_plan
from engine.errors import InputError
from engine.load.forms import load_forms
from engine.load.rules import LoadedRule, load_rules
from engine.model.forms import Form
from engine.paths import bundled


@dataclass
class Catalog:
    forms: dict[str, Form]
    rules: list[LoadedRule]
    _plans: dict[str, Plan] = field(default_factory=dict, repr=False)

    def form(self, form_id: str) -> Form:
        if form_id not in self.forms:
            raise InputError(f"没有表单 “{form_id}”", field="--form",
                             hint=f"可用的表单：{'、'.join(sorted(self.forms))}")
        return self.forms[form_id]

    def plan(self, form_id: str) -> Plan:
        if form_id not in self._plans:
            self._plans[form_id] = compile_plan(self.rules, self.form(form_id))
        return self._plans[form_id]


def load_catalog(rules_dir: Path | None = None) -> Catalog:
    """Forms from ``<rules>/forms`` and checks from ``<rules>/checks``; every form's plan is
    compiled up front so that a broken rule is reported before any input is read."""
    root = rules_dir or bundled("rules")
    forms = load_forms(root / "forms")
    rules = load_rules(root / "checks")
    check_form_references(rules, forms)
    catalog = Catalog(forms, rules)
    for form_id in forms:
        catalog.plan(form_id)
    return catalog
