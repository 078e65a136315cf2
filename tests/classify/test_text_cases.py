"""Free-text descriptions (cases/classify/text.yaml): the right item among the top three
candidates, and never a verdict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.classify.inputs import parse_day
from engine.classify.run import Classifier, FindingInput
from engine.evaluate.run import get_backend
from engine.load.criteria import CriteriaSet, load_criteria
from engine.paths import bundled

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "cases" / "classify" / "text.yaml").read_text(encoding="utf-8")
)["cases"]


@pytest.fixture(scope="module")
def cs() -> CriteriaSet:
    return load_criteria(bundled("criteria"))


@pytest.mark.parametrize("case", CASES, ids=[c["text"] for c in CASES])
def test_text_candidates(cs: CriteriaSet, case: dict[str, Any]) -> None:
    finding = FindingInput({}, parse_day(str(case["date"])), case["sector"], case["text"])
    result = Classifier(cs, get_backend("python")).classify(finding)
    assert result.verdict == "待确认" and result.needs_confirmation
    top = [(c.standard, c.ref) for c in result.candidates[:3]]
    if case["expect"]:
        assert tuple(case["expect"]) in top, top
        assert all(c.words for c in result.candidates)
    else:
        assert top == []
