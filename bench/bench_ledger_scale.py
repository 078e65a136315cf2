"""A city-sized hazard ledger, audited end to end: read, classify, ledger rules, JSON written.

The ledger is generated with the diversity of real ones: descriptions drawn from a pool of
distinct texts (the development set's written findings, each varied with places, workshop
names and numbers), dates over three years, ten sector words as offices write them, facts
filled in on a third of the rows, and rows repeated across units as real ledgers repeat
them. The audit goes through the same entry point as ``hazcheck audit`` and writes the JSON
report. Prints rows/s, the time per stage, peak memory, and the issue's targets beside them;
asserts nothing.

    python bench/bench_ledger_scale.py [--rows 20000] [--pool 5000] [--backend python]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.jobs import audit_file
from engine.paths import bundled
from engine.report import json_report
from engine.text_cases import find_text_cases, load_text_cases

SECTORS = ["工贸（冶金）", "工贸", "建筑施工", "危化", "燃气", "煤矿", "非煤矿山", "特种设备", "电力",
           "烟花爆竹"]
UNITS = [f"{n}街道" for n in "东西南北中"] + [f"{n}镇" for n in ("青石", "白沙", "红岭", "金桥", "石门")]
PLACES = ["一号车间", "二号车间", "三号厂房", "东区", "西区", "仓库", "南侧", "北侧", "生产区", "项目部"]
FACTS = ["积水=是；生产期间=是；场所=炉下渣坑", "积水=否", "使用液氨制冷=是", ""]


def description_pool(size: int, rng: random.Random) -> list[str]:
    texts = [c.text for path in find_text_cases(bundled("cases")) for c in load_text_cases(path)[0].cases]
    pool = list(dict.fromkeys(texts))
    while len(pool) < size:
        base = rng.choice(texts)
        where = rng.choice(PLACES)
        pool.append(f"{where}{base}" if rng.random() < 0.5 else f"{base}（第{rng.randint(1, 99)}处）")
    return pool[:size]


def write_ledger(path: Path, rows: int, pool_size: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    pool = description_pool(pool_size, rng)
    start = date(2023, 1, 1)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["序号", "所属镇街", "企业名称", "行业领域", "隐患描述", "事实", "隐患等级", "隐患来源",
                    "排查日期", "整改期限", "整改完成时间"])
        for i in range(1, rows + 1):
            found = start + timedelta(days=rng.randrange(3 * 365))
            facts = rng.choice(FACTS) if rng.random() < 1 / 3 else ""
            typed = found.strftime(rng.choice(["%Y-%m-%d", "%Y/%m/%d"]))
            enterprise = f"企业{rng.randrange(rows // 4 + 1)}有限公司"
            w.writerow([i, rng.choice(UNITS), enterprise, rng.choice(SECTORS), rng.choice(pool), facts,
                        rng.choice(["一般", "一般", "一般", "重大"]), rng.choice(["企业自查", "部门检查"]),
                        typed,
                        (found + timedelta(days=30)).isoformat(),
                        (found + timedelta(days=20)).isoformat() if rng.random() < 0.7 else ""])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--pool", type=int, default=5_000)
    ap.add_argument("--backend", default="python")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Path(tmp) / "ledger.csv"
        t0 = time.perf_counter()
        write_ledger(ledger, args.rows, args.pool)
        t1 = time.perf_counter()
        tracemalloc.start()
        job = audit_file(ledger, as_of="2026-06-30", backend=args.backend)
        t2 = time.perf_counter()
        out = Path(tmp) / "report.json"
        out.write_text(json_report.render(job.result), encoding="utf-8")
        t3 = time.perf_counter()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    took = t3 - t1
    print(f"ledger: {args.rows:,} rows, {args.pool:,} distinct descriptions (generated in {t1 - t0:.1f} s)")
    print(f"audit ({args.backend}): {t2 - t1:.1f} s read + classify + rules, {t3 - t2:.1f} s JSON; "
          f"{args.rows / took:,.0f} rows/s; {len(job.result.findings):,} findings; "
          f"peak Python memory {peak / 2**20:,.0f} MiB")
    per_million = took * 1_000_000 / args.rows
    print(f"  at this rate 1,000,000 rows take {per_million:,.0f} s   target <= 30 s   "
          f"{'ok' if per_million <= 30 else 'MISSED'}")


if __name__ == "__main__":
    main()
