"""Every bundled case's return file reads, and is recognised as its directory's form."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.model.forms import Form
from engine.paths import bundled
from engine.read import read_submission


def _inputs() -> list[Path]:
    out: list[Path] = []
    for case in sorted(bundled("cases").glob("*/*/case.yaml")):
        spec = yaml.safe_load(case.read_text(encoding="utf-8")) or {}
        if case.parent.parent.name == "hazard-ledger":
            continue  # ledgers have their own reader (tests/test_ledger.py)
        if isinstance(spec, dict) and isinstance(spec.get("input"), str) and "error" not in spec:
            out.extend(case.parent / name for name in (spec["input"], spec.get("previous"))
                       if isinstance(name, str))
    return out


@pytest.mark.parametrize("path", _inputs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_case_input_reads(path: Path, forms: dict[str, Form]) -> None:
    sub = read_submission(path, forms)
    assert sub.form_id == path.parent.parent.name
    assert sub.rows and all(row.unit for row in sub.rows)
    form = forms[sub.form_id]
    for row in sub.rows:
        assert set(row.cells) <= {ind.key for ind in form.indicators}
        assert row.is_total or row.unit_kind is not None or row.unit in _unknown_kinds(path), row.unit


def _unknown_kinds(path: Path) -> set[str]:
    """Units whose case expects their kind not to be told (the unknown-unit-kind check)."""
    spec = yaml.safe_load((path.parent / "case.yaml").read_text(encoding="utf-8"))
    return {e.get("unit") for e in spec.get("expect", []) if e.get("rule") == "unknown-unit-kind"}
