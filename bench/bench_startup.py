"""Start-up: wall time of one `hazcheck` command from a cold process, against the issue's targets.

Runs each command a few times (the criteria cache warm, as after the first run on a machine)
and prints the median beside its target, and, measured in the same run, the bare interpreter
start (`python -c pass`) and the import of the command line alone, which no change to the
engine can go below. Asserts nothing.

    python bench/bench_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RETURN = ROOT / "cases" / "campaign-2023-table" / "district-2023-09" / "return.xlsx"
CLI = [sys.executable, str(ROOT / "cli.py")]
_DAY = ["--sector", "冶金", "--date", "2024-03-01"]
COMMANDS = [
    ("hazcheck --help", [*CLI, "--help"], 0.3),
    ("hazcheck classify (one finding, facts)",
     [*CLI, "classify", *_DAY, "--fact", "生产期间=是", "--fact", "积水=是", "--fact", "场所=炉下渣坑"], 0.5),
    ("hazcheck classify (one finding, description)",
     [*CLI, "classify", *_DAY, "--text", "炼钢车间出钢时炉下渣坑有积水"], 0.5),
    ("hazcheck audit (one return)", [*CLI, "audit", str(RETURN)], 0.6),
]


def _median(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    for _, cmd, _ in COMMANDS:  # warm the criteria cache and the file system
        subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    bare = _median([sys.executable, "-c", "pass"], args.runs)
    imports = _median([sys.executable, "-c", "import sys; sys.path.insert(0, '.'); import cli"], args.runs)
    print(f"start-up, median of {args.runs} (2 cores, noisy): the interpreter alone {bare:.2f} s; "
          f"importing the command line {imports:.2f} s")
    for label, cmd, target in COMMANDS:
        took = _median(cmd, args.runs)
        print(f"  {label:<46} {took:.2f} s   target <= {target} s   {'ok' if took <= target else 'MISSED'}")


if __name__ == "__main__":
    main()
