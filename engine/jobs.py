"""One engine call per job: audit a file (a return or a ledger), classify findings.

The command line, the case tests and the benchmarks all go through these functions, so the
order of the stages (files → validated models → compiled plans → facts → findings) is
written once. Each returns one result object; rendering it is the caller's business.
Everything here is imported lazily by ``cli.py``, so ``hazcheck --help`` loads none of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from engine.errors import HazcheckError, InputError

if TYPE_CHECKING:  # each job imports only the stages it runs: classify never loads openpyxl or the forms
    from engine.cases import Case
    from engine.catalog import Catalog
    from engine.compile.plan import Plan
    from engine.load.criteria import CriteriaSet
    from engine.model.classification import Classification
    from engine.model.findings import AuditResult
    from engine.model.forms import Form
    from engine.model.ledger import Ledger, LedgerForm
    from engine.model.records import Submission
    from engine.progress import Progress
    from engine.status.tracking import StatusResult

@dataclass(frozen=True)
class AuditJob:
    """An audit's findings, plus what was read (for an annotated copy of the input)."""

    result: AuditResult
    submission: Submission | None = None  # a return
    form: Form | LedgerForm | None = None
    ledger: Ledger | None = None  # a ledger

    @property
    def is_ledger(self) -> bool:
        return self.ledger is not None

    @property
    def exit_code(self) -> int:
        from engine.classify.verdict import audit_exit_code

        return audit_exit_code(self.result.has_errors)


@dataclass(frozen=True)
class ClassifyJob:
    results: list[Classification]
    labels: list[str]  # where each finding came from, for the report

    @property
    def exit_code(self) -> int:
        from engine.classify.verdict import classify_exit_code

        return classify_exit_code(r.verdict for r in self.results)


def _day(value: str | None, flag: str) -> date:
    from engine.classify.inputs import parse_day

    try:
        return parse_day(value) if value else date.today()
    except ValueError as exc:
        raise InputError(str(exc), field=flag) from exc


def audit_file(file: Path, *, form: str | None = None, previous: Path | None = None,
               return_file: Path | None = None, as_of: str | None = None,
               unit_kinds: Mapping[str, str] | None = None, unit: str | None = None,
               backend: str = "durable", catalog: Catalog | None = None,
               criteria: CriteriaSet | None = None, per_row: bool = False,
               progress: Progress | None = None, details: Path | None = None,
               together: Sequence[Path] = (), units: Path | None = None) -> AuditJob:
    """Audit ``file``: a hazard ledger if it has a ledger header (or ``form`` names one), else a return.

    ``per_row`` (ledgers): classify every row on its own, not once per distinct finding — the
    slow reference path that tests and the benchmark's baseline compare the joined path with.
    ``progress`` is called as a ledger's stages advance (engine/progress.py). ``details``
    (returns): a folder of detail records (penalties, transfers, trainings…) from which the
    return's figures are recounted under the counting rules of 填表说明.
    ``together`` (returns): the other tables of the same period (a zone's bulletin), each
    audited with its own form and checked with this one for units missing from some of them;
    ``units``: the roster of units that should appear (a unit in no table is a finding).
    """
    from engine.catalog import load_catalog
    from engine.evaluate.run import audit as audit_submission
    from engine.ledger.run import audit_ledger
    from engine.load.criteria import load_criteria
    from engine.progress import silent
    from engine.read import read_submission
    from engine.read.ledger import detect_ledger, read_ledger

    catalog = catalog or load_catalog()
    kinds = dict(unit_kinds or {})
    if form is not None and form not in catalog.ledgers:
        catalog.form(form)  # an unknown form id is an input error, before the file is read
    ledger = (read_ledger(file, catalog.ledgers[form]) if form in catalog.ledgers
              else detect_ledger(file, catalog.ledgers.values()) if form is None else None)
    if ledger is not None:
        if previous is not None or details is not None or together or units is not None:
            given = [name for name, v in (("--previous", previous), ("--details", details),
                                          ("--with", together or None), ("--units", units)) if v is not None]
            raise InputError(f"审核台账时不用 {'、'.join(given)}（与报表核对请用 --return）", field=given[0])
        ledger_form = catalog.ledger(ledger.form_id)
        ret = None
        if return_file is not None:
            if ledger_form.reconcile is None:
                raise InputError(f"台账表单 {ledger_form.id} 没有定义与报表的核对（reconcile）",
                                 field="--return")
            ret = _return_for(return_file, catalog, ledger_form.reconcile.form, kinds)
        result, _ = audit_ledger(ledger, catalog.plan(ledger_form.id), criteria or load_criteria(),
                                 as_of=_day(as_of, "--as-of"), counts=catalog.counts(ledger_form.id),
                                 ret=ret, backend=backend, per_row=per_row,
                                 progress=progress or silent)
        return AuditJob(result, form=ledger_form, ledger=ledger)
    if return_file is not None:
        raise InputError("--return 只用于审核台账（审核报表时用 --details 给出明细台账所在的文件夹）",
                         field="--return")
    if as_of is not None and details is None:
        raise InputError("--as-of 只用于审核台账（或与 --details 同用）", field="--as-of")
    sub = read_submission(file, catalog.forms, form_id=form, unit_kinds=kinds, unit=unit)
    prev = None
    if previous is not None:
        prev = read_submission(previous, catalog.forms, form_id=sub.form_id, unit_kinds=kinds, unit=unit)
    plan = catalog.plan(sub.form_id)
    others = [read_submission(path, catalog.forms, unit_kinds=kinds) for path in together]
    roster = None
    if units is not None:
        from engine.status.roster import read_units

        roster = [u.name for u in read_units(units)]
    result = audit_submission(sub, plan, previous=prev, backend=backend, together=others, roster=roster)
    if details is not None:
        from engine.ledger.run import recount_return

        ledgers = [_detail(path, catalog, sub.form_id) for path in _detail_files(details)]
        result = recount_return(result, sub, ledgers, catalog, criteria or load_criteria(),
                                as_of=_day(as_of, "--as-of"), backend=backend)
    if others:  # each other table's own findings, as its own audit
        own = [audit_submission(o, catalog.plan(o.form_id), backend=backend) for o in others]
        result = result.model_copy(update={"details": [*result.details, *own]})
    return AuditJob(result, submission=sub, form=plan.form)


