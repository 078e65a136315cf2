"""Shared fixtures: the bundled forms and an example-A workbook."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.load.forms import load_forms
from engine.model.forms import Form
from engine.paths import bundled

from .builders import write_example_a


@pytest.fixture(scope="session")
def forms() -> dict[str, Form]:
    return {k: f for k, f in load_forms(bundled("rules") / "forms").items() if isinstance(f, Form)}


@pytest.fixture
def example_a(tmp_path: Path) -> Path:
    return write_example_a(tmp_path / "调度表-2023-09.xlsx")
