"""Load ``rules/forms/*.yaml`` into validated Form models."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from engine.errors import RuleFileError
from engine.load.positioned import Located, load_yaml, validation_error
from engine.model.forms import Form

_SECTIONS = ("measures", "indicators", "relations", "rates")


def form_from_document(doc: Located) -> Form:
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("form"), dict):
        raise doc.error((), "表单文件应以 form: 开头，写明 id、title、layout")
    unknown = set(data) - {"form", *_SECTIONS}
    if unknown:
        key = sorted(unknown, key=str)[0]
        raise doc.error((key,), "不认识的键（应为 form、measures、indicators、relations、rates 之一）")
    merged = dict(data["form"])
    for section in _SECTIONS:
        if section in data:
            merged[section] = data[section]
    try:
        return Form.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors()[0]["loc"]
        prefix = () if first and first[0] in _SECTIONS else ("form",)
        raise validation_error(doc, exc, prefix) from exc


def load_forms(folder: Path) -> dict[str, Form]:
    """Every form under ``folder``, keyed by id; duplicate ids are an error."""
    forms: dict[str, Form] = {}
    origin: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        doc = load_yaml(path)
        form = form_from_document(doc)
        if form.id in forms:
            raise RuleFileError(f"表单 id “{form.id}” 已在 {origin[form.id]} 中定义",
                                file=str(path), line=doc.line_of(("form", "id")), field="form.id")
        forms[form.id] = form
        origin[form.id] = str(path)
    return forms
