"""One ledger audit: rows classified, facts through a backend, hits turned into findings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from engine.catalog import Catalog
from engine.classify.run import Classifier
from engine.compile.plan import CompiledCount, Plan
from engine.errors import EvaluationError, InputError
from engine.evaluate.run import get_backend
from engine.facts import Fact, FactTable
from engine.ledger.facts import ledger_row_facts
from engine.ledger.records import record_row_facts
from engine.ledger.recount import unit_facts as recounted
from engine.ledger.results import LedgerFindings, LedgerRows
from engine.load.criteria import CriteriaSet
from engine.model.classification import Classification
from engine.model.findings import AuditResult, Summary
from engine.model.ledger import Ledger, LedgerForm
from engine.model.records import Submission
from engine.model.rules import SEVERITY_ORDER
from engine.model.trusted import trusted
from engine.progress import Progress, silent


def audit_ledger(ledger: Ledger, plan: Plan, cs: CriteriaSet, *, as_of: date,
                 counts: Sequence[CompiledCount] = (), ret: Submission | None = None,
                 backend: str = "durable", per_row: bool = False,
                 progress: Progress = silent) -> tuple[AuditResult, list[Classification]]:
    """Classify every row, judge the rows (and, with ``ret``, the counts per unit) by the ledger rules.

    ``per_row``: classify each row on its own (the reference for the joined path; see
    ``ledger_row_facts``). A ledger may leave out the reporting unit (one township's own
    ledger); counting it into a return's rows cannot, so ``--return`` without such a column
    is an input error.
    """
    assert isinstance(plan.form, LedgerForm)
    if ret is not None and not ledger.has("unit"):
        unit = plan.form.field("unit")
        raise InputError(f"与报表核对（--return）须按单位统计，台账缺少 {unit.label} 列", file=ledger.source,
                         field=unit.label,
                         hint=f"加一列 {unit.label}（也可写作 {'、'.join(unit.aliases[:4])}）")
    engine = get_backend(backend)
    verdicts: list[Classification] = []
    if plan.form.classifies:
        helpers = None
        if not per_row and cs.folder is not None and not cs.packs:  # helpers load the bundled folder only
            from engine.classify.helpers import ProcessHelpers, workers_wanted

            helpers = ProcessHelpers(cs.folder, backend, workers_wanted(), engine=engine)
        row_facts, verdicts = ledger_row_facts(ledger, plan.form, Classifier(cs, engine), as_of,
                                               per_row=per_row, helpers=helpers, progress=progress)
    else:  # a detail form: its records are counted, not judged against the criteria
        row_facts = record_row_facts(ledger, plan.form, as_of, per_row=per_row, progress=progress)
    unit_facts = recounted(row_facts, counts, ret) if ret is not None else []
    rows_in, total = len(row_facts), len(row_facts) + len(unit_facts)
    progress("台账规则", 0, total)
    hits, evaluated = engine.evaluate(plan, row_facts)  # a FactTable: the columnar backend reads its columns
    if unit_facts:
        more, n = engine.evaluate(plan, unit_facts)
        hits, evaluated = hits + [(i, rows_in + j) for i, j in more], evaluated + n
    progress("台账规则", total, total)
    if evaluated != total:
        raise EvaluationError(f"送入 {total} 条事实，只评估了 {evaluated} 条；结果不完整，已停止")
    ordered = sorted(hits, key=lambda h: (h[1], SEVERITY_ORDER[plan.rules[h[0]].rule.severity],
                                          plan.rules[h[0]].rule.id))
    findings = LedgerFindings(plan, ordered,
                              lambda j: row_facts[j] if j < rows_in else unit_facts[j - rows_in])
    column = _columns(row_facts)
    severities = Counter(findings.severities())
    summary = Summary(
        form=plan.form.id, form_title=plan.form.title, source=ledger.source, period=None,
        units=len({u for u in column("unit") if u}), facts=total, facts_evaluated=evaluated,
        rules=len(plan.rules), backend=engine.name,
        counts={s: severities.get(s, 0) for s in SEVERITY_ORDER},
        rates=[], reconciled_with=ret.source if ret is not None else None,
    )
    rows = LedgerRows([row.line for row in ledger.rows], column, verdicts) if verdicts else []
    # the findings and rows are sequences built on reading (engine/ledger/results.py): the
    # result holds them as they are, not copied into lists
    result = trusted(AuditResult, {"findings": findings, "summary": summary, "rows": rows, "details": []})
    return result, verdicts


def _columns(facts: Sequence[Fact]) -> Callable[[str], Sequence[Any]]:
    """A field's values over the row facts (None: absent), from a FactTable's columns as they are."""
    if isinstance(facts, FactTable):
        return facts.column
    return lambda key: [f.data.get(key) for f in facts]



def recount_return(result: AuditResult, ret: Submission, ledgers: Sequence[Ledger], catalog: Catalog,
                   cs: CriteriaSet, *, as_of: date, backend: str = "durable") -> AuditResult:
    """The return's audit with each detail file audited beside it and the return's figures
    recounted from it (``hazcheck audit RETURN --details DIR``).

    Each detail file is a ledger audit of its own (its records' findings: a penalty on a
    pedestrian, a training attendee who is not enforcement staff), reconciled with ``ret``
    under its form's counting rules; the findings on the return's figures point at the
    return's cells (their ``file``), so the annotated return shows them.
    """
    details = []
    for ledger in ledgers:
        detail, _ = audit_ledger(ledger, catalog.plan(ledger.form_id), cs, as_of=as_of,
                                 counts=catalog.counts(ledger.form_id), ret=ret, backend=backend)
        details.append(detail)
    summary = result.summary.model_copy(update={"details": [d.summary.source for d in details]})
    return result.model_copy(update={"details": details, "summary": summary})
