"""JSON and YAML returns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from engine.errors import InputError
from engine.model.forms import Form
from engine.read import read_submission

from .builders import SECTIONS, TABLE


def _dump(path: Path, data: object) -> Path:
    if path.suffix == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


ROWS_DOC = {
    "form": TABLE,
    "period": "2023-05-01~2023-09-26",
    "rows": [
        {"unit": "XX镇", "values": {"general_found": 3, "general_rectified": "2",
                                    "重大隐患/部门排查/排查": 1}},
        {"unit": "区 应急管理局", "unit_kind": "镇街",
         "values": {"general_found": "１,２00", "fines": 1.5,
                    "重大隐患": {"部门挂牌督办": {"排查": None}}}},
        {"unit": "累计", "values": {"general_found": 1203}},
    ],
}


@pytest.mark.parametrize("name", ["r.json", "r.yaml", "r.YML"])
def test_rows_document(tmp_path: Path, forms: dict[str, Form], name: str) -> None:
    path = _dump(tmp_path / name, ROWS_DOC)
    sub = read_submission(path, forms)
    assert sub.form_id == TABLE and sub.period == "2023-05-01~2023-09-26"
    assert sub.format == ("json" if name.endswith("json") else "yaml")
    assert [(r.unit, r.unit_kind, r.unit_kind_source, r.is_total) for r in sub.rows] == [
        ("XX镇", "镇街", "name", False), ("区应急管理局", "镇街", "column", False),
        ("累计", None, "unknown", True)]
    a, b, _ = (r.cells for r in sub.rows)
    assert a["general_rectified"].value == 2 and a["major_dept_found"].value == 1
    assert a["major_dept_found"].ref.key_path == "rows[0].values.重大隐患/部门排查/排查"  # type: ignore[union-attr]
    assert b["general_found"].value == 1200
    assert b["major_listed_found"].status == "blank"
    assert b["major_listed_found"].ref.key_path == "rows[1].values.重大隐患.部门挂牌督办.排查"  # type: ignore[union-attr]
    assert b["fines"].ref.row == 0 and b["fines"].ref.a1() == "rows[1].values.fines"  # type: ignore[union-attr]
    assert "fines" not in a
    assert sub.rows[1].ref.key_path == "rows[1]"  # type: ignore[union-attr]


def test_single_unit_detects_sections(tmp_path: Path, forms: dict[str, Form]) -> None:
    values = {ind.key: 1 for ind in forms[SECTIONS].indicators}
    values["media_column"] = "否"
    sub = read_submission(_dump(tmp_path / "one.json", {"unit": "XX镇", "values": values}), forms)
    assert sub.form_id == SECTIONS and len(sub.rows) == 1
    assert sub.rows[0].cells["media_column"].value == 0
    assert sub.rows[0].cells["fines"].ref.key_path == "values.fines"  # type: ignore[union-attr]


def test_list_of_flat_rows(tmp_path: Path, forms: dict[str, Form]) -> None:
    doc = [{"unit": "XX镇", "general_found": 1, "一般隐患/已整改": 1, "fines": 0},
           {"unit": "XX乡", "general_found": 2, "一般隐患/已整改": 2, "fines": 0}]
    sub = read_submission(_dump(tmp_path / "l.yaml", doc), forms)
    assert sub.form_id == TABLE and [r.unit for r in sub.rows] == ["XX镇", "XX乡"]
    assert sub.rows[1].cells["general_rectified"].ref.key_path == "[1].一般隐患/已整改"  # type: ignore[union-attr]


def test_unit_argument_for_single_unit(tmp_path: Path, forms: dict[str, Form]) -> None:
    values = {ind.key: 0 for ind in forms[SECTIONS].indicators}
    path = _dump(tmp_path / "v.json", {"values": values})
    with pytest.raises(InputError) as err:
        read_submission(path, forms)
    assert err.value.file == str(path) and "--unit" in (err.value.hint or "")
    assert read_submission(path, forms, unit="XX镇").rows[0].unit == "XX镇"


def test_unknown_indicator_names_key_and_row(tmp_path: Path, forms: dict[str, Form]) -> None:
    doc = {"form": TABLE, "rows": [{"unit": "XX镇", "values": {"general_found": 1}},
                                   {"unit": "XX乡", "values": {"bogus": 1}}]}
    path = _dump(tmp_path / "u.json", doc)
    with pytest.raises(InputError) as err:
        read_submission(path, forms)
    assert "bogus" in err.value.message and err.value.field == "rows[1].values.bogus"
    assert err.value.file == str(path)


def test_unknown_form_in_document(tmp_path: Path, forms: dict[str, Form]) -> None:
    path = _dump(tmp_path / "f.json", {"form": "nope", "rows": []})
    with pytest.raises(InputError) as err:
        read_submission(path, forms)
    assert err.value.field == "form"


def test_form_argument_wins(tmp_path: Path, forms: dict[str, Form]) -> None:
    doc = {"form": TABLE, "unit": "XX镇", "values": {"fines": 1, "penalties": 1}}
    sub = read_submission(_dump(tmp_path / "w.json", doc), forms, form_id=SECTIONS)
    assert sub.form_id == SECTIONS


@pytest.mark.parametrize(("name", "text"), [
    ("bad.json", '{"rows": [1, }'),
    ("bad.yaml", "rows: [a, \n  - b: ]"),
    ("scalar.json", "42"),
    ("rows.json", '{"rows": {"unit": "x"}}'),
    ("item.json", '{"rows": ["x"]}'),
])
def test_broken_documents(tmp_path: Path, forms: dict[str, Form], name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_submission(path, forms)
    assert err.value.file == str(path)
