"""The fact kinds of rules/facts.yaml are the facts the program builds: every field built is
declared (with its type), every declared field is built somewhere, and a wrong declaration is
an error at its line."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from engine.errors import RuleFileError
from engine.facts import derive_facts
from engine.ledger.facts import ledger_row_facts
from engine.ledger.recount import unit_facts
from engine.load.factkinds import fact_kinds, load_fact_kinds
from engine.paths import bundled
from engine.read import read_submission
from engine.read.ledger import read_ledger

DISTRICT = bundled("cases") / "campaign-2023-table" / "district-2023-09"
LEDGER = bundled("cases") / "hazard-ledger" / "district-2024-q1"
SUBMISSIONS = bundled("cases") / "submissions" / "county-2023-q3"
_TYPES = {"number": (int, float), "text": (str,), "bool": (bool,)}


def _built(catalog, criteria) -> list:
    sub = read_submission(DISTRICT / "return.xlsx", catalog.forms)
    prev = read_submission(DISTRICT / "previous.xlsx", catalog.forms, form_id=sub.form_id)
    facts = derive_facts(sub, catalog.forms[sub.form_id], prev, together=[prev],
                         roster=["不在任何表中的单位"])
    from engine.classify.run import Classifier
    from engine.evaluate.run import get_backend

    form = catalog.ledger("hazard-ledger")
    rows, _ = ledger_row_facts(read_ledger(LEDGER / "ledger.csv", form), form,
                               Classifier(criteria, get_backend("python")), date(2024, 3, 31))
    ret = read_submission(LEDGER / "return.csv", catalog.forms, form_id=form.reconcile.form[0])
    return facts + list(rows) + unit_facts(rows, catalog.counts(form.id), ret) + _status(catalog)


def _status(catalog) -> list:
    """The status facts (报送, 单位, 登记行) of the sample submissions log, as hazcheck status builds them."""
    from engine.status.roster import read_units
    from engine.status.submissions import read_log
    from engine.status.tracking import tabulate

    schedule = catalog.schedules["campaign-2023"]
    return tabulate(schedule, read_log(SUBMISSIONS / "log.csv", schedule.columns), as_of=date(2023, 9, 30),
                    units=read_units(SUBMISSIONS / "units.txt", schedule.columns)).facts


def test_fields_built_are_declared_with_their_types(catalog, criteria) -> None:
    kinds = fact_kinds()
    indicators = {i.key for form in catalog.forms.values() for i in form.indicators}
    seen: dict[str, set[str]] = {}
    for fact in _built(catalog, criteria):
        kind = kinds[fact.kind]
        declared = {f.key: f.type for f in kind.fields}
        if kind.declared_by_form:
            declared = {rf.key: rf.type for rf in catalog.ledger("hazard-ledger").row_fact}
        for key, value in fact.data.items():
            if kind.indicators and key in indicators:
                continue
            assert key in declared, f"{fact.kind}.{key} is built but not declared in rules/facts.yaml"
            assert isinstance(value, _TYPES[declared[key]]), (fact.kind, key, value)
        seen.setdefault(fact.kind, set()).update(fact.data)
    assert set(seen) == set(kinds), set(kinds) - set(seen)
    for name, kind in kinds.items():
        never = {f.key for f in kind.fields} - seen[name] - {"unit_kind", "note"}  # may be blank everywhere
        assert not never, f"{name}: declared but never built: {never}"


def test_a_kind_the_program_does_not_compute_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    shutil.copy(bundled("rules") / "facts.yaml", path)
    text = path.read_text(encoding="utf-8").replace("  - key: presence\n", "  - key: presense\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        load_fact_kinds(path)
    line = next(n for n, x in enumerate(text.splitlines(), start=1) if "key: presense" in x)
    assert err.value.line == line and "presense" in str(err.value)


def test_a_renamed_kind_is_what_rules_write() -> None:
    """The Chinese names come from the file: a rule's ``on: 单元格`` resolves through it."""
    from engine.load.factkinds import kind_key

    assert kind_key("单元格") == "cell" and kind_key("台账行") == "ledger_row" and kind_key("cell") == "cell"
    assert [kind_key(n) for n in ("报送", "单位", "登记行")] == ["status_slot", "status_unit", "status_row"]


def test_the_status_kinds_are_asserted_for_a_schedule_only() -> None:
    kinds = fact_kinds()
    assert {k for k, kind in kinds.items() if kind.schedule} == {"status_slot", "status_unit", "status_row"}
    assert not any(kind.schedule and kind.ledger for kind in kinds.values())


def test_a_kind_for_both_a_ledger_and_a_schedule_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    text = (bundled("rules") / "facts.yaml").read_text(encoding="utf-8").replace(
        "    name: 登记行\n    doc: 登记表每行一条\n    schedule: true\n",
        "    name: 登记行\n    doc: 登记表每行一条\n    schedule: true\n    ledger: true\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        load_fact_kinds(path)
    line = text[:text.index("    name: 登记行\n")].count("\n") + 3  # its schedule: true
    assert err.value.line == line and "登记行" in err.value.message
