"""Progress of a long job, reported by stage: the engine says how far it is, the CLI shows it.

The engine never prints; a job takes an optional callback ``(stage, done, total)`` and calls
it as it goes. ``cli.py`` turns it into a bar on stderr, only when stderr is a terminal, the
report is not JSON, and the input is long enough to wait for.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]
STEP = 2_000  # rows between two reports of the same stage


def silent(stage: str, done: int, total: int) -> None:
    """The default: nobody is watching."""
