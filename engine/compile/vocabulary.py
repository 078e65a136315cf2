"""Name resolution: what a rule author may write in a condition or a message.

For each fact kind, fields are known by their ASCII key and Chinese name; on row facts the
form's indicators are also known by key, by full label path (``.`` or ``/`` between
levels), by alias, and by any trailing part of the path that names one indicator only
(``行政处罚.罚款金额``).
"""

from __future__ import annotations

from engine.expr.nodes import Field
from engine.model.factkinds import FACT_KINDS, FactField
from engine.model.forms import Form
from engine.model.ledger import LedgerForm


class UnknownName(LookupError):
    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def _norm(name: str) -> str:
    return name.replace("/", ".").replace(" ", "").strip(".")


class Vocabulary:
    """Resolves names for one fact kind of one form."""

    def __init__(self, kind: str, form: Form | LedgerForm) -> None:
        self.kind = FACT_KINDS[kind]
        self.form = form
        self._exact: dict[str, Field] = {}
        self._labels: dict[str, str] = {}
        self.fields = self.kind.fields
        if self.kind.declared_by_form and isinstance(form, LedgerForm):
            self.fields = tuple(FactField(rf.key, rf.name, rf.type, rf.doc) for rf in form.row_fact)
        for f in self.fields:
            fld = Field(f.key, f.type)
            self._exact[f.key] = fld
            self._exact[f.name] = fld
            self._labels[f.key] = f.name
        self._paths: list[tuple[tuple[str, ...], Field]] = []
        if self.kind.indicators:
            for ind in form.indicators:
                fld = Field(ind.key, "number")
                self._labels[ind.key] = ind.label
                self._exact[ind.key] = fld
                self._exact[_norm(ind.label)] = fld
                self._paths.append((ind.path, fld))
                for alias in ind.aliases:
                    self._exact[_norm(alias)] = fld
                    self._paths.append((tuple(_norm(alias).split(".")), fld))

    def label(self, key: str) -> str:
        return self._labels.get(key, key)

    def resolve(self, name: str) -> Field:
        norm = _norm(name)
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
        near = [self.label(f.key) for path, f in self._paths if wanted[-1] in path[-1]]
        hint = f"是否指：{'、'.join(dict.fromkeys(near))}" if near else (
            f"{self.kind.label}事实可用的字段：{'、'.join(f.name for f in self.fields)}"
            + ("，以及表单的各项指标" if self.kind.indicators else ""))
        raise UnknownName(f"不认识的名称 “{name}”（表单 {self.form.id}，{self.kind.label}事实）", hint)
