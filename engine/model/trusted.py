"""Models built from values the engine made and typed itself, without validation or defaults.

A city's ledger yields a million findings and a million row verdicts; ``model_construct``
spends most of its time looking for aliases and defaults that these models do not have. This
sets the instance's fields directly, as ``model_construct`` does in the end, after checking
that every field is given and nothing else (so a model that grows a field fails loudly here,
not with a half-built object).
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
_NAMES: dict[type, frozenset[str]] = {}
_set = object.__setattr__


def trusted(cls: type[M], values: dict[str, Any]) -> M:
    """An instance of ``cls`` holding ``values`` (every field, by name), unvalidated."""
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = frozenset(cls.model_fields)
        if (cls.__pydantic_post_init__ or cls.__private_attributes__
                or cls.model_config.get("extra") == "allow"):
            raise TypeError(f"{cls.__name__}: trusted() builds only plain models")
    if values.keys() != names:
        raise TypeError(f"{cls.__name__}: fields {sorted(names ^ values.keys())} missing or unknown")
    m = cls.__new__(cls)
    _set(m, "__dict__", values)
    _set(m, "__pydantic_fields_set__", set(names))
    _set(m, "__pydantic_extra__", None)
    _set(m, "__pydantic_private__", None)
    return m
