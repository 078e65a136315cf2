"""Compile loaded rules for one form into a Plan that any backend can run.

Named passes, each raising RuleFileError at the rule's line: select the rules that apply to
the form, parse ``when``, resolve names and normalise (engine/expr), parse the message
template. The Plan is immutable and carries a digest so backends can cache their own
compiled form of it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property

from engine.compile.names import UnknownName
from engine.compile.vocabulary import Vocabulary
from engine.errors import RuleFileError
from engine.expr.nodes import Expr, Field
from engine.expr.normalize import ExprTypeError, normalize, referenced_fields
from engine.expr.parse import ExprSyntaxError, parse
from engine.load.factkinds import fact_kinds
from engine.load.rules import LoadedRule
from engine.model.forms import Form
from engine.model.ledger import LedgerForm
from engine.model.rules import Rule

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    condition: Expr  # NNF over Test nodes
    fields: tuple[Field, ...]  # every fact field the condition reads
    placeholders: tuple[tuple[str, str], ...]  # (as written, fact key) in the message
    labels: tuple[tuple[str, str], ...]  # fact key -> Chinese label, for reports

    @cached_property
    def labels_map(self) -> dict[str, str]:
        """The labels as one mapping shared by every finding of the rule (never modified)."""
        return dict(self.labels)

    @cached_property
    def shown(self) -> tuple[str, ...]:
        """The fact fields a finding of this rule shows: those its condition and message read."""
        return (*(f.key for f in self.fields), *(k for _, k in self.placeholders))

    @cached_property
    def basis_text(self) -> str:
        return self.rule.basis.text()


@dataclass(frozen=True)
class Plan:
    form: Form | LedgerForm
    rules: tuple[CompiledRule, ...]
    digest: str

    @cached_property
    def indicator_keys(self) -> frozenset[str]:
        return frozenset(i.key for i in self.form.indicators)

    def by_kind(self, kind: str) -> list[tuple[int, CompiledRule]]:
        return [(i, r) for i, r in enumerate(self.rules) if r.rule.on == kind]

    @property
    def conditions(self) -> tuple[tuple[str, Expr], ...]:
        """(fact kind, condition) per rule, in rule order: all a backend needs (see RuleSource)."""
        return tuple((r.rule.on, r.condition) for r in self.rules)


def compile_rule(loaded: LoadedRule, form: Form | LedgerForm) -> CompiledRule:
    rule = loaded.rule
    vocab = Vocabulary(rule.on, form)
    try:
        condition = normalize(parse(rule.when), vocab.resolve)
    except ExprSyntaxError as exc:
        raise loaded.error("when", f"条件写法有误：{exc}") from exc
    except UnknownName as exc:
        raise loaded.error("when", str(exc), exc.hint) from exc
    except ExprTypeError as exc:
        raise loaded.error("when", f"条件无法判定：{exc}") from exc
    placeholders = []
    for name in _PLACEHOLDER.findall(rule.message):
        try:
            placeholders.append((name, vocab.resolve(name).key))
        except UnknownName as exc:
            raise loaded.error("message", f"消息模板中的 {{{name}}}：{exc}", exc.hint) from exc
    fields = referenced_fields(condition)
    keys = {f.key for f in fields} | {k for _, k in placeholders}
    labels = tuple((k, vocab.label(k)) for k in sorted(keys))
    return CompiledRule(rule, condition, fields, tuple(placeholders), labels)


def _fits(kind: str, form: Form | LedgerForm) -> bool:
    """Ledger rules look at ledger facts, return rules at return facts; neither sees the other's form."""
    return fact_kinds()[kind].ledger == isinstance(form, LedgerForm)


def compile_plan(rules: list[LoadedRule], form: Form | LedgerForm) -> Plan:
    compiled = tuple(compile_rule(r, form) for r in rules
                     if r.rule.applies_to(form.id) and _fits(r.rule.on, form))
    h = hashlib.sha256(form.model_dump_json().encode())
    for c in compiled:
        h.update(c.rule.model_dump_json().encode())
    return Plan(form, compiled, h.hexdigest()[:16])


def check_form_references(rules: list[LoadedRule], forms: dict[str, Form | LedgerForm]) -> None:
    """A rule naming a form that does not exist is an authoring error, not a silent no-op."""
    for loaded in rules:
        for form_id in loaded.rule.forms:
            if form_id not in forms:
                raise loaded.error("forms", f"表单 “{form_id}” 不存在",
                                   f"已有表单：{'、'.join(sorted(forms))}")


@dataclass(frozen=True)
class CompiledCount:
    indicator: str
    label: str
    condition: Expr


def compile_counts(form: LedgerForm, forms: dict[str, Form]) -> tuple[CompiledCount, ...]:
    """The ledger form's reconciliation counts, compiled against ledger-row facts."""
    if form.reconcile is None:
        return ()
    where = f"rules/forms/{form.id}.yaml"
    target = forms.get(form.reconcile.form)
    if target is None:
        raise RuleFileError(f"reconcile.form “{form.reconcile.form}” 不存在", file=where,
                            field="reconcile.form")
    keys = {i.key for i in target.indicators}
    vocab = Vocabulary("ledger_row", form)
    out = []
    for n, c in enumerate(form.reconcile.counts):
        if c.indicator not in keys:
            raise RuleFileError(f"报表 {target.id} 没有指标 “{c.indicator}”", file=where,
                                field=f"reconcile.counts[{n}].indicator")
        try:
            condition = normalize(parse(c.count), vocab.resolve)
        except (ExprSyntaxError, UnknownName, ExprTypeError) as exc:
            raise RuleFileError(f"核对条件 “{c.count}” 有误：{exc}", file=where,
                                field=f"reconcile.counts[{n}].count") from exc
        out.append(CompiledCount(c.indicator, c.label, condition))
    return tuple(out)
