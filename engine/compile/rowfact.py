"""The ``when`` conditions of a ledger form's ``row_fact`` fields, compiled in declaration order.

A ``when`` may name only fields declared before it (by key or Chinese name), so the fields
of a row fact can be built in one pass, in the order the form lists them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from engine.compile.names import NameResolver, UnknownName
from engine.expr.nodes import Expr, Field
from engine.expr.normalize import ExprTypeError, normalize
from engine.expr.parse import ExprSyntaxError, parse
from engine.model.ledger import RowFactField


class RowFactError(ValueError):
    """A ``when`` that cannot be compiled: which field (its position in ``row_fact``) and why."""

    def __init__(self, index: int, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.index, self.hint = index, hint


def row_fact_conditions(fields: Sequence[RowFactField]) -> dict[str, Expr]:
    """Field key -> its compiled ``when``; RowFactError on the first that cannot be compiled."""
    conditions: dict[str, Expr] = {}
    known: dict[str, Field] = {}
    for i, rf in enumerate(fields):
        if rf.when is not None:
            try:
                conditions[rf.key] = compile_when(rf, known)
            except UnknownName as exc:
                raise RowFactError(i, str(exc), exc.hint) from exc
            except (ExprSyntaxError, ExprTypeError) as exc:
                raise RowFactError(i, str(exc)) from exc
        fld = Field(rf.key, rf.type)
        known[rf.key] = known[rf.name] = fld
    return conditions


def compile_when(rf: RowFactField, known: Mapping[str, Field]) -> Expr:
    """``rf.when`` as a normalized condition over the fields declared before it."""
    spoken = [n for n in known if not n.isascii()]

    def unknown(name: str) -> UnknownName:
        return UnknownName(f"“{name}” 不是前面已声明的台账行事实", f"可用：{'、'.join(spoken)}")

    names = NameResolver(known.items(), {}, unknown)
    if rf.only_if is not None and names.get(rf.only_if) is None:
        raise unknown(rf.only_if)
    assert rf.when is not None
    return normalize(parse(rf.when), names)
