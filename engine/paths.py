"""Where the bundled rules/, criteria/ and cases/ trees are, installed or in a checkout.

A wheel carries them inside the package (``engine/_bundled/``, see pyproject.toml); a source
checkout or editable install reads them from the repository root beside ``engine/``.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """Path of a bundled tree: ``rules``, ``criteria`` or ``cases``."""
    inside = _PKG / "_bundled" / name
    if inside.is_dir():
        return inside
    return _PKG.parent / name
