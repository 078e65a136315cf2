"""Name resolution: what a rule author may write in a condition or a message.

For each fact kind, fields are known by their ASCII key and Chinese name; on row facts the
form's indicators are also known by key, by full label path (``.`` or ``/`` between
levels), by alias, and by any trailing part of the path that names one indicator only
(``行政处罚.罚款金额``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.compile.names import NameResolver, UnknownName, normalise_name
from engine.expr.nodes import Field
from engine.load.factkinds import fact_kinds
from engine.model.factkinds import FactField
from engine.model.forms import Form
from engine.model.ledger import LedgerForm

if TYPE_CHECKING:
    from engine.status.schedule_load import Schedule


class Vocabulary:
    """Resolves names for one fact kind of one form or schedule (through the shared NameResolver)."""

    def __init__(self, kind: str, form: Form | LedgerForm | Schedule) -> None:
        self.kind = fact_kinds()[kind]
        self.form = form
        self.fields = self.kind.fields
        if self.kind.declared_by_form and isinstance(form, LedgerForm):
            self.fields = tuple(FactField(rf.key, rf.name, rf.type, rf.doc) for rf in form.row_fact)
        exact: list[tuple[str, Field]] = []
        labels: dict[str, str] = {}
        paths: list[tuple[tuple[str, ...], Field]] = []
        for f in self.fields:
            fld = Field(f.key, f.type)
            exact += [(f.key, fld), (f.name, fld)]
            labels[f.key] = f.name
        if self.kind.indicators:
            for ind in form.indicators:
                fld = Field(ind.key, "number")
                labels[ind.key] = ind.label
                exact += [(ind.key, fld), (ind.label, fld), *((a, fld) for a in ind.aliases)]
                paths.append((ind.path, fld))
                paths += [(tuple(normalise_name(a).split(".")), fld) for a in ind.aliases]
        self._names = NameResolver(exact, labels, self._unknown, paths)

    def label(self, key: str) -> str:
        return self._names.label(key)

    def resolve(self, name: str) -> Field:
        return self._names(name)

    def _unknown(self, name: str) -> UnknownName:
        near = self._names.near_paths(name)
        hint = f"是否指：{'、'.join(near)}" if near else (
            f"{self.kind.label}事实可用的字段：{'、'.join(f.name for f in self.fields)}"
            + ("，以及表单的各项指标" if self.kind.indicators else ""))
        where = "时限表" if self.kind.schedule else "表单"
        return UnknownName(f"不认识的名称 “{name}”（{where} {self.form.id}，{self.kind.label}事实）", hint)
