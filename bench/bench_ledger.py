"""Throughput of a hazard-ledger audit: every row classified against the criteria in force
and judged by the ledger rules. durable-rules against the plain-Python reference, same run,
same synthetic ledger, findings compared one for one. Prints figures; asserts nothing.

    python bench/bench_ledger.py [--rows 2000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.catalog import load_catalog
from engine.criteria_cases import find_criteria_cases, load_criteria_cases
from engine.ledger.run import audit_ledger
from engine.load.criteria import load_criteria
from engine.model.ledger import Ledger, LedgerRow, RowPlace
from engine.paths import bundled

FORM = "hazard-ledger"


PLACE = RowPlace(None, {})  # synthetic rows: no cells to point at


def synthetic(rows: int, seed: int = 11) -> Ledger:
    """Rows built from the per-item cases (positives and near misses) of the gongmao standard."""
    rng = random.Random(seed)
    cases, _ = load_criteria_cases(next(p for p in find_criteria_cases(bundled("cases"))
                                        if p.stem == "gongmao-2023"))
    pool = []
    for c in cases.cases:
        pool.append(c.facts)
        pool.extend({**c.facts, **m} for m in c.near_misses)
    out = []
    for r in range(rows):
        facts = {k: v for k, v in rng.choice(pool).items() if v is not None}
        sector = facts.pop("行业", rng.choice(["冶金", "有色", "机械", "轻工"]))
        raw = {
            "finding_id": f"H{r:06d}", "unit": f"单位{r % 40:02d}", "enterprise": f"企业{r % 900:03d}",
            "sector": sector, "facts": "；".join(f"{k}={v}" for k, v in facts.items()),
            "reported_level": rng.choice(["重大", "一般", "一般"]),
            "found_by": rng.choice(["企业自查", "部门检查"]), "found_date": "2024-03-01",
            "responsible": "张三", "measures": rng.choice(["整改", None]), "funds": 1,
            "deadline": "2024-05-01", "contingency_plan": "预案",
            "rectified_date": rng.choice(["2024-04-01", None]),
            "principal_signoff": rng.choice(["是", "否"]), "safety_director_signoff": "是",
            "listed_supervision": rng.choice(["是", None]), "penalised": None,
        }
        out.append(LedgerRow(r + 2, raw, PLACE))
    return Ledger(form_id=FORM, source="synthetic", rows=tuple(out))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    catalog = load_catalog()
    cs = load_criteria()
    ledger = synthetic(args.rows)
    plan = catalog.plan(FORM)
    results = {}
    for backend in ("python", "durable"):
        best = float("inf")
        for _ in range(args.repeat):  # timed without tracemalloc: it slows Python code several-fold
            t0 = time.perf_counter()
            result, verdicts = audit_ledger(ledger, plan, cs, as_of=date(2024, 6, 30), backend=backend)
            best = min(best, time.perf_counter() - t0)
        tracemalloc.start()
        audit_ledger(ledger, plan, cs, as_of=date(2024, 6, 30), backend=backend)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        results[backend] = (best, peak, result, verdicts)
        print(f"{backend:8s} {args.rows} rows in {best:.2f} s = {args.rows / best:,.0f} rows/s, "
              f"peak {peak / 2**20:.0f} MiB, {len(result.findings)} findings")
    py, du = results["python"], results["durable"]
    print(f"durable / python time: {du[0] / py[0]:.1f}x")
    same = ([f.model_dump() for f in py[2].findings] == [f.model_dump() for f in du[2].findings]
            and [v.model_dump() for v in py[3]] == [v.model_dump() for v in du[3]])
    majors = sum(1 for v in py[3] if v.verdict == "重大")
    print(f"verdicts: {majors} 重大 of {args.rows}; findings and verdicts identical: {same}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
