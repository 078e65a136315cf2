"""One name resolver: what a name written in a condition means, for rules, criteria and row facts.

A rule author writes Chinese names (上报等级, 行政处罚.罚款金额, 积水); the engine works on
fields (ASCII key and type). The three places conditions are written — checks over a form's
facts, criteria items over the fact vocabulary, a ledger form's ``row_fact`` — each build a
``NameResolver`` from their own names; the mechanism (exact spellings, label paths matched by
their trailing parts, the error with its hint) is written once, here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from engine.expr.nodes import Field


class UnknownName(LookupError):
    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def normalise_name(name: str) -> str:
    """``组/指标``, ``组.指标`` and ``组 . 指标`` are one name."""
    return name.replace("/", ".").replace(" ", "").strip(".")


class NameResolver:
    """Names → fields. ``exact`` spellings first; then a label path (``行政处罚.罚款金额``) by any
    trailing part that names one field only; else ``unknown(name)`` says why and what was meant."""

    def __init__(self, exact: Iterable[tuple[str, Field]], labels: dict[str, str],
                 unknown: Callable[[str], UnknownName],
                 paths: Iterable[tuple[tuple[str, ...], Field]] = ()) -> None:
        self._exact: dict[str, Field] = {}
        for name, fld in exact:  # a later spelling wins, as a later declaration would
            self._exact[normalise_name(name)] = fld
        self._labels = labels
        self._paths = list(paths)
        self._unknown = unknown

    def label(self, key: str) -> str:
        return self._labels.get(key, key)

    def get(self, name: str) -> Field | None:
        return self._exact.get(normalise_name(name))

    def __call__(self, name: str) -> Field:
        norm = normalise_name(name)
        if norm in self._exact:
            return self._exact[norm]
        wanted = tuple(norm.split("."))
        hits = {fld for path, fld in self._paths
                if len(path) >= len(wanted) and path[-len(wanted):] == wanted}
        if len(hits) == 1:
            return hits.pop()
        if len(hits) > 1:
            options = "、".join(sorted(self.label(f.key) for f in hits))
            raise UnknownName(f"“{name}” 可指多个指标：{options}", "写出更完整的标签路径，如 组/指标")
        raise self._unknown(name)

    def near_paths(self, name: str) -> list[str]:
        """Labels whose last part contains the last part of ``name``: what a typo probably meant."""
        last = normalise_name(name).split(".")[-1]
        return list(dict.fromkeys(self.label(f.key) for path, f in self._paths if last in path[-1]))
