"""Turn a detail form (行政处罚台账, 培训签到表, 督导检查记录…) into ``ledger_row`` facts.

A detail form is a ledger whose rows are counted, not judged against the determination
criteria: a penalty, a judicial transfer, a training attendance. Its row facts are built by
the same declared ``row_fact`` plan as a hazard ledger's (engine/ledger/rowfact.py), from
the typed columns alone — no classification, no sector reading — so the counting rules of
填表说明 are conditions over those facts, written in the form and the checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from engine.facts import Fact, FactTable
from engine.ledger.facts import CellTyper
from engine.ledger.rowfact import RowContext, RowFactPlan
from engine.model.ledger import Ledger, LedgerForm
from engine.model.records import CellRef
from engine.progress import STEP, Progress, silent


def record_row_facts(ledger: Ledger, form: LedgerForm, as_of: date, *, per_row: bool = False,
                     progress: Progress = silent) -> Sequence[Fact]:
    """One ``ledger_row`` fact per record; ``per_row`` builds a dict each (the reference the
    table must equal, as for hazard ledgers)."""
    assert not form.classifies, "a hazard ledger's rows are built by ledger_row_facts"
    typer = CellTyper(form)
    plan = RowFactPlan(form)
    contexts = []
    total = len(ledger.rows)
    for n, row in enumerate(ledger.rows, start=1):
        values, unreadable = typer.row(row.raw)
        contexts.append(RowContext(line=row.line, values=values, result=None, reasons=(), repeat_of=None,
                                   production=None, production_reason="", unreadable=unreadable,
                                   facts_problem=None, as_of=as_of))
        if n % STEP == 0 or n == total:
            progress("读取各行", n, total)
    rows = ledger.rows

    def cells(i: int) -> tuple[list[CellRef], dict[str, CellRef]]:
        return [rows[i].ref], {}

    if per_row:
        out = []
        for i, context in enumerate(contexts):
            data = plan.build(context)
            out.append(Fact("ledger_row", data, data.get("unit"), *cells(i)))
        return out
    keys = [rf.key for rf in form.row_fact]
    return FactTable("ledger_row", keys, plan.columns(contexts), cells, len(contexts))
