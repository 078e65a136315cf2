"""The ledger row fact is what the form declares (``row_fact:``): fields built = fields declared,
and a rule author adds a column, a derived field and a check in YAML alone."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from engine.catalog import load_catalog
from engine.classify.run import Classifier
from engine.errors import RuleFileError
from engine.evaluate.run import get_backend
from engine.jobs import audit_file
from engine.ledger.facts import ledger_row_facts
from engine.paths import bundled
from engine.read.ledger import read_ledger

LEDGERS = ["district-2024-q1/ledger.csv", "township-2024-office/ledger.csv", "county-2026-xlsx/ledger.xlsx"]


@pytest.mark.parametrize("name", LEDGERS)
def test_the_columns_are_the_facts_built_row_by_row(name: str, catalog, criteria) -> None:
    """The joined path's FactTable equals, fact for fact, the dicts the per-row reference builds."""
    from engine.facts import FactTable

    form = catalog.ledger("hazard-ledger")
    ledger = read_ledger(bundled("cases") / "hazard-ledger" / name, form)
    table, _ = ledger_row_facts(ledger, form, Classifier(criteria, get_backend("python")), date(2024, 9, 30))
    rows, _ = ledger_row_facts(ledger, form, Classifier(criteria, get_backend("python")), date(2024, 9, 30),
                               per_row=True)
    assert isinstance(table, FactTable) and not isinstance(rows, FactTable)
    assert len(table) == len(rows) == len(ledger.rows)
    for built, reference in zip(table, rows, strict=True):
        assert built == reference
        assert list(built.data) == list(reference.data)  # same fields, same order


@pytest.mark.parametrize("name", LEDGERS)
def test_fields_built_are_the_fields_declared(name: str, catalog, criteria) -> None:
    form = catalog.ledger("hazard-ledger")
    declared = [rf.key for rf in form.row_fact]
    ledger = read_ledger(bundled("cases") / "hazard-ledger" / name, form)
    facts, _ = ledger_row_facts(ledger, form, Classifier(criteria, get_backend("python")), date(2024, 9, 30))
    seen: set[str] = set()
    for fact in facts:
        keys = list(fact.data)
        assert set(keys) <= set(declared), set(keys) - set(declared)
        assert keys == [k for k in declared if k in fact.data]  # built in the declared order
        seen.update(keys)
    # what a row may leave blank: text read from blank cells, and yes/no answers nobody gave
    optional = {"enterprise", "sector", "matched_refs", "duplicate_of", "found_date", "rectified_date",
                "deadline", "five_missing", "unreadable", "facts_problem", "found_by", "found_by_enterprise",
                "found_by_department", "verdict_reason", "principal_signoff", "safety_director_signoff",
                "listed_supervision", "penalised", "is_production_unit", "unit"}
    assert set(declared) - optional <= seen, set(declared) - optional - seen


def _pack(tmp_path: Path) -> Path:
    """The bundled rules with one more column (隐患部位), a field derived from it and a check on it."""
    rules = tmp_path / "rules"
    shutil.copytree(bundled("rules"), rules)
    form = rules / "forms" / "hazard-ledger.yaml"
    text = form.read_text(encoding="utf-8")
    column = "  - {key: place, label: 隐患部位, aliases: [部位], doc: 隐患所在部位}\n"
    text = text.replace("fields:\n", "fields:\n" + column, 1)
    text = text.replace("row_fact:\n", "row_fact:\n"
                        "  - {key: place, name: 部位, type: text, column: place, doc: 隐患部位}\n"
                        "  - {key: in_confined_space, name: 在有限空间, type: bool, "
                        "when: 部位 == '有限空间', doc: 部位为有限空间}\n", 1)
    form.write_text(text, encoding="utf-8")
    checks = rules / "checks" / "hazard-ledger.yaml"
    checks.write_text(checks.read_text(encoding="utf-8") + """
  - id: ledger-confined-space-general
    title: 有限空间隐患上报为一般
    severity: warning
    on: 台账行
    forms: [hazard-ledger]
    when: 在有限空间 and 上报等级 == '一般'
    message: "{编号}（{企业}）在{部位}，上报为一般隐患，请核实"
    basis: {document: 本区工作要求, article: 第2条}
""", encoding="utf-8")
    return rules


def test_a_column_a_derived_field_and_a_check_without_python(tmp_path: Path, criteria) -> None:
    catalog = load_catalog(_pack(tmp_path))
    ledger = tmp_path / "台账.csv"
    ledger.write_text("隐患编号,所属镇街,企业名称,行业领域,隐患描述,隐患等级,隐患部位,排查日期\n"
                      "A1,东街道,华兴钢铁有限公司,冶金,污水井内作业未通风检测,一般,有限空间,2024-05-01\n"
                      "A2,东街道,华兴钢铁有限公司,冶金,地面油污,一般,车间,2024-05-01\n", encoding="utf-8")
    job = audit_file(ledger, as_of="2024-09-30", backend="python", catalog=catalog, criteria=criteria)
    fired = [f for f in job.result.findings if f.rule == "ledger-confined-space-general"]
    assert [f.message for f in fired] == ["A1（华兴钢铁有限公司）在有限空间，上报为一般隐患，请核实"]


def test_a_when_naming_a_later_or_unknown_field_is_an_error_at_its_line(tmp_path: Path) -> None:
    rules = _pack(tmp_path)
    form = rules / "forms" / "hazard-ledger.yaml"
    text = form.read_text(encoding="utf-8").replace("when: 部位 == '有限空间'", "when: 判定结果 == '重大'")
    form.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        load_catalog(rules)
    line = next(n for n, x in enumerate(text.splitlines(), start=1) if "判定结果 == '重大'" in x)
    assert err.value.line == line and "row_fact" in (err.value.field or "") and "判定结果" in str(err.value)


def test_a_computation_the_program_does_not_have_is_an_error(tmp_path: Path) -> None:
    rules = _pack(tmp_path)
    form = rules / "forms" / "hazard-ledger.yaml"
    form.write_text(form.read_text(encoding="utf-8").replace("compute: unit_name", "compute: unit_nam"),
                    encoding="utf-8")
    with pytest.raises(RuleFileError, match="不认识的计算"):
        load_catalog(rules)
