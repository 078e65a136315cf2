"""Load ``rules/facts.yaml``: the kinds of fact rules are written on, with their fields' names.

The kinds themselves are what the program computes (engine/facts.py, engine/ledger,
engine/status/tracking.py); the file says what each kind and field is called in Chinese, its
type and its meaning, so a rule author reads and renames them in YAML. A kind the program
does not compute, or one it computes that the file leaves out, is an error naming the file
and line.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import get_args

from pydantic import ValidationError

from engine.load.positioned import load_yaml, validation_error
from engine.model.factkinds import FactKind, FactKindsFile
from engine.model.rules import FactKindName
from engine.paths import bundled

FILE = "facts.yaml"


def load_fact_kinds(path: Path) -> dict[str, FactKind]:
    doc = load_yaml(path)
    try:
        declared = FactKindsFile.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error(doc, exc, ()) from exc
    computed = set(get_args(FactKindName))
    kinds: dict[str, FactKind] = {}
    for i, entry in enumerate(declared.kinds):
        if entry.key not in computed:
            raise doc.error(("kinds", i, "key"),
                            f"程序不计算事实种类 “{entry.key}”（有：{'、'.join(sorted(computed))}）")
        if entry.key in kinds:
            raise doc.error(("kinds", i, "key"), f"事实种类 “{entry.key}” 重复")
        keys = [f.key for f in entry.fields]
        names = [f.name for f in entry.fields]
        for j, f in enumerate(entry.fields):
            if keys.count(f.key) > 1 or names.count(f.name) > 1:
                raise doc.error(("kinds", i, "fields", j), f"“{entry.name}” 的项 “{f.name}”/“{f.key}” 重复")
        if entry.ledger and entry.schedule:
            raise doc.error(("kinds", i, "schedule"),
                            f"“{entry.name}” 不能既用于台账（ledger）又用于报送情况（schedule）")
        kinds[entry.key] = entry.kind()
    missing = computed - set(kinds)
    if missing:
        raise doc.error(("kinds",), f"缺少事实种类：{'、'.join(sorted(missing))}")
    return kinds


@lru_cache(maxsize=1)
def fact_kinds() -> dict[str, FactKind]:
    """The bundled declaration, loaded once per process."""
    return load_fact_kinds(bundled("rules") / FILE)


def kind_key(written: object) -> object:
    """A rule's ``on`` as written (中文名 or key) → the kind's key; anything else is left to validation."""
    if isinstance(written, str):
        for kind in fact_kinds().values():
            if written == kind.label:
                return kind.name
    return written
