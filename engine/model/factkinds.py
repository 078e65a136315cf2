"""The kinds of fact the engine asserts, and the fields each carries (declared in rules/facts.yaml).

Rules are written against these vocabularies. Aggregates (column sums, comparisons with the
previous return, part/whole pairs) are computed in Python and asserted as their own facts,
because the rule engine does not aggregate; what each kind and field is called, its type and
its meaning are declared in YAML (loaded by engine/load/factkinds.py), and a test checks that
the fields the program builds are the fields declared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


@dataclass(frozen=True)
class FactField:
    key: str  # ASCII key inside the fact
    name: str  # Chinese name rule authors write
    type: str  # number | text | bool
    doc: str


@dataclass(frozen=True)
class FactKind:
    name: str
    label: str
    doc: str
    fields: tuple[FactField, ...]
    indicators: bool = False  # the form's indicators are fields of this fact
    subject: tuple[str, ...] = ()  # fact keys naming the indicators a finding is about
    ledger: bool = False  # asserted for hazard ledgers (record forms), not for returns
    declared_by_form: bool = False  # the fields are the form's ``row_fact`` declarations, not listed here
    schedule: bool = False  # asserted for a reporting schedule (``hazcheck status``), not for any form


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldEntry(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(description="规则里写的中文名")
    type: Literal["number", "text", "bool"]
    doc: str


class KindEntry(_Strict):
    key: str = Field(description="种类（程序计算的事实种类之一）")
    name: str = Field(description="规则的 on 写的中文名")
    doc: str
    indicators: bool = False
    subject: tuple[str, ...] = ()
    ledger: bool = False
    declared_by_form: bool = False
    schedule: bool = False
    fields: tuple[FieldEntry, ...] = ()

    def kind(self) -> FactKind:
        return FactKind(self.key, self.name, self.doc,
                        tuple(FactField(f.key, f.name, f.type, f.doc) for f in self.fields),
                        indicators=self.indicators, subject=self.subject,
                        ledger=self.ledger, declared_by_form=self.declared_by_form, schedule=self.schedule)


class FactKindsFile(_Strict):
    kinds: tuple[KindEntry, ...]