def _return_for(path: Path, catalog: Catalog, form_ids: Sequence[str], kinds: dict[str, str]) -> Submission:
    """The return a ledger is reconciled with, read as one of the forms it counts into."""
    from engine.read import read_submission

    forms = {k: catalog.forms[k] for k in form_ids}
    return read_submission(path, forms, form_id=form_ids[0] if len(form_ids) == 1 else None, unit_kinds=kinds)


def _detail(path: Path, catalog: Catalog, form_id: str) -> Ledger:
    """One file of ``--details``, read as the detail (or ledger) form its header fits; a file
    no form fits is an input error naming it, never a table silently left out."""
    from engine.read.ledger import detect_ledger

    ledger = detect_ledger(path, catalog.ledgers.values())
    usable = sorted(f.id for f in catalog.ledgers.values() if f.reconcile and form_id in f.reconcile.form)
    if ledger is None:
        raise InputError("不是可识别的明细台账（表头与任何台账表单都不符）", file=str(path),
                         field="--details",
                         hint=f"可用于重新统计 {form_id} 的表单：{'、'.join(usable)}；"
                              "各表单的列见 hazcheck forms show <表单 id>")
    return ledger  # a form that counts into no figure of this return is still audited row by row


def _detail_files(folder: Path) -> list[Path]:
    """The detail files of ``--details``: every spreadsheet in the folder (not its sub-folders).

    Each must be a detail form the return is recounted from; a file that is not is an input
    error naming it, rather than a table silently left out of the recount.
    """
    if not folder.is_dir():
        raise InputError("--details 应为文件夹（其中每个文件是一份明细台账）", file=str(folder),
                         field="--details")
    files = sorted(p for p in folder.iterdir()
                   if p.is_file() and not p.name.startswith((".", "~$")))
    if not files:
        raise InputError("文件夹中没有明细台账", file=str(folder), field="--details")
    return files


def fact_pairs(items: Sequence[str]) -> dict[str, str]:
    """``--fact 名称=值`` options (each may hold several, 积水=是；场所=事故坑) as one mapping."""
    from engine.classify.facts import FactError, parse_pairs

    pairs: dict[str, str] = {}
    for item in items:
        try:
            for name, value in parse_pairs(item).items():
                if name in pairs:
                    raise FactError(name, f"“{name}” 写了两次")
                pairs[name] = value
        except FactError as exc:
            raise InputError(str(exc), field="--fact", hint=exc.hint) from exc
    return pairs


