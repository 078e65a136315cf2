"""Compile validated rules against a form into engine-independent plans."""
