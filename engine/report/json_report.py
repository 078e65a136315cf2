"""Versioned JSON: ``{"form", "findings": [...], "summary": {...}}``."""

from __future__ import annotations

import json
from typing import Any

from engine.model.findings import AuditResult, Finding

SCHEMA = "hazcheck.audit/1"


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule, "title": f.title, "severity": f.severity, "unit": f.unit,
        "fields": list(f.fields), "values": f.values, "message": f.message, "basis": f.basis,
        "cells": [c.a1() for c in f.cells],
    }


def render(result: AuditResult) -> str:
    doc = {
        "schema": SCHEMA,
        "form": result.summary.form,
        "findings": [finding_dict(f) for f in result.findings],
        "summary": result.summary.model_dump(),
    }
    if result.rows:  # ledger audits: every row's classification
        doc["rows"] = [r.model_dump() for r in result.rows]
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
