"""Helper processes take a share of a large batch and change no answer."""

from __future__ import annotations

from datetime import date

import pytest

from engine.classify.helpers import ProcessHelpers, workers_wanted
from engine.classify.run import Classifier, FindingInput
from engine.errors import InputError
from engine.evaluate.run import get_backend
from engine.load.criteria import load_criteria
from engine.paths import bundled
from engine.text_cases import find_text_cases, load_text_cases


def _findings() -> list[FindingInput]:
    cases = [c for path in find_text_cases(bundled("cases"))[:12] for c in load_text_cases(path)[0].cases]
    out = []
    for n, c in enumerate(cases):
        on = date.fromisoformat(str(c.date))
        out.append(FindingInput({}, on, c.sector, c.text, f"第{n}条", given_as="事实列"))
        if n % 3 == 0:  # the same description on another day
            out.append(FindingInput({}, date(on.year, 1, 2), c.sector, c.text, f"第{n}条乙",
                                    given_as="事实列"))
    return out


def test_a_batch_shared_with_a_helper_is_the_batch_classified_alone() -> None:
    cs = load_criteria()
    findings = _findings()
    alone = Classifier(cs, get_backend("python")).classify_distinct(findings)
    helpers = ProcessHelpers(bundled("criteria"), "python", 2, min_distinct=0)
    shared = Classifier(cs, get_backend("python")).classify_distinct(findings, helpers=helpers)
    assert helpers._helpers == []  # closed
    assert len(findings) > 200
    for i, f in enumerate(findings):
        assert shared.of(i, f.on) == alone.of(i, f.on), f.label


def test_small_batches_stay_in_this_process() -> None:
    helpers = ProcessHelpers(bundled("criteria"), "python", 2)
    assert helpers.start([]) == set()


def test_a_helper_that_fails_stops_the_run_with_its_error(tmp_path) -> None:
    from engine.errors import EvaluationError

    findings = _findings()[:40]
    cs = load_criteria()
    helpers = ProcessHelpers(tmp_path / "no-criteria-here", "python", 2, min_distinct=0)
    with pytest.raises(EvaluationError, match="辅助进程"):
        Classifier(cs, get_backend("python")).classify_distinct(findings, helpers=helpers)


def test_the_number_of_workers_is_a_positive_integer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAZCHECK_WORKERS", "3")
    assert workers_wanted() == 3
    monkeypatch.setenv("HAZCHECK_WORKERS", "0")
    with pytest.raises(InputError, match="HAZCHECK_WORKERS"):
        workers_wanted()


def test_without_a_process_to_start_this_one_classifies_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.classify.helpers as helpers_module

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("no processes left")

    findings = _findings()[:60]
    cs = load_criteria()
    alone = Classifier(cs, get_backend("python")).classify_distinct(findings)
    monkeypatch.setattr(helpers_module.subprocess, "Popen", refuse)
    helpers = ProcessHelpers(bundled("criteria"), "python", 2, min_distinct=0)
    shared = Classifier(cs, get_backend("python")).classify_distinct(findings, helpers=helpers)
    for i, f in enumerate(findings):
        assert shared.of(i, f.on) == alone.of(i, f.on)
