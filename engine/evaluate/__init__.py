"""Evaluate a compiled Plan over facts with a backend, then build findings."""
