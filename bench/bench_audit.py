"""Throughput of an audit: records/s with the durable-rules backend against the plain-Python
reference, measured in the same run on the same synthetic return, plus a finding-for-finding
comparison of the two. Prints figures; asserts nothing about speed.

    python bench/bench_audit.py [--rows 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.catalog import load_catalog
from engine.evaluate.run import audit
from engine.facts import derive_facts
from engine.model.records import Cell, CellRef, Row, Submission

FORM = "campaign-2023-table"


def synthetic(rows: int, seed: int = 7) -> Submission:
    """A return with ``rows`` units; about one row in five carries a planted contradiction."""
    rng = random.Random(seed)
    form = load_catalog().forms[FORM]
    out = []
    for r in range(rows):
        kind = "镇街" if r % 3 == 0 else "区直部门"
        cells = {}
        for c, ind in enumerate(form.indicators, start=2):
            v: float = rng.randint(0, 300)
            if ind.measure == "万元":
                v = round(rng.random() * 50, 2)
            if rng.random() < 0.01:
                v = -v
            cells[ind.key] = Cell(raw=str(v), value=v, status="ok", ref=CellRef(row=r + 6, column=c))
        out.append(Row(unit=f"单位{r:05d}", unit_kind=kind, unit_kind_source="override", cells=cells,
                       ref=CellRef(row=r + 6)))
    return Submission(source="synthetic", format="json", form_id=FORM, rows=out)


def timed(sub: Submission, backend: str, repeat: int) -> tuple[float, list]:
    plan = load_catalog().plan(FORM)
    best, findings = float("inf"), []
    for _ in range(repeat):
        t = time.perf_counter()
        findings = audit(sub, plan, backend=backend).findings
        best = min(best, time.perf_counter() - t)
    return best, findings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sub = synthetic(args.rows)
    catalog = load_catalog()
    facts = len(derive_facts(sub, catalog.forms[FORM]))
    plan = catalog.plan(FORM)
    print(f"synthetic {FORM}: {args.rows} records, {facts} facts, {len(plan.rules)} rules")
    audit(sub, plan, backend="durable")  # warm-up: compiles the rulesets once
    base, ref = timed(sub, "python", args.repeat)
    dur, got = timed(sub, "durable", args.repeat)
    audit(sub, plan, backend="polars")  # warm-up: compiles the expressions once
    col, columnar = timed(sub, "polars", args.repeat)
    same = [f.model_dump() for f in ref] == [f.model_dump() for f in got]
    same_columnar = [f.model_dump() for f in ref] == [f.model_dump() for f in columnar]
    print(f"python  (baseline): {args.rows / base:10,.0f} records/s  {facts / base:10,.0f} facts/s")
    print(f"durable           : {args.rows / dur:10,.0f} records/s  {facts / dur:10,.0f} facts/s"
          f"  ({dur / base:.1f}x the baseline's time)")
    print(f"polars            : {args.rows / col:10,.0f} records/s  {facts / col:10,.0f} facts/s"
          f"  ({col / base:.1f}x the baseline's time)")
    print(f"findings: {len(ref)} (python) vs {len(got)} (durable) vs {len(columnar)} (polars); "
          f"identical: {same and same_columnar}")
    tracemalloc.start()
    audit(sub, plan, backend="durable")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak Python memory of one durable audit: {peak / 2**20:.1f} MiB "
          f"({peak / args.rows / 1024:.1f} KiB per record)")
    if not (same and same_columnar):
        sys.exit(1)


if __name__ == "__main__":
    main()
