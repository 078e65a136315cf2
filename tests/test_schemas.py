"""Every kind of YAML file has a JSON Schema (schemas/), current with the models, and every
bundled file of that kind is valid against it — so an editor checking a file agrees with the
loader."""

from __future__ import annotations

import datetime
import glob
import json
from pathlib import Path

import jsonschema
import pytest

from engine.load.positioned import load_yaml
from engine.schemas import SCHEMAS

ROOT = Path(__file__).resolve().parent.parent


def _as_an_editor_sees(value: object) -> object:
    """Dates as text and the key ``on`` as text, as a YAML 1.2 editor reads them."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {("on" if k is True else str(k)): _as_an_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_an_editor_sees(v) for v in value]
    return value


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_committed_schema_is_current(kind: str) -> None:
    committed = json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    assert committed == SCHEMAS[kind][1](), f"schemas/{kind}.schema.json is stale: run tools/write_schemas.py"


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_every_bundled_file_of_the_kind_is_valid(kind: str) -> None:
    patterns, build = SCHEMAS[kind]
    validator = jsonschema.Draft202012Validator(build())
    files = [Path(p) for pattern in patterns for p in sorted(glob.glob(str(ROOT / pattern)))]
    assert files, f"no file matches {patterns}"
    for path in files:
        errors = list(validator.iter_errors(_as_an_editor_sees(load_yaml(path).data)))
        assert not errors, f"{path}: {errors[0].message} at {list(errors[0].absolute_path)}"


def test_a_schema_rejects_what_the_loader_rejects() -> None:
    """Not a schema that accepts anything: an unknown key and a wrong type are refused."""
    validator = jsonschema.Draft202012Validator(SCHEMAS["checks"][1]())
    rule = {"id": "x", "title": "t", "severity": "error", "on": "单元格", "when": "值 < 0", "message": "m",
            "basis": "填表说明"}
    assert validator.is_valid({"rules": [rule]})
    assert not validator.is_valid({"rules": [{**rule, "severity": "fatal"}]})
    assert not validator.is_valid({"rules": [{**rule, "colour": "red"}]})
    assert not validator.is_valid({"rules": [{**rule, "on": "表格"}]})
