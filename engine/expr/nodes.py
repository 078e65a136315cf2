"""AST node types of the condition language (immutable dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Union

Scalar = Union[float, int, str, bool]


@dataclass(frozen=True)
class Const:
    value: Scalar


@dataclass(frozen=True)
class Name:
    """An unresolved identifier as written by the rule author (e.g. ``行政处罚.罚款金额``)."""

    text: str


@dataclass(frozen=True)
class Field:
    """A resolved reference to a fact field (ASCII key) with its declared type."""

    key: str
    type: str  # "number" | "text" | "bool"


@dataclass(frozen=True)
class Arith:
    op: str  # + - * /
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Neg:
    operand: Expr


@dataclass(frozen=True)
class Cmp:
    op: str  # == != > >= < <=
    left: Expr
    right: Expr


@dataclass(frozen=True)
class In:
    item: Expr
    options: tuple[Expr, ...]


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class And:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Test:
    """Normalized comparison ``field <op> rhs``: the only shape a backend ever sees.

    durable-rules accepts a comparison only with one fact field on the left, so every
    comparison is rearranged into that shape (``a + b > c`` becomes ``a > c - b``). The
    reference backend evaluates exactly the same rearranged arithmetic, so the two
    backends agree bit for bit. A Test holds only when every field it names is present.
    """

    __test__ = False  # not a pytest test class, despite the name

    op: str
    field: Field
    rhs: Expr  # Const, Field or Arith over those

    def fields(self) -> tuple[Field, ...]:
        """Every field the test reads (computed once: evaluation asks for it on every fact)."""
        return self._fields

    @cached_property
    def _fields(self) -> tuple[Field, ...]:
        found = [self.field]
        stack = [self.rhs]
        while stack:
            node = stack.pop()
            if isinstance(node, Field):
                found.append(node)
            elif isinstance(node, Arith):
                stack.extend((node.right, node.left))
        return tuple(dict.fromkeys(found))


Expr = Union[Const, Name, Field, Arith, Neg, Cmp, In, Not, And, Or, Test]
