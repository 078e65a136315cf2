"""A city-sized hazard ledger, audited end to end: read, classify, ledger rules, JSON written.

The ledger is generated with the diversity of real ones: descriptions drawn from a pool of
distinct texts (the development set's written findings, each varied with places, workshop
names and numbers), each in its own sector written the ways offices write it (over a hundred
sector words: 工贸（冶金）, 建筑施工, 危化 …), dates over three years, facts filled in on a
third of the rows, and rows repeated across units as real ledgers repeat them. The audit
goes through the same entry point as ``hazcheck audit`` and writes the JSON report. Prints
rows/s, peak memory and the issue's targets beside them, and the same ledger's first rows
audited the old way (every row classified on its own, plain Python) in the same run, with
the ratio; asserts nothing.

    python bench/bench_ledger_scale.py [--rows 20000] [--pool 5000] [--backend auto]
                                       [--baseline-rows 2000] [--xlsx-rows 20000]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.catalog import load_catalog
from engine.jobs import audit_file
from engine.paths import bundled
from engine.read.ledger import detect_ledger
from engine.report import json_report
from engine.text_cases import find_text_cases, load_text_cases

UNITS = [f"{n}街道" for n in "东西南北中"] + [f"{n}镇" for n in ("青石", "白沙", "红岭", "金桥", "石门")]
PLACES = ["一号车间", "二号车间", "三号厂房", "东区", "西区", "仓库", "南侧", "北侧", "生产区", "项目部"]
FACTS = ["积水=是；生产期间=是；场所=炉下渣坑", "积水=否", "使用液氨制冷=是", ""]


def office_words() -> dict[str, list[str]]:
    """Sector → the words offices write for it (criteria/sectors.yaml), the sector's own name first."""
    from engine.classify.sectors import UnknownSector, words_for
    from engine.load.criteria import load_criteria

    cs = load_criteria()
    table = words_for(cs)
    out: dict[str, list[str]] = {}
    for word in table.words():
        try:
            meaning = table.resolve(cs, word)
        except UnknownSector:
            continue
        if meaning.production and meaning.sector and not meaning.sub_sector:
            out.setdefault(meaning.sector, [meaning.sector]).append(word)
    for sector, written in out.items():  # 工贸（冶金）, and 工贸 alone (the sector then read from the text)
        try:
            if table.resolve(cs, f"工贸（{sector}）").sector == sector:
                written += [f"工贸（{sector}）", f"工贸（{sector}）", "工贸"]
        except UnknownSector:
            pass
    return out


def description_pool(size: int, rng: random.Random) -> list[tuple[str, str]]:
    """(description, sector word) pairs: a description is written in its own sector, in the words
    an office uses for it; the development set's findings, then variants of them."""
    words = office_words()
    cases = list(dict.fromkeys((c.text, c.sector) for path in find_text_cases(bundled("cases"))
                               for c in load_text_cases(path)[0].cases))

    def written(sector: str) -> str:
        choices = words.get(sector, [sector])
        return sector if rng.random() < 0.5 else rng.choice(choices)

    pool = [(text, written(sector)) for text, sector in cases]
    while len(pool) < size:
        base, sector = rng.choice(cases)
        where = rng.choice(PLACES)
        text = f"{where}{base}" if rng.random() < 0.5 else f"{base}（第{rng.randint(1, 99)}处）"
        pool.append((text, written(sector)))
    return pool[:size]


def write_ledger(path: Path, rows: int, pool_size: int, seed: int = 7) -> int:
    """Writes the ledger; returns how many distinct sector words it holds."""
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
            text, sector = rng.choice(pool)
            w.writerow([i, rng.choice(UNITS), enterprise, sector, text, facts,
                        rng.choice(["一般", "一般", "一般", "重大"]), rng.choice(["企业自查", "部门检查"]),
                        typed,
                        (found + timedelta(days=30)).isoformat(),
                        (found + timedelta(days=20)).isoformat() if rng.random() < 0.7 else ""])
    return len({s for _, s in pool})


