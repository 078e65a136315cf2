"""Every criterion item against its example findings (cases/criteria/*.yaml), on both backends.

A positive case must be classified 重大 citing the item; each near miss must not cite it.
Every item of every encoded standard must have a case with at least one near miss, so a new
item cannot land untested.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from engine.classify.facts import typed_facts
from engine.classify.run import Classifier, FindingInput
from engine.criteria_cases import find_criteria_cases, load_criteria_cases, near_miss_facts
from engine.evaluate.run import get_backend
from engine.load.criteria import CriteriaSet, load_criteria
from engine.paths import bundled

CASES_ROOT = Path(__file__).resolve().parents[2] / "cases"


@dataclass(frozen=True)
class Probe:
    name: str  # standard ref #case [near miss k]
    standard: str
    ref: str
    finding: FindingInput
    must_match: bool


@pytest.fixture(scope="module")
def cs() -> CriteriaSet:
    return load_criteria(bundled("criteria"))


def _probes(cs: CriteriaSet) -> list[Probe]:
    out = []
    for path in find_criteria_cases(CASES_ROOT):
        cases, _ = load_criteria_cases(path)
        std = cs.standard(cases.standard)
        for n, case in enumerate(cases.cases):
            on = case.day(std.start)
            named = case.facts
            sector = case.sector or named.get("行业") or std.scope.sectors[0]
            base = f"{cases.standard} {case.item} #{n}"
            out.append(Probe(base, cases.standard, case.item,
                             FindingInput(typed_facts(cs, named), on, sector), True))
            for k, change in enumerate(case.near_misses):
                near = near_miss_facts(named, change)
                near_sector = case.sector or near.get("行业") or std.scope.sectors[0]
                out.append(Probe(f"{base} near {k} {change}", cases.standard, case.item,
                                 FindingInput(typed_facts(cs, near), on, near_sector), False))
    return out


def test_every_case_file_names_a_standard_and_its_items(cs: CriteriaSet) -> None:
    files = find_criteria_cases(CASES_ROOT)
    assert files, "no criteria cases found"
    for path in files:
        cases, _ = load_criteria_cases(path)
        assert cases.standard in cs.standards, f"{path.name}: unknown standard {cases.standard}"
        assert path.stem == cases.standard, f"{path.name} should be named {cases.standard}.yaml"
        refs = {it.ref for it in cs.items(cases.standard)}
        unknown = [c.item for c in cases.cases if c.item not in refs]
        assert not unknown, f"{path.name}: items not in the standard: {unknown}"


def test_every_item_of_every_standard_has_a_case(cs: CriteriaSet) -> None:
    covered: dict[str, set[str]] = {}
    for path in find_criteria_cases(CASES_ROOT):
        cases, _ = load_criteria_cases(path)
        covered.setdefault(cases.standard, set()).update(c.item for c in cases.cases)
    missing = {sid: sorted({it.ref for it in cs.items(sid)} - covered.get(sid, set()))
               for sid in cs.standards}
    assert {sid: refs for sid, refs in missing.items() if refs} == {}


@pytest.mark.parametrize("backend", ["python", "durable", "polars"])
def test_items_match_their_cases_and_not_their_near_misses(cs: CriteriaSet, backend: str) -> None:
    probes = _probes(cs)
    results = Classifier(cs, get_backend(backend)).classify_many([p.finding for p in probes])
    wrong = []
    for probe, result in zip(probes, results, strict=True):
        if cs.item(probe.standard, probe.ref).item.element:
            # an element is never a match: it is counted by its rule, cited however that came out
            counted = {(r.standard, ref) for r in (*result.matches, *result.undecided, *result.nearest)
                       for ref in r.elements}
            if ((probe.standard, probe.ref) in counted) != probe.must_match:
                wrong.append(f"{probe.name}: element counted {sorted(counted)}")
            continue
        cited = {(m.standard, m.ref) for m in result.matches}
        if ((probe.standard, probe.ref) in cited) != probe.must_match:
            wrong.append(f"{probe.name}: verdict {result.verdict}, cited {sorted(cited)}")
        if probe.must_match and result.verdict != "重大":
            wrong.append(f"{probe.name}: verdict {result.verdict}")
    assert wrong == []


def test_items_hold_directly_as_the_cases_say(cs: CriteriaSet) -> None:
    """The same cases straight through the loaded item (no selection, no backend)."""
    for probe in _probes(cs):
        item = cs.item(probe.standard, probe.ref)
        facts = dict(probe.finding.facts)
        if item.gate is not None and probe.finding.sector and "sector" not in facts:
            facts["sector"] = probe.finding.sector
        assert item.holds(facts) == probe.must_match, probe.name


def test_every_item_fits_the_durable_backend(cs: CriteriaSet) -> None:
    """Each item becomes one durable rule per conjunction of its condition; the backend caps that."""
    from engine.evaluate.durable_backend import MAX_CONJUNCTS, conjuncts

    sizes = {f"{sid} {it.ref}": len(conjuncts(it.condition)) for sid in cs.standards for it in cs.items(sid)}
    assert {k: n for k, n in sizes.items() if n > MAX_CONJUNCTS} == {}
