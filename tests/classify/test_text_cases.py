"""The written-findings development set (cases/classify/*.yaml): every case reaches its
labelled conclusion from the description alone (or its recorded ``todo`` gap), majors and
near misses cite their item first, and the whole set meets the accuracy targets."""

from __future__ import annotations

import pytest

from engine.classify.run import Classifier
from engine.evaluate.run import get_backend
from engine.load.criteria import load_criteria
from engine.paths import bundled
from engine.text_cases import (
    EXPECTED,
    MAX_MAJOR_GENERAL,
    TARGETS,
    Outcome,
    find_text_cases,
    metric,
    run_text_cases,
)

PATHS = find_text_cases(bundled("cases"))


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return run_text_cases(Classifier(load_criteria(), get_backend("python")), PATHS)


def test_dev_set_is_large_and_mixed(outcomes: list[Outcome]) -> None:
    labels = [o.case.label for o in outcomes]
    assert len(labels) >= 200
    assert 0.3 <= labels.count("重大") / len(labels) <= 0.5
    assert labels.count("近似") / len(labels) >= 0.2


def test_every_case(outcomes: list[Outcome]) -> None:
    """Each case gives its label (and item), or exactly its recorded gap: a fix or a regression shows."""
    wrong = [f"{o.file}:{o.line} {o.case.text} → {o.result.verdict} {o.top}"
             f"（应为 {o.case.todo or EXPECTED[o.case.label]} {o.case.todo_top or o.case.item or ''}）"
             for o in outcomes if not o.as_recorded]
    assert not wrong, "\n".join(wrong)


def test_text_verdicts_say_where_facts_came_from(outcomes: list[Outcome]) -> None:
    for o in outcomes:
        r = o.result
        assert r.needs_confirmation and r.from_text
        assert all((s.source == "描述" and s.words) or s.source == "行业" for s in r.sources)


def test_targets(outcomes: list[Outcome]) -> None:
    m = metric(outcomes)
    for name, target in TARGETS.items():
        assert getattr(m, name) >= target, (name, getattr(m, name))
    assert m.major_general <= MAX_MAJOR_GENERAL
