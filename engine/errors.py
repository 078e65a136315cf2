"""One error type per audience, each able to print itself as one line.

The CLI turns these into exit code 2 without a traceback; everything else is a bug.
"""

from __future__ import annotations

import re

# Line breaks of every kind Python's splitlines() honours: text quoted from a file (a header, a
# key, a file name) may hold one, and an error must stay one line.
_BREAKS = re.compile("[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _escaped(m: re.Match[str]) -> str:
    return {"\r": "\\r", "\n": "\\n"}.get(m[0], f"\\u{ord(m[0]):04x}")


def escape_breaks(text: str) -> str:
    """``text`` with each line break shown as its escape (``\\n``), so it prints as one line."""
    return _BREAKS.sub(_escaped, text) if _BREAKS.search(text) else text


class HazcheckError(Exception):
    """Base: a problem the user can fix, printed as one line ``where: what``."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        self.hint = hint

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file if self.line is None else f"{self.file}:{self.line}")
        if self.field:
            parts.append(f"[{self.field}]")
        return " ".join(parts)

    def one_line(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        return escape_breaks(f"{text}（提示：{self.hint}）" if self.hint else text)


class RuleFileError(HazcheckError):
    """A rule, form or criteria file is invalid (authoring error).

    ``others``: further errors found in the same pass (every invalid key of one model), so
    that ``hazcheck rules lint`` can list them all; the one-line message counts them.
    """

    others: list[RuleFileError]

    def __init__(self, message: str, **where: object) -> None:
        super().__init__(message, **where)  # type: ignore[arg-type]
        self.others = []


class InputError(HazcheckError):
    """A submitted record file cannot be used at all (unreadable, unknown form...)."""


class EvaluationError(HazcheckError):
    """The rule engine lost or rejected a fact: results would be incomplete, so we stop."""
