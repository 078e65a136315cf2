"""Accuracy of judging written findings from their description alone (cases/classify/).

Prints the confusion table (label × 重大/一般/待确认), the share of majors whose item ranks
first, and each figure against the issue's target. Asserts nothing; the suite's
tests/classify/test_text_cases.py holds the targets.

    python bench/text_accuracy.py [--misses]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.classify.run import Classifier
from engine.evaluate.run import get_backend
from engine.load.criteria import load_criteria
from engine.paths import bundled
from engine.text_cases import MAX_MAJOR_GENERAL, TARGETS, find_text_cases, metric, run_text_cases


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--misses", action="store_true", help="list every case not judged as labelled")
    ap.add_argument("--backend", default="python")
    ap.add_argument("files", nargs="*", type=Path, help="case files (default: all of cases/classify/)")
    args = ap.parse_args()
    paths = args.files or find_text_cases(bundled("cases"))
    t0 = time.perf_counter()
    outcomes = run_text_cases(Classifier(load_criteria(), get_backend(args.backend)), paths)
    took = time.perf_counter() - t0
    m = metric(outcomes)
    print(f"written findings: {m.total} cases from {len(paths)} files, "
          f"classified in {took:.1f} s ({args.backend})")
    print(f"{'label':<6}{'n':>5}{'重大':>8}{'一般':>8}{'待确认':>8}")
    for label, row in m.confusion.items():
        n = sum(row.values())
        print(f"{label:<6}{n:>5}" + "".join(f"{row[v]:>8}" for v in ("重大", "一般", "待确认")))
    figures = [("majors: right item first", m.major_top1, TARGETS["major_top1"], ">="),
               ("majors judged 重大", m.major_verdict, TARGETS["major_verdict"], ">="),
               ("majors judged 一般", m.major_general, MAX_MAJOR_GENERAL, "<="),
               ("general findings judged 一般", m.general_verdict, TARGETS["general_verdict"], ">="),
               ("near misses judged 一般", m.near_verdict, TARGETS["near_verdict"], ">=")]
    for name, value, target, op in figures:
        ok = value >= target if op == ">=" else value <= target
        print(f"  {name:<32}{value:7.1%}   target {op} {target:.0%}   {'ok' if ok else 'MISSED'}")
    if args.misses:
        for o in outcomes:
            if not o.as_labelled or (o.case.label != "一般" and not o.right_item):
                print(f"{o.file}:{o.line}  [{o.case.label} → {o.result.verdict}] {o.case.text}  "
                      f"top={o.top} want={o.case.item}  {o.result.reasons[1:2]}")


if __name__ == "__main__":
    main()
