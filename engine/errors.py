"""One error type per audience, each able to print itself as one line.

The CLI turns these into exit code 2 without a traceback; everything else is a bug.
"""

from __future__ import annotations


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
        return f"{text}（提示：{self.hint}）" if self.hint else text


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
