"""A JSON Schema for every kind of YAML file a rule author or case writer edits.

Generated from the same pydantic models the loaders validate with, laid out as the files are
(a form file's ``form:`` beside its sections, a criteria file's ``standard:`` beside its
``items:``), so an editor can check a file while it is written. ``tools/write_schemas.py``
writes them to ``schemas/``; a test checks the committed files are current and that every
bundled file of each kind is valid against its schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from engine.cases import Case
from engine.criteria_cases import CriteriaCases
from engine.model.criteria import Combined, Fact, Item, Standard
from engine.model.factkinds import FactKindsFile
from engine.model.forms import Form
from engine.model.ledger import LedgerForm
from engine.model.reading import ReadingRules
from engine.model.rules import Rule
from engine.model.sectors import SectorTable
from engine.status.schedule import ScheduleFile
from engine.status.status_cases import StatusCase
from engine.text_cases import TextCaseFile

DRAFT = "https://json-schema.org/draft/2020-12/schema"
RETURN_SECTIONS = ("measures", "indicators", "relations", "rates")
LEDGER_SECTIONS = ("fields", "row_fact", "reconcile")


# Shorthands the models accept through "before" validators, which pydantic's schema cannot see:
# (model, field) -> the extra form a file may use, or None for a field the model fills in itself
SHORTHANDS: dict[tuple[str, str], dict[str, Any] | None] = {
    ("Rate", "numerator"): {"type": "string"},  # one indicator key instead of a list
    ("Rate", "denominator"): {"type": "string"},
    ("Basis", ""): {"type": "string"},  # basis: 填表说明 (the document alone)
    ("Reconcile", "form"): {"type": "string"},  # one return form instead of a list
    ("Rule", "severity"): {"enum": ["错误", "警告", "提示"]},  # the Chinese words for error/warning/info
    ("Item", "article"): None,  # taken from ref (第四条第(三)项 → 第四条) when not written
}


def _widen(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with the shorthands above allowed, wherever their models appear."""
    defs = schema.get("$defs", {})
    for (name, field), extra in SHORTHANDS.items():
        target = schema if schema.get("title") == name else defs.get(name)
        if target is None:
            continue
        if not field:  # the whole model may be written as the shorthand
            copy = dict(target)
            target.clear()
            target["anyOf"] = [copy, extra]
        elif extra is None:
            target["required"] = [r for r in target.get("required", []) if r != field]
        elif field in target.get("properties", {}):
            target["properties"][field] = {"anyOf": [target["properties"][field], extra]}
    return schema


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return _widen(model.model_json_schema(mode="validation", ref_template="#/$defs/{model}"))


def _document(title: str, properties: dict[str, Any], required: list[str],
              defs: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": DRAFT, "title": title, "type": "object", "properties": properties,
            "required": required, "additionalProperties": False, "$defs": defs}


def _sectioned(model: type[BaseModel], sections: tuple[str, ...], title: str) -> dict[str, Any]:
    """``form:`` holds the model's own keys, each section sits beside it (engine/load/forms.py)."""
    base = _schema(model)
    props = base["properties"]
    head = {k: v for k, v in props.items() if k not in sections}
    head_required = [k for k in base.get("required", []) if k not in sections]
    form = {"type": "object", "properties": head, "required": head_required, "additionalProperties": False}
    return _document(title, {"form": form, **{s: props[s] for s in sections if s in props}},
                     ["form", *[s for s in base.get("required", []) if s in sections]], base.get("$defs", {}))


def _list_of(key: str, model: type[BaseModel], title: str) -> dict[str, Any]:
    base = _schema(model)
    defs = {**base.pop("$defs", {}), model.__name__: base}
    item = {"$ref": f"#/$defs/{model.__name__}"}
    return _document(title, {key: {"type": "array", "items": item, "minItems": 1}}, [key], defs)


def _checks() -> dict[str, Any]:
    """A rule's ``on`` is a fact kind's key or its Chinese name (rules/facts.yaml)."""
    from engine.load.factkinds import fact_kinds

    schema = _list_of("rules", Rule, "审核规则（rules/checks/*.yaml）")
    names = [n for k in fact_kinds().values() for n in (k.name, k.label)]
    schema["$defs"]["Rule"]["properties"]["on"] = {"enum": names, "description": "事实种类（中文名或 key）"}
    return schema


def _criteria() -> dict[str, Any]:
    std, item, combined = _schema(Standard), _schema(Item), _schema(Combined)
    defs = {**std.pop("$defs", {}), **item.pop("$defs", {}), **combined.pop("$defs", {}),
            "Standard": std, "Item": item, "Combined": combined}
    return _document("判定标准文件（criteria/*.yaml）",
                     {"standard": {"$ref": "#/$defs/Standard"},
                      "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
                      "combined": {"type": "array", "items": {"$ref": "#/$defs/Combined"}}},
                     ["standard"], defs)


def _model(model: type[BaseModel], title: str) -> dict[str, Any]:
    return {"$schema": DRAFT, "title": title, **_schema(model)}


# kind -> (the files it describes, relative to the repository; the schema)
SCHEMAS: dict[str, tuple[tuple[str, ...], Callable[[], dict[str, Any]]]] = {
    "return-form": (("rules/forms/campaign-2023-*.yaml",),
                    lambda: _sectioned(Form, RETURN_SECTIONS, "报表表单（rules/forms/*.yaml）")),
    "ledger-form": (("rules/forms/hazard-ledger.yaml",),
                    lambda: _sectioned(LedgerForm, LEDGER_SECTIONS, "台账表单（kind: ledger）")),
    "checks": (("rules/checks/*.yaml",), _checks),
    "fact-kinds": (("rules/facts.yaml",),
                   lambda: _model(FactKindsFile, "事实种类（rules/facts.yaml）")),
    "criteria": (("criteria/[a-z]*-[0-9]*.yaml",), _criteria),
    "vocabulary": (("criteria/facts/*.yaml",),
                   lambda: _list_of("facts", Fact, "事实词表（criteria/facts/*.yaml）")),
    "reading": (("criteria/reading.yaml",),
                lambda: _model(ReadingRules, "描述读法（criteria/reading.yaml）")),
    "sectors": (("criteria/sectors.yaml",),
                lambda: _model(SectorTable, "行业写法（criteria/sectors.yaml）")),
    "case": (("cases/*/*/case.yaml",), lambda: _model(Case, "审核用例（cases/*/*/case.yaml）")),
    "text-cases": (("cases/classify/*.yaml",),
                   lambda: _model(TextCaseFile, "书面隐患描述用例（cases/classify/*.yaml）")),
    "criteria-cases": (("cases/criteria/*.yaml",),
                       lambda: _model(CriteriaCases, "条款用例（cases/criteria/*.yaml）")),
    "schedule": (("rules/schedules/*.yaml",),
                 lambda: _model(ScheduleFile, "报送时限表（rules/schedules/*.yaml）")),
    "status-case": (("cases/submissions/*/status-case.yaml",),
                    lambda: _model(StatusCase, "报送情况用例（cases/submissions/*/status-case.yaml）")),
}
