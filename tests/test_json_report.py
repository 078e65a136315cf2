"""The JSON report is written in batches and reads as one plainly indented document."""

from __future__ import annotations

import json

from engine.jobs import audit_file
from engine.paths import bundled
from engine.report import json_report


def test_batched_items_are_the_document_indented_by_two(tmp_path, monkeypatch) -> None:
    """Findings and rows are serialised a batch at a time; the text must be the same document a
    plain two-space dump of it gives, across batch boundaries (batch size 3 here)."""
    monkeypatch.setattr(json_report, "_BATCH", 3)
    ledger = bundled("cases") / "hazard-ledger" / "township-2024-office" / "ledger.csv"
    result = audit_file(ledger, as_of="2024-09-30", backend="python").result
    assert len(result.findings) > 7 and len(result.rows) > 7
    text = json_report.render(result)
    doc = json.loads(text)
    assert text == json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    assert [r["line"] for r in doc["rows"]] == [r.line for r in result.rows]
    assert [f["rule"] for f in doc["findings"]] == [f.rule for f in result.findings]
    assert doc["rows"][0] == result.rows[0].model_dump()