def _peak_mib() -> str:
    """Peak resident memory so far, as the operating system counts it: this process, and the
    largest helper process (engine/classify/helpers.py) if one ran."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    helper = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return f"{own:,.0f} MiB" + (f" (+ {helper:,.0f} MiB in the largest helper process)" if helper > 1 else "")


def _head(src: Path, dst: Path, rows: int) -> None:
    """The header and first ``rows`` rows of a csv ledger (the baseline's share of the same file)."""
    with (src.open(encoding="utf-8-sig", newline="") as fh,
          dst.open("w", encoding="utf-8-sig", newline="") as out):
        w = csv.writer(out)
        for n, row in enumerate(csv.reader(fh)):
            if n > rows:
                break
            w.writerow(row)


def _as_xlsx(src: Path, dst: Path, rows: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("隐患台账")
    with src.open(encoding="utf-8-sig", newline="") as fh:
        for n, row in enumerate(csv.reader(fh)):
            if n > rows:
                break
            ws.append(row)
    wb.save(dst)


def _audit(path: Path, backend: str, *, per_row: bool = False) -> tuple[float, int, str]:
    t = time.perf_counter()
    job = audit_file(path, as_of="2026-06-30", backend=backend, per_row=per_row)
    out = path.with_suffix(".json")
    with out.open("w", encoding="utf-8") as fh:  # streamed, as `hazcheck audit --format json` writes it
        json_report.write(job.result, fh)
    return time.perf_counter() - t, len(job.result.findings), job.result.summary.backend


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--pool", type=int, default=5_000)
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--baseline-rows", type=int, default=2_000,
                    help="rows of the same ledger audited the old way (every row on its own, plain Python)")
    ap.add_argument("--xlsx-rows", type=int, default=0,
                    help="also audit this many rows saved as .xlsx (its own ledger if more than --rows)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Path(tmp) / "ledger.csv"
        t0 = time.perf_counter()
        sectors = write_ledger(ledger, args.rows, args.pool)
        print(f"ledger: {args.rows:,} rows, {args.pool:,} distinct descriptions in {sectors} sector words "
              f"(generated in {time.perf_counter() - t0:.1f} s)")
        took, findings, backend = _audit(ledger, args.backend)
        rate = args.rows / took
        print(f"audit ({backend}): {took:.1f} s end to end (read, classify, rules, JSON written); "
              f"{rate:,.0f} rows/s; {findings:,} findings; peak memory {_peak_mib()}")
        per_million = 1_000_000 / rate
        how = "measured:" if args.rows == 1_000_000 else "at this rate (linear, an overestimate):"
        print(f"  {how} 1,000,000 rows take {per_million:,.0f} s   target <= 30 s   "
              f"{'ok' if per_million <= 30 else 'MISSED'}")
        if args.baseline_rows:
            head = Path(tmp) / "head.csv"
            _head(ledger, head, args.baseline_rows)
            base, _, _ = _audit(head, "python", per_row=True)
            base_rate = args.baseline_rows / base
            ratio = rate / base_rate
            print(f"baseline (every row classified on its own, plain Python), first "
                  f"{args.baseline_rows:,} rows: {base:.1f} s, {base_rate:,.0f} rows/s   "
                  f"ratio {ratio:,.1f}x   target >= 100x   {'ok' if ratio >= 100 else 'MISSED'}")
        if args.xlsx_rows:
            book = Path(tmp) / "ledger.xlsx"
            source = ledger
            if args.xlsx_rows > args.rows:  # a ledger of its own size, from the same generator
                source = Path(tmp) / "for-xlsx.csv"
                write_ledger(source, args.xlsx_rows, args.pool)
            _as_xlsx(source, book, args.xlsx_rows)
            t = time.perf_counter()
            read = detect_ledger(book, load_catalog().ledgers.values())
            read_s = time.perf_counter() - t
            print(f"xlsx: {args.xlsx_rows:,} rows read (python-calamine) in {read_s:.1f} s, "
                  f"{len(read.rows) if read else 0:,} rows; 100,000 rows at this rate "
                  f"{read_s * 100_000 / args.xlsx_rows:,.1f} s (openpyxl took 46 s)")
            took_x, _, _ = _audit(book, args.backend)
            per_100k = took_x * 100_000 / args.xlsx_rows
            # from fewer rows, a linear estimate: an overestimate, as repeats grow with the ledger
            how = "measured" if args.xlsx_rows == 100_000 else "at this rate (linear)"
            print(f"xlsx: {args.xlsx_rows:,} rows audited in {took_x:.1f} s; 100,000 rows {how} "
                  f"{per_100k:,.0f} s   target <= 15 s   {'ok' if per_100k <= 15 else 'MISSED'}")


if __name__ == "__main__":
    main()
