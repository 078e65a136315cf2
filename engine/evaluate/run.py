"""One audit: facts through a backend, hits turned into findings, plus a summary."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from engine.compile.plan import CompiledRule, Plan
from engine.errors import EvaluationError
from engine.evaluate.source import Backend
from engine.facts import Fact, derive_facts
from engine.load.factkinds import fact_kinds
from engine.model.findings import AuditResult, Finding, RateValue, Summary, shown_value
from engine.model.records import Submission
from engine.model.rules import SEVERITY_ORDER
from engine.model.trusted import trusted


def get_backend(name: str, *, seed: int | None = None) -> Backend:
    """Backends are created lazily so that importing the engine never loads durable-rules or polars.

    ``auto`` (the command line's default): durable-rules on inputs of up to
    ``sampled.WHOLE_UP_TO`` facts; on larger ones the columnar backend (the closure backend
    for calls of fewer than ``sampled.COLUMNAR_FROM`` facts), cross-checked by durable-rules
    on a random sample in the same run (``seed``: that sample's seed; default
    ``HAZCHECK_SAMPLE_SEED`` or a fresh one).
    """
    if name == "durable":
        from engine.evaluate.durable_backend import DurableBackend

        global _DURABLE
        if _DURABLE is None:
            _DURABLE = DurableBackend()
        return _DURABLE
    if name == "python":
        from engine.evaluate.python_backend import PythonBackend

        return PythonBackend()
    if name == "closures":
        from engine.evaluate.closure_backend import ClosureBackend

        global _CLOSURES
        if _CLOSURES is None:
            _CLOSURES = ClosureBackend()  # one per process: it keeps the compiled conditions
        return _CLOSURES
    if name == "polars":
        from engine.evaluate.polars_backend import PolarsBackend

        global _POLARS
        if _POLARS is None:
            _POLARS = PolarsBackend()  # one per process: it keeps the compiled expressions
        return _POLARS
    if name == "auto":
        from engine.evaluate.sampled import SampledBackend

        return SampledBackend(lambda: get_backend("polars"), get_backend("durable"),
                              make_small=lambda: get_backend("closures"), seed=seed)
    raise ValueError(f"unknown backend {name!r}")


_DURABLE: Any = None
_POLARS: Any = None
_CLOSURES: Any = None
_UNIT_KEYS = {"unit", "unit_kind", "unit_kind_known", "is_total"}  # already in Finding.unit


def build_finding(compiled: CompiledRule, fact: Fact, plan: Plan) -> Finding:
    rule = compiled.rule
    data = fact.data
    if rule.on == "row":
        indicator_keys = plan.indicator_keys
        fields = tuple(f.key for f in compiled.fields if f.key in indicator_keys)
    else:
        fields = fact.subject if fact.subject is not None else tuple(
            str(data[k]) for k in fact_kinds()[rule.on].subject if k in data)
    values = {k: data.get(k) for k in compiled.shown if k not in _UNIT_KEYS}
    cells = [fact.field_cells[k] for k in fields if k in fact.field_cells] or fact.cells
    message = rule.message
    for written, key in compiled.placeholders:
        message = message.replace("{" + written + "}", shown_value(data.get(key)))
    # built from values the engine made and typed itself, so without validation: a city's ledger
    # has a million findings, and the labels of one rule are one shared mapping, not a copy each
    return trusted(Finding, {
        "rule": rule.id, "title": rule.title, "severity": rule.severity, "unit": fact.unit, "fields": fields,
        "values": values, "labels": compiled.labels_map, "message": message, "basis": compiled.basis_text,
        "cells": tuple(cells), "file": fact.file})


def _rates(sub: Submission, plan: Plan) -> list[RateValue]:
    totals = [r for r in sub.rows if r.is_total]
    rows = totals[:1] if len(totals) == 1 else [r for r in sub.rows if not r.is_total]

    def total(keys: tuple[str, ...]) -> float:
        vals = [c.value for r in rows for k in keys
                if (c := r.cells.get(k)) is not None and c.status == "ok" and c.value is not None]
        return math.fsum(vals)

    out = []
    for rate in plan.form.rates:
        num, den = total(rate.numerator), total(rate.denominator)
        out.append(RateValue(key=rate.key, label=rate.label, numerator=num, denominator=den,
                             value=round(num / den, 6) if den else None))
    return out


def audit(sub: Submission, plan: Plan, *, previous: Submission | None = None, backend: str = "durable",
          together: Sequence[Submission] = (), roster: Sequence[str] | None = None) -> AuditResult:
    """The return's findings; ``together`` (other tables of the period) and ``roster`` add the
    units seen across the tables (their own findings are audited with their own plans)."""
    facts = derive_facts(sub, plan.form, previous, together=together, roster=roster)
    engine = get_backend(backend)
    hits, evaluated = engine.evaluate(plan, facts)
    if evaluated != len(facts):
        raise EvaluationError(f"送入 {len(facts)} 条事实，只评估了 {evaluated} 条；结果不完整，已停止")
    unit_order = {r.unit: n for n, r in enumerate(sub.rows)}
    findings = [build_finding(plan.rules[i], facts[j], plan) for i, j in hits]
    findings.sort(key=lambda f: (unit_order.get(f.unit or "", len(unit_order)),
                                 SEVERITY_ORDER[f.severity], f.rule, f.fields))
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_ORDER}
    summary = Summary(
        form=plan.form.id, form_title=plan.form.title, source=sub.source, period=sub.period,
        units=sum(1 for r in sub.rows if not r.is_total), facts=len(facts),
        facts_evaluated=evaluated, rules=len(plan.rules), backend=engine.name, counts=counts,
        rates=_rates(sub, plan), previous=previous.source if previous else None,
        ignored_columns=sub.ignored, together=[t.source for t in together],
    )
    return AuditResult(findings=findings, summary=summary)
