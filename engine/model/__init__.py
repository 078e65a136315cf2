"""Validated, engine-independent models. Imports nothing else from the package."""