def classify_findings(file: Path | None = None, *, facts: Sequence[str] = (), text: str | None = None,
                      sector: str | None = None, day: str | None = None, backend: str = "durable",
                      criteria: CriteriaSet | None = None) -> ClassifyJob:
    """Classify the findings of ``file``, or one finding given as ``--fact`` pairs and/or ``--text``."""
    from engine.classify.inputs import finding_input
    from engine.classify.run import Classifier
    from engine.classify.sectors import UnknownSector
    from engine.evaluate.run import get_backend
    from engine.load.criteria import load_criteria
    from engine.read.finding import RawFinding, read_findings

    if file is None and not facts and not text:
        raise InputError("请给出隐患文件，或用 --fact 名称=值 / --text 描述 说明隐患", field="FILE")
    if file is not None and (facts or text):
        raise InputError("隐患文件与 --fact/--text 只能二选一", field="--fact")
    cs = criteria or load_criteria()
    default_day = _day(day, "--date")
    raws = ([RawFinding("--fact", facts=fact_pairs(facts), text=text)] if file is None
            else read_findings(file))
    where = str(file) if file is not None else None
    findings = [finding_input(cs, r, default_day=default_day, file=where, sector=sector) for r in raws]
    try:
        results = Classifier(cs, get_backend(backend)).classify_many(findings)
    except UnknownSector as exc:
        raise InputError(str(exc), file=where, field="--sector/行业", hint=exc.hint) from exc
    return ClassifyJob(results, [r.label for r in raws])


def track_submissions(log: Path, *, schedule: str | None = None, units: Path | None = None,
                      as_of: str | None = None, period: str | None = None, backend: str = "durable",
                      catalog: Catalog | None = None) -> StatusResult:
    """Submission tracking (``hazcheck status``): which unit sent which report for which period, when.

    ``schedule``: a schedule file or the id of a bundled one (default: the bundled schedule
    whose report names the log uses); ``units``: the roster file (default: the schedule's
    roster, else the units the log names); ``as_of``: the day the table describes (default
    today); ``period``: ``--period`` as written (default: the latest quarter in the log).
    The checks are the catalog's rules on the schedule's facts (rules/checks), evaluated by
    ``backend`` as an audit's are.
    """
    from engine.catalog import load_catalog
    from engine.status.periods import PeriodError
    from engine.status.roster import read_units
    from engine.status.schedule_load import Schedule, resolve_schedule
    from engine.status.submissions import Log, read_log
    from engine.status.tracking import track

    catalog = catalog or load_catalog()
    day = _day(as_of, "--as-of")
    read: dict[str, Log] = {}  # the log as read under each candidate schedule's column names

    def known_rows(candidate: Schedule) -> int:
        try:
            got = read.setdefault(candidate.source, read_log(log, candidate.columns))
        except InputError:
            return 0
        return sum(1 for r in got.rows if candidate.report_named(r.raw.get("form")) is not None)

    titles = {k: f.title for k, f in (*catalog.forms.items(), *catalog.ledgers.items())}
    chosen = resolve_schedule(schedule, known_rows, catalog.schedules, titles)
    plan = catalog.schedule_plan(chosen)
    entries = read.get(chosen.source) or read_log(log, chosen.columns)
    roster = read_units(units, chosen.columns) if units is not None else None
    try:
        return track(chosen, entries, plan, as_of=day, window=period, units=roster,
                     units_source=f"名单 {units}" if units is not None else None, backend=backend)
    except PeriodError as exc:
        raise InputError(str(exc), field="--period") from exc


@dataclass(frozen=True)
class CaseOutcome:
    """One case of ``hazcheck rules test``: what it expected and did not get, and the reverse."""

    name: str
    missing: list[tuple[str, str | None, tuple[str, ...]]]
    unexpected: list[tuple[str, str | None, tuple[str, ...]]]
    todos_done: list[tuple[str, str | None, tuple[str, ...]]]  # known gaps that are closed now
    error: str | None = None  # the case could not run (its one-line error)

    @property
    def passed(self) -> bool:
        return self.error is None and not self.missing and not self.unexpected


