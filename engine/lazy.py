"""Sequences whose items are made when read: what a million-row ledger cannot hold as objects.

The row facts, findings and row verdicts of a city's ledger are held as columns and indexes;
each item is built from them, the same every time, when a backend, a reporter or a test
reads it. ``BuiltOnRead`` gives such a class the list behaviour callers rely on: indexing
(negative too), slicing, iteration, and equality with any sequence of the same items.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar, overload

T = TypeVar("T")


class BuiltOnRead(Sequence[T]):
    __hash__ = None  # type: ignore[assignment]

    def _item(self, i: int) -> T:
        """Item ``i`` (0 <= i < len), built."""
        raise NotImplementedError

    @overload
    def __getitem__(self, i: int) -> T: ...

    @overload
    def __getitem__(self, i: slice) -> list[T]: ...

    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return [self._item(k) for k in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self._item(i)

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"
