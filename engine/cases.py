"""Example returns with the exact findings they must produce (``cases/**/case.yaml``).

A case names an input file (and optionally the previous return, the form, the unit, or the
folder of detail records to recount a return from) and lists every finding expected as
``{rule, unit, fields}`` — a recount's findings on its detail files included. ``compare``
gives the findings that were expected but missing and those produced but not expected, as
Semgrep's rule tests do.
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
    todo: str | None = Field(
        None, description="已知尚未做到：写明原因；没有产生这条不算失败，产生了会提示去掉 todo")

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
    details: str | None = None  # return cases: the folder of detail records to recount from
    unit: str | None = None
    unit_kinds: dict[str, str] = {}
    together: list[str] = Field([], alias="with")  # return cases: the other tables of the period
    units: str | None = None  # return cases: the roster of units that should appear
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
    """(missing, unexpected): multiset difference on (rule, unit, fields); a ``todo`` finding
    that is missing is a known gap, not a miss."""
    want = Counter(e.key() for e in expected)
    got = Counter(f.key() for f in found)
    gaps = Counter(e.key() for e in expected if e.todo)
    missing = (want - got) - gaps
    return sorted(missing.elements(), key=str), sorted((got - want).elements(), key=str)


def todos_done(expected: list[Expected], found: list[Finding]) -> list[FindingKey]:
    """``todo`` findings that are produced now: the gap is closed, the ``todo`` can go."""
    got = {f.key() for f in found}
    return sorted((e.key() for e in expected if e.todo and e.key() in got), key=str)
