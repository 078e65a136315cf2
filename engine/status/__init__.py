"""Submission tracking (``hazcheck status``): who sent which report for which period, and when.

A reporting schedule (``rules/schedules/*.yaml``) says which reports are due, per which period
and by which date, and how an office's submissions log names its columns and reports; the log
(xlsx/csv, one row per submission) says what arrived. The stages are the engine's usual ones:
files → validated models (``schedule``, ``submissions``, ``roster``) → facts (``tracking``:
报送, 单位, 登记行, declared in rules/facts.yaml) → findings (the rules of
rules/checks/submissions.yaml, compiled and evaluated as an audit's are: engine/compile,
engine/evaluate) → reporters (``status_render``).
"""
