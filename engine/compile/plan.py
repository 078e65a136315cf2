"""Compile loaded rules for one form into a Plan that any backend can run.

Named passes, each raising RuleFileError at the rule's line: select the rules that apply to
the form, parse ``when``, resolve names and normalise (engine/expr), parse the message
template. The Plan is immutable and carries a digest so backends can cache their own
compiled form of it. A reporting schedule (``hazcheck status``) is compiled the same way:
its plan is the rules on the schedule's fact kinds (``schedule: true`` in rules/facts.yaml).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:  # imported when a schedule is compiled: an audit or a classification never loads it
    from engine.status.schedule_load import Schedule

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
    form: Form | LedgerForm | Schedule  # a schedule has an id and no indicators, as a plan needs
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


def compile_rule(loaded: LoadedRule, form: Form | LedgerForm | Schedule) -> CompiledRule:
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


def fits_kind(kind: str, form: Form | LedgerForm | Schedule) -> bool:
    """Ledger rules look at ledger facts, return rules at return facts, status rules at a schedule's
    facts; none sees the others' form."""
    from engine.status.schedule_load import Schedule

    declared = fact_kinds()[kind]
    if isinstance(form, Schedule):
        return declared.schedule
    return not declared.schedule and declared.ledger == isinstance(form, LedgerForm)


def _identity(form: Form | LedgerForm | Schedule) -> str:
    """What a plan's digest is made of besides its rules: the form as validated; for a schedule its
    id (a schedule adds no names to its rules' vocabulary, so its id and rules fix the conditions)."""
    if isinstance(form, (Form, LedgerForm)):
        return form.model_dump_json()
    return f"schedule:{form.id}"


def compile_plan(rules: list[LoadedRule], form: Form | LedgerForm | Schedule) -> Plan:
    compiled = tuple(compile_rule(r, form) for r in rules
                     if r.rule.applies_to(form.id) and fits_kind(r.rule.on, form))
    h = hashlib.sha256(_identity(form).encode())
    for c in compiled:
        h.update(c.rule.model_dump_json().encode())
    return Plan(form, compiled, h.hexdigest()[:16])


def check_form_references(rules: list[LoadedRule], forms: Mapping[str, object]) -> None:
    """A rule naming a form (or a schedule) that does not exist is an authoring error, not a silent no-op."""
    for loaded in rules:
        for form_id in loaded.rule.forms:
            if form_id not in forms:
                raise loaded.error("forms", f"表单 “{form_id}” 不存在",
                                   f"已有表单：{'、'.join(sorted(forms))}")


@dataclass(frozen=True)
class CompiledCount:
    """One counting rule compiled against the form's row facts (see ReconcileCount)."""

    indicator: str
    label: str
    condition: Expr  # the rows that count
    forms: tuple[str, ...]  # the return forms that have the indicator
    sum: str | None = None  # row-fact key whose values are added instead of counting rows
    distinct: tuple[str, ...] = ()  # row-fact keys whose different values are counted
    among: Expr | None = None  # the rows the figure is about: those not counted are named
    basis: str | None = None


def compile_counts(form: LedgerForm, forms: dict[str, Form]) -> tuple[CompiledCount, ...]:
    """The ledger form's counting rules, compiled against its row facts.

    ``reconcile.form`` may name several return forms (the district table, the sections
    return); each count's indicator must be in at least one of them, and is reconciled with
    the return forms that have it.
    """
    if form.reconcile is None:
        return ()
    where = f"rules/forms/{form.id}.yaml"
    targets = []
    for form_id in form.reconcile.form:
        if form_id not in forms:
            raise RuleFileError(f"reconcile.form “{form_id}” 不存在", file=where, field="reconcile.form",
                                hint=f"已有报表表单：{'、'.join(sorted(forms))}")
        targets.append(forms[form_id])
    vocab = Vocabulary("ledger_row", form)

    def condition(text: str, field: str) -> Expr:
        try:
            return normalize(parse(text), vocab.resolve)
        except (ExprSyntaxError, UnknownName, ExprTypeError) as exc:
            raise RuleFileError(f"核对条件 “{text}” 有误：{exc}", file=where, field=field) from exc

    def key(name: str, field: str, number: bool = False) -> str:
        try:
            found = vocab.resolve(name)
        except UnknownName as exc:
            raise RuleFileError(str(exc), file=where, field=field, hint=exc.hint) from exc
        if number and found.type != "number":
            raise RuleFileError(f"“{name}” 不是数值项，不能求和", file=where, field=field)
        return found.key

    out = []
    for n, c in enumerate(form.reconcile.counts):
        at = f"reconcile.counts[{n}]"
        having = tuple(t.id for t in targets if any(i.key == c.indicator for i in t.indicators))
        if not having:
            raise RuleFileError(f"报表 {'、'.join(form.reconcile.form)} 没有指标 “{c.indicator}”", file=where,
                                field=f"{at}.indicator")
        out.append(CompiledCount(
            c.indicator, c.label, condition(c.count, f"{at}.count"), having,
            sum=key(c.sum, f"{at}.sum", number=True) if c.sum is not None else None,
            distinct=tuple(key(d, f"{at}.distinct") for d in c.distinct),
            among=condition(c.among, f"{at}.among") if c.among is not None else None,
            basis=c.basis.text() if c.basis is not None else None))
    return tuple(out)
