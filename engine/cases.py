"""Example returns with the exact findings they must produce (``cases/**/case.yaml``).

A case names an input file (and optionally the previous return, the form and the unit) and
lists every finding expected as ``{rule, unit, fields}``. ``compare`` gives the findings that
were expected but missing and those produced but not expected, as Semgrep's rule tests do.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.load.positioned import load_yaml, validation_error
from engine.model.findings import Finding

FindingKey = tuple[str, str | None, tuple[str, ...]]


class Expected(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    rule: str
    unit: str | None = None
    fields: tuple[str, ...] = ()

    def key(self) -> FindingKey:
        return (self.rule, self.unit, self.fields)


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    description: str
    input: str
    form: str | None = None
    previous: str | None = None
    return_file: str | None = Field(None, alias="return")  # ledger cases: the return to reconcile
    as_of: str | None = None  # ledger cases: the audit date (overdue)
    unit: str | None = None
    unit_kinds: dict[str, str] = {}
    expect: list[Expected]
    folder: Path | None = None

    @property
    def name(self) -> str:
        return str(self.folder.relative_to(self.folder.parent.parent)) if self.folder else "?"

    def path(self, name: str) -> Path:
        assert self.folder is not None
        return self.folder / name


def load_case(path: Path) -> Case:
    doc = load_yaml(path)
    try:
        case = Case.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error(doc, exc) from exc
    case.folder = path.parent
    return case


def find_cases(root: Path) -> list[Path]:
    return sorted(root.rglob("case.yaml"))


def compare(expected: list[Expected], found: list[Finding]) -> tuple[list[FindingKey], list[FindingKey]]:
    """(missing, unexpected): multiset difference on (rule, unit, fields)."""
    want = Counter(e.key() for e in expected)
    got = Counter(f.key() for f in found)
    return sorted((want - got).elements(), key=str), sorted((got - want).elements(), key=str)
