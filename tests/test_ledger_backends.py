"""Random office ledgers give the same findings and row verdicts whichever way they are evaluated.

Four ways must agree: every row classified on its own with the plain-Python reference (the
slow path), distinct findings classified once and joined back (python), the columnar backend
(polars) and durable-rules, the engine of record. The rows mix the development set's written
findings, the sector words offices write, dates on both sides of every edition switch, a 事实
column on some rows, repeats and unreadable cells.
"""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.jobs import audit_file
from engine.load.criteria import load_criteria
from engine.paths import bundled
from engine.report import json_report
from engine.text_cases import find_text_cases, load_text_cases

_CASES = [(c.text, c.sector) for p in find_text_cases(bundled("cases")) for c in load_text_cases(p)[0].cases]
_WORDS = ["工贸", "工贸（冶金）", "建筑施工", "危化", "燃气", "非煤矿山", "教育", "某某行业", None]
_FACTS = ["", "", "积水=是；生产期间=是；场所=炉下渣坑", "使用液氨制冷=是", "作业人数=几个"]


def _switch_days() -> list[str]:
    cs = load_criteria()
    days = set()
    for ls in cs.standards.values():
        for written in (ls.standard.effective_from, ls.standard.effective_to):
            if written is not None:
                d = date.fromisoformat(str(written))
                days.update({d - timedelta(days=1), d, d + timedelta(days=1)})
    return sorted(x.isoformat() for x in days)


_DAYS = _switch_days()

_row = st.fixed_dictionaries({
    "case": st.integers(0, len(_CASES) - 1),
    "word": st.sampled_from([*_WORDS, "own"]),
    "facts": st.sampled_from(_FACTS),
    "level": st.sampled_from(["重大", "一般", "重大隐患", "较大"]),
    "by": st.sampled_from(["企业自查", "部门检查", ""]),
    "day": st.sampled_from([*_DAYS, "2024年7月3日", "三月底", ""]),
    "done": st.sampled_from(["", "2023-01-01", "2026-12-31"]),
    "unit": st.sampled_from(["东街道", "西镇"]),
})


def _write(path, rows) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["序号", "所属镇街", "企业名称", "行业领域", "隐患描述", "事实", "隐患等级", "隐患来源",
                    "排查日期", "整改完成时间"])
        for n, r in enumerate(rows, start=1):
            text, sector = _CASES[r["case"]]
            word = sector if r["word"] == "own" else (r["word"] or "")
            w.writerow([n, r["unit"], f"企业{r['case'] % 3}有限公司", word, text, r["facts"], r["level"],
                        r["by"], r["day"], r["done"]])


def _report(path, **kw) -> dict:
    doc = json.loads(json_report.render(audit_file(path, as_of="2026-06-30", **kw).result))
    doc["summary"].pop("backend")
    return doc


@pytest.mark.parametrize("backend", ["python", "polars", "durable"])
def test_every_way_of_evaluating_a_ledger_agrees(tmp_path, backend: str) -> None:
    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.function_scoped_fixture])
    @given(st.lists(_row, min_size=1, max_size=10).map(lambda rs: rs + rs[:2]))  # two repeated rows
    def check(rows):
        path = tmp_path / "ledger.csv"
        _write(path, rows)
        reference = _report(path, backend="python", per_row=True)
        assert len(reference["rows"]) == len(rows)
        assert _report(path, backend=backend) == reference

    check()
