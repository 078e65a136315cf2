"""Load ``rules/forms/*.yaml`` into validated Form models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.compile.rowfact import RowFactError, row_fact_conditions
from engine.errors import RuleFileError
from engine.load.positioned import Located, load_yaml, validation_error
from engine.model.forms import Form
from engine.model.ledger import LedgerForm

_SECTIONS = ("measures", "indicators", "relations", "rates")


def _sectioned(doc: Located, model: type[Form] | type[LedgerForm], sections: tuple[str, ...]) -> Any:
    """``form:`` plus its sections merged into one model; errors keep the section's position."""
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("form"), dict):
        raise doc.error((), "表单文件应以 form: 开头，写明 id、title")
    unknown = set(data) - {"form", *sections}
    if unknown:
        key = sorted(unknown, key=str)[0]
        raise doc.error((key,), f"不认识的键（应为 {'、'.join(('form', *sections))} 之一）")
    merged = dict(data["form"])
    for section in sections:
        if section in data:
            merged[section] = data[section]
    try:
        return model.model_validate(merged)
    except ValidationError as exc:  # a section's error sits at its section, the others under form:
        raise validation_error(doc, exc, lambda loc: () if loc and loc[0] in sections else ("form",)) from exc


def form_from_document(doc: Located) -> Form:
    """A progress-return form: indicators with measures, relations and rates."""
    return _sectioned(doc, Form, _SECTIONS)


def ledger_from_document(doc: Located) -> LedgerForm:
    """A record form (``form.kind: ledger``): one row per finding, columns in ``fields``, the
    fields of its row fact in ``row_fact`` (each ``when`` checked here, at its line)."""
    form: LedgerForm = _sectioned(doc, LedgerForm, ("fields", "row_fact", "reconcile"))
    try:
        row_fact_conditions(form.row_fact)
    except RowFactError as exc:
        raise doc.error(("row_fact", exc.index, "when"), str(exc), hint=exc.hint) from exc
    return form


def form_from_file(path: Path) -> tuple[Form | LedgerForm, Located]:
    """One form file (a return form, or ``kind: ledger``), validated."""
    doc = load_yaml(path)
    is_ledger = isinstance(doc.data, dict) and isinstance(doc.data.get("form"), dict) \
        and doc.data["form"].get("kind") == "ledger"
    return (ledger_from_document(doc) if is_ledger else form_from_document(doc)), doc


def load_forms(folder: Path, *, into: dict[str, Form | LedgerForm] | None = None,
               origin: dict[str, str] | None = None, pack: bool = False) -> dict[str, Form | LedgerForm]:
    """Every form under ``folder``, keyed by id, added to ``into`` (the forms loaded before,
    ``origin`` their files). A repeated id is an error naming both files — unless the form
    comes from a rule pack and says ``overrides: true``, which replaces the earlier one."""
    forms = {} if into is None else into
    origin = {} if origin is None else origin
    for path in sorted(folder.glob("*.yaml")):
        form, doc = form_from_file(path)
        where: dict[str, Any] = {"file": str(path), "line": doc.line_of(("form", "id")), "field": "form.id"}
        if form.id in forms and not (pack and form.overrides):
            hint = "规则包中的表单要替换内置表单，在 form: 下写 overrides: true" if pack else None
            raise RuleFileError(f"表单 id “{form.id}” 已在 {origin[form.id]} 中定义", **where, hint=hint)
        if form.overrides and form.id not in forms:
            raise RuleFileError(f"overrides: true，但没有要替换的表单 “{form.id}”", **where)
        forms[form.id] = form
        origin[form.id] = str(path)
    return forms
