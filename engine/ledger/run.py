"""One ledger audit: rows classified, facts through a backend, hits turned into findings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from engine.classify.run import Classifier
from engine.compile.plan import CompiledCount, Plan
from engine.errors import EvaluationError, InputError
from engine.evaluate.run import get_backend
from engine.facts import Fact, FactTable
from engine.ledger.facts import ledger_row_facts, ledger_unit_facts
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
    helpers = None
    if not per_row and cs.folder is not None:
        from engine.classify.helpers import ProcessHelpers, workers_wanted

        helpers = ProcessHelpers(cs.folder, backend, workers_wanted(), engine=engine)
    row_facts, verdicts = ledger_row_facts(ledger, plan.form, Classifier(cs, engine), as_of, per_row=per_row,
                                           helpers=helpers, progress=progress)
    unit_facts = ledger_unit_facts(row_facts, counts, ret) if ret is not None else []
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
    rows = LedgerRows([row.line for row in ledger.rows], column, verdicts)
    # the findings and rows are sequences built on reading (engine/ledger/results.py): the
    # result holds them as they are, not copied into lists
    return trusted(AuditResult, {"findings": findings, "summary": summary, "rows": rows}), verdicts


def _columns(facts: Sequence[Fact]) -> Callable[[str], Sequence[Any]]:
    """A field's values over the row facts (None: absent), from a FactTable's columns as they are."""
    if isinstance(facts, FactTable):
        return facts.column
    return lambda key: [f.data.get(key) for f in facts]