@dataclass(frozen=True)
class RuleTestJob:
    outcomes: list[CaseOutcome]
    fired: dict[str, int]  # rule id -> findings it produced over all cases
    unfired: list[str]  # checks no case fires: untested

    @property
    def exit_code(self) -> int:
        return 0 if all(o.passed for o in self.outcomes) and not self.unfired else 1


def audit_case(case: Case, *, catalog: Catalog, criteria: CriteriaSet, backend: str) -> AuditJob:
    """One case (cases/**/case.yaml) through ``audit_file``, its files relative to its folder."""
    def at(name: str | None) -> Path | None:
        return case.path(name) if name else None

    return audit_file(at(case.input), form=case.form, previous=at(case.previous),  # type: ignore[arg-type]
                      return_file=at(case.return_file), as_of=case.as_of, unit_kinds=case.unit_kinds,
                      unit=case.unit, backend=backend, catalog=catalog, criteria=criteria,
                      details=at(case.details), together=[case.path(n) for n in case.together],
                      units=at(case.units))


def run_rule_cases(packs: Sequence[Path] = (), *, backend: str = "auto", catalog: Catalog | None = None,
                   criteria: CriteriaSet | None = None) -> RuleTestJob:
    """Every case (``cases/**/case.yaml`` bundled, and each pack's ``cases/``) through the same
    entry point as ``hazcheck audit``; the gate: every check is fired by some case."""
    from engine.cases import compare, find_cases, load_case, todos_done
    from engine.catalog import load_catalog
    from engine.load.criteria import load_criteria
    from engine.paths import bundled

    catalog = catalog or load_catalog(packs=packs)
    cs = criteria or load_criteria()
    roots = [bundled("cases"), *(p / "cases" for p in packs if (p / "cases").is_dir())]
    fired: dict[str, int] = {r.rule.id: 0 for r in (*catalog.rules, *catalog.status_rules)}
    outcomes = []
    for root in roots:
        outcomes += _status_cases(root, catalog, fired, backend)
        for path in find_cases(root):
            name = str(path.parent.relative_to(root.parent))
            try:
                case = load_case(path)
                job = audit_case(case, catalog=catalog, criteria=cs, backend=backend)
            except HazcheckError as exc:
                outcomes.append(CaseOutcome(name, [], [], [], exc.one_line()))
                continue
            found = [*job.result.findings, *(f for d in job.result.details for f in d.findings)]
            for f in found:
                fired[f.rule] = fired.get(f.rule, 0) + 1
            missing, unexpected = compare(case.expect, found)
            outcomes.append(CaseOutcome(name, missing, unexpected, todos_done(case.expect, found)))
    return RuleTestJob(outcomes, fired, sorted(r for r, n in fired.items() if n == 0))


def _status_cases(root: Path, catalog: Catalog, fired: dict[str, int], backend: str) -> list[CaseOutcome]:
    """The submissions cases under ``root`` (``submissions/*/status-case.yaml``) through
    ``track_submissions``: their findings compared, their checks counted as fired."""
    from engine.cases import compare, todos_done
    from engine.status.status_cases import find_status_cases, load_status_case

    out = []
    for path in find_status_cases(root):
        name = str(path.parent.relative_to(root.parent))
        try:
            case = load_status_case(path)
            folder = path.parent
            schedule = (str(folder / case.schedule) if case.schedule and case.schedule.endswith(".yaml")
                        else case.schedule)
            result = track_submissions(folder / case.log, schedule=schedule,
                                       units=folder / case.units if case.units else None, as_of=case.as_of,
                                       period=case.period, backend=backend, catalog=catalog)
        except HazcheckError as exc:
            out.append(CaseOutcome(name, [], [], [], exc.one_line()))
            continue
        for f in result.findings:
            fired[f.rule] = fired.get(f.rule, 0) + 1
        missing, unexpected = compare(case.expect, result.findings)
        out.append(CaseOutcome(name, missing, unexpected, todos_done(case.expect, result.findings)))
    return out


@dataclass(frozen=True)
class ExplainedFact:
    where: str  # 单位, 指标 or 第N行, as a finding would name it
    held: bool
    steps: list  # engine.expr.trace.Step, in reading order


