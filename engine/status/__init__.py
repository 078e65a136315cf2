"""Submission tracking (``hazcheck status``): who sent which report for which period, and when.

A reporting schedule (``rules/schedules/*.yaml``) says which reports are due, per which period
and by which date, how an office's submissions log names its columns and reports, and which
checks to run; the log (xlsx/csv, one row per submission) says what arrived. The stages are
the engine's usual ones: files → validated models (``schedule``, ``submissions``, ``roster``)
→ facts (``tracking``) → findings (``checklist``) → reporters (``status_render``).
"""
