"""Hazard-ledger audits: rows classified against the criteria, then judged by the ledger rules."""