@dataclass(frozen=True)
class ExplainJob:
    rule_id: str
    title: str
    when: str  # the condition as the author wrote it
    form_id: str
    explained: list[ExplainedFact]

    @property
    def exit_code(self) -> int:
        return 0


def explain_rule(file: Path, rule_id: str, *, unit: str | None = None, row: int | None = None,
                 form: str | None = None, as_of: str | None = None, catalog: Catalog | None = None,
                 criteria: CriteriaSet | None = None) -> ExplainJob:
    """``hazcheck rules explain``: one rule on the facts of one input (one unit's, one row's),
    each comparison of its condition with the values seen, from the same facts an audit asserts."""
    from engine.catalog import load_catalog
    from engine.expr.trace import trace
    from engine.read.text import clean_unit_name

    catalog = catalog or load_catalog()
    plan, facts = _plan_and_facts(file, catalog, criteria, form=form, as_of=as_of)
    compiled = next((r for r in plan.rules if r.rule.id == rule_id), None)
    if compiled is None:
        raise InputError(f"规则 “{rule_id}” 不适用于表单 {plan.form.id}（或不存在）", field="--rule",
                         hint=f"适用的规则：{'、'.join(r.rule.id for r in plan.rules)}")
    wanted = clean_unit_name(unit) if unit else None
    out = []
    for fact in facts:
        if fact.kind != compiled.rule.on or (wanted and clean_unit_name(fact.unit or "") != wanted):
            continue
        line = fact.cells[0].row if fact.cells else None
        if row is not None and line != row:
            continue
        held, steps = trace(compiled.condition, fact.data, compiled.labels_map)
        subject = fact.subject or tuple(str(fact.data[k]) for k in ("field", "finding_id") if k in fact.data)
        where = "，".join(p for p in (fact.unit, "、".join(subject), f"第{line}行" if line else None) if p)
        out.append(ExplainedFact(where or "（全表）", held, steps))
    return ExplainJob(rule_id, compiled.rule.title, compiled.rule.when, plan.form.id, out)


def _plan_and_facts(file: Path, catalog: Catalog, criteria: CriteriaSet | None, *, form: str | None = None,
                    as_of: str | None = None) -> tuple[Plan, Sequence]:
    """The plan of ``file``'s form and the facts its audit asserts (explain and coverage trace them)."""
    from engine.facts import derive_facts
    from engine.read import read_submission
    from engine.read.ledger import detect_ledger, read_ledger

    ledger = (read_ledger(file, catalog.ledgers[form]) if form in catalog.ledgers
              else detect_ledger(file, catalog.ledgers.values()) if form is None else None)
    if ledger is not None:
        plan = catalog.plan(ledger.form_id)
        return plan, _ledger_facts(ledger, catalog.ledger(ledger.form_id), criteria, _day(as_of, "--as-of"))
    sub = read_submission(file, catalog.forms, form_id=form)
    plan = catalog.plan(sub.form_id)
    return plan, derive_facts(sub, plan.form)


def _ledger_facts(ledger: Ledger, form: LedgerForm, criteria: CriteriaSet | None, as_of: date) -> Sequence:
    """A ledger's row facts, as its audit builds them (classified rows for a hazard ledger)."""
    if not form.classifies:
        from engine.ledger.records import record_row_facts

        return record_row_facts(ledger, form, as_of, per_row=True)
    from engine.classify.run import Classifier
    from engine.evaluate.run import get_backend
    from engine.ledger.facts import ledger_row_facts
    from engine.load.criteria import load_criteria

    facts, _ = ledger_row_facts(ledger, form, Classifier(criteria or load_criteria(), get_backend("python")),
                                as_of, per_row=True)
    return facts


@dataclass
class ConditionCount:
    """One step of a rule's condition over a corpus: how often it held, failed, or lacked a value."""

    text: str
    depth: int
    comparison: bool  # a comparison (not an and/or over the steps below it)
    held: int = 0
    failed: int = 0
    unknown: int = 0


