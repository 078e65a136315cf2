"""One ledger audit: rows classified, facts through a backend, hits turned into findings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from engine.classify.run import Classifier
from engine.compile.plan import CompiledCount, Plan
from engine.errors import EvaluationError, InputError
from engine.evaluate.run import build_finding, get_backend
from engine.ledger.facts import ledger_row_facts, ledger_unit_facts
from engine.load.criteria import CriteriaSet
from engine.model.classification import Classification
from engine.model.findings import AuditResult, RowVerdict, Summary
from engine.model.ledger import Ledger, LedgerForm
from engine.model.records import Submission
from engine.model.rules import SEVERITY_ORDER
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
    row_facts, verdicts = ledger_row_facts(ledger, plan.form, Classifier(cs, engine), as_of, per_row=per_row,
                                           progress=progress)
    facts = list(row_facts)
    if ret is not None:
        facts += ledger_unit_facts(row_facts, counts, ret)
    progress("台账规则", 0, len(facts))
    hits, evaluated = engine.evaluate(plan, facts)
    progress("台账规则", len(facts), len(facts))
    if evaluated != len(facts):
        raise EvaluationError(f"送入 {len(facts)} 条事实，只评估了 {evaluated} 条；结果不完整，已停止")
    ordered = sorted(hits, key=lambda h: (h[1], SEVERITY_ORDER[plan.rules[h[0]].rule.severity],
                                          plan.rules[h[0]].rule.id))
    findings = [build_finding(plan.rules[i], facts[j], plan) for i, j in ordered]
    # one RowVerdict per row, from values the engine typed itself: built without validation
    summary = Summary(
        form=plan.form.id, form_title=plan.form.title, source=ledger.source, period=None,
        units=len({f.unit for f in row_facts if f.unit}), facts=len(facts), facts_evaluated=evaluated,
        rules=len(plan.rules), backend=engine.name,
        counts={s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_ORDER},
        rates=[], reconciled_with=ret.source if ret is not None else None,
    )
    rows = [RowVerdict.model_construct(line=row.line, finding_id=str(f.data["finding_id"]), unit=f.unit,
                       reported_level=f.data.get("reported_level"), verdict=v.verdict,
                       needs_confirmation=v.needs_confirmation, counted_major=bool(f.data["counted_major"]),
                       matched=[f"{m.number} {m.ref}" for m in v.matches],
                       reason=f.data.get("verdict_reason"), duplicate=bool(f.data.get("is_duplicate")),
                       from_text=v.from_text)
            for row, f, v in zip(ledger.rows, row_facts, verdicts, strict=True)]
    return AuditResult(findings=findings, summary=summary, rows=rows), verdicts
