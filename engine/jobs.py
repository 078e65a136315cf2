"""One engine call per job: audit a file (a return or a ledger), classify findings.

The command line, the case tests and the benchmarks all go through these functions, so the
order of the stages (files → validated models → compiled plans → facts → findings) is
written once. Each returns one result object; rendering it is the caller's business.
Everything here is imported lazily by ``cli.py``, so ``hazcheck --help`` loads none of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from engine.errors import InputError

if TYPE_CHECKING:  # each job imports only the stages it runs: classify never loads openpyxl or the forms
    from engine.catalog import Catalog
    from engine.load.criteria import CriteriaSet
    from engine.model.classification import Classification
    from engine.model.findings import AuditResult
    from engine.model.forms import Form
    from engine.model.ledger import Ledger, LedgerForm
    from engine.model.records import Submission
    from engine.progress import Progress

@dataclass(frozen=True)
class AuditJob:
    """An audit's findings, plus what was read (for an annotated copy of the input)."""

    result: AuditResult
    submission: Submission | None = None  # a return
    form: Form | LedgerForm | None = None
    ledger: Ledger | None = None  # a ledger

    @property
    def is_ledger(self) -> bool:
        return self.ledger is not None

    @property
    def exit_code(self) -> int:
        from engine.classify.verdict import audit_exit_code

        return audit_exit_code(self.result.has_errors)


@dataclass(frozen=True)
class ClassifyJob:
    results: list[Classification]
    labels: list[str]  # where each finding came from, for the report

    @property
    def exit_code(self) -> int:
        from engine.classify.verdict import classify_exit_code

        return classify_exit_code(r.verdict for r in self.results)


def _day(value: str | None, flag: str) -> date:
    from engine.classify.inputs import parse_day

    try:
        return parse_day(value) if value else date.today()
    except ValueError as exc:
        raise InputError(str(exc), field=flag) from exc


def audit_file(file: Path, *, form: str | None = None, previous: Path | None = None,
               return_file: Path | None = None, as_of: str | None = None,
               unit_kinds: Mapping[str, str] | None = None, unit: str | None = None,
               backend: str = "durable", catalog: Catalog | None = None,
               criteria: CriteriaSet | None = None, per_row: bool = False,
               progress: Progress | None = None) -> AuditJob:
    """Audit ``file``: a hazard ledger if it has a ledger header (or ``form`` names one), else a return.

    ``per_row`` (ledgers): classify every row on its own, not once per distinct finding — the
    slow reference path that tests and the benchmark's baseline compare the joined path with.
    ``progress`` is called as a ledger's stages advance (engine/progress.py).
    """
    from engine.catalog import load_catalog
    from engine.evaluate.run import audit as audit_submission
    from engine.ledger.run import audit_ledger
    from engine.load.criteria import load_criteria
    from engine.progress import silent
    from engine.read import read_submission
    from engine.read.ledger import detect_ledger, read_ledger

    catalog = catalog or load_catalog()
    kinds = dict(unit_kinds or {})
    if form is not None and form not in catalog.ledgers:
        catalog.form(form)  # an unknown form id is an input error, before the file is read
    ledger = (read_ledger(file, catalog.ledgers[form]) if form in catalog.ledgers
              else detect_ledger(file, catalog.ledgers.values()) if form is None else None)
    if ledger is not None:
        if previous is not None:
            raise InputError("审核台账时不用 --previous（与报表核对请用 --return）", field="--previous")
        ledger_form = catalog.ledger(ledger.form_id)
        ret = None
        if return_file is not None:
            if ledger_form.reconcile is None:
                raise InputError(f"台账表单 {ledger_form.id} 没有定义与报表的核对（reconcile）",
                                 field="--return")
            ret = read_submission(return_file, catalog.forms, form_id=ledger_form.reconcile.form,
                                  unit_kinds=kinds)
        result, _ = audit_ledger(ledger, catalog.plan(ledger_form.id), criteria or load_criteria(),
                                 as_of=_day(as_of, "--as-of"), counts=catalog.counts(ledger_form.id),
                                 ret=ret, backend=backend, per_row=per_row,
                                 progress=progress or silent)
        return AuditJob(result, form=ledger_form, ledger=ledger)
    if return_file is not None or as_of is not None:
        raise InputError("--return 和 --as-of 只用于审核隐患台账", field="--return")
    sub = read_submission(file, catalog.forms, form_id=form, unit_kinds=kinds, unit=unit)
    prev = None
    if previous is not None:
        prev = read_submission(previous, catalog.forms, form_id=sub.form_id, unit_kinds=kinds, unit=unit)
    plan = catalog.plan(sub.form_id)
    result = audit_submission(sub, plan, previous=prev, backend=backend)
    return AuditJob(result, submission=sub, form=plan.form)


def fact_pairs(items: Sequence[str]) -> dict[str, str]:
    """``--fact 名称=值`` options (each may hold several, 积水=是；场所=事故坑) as one mapping."""
    from engine.classify.facts import FactError, parse_pairs

    pairs: dict[str, str] = {}
    for item in items:
        try:
            for name, value in parse_pairs(item).items():
                if name in pairs:
                    raise FactError(name, f"“{name}” 写了两次")
                pairs[name] = value
        except FactError as exc:
            raise InputError(str(exc), field="--fact", hint=exc.hint) from exc
    return pairs


def classify_findings(file: Path | None = None, *, facts: Sequence[str] = (), text: str | None = None,
                      sector: str | None = None, day: str | None = None, backend: str = "durable",
                      criteria: CriteriaSet | None = None) -> ClassifyJob:
    """Classify the findings of ``file``, or one finding given as ``--fact`` pairs and/or ``--text``."""
    from engine.classify.inputs import finding_input
    from engine.classify.run import Classifier
    from engine.classify.sectors import UnknownSector
    from engine.evaluate.run import get_backend
    from engine.load.criteria import load_criteria
    from engine.read.finding import RawFinding, read_findings

    if file is None and not facts and not text:
        raise InputError("请给出隐患文件，或用 --fact 名称=值 / --text 描述 说明隐患", field="FILE")
    if file is not None and (facts or text):
        raise InputError("隐患文件与 --fact/--text 只能二选一", field="--fact")
    cs = criteria or load_criteria()
    default_day = _day(day, "--date")
    raws = ([RawFinding("--fact", facts=fact_pairs(facts), text=text)] if file is None
            else read_findings(file))
    where = str(file) if file is not None else None
    findings = [finding_input(cs, r, default_day=default_day, file=where, sector=sector) for r in raws]
    try:
        results = Classifier(cs, get_backend(backend)).classify_many(findings)
    except UnknownSector as exc:
        raise InputError(str(exc), file=where, field="--sector/行业", hint=exc.hint) from exc
    return ClassifyJob(results, [r.label for r in raws])