@dataclass(frozen=True)
class CoverageJob:
    fired: dict[str, int]  # rule id -> findings over the inputs (0: never fired)
    files: list[str]
    unreadable: list[str]  # one-line errors of the inputs that could not be audited
    # rule id -> facts its condition was traced on, and each step's counts (the explain trace)
    traced: dict[str, int] = field(default_factory=dict)
    conditions: dict[str, list[ConditionCount]] = field(default_factory=dict)

    def never_held(self) -> dict[str, list[ConditionCount]]:
        """Per rule traced on some fact, the comparisons that never held on any: the parts of
        the condition the corpus never exercised (a typo'd value, a threshold no one reaches)."""
        return {rule: never for rule, steps in self.conditions.items()
                if self.traced.get(rule) and (never := [c for c in steps if c.comparison and c.held == 0])}

    @property
    def exit_code(self) -> int:
        return 2 if self.unreadable and not self.files else 0


def rule_coverage(files: Sequence[Path], *, catalog: Catalog | None = None,
                  criteria: CriteriaSet | None = None, backend: str = "auto") -> CoverageJob:
    """``hazcheck rules coverage``: which checks fired on a corpus of inputs, which never did."""
    from engine.catalog import load_catalog
    from engine.expr.trace import trace

    catalog = catalog or load_catalog()
    fired: dict[str, int] = {r.rule.id: 0 for r in catalog.rules}
    traced: dict[str, int] = {}
    conditions: dict[str, list[ConditionCount]] = {}
    done, failed = [], []
    for file in files:
        try:
            job = audit_file(file, catalog=catalog, criteria=criteria, backend=backend)
            plan, facts = _plan_and_facts(file, catalog, criteria)
        except HazcheckError as exc:
            failed.append(exc.one_line())
            continue
        done.append(str(file))
        for f in [*job.result.findings, *(f for d in job.result.details for f in d.findings)]:
            fired[f.rule] = fired.get(f.rule, 0) + 1
        for compiled in plan.rules:  # the same trace ``rules explain`` shows, counted over the corpus
            rid = compiled.rule.id
            for fact in facts:
                if fact.kind != compiled.rule.on:
                    continue
                _, steps = trace(compiled.condition, fact.data, compiled.labels_map)
                counts = conditions.setdefault(
                    rid, [ConditionCount(s.text, s.depth, bool(s.seen)) for s in steps])
                for c, step in zip(counts, steps, strict=True):
                    if step.result is None:
                        c.unknown += 1
                    elif step.result:
                        c.held += 1
                    else:
                        c.failed += 1
                traced[rid] = traced.get(rid, 0) + 1
    return CoverageJob(fired, done, failed, traced, conditions)


def export_criteria(standard_id: str, out: Path, *, criteria: CriteriaSet | None = None) -> int:
    """``hazcheck criteria export``: the edition's items as a workbook to review; the item count."""
    from engine.criteria_sheet import export_items
    from engine.load.criteria import load_criteria

    cs = criteria or load_criteria()
    _known_standard(cs, standard_id)
    return export_items(cs, standard_id, out)


def import_criteria(standard_id: str, book: Path, *, write: bool = True, target: Path | None = None,
                    criteria: CriteriaSet | None = None) -> tuple[list, Path | None]:
    """``hazcheck criteria import``: the reviewed workbook's changes, validated, written into
    the edition's YAML (or ``target``) unless ``write`` is false; (changes, file written)."""
    from engine.criteria_sheet import read_changes, write_changes
    from engine.load.criteria import load_criteria

    cs = criteria or load_criteria()
    _known_standard(cs, standard_id)
    changes = read_changes(cs, standard_id, book)
    written = write_changes(cs, standard_id, changes, target) if write and changes else None
    return changes, written


def _known_standard(cs: CriteriaSet, standard_id: str) -> None:
    if standard_id not in cs.standards:
        raise InputError(f"没有标准 “{standard_id}”", field="STANDARD_ID",
                         hint=f"已录入：{'、'.join(sorted(cs.standards))}")


def write_docs(out: Path, *, catalog: Catalog | None = None, criteria: CriteriaSet | None = None) -> Path:
    """``hazcheck rules docs``: the HTML handbook of the forms, checks, criteria, facts and sector words."""
    from engine.catalog import load_catalog
    from engine.classify.sectors import words_for
    from engine.load.criteria import load_criteria
    from engine.report.handbook import write_handbook

    cs = criteria or load_criteria()
    return write_handbook(catalog or load_catalog(), cs, words_for(cs), out)
