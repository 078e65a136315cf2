"""Reporters: each turns an AuditResult into one output format. None imports another."""
