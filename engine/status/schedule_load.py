"""Load a schedule file (``rules/schedules/*.yaml``): validated and cross-checked.

Every mistake a rule author can make is reported at its file, line and key: a form id that is
neither in ``rules/forms`` nor given a title, a report name two reports share, a first period
that cannot be read. Which bundled schedule a log uses is chosen like a return's form: by
what the log writes (its 报表 names), ties an error. A schedule is compiled like a form
(engine/compile/plan.py ``compile_plan``): the rules of ``rules/checks`` on its fact kinds
(报送, 单位, 登记行) are its plan, and the catalog (engine/catalog.py) compiles it up front.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from engine.errors import InputError, RuleFileError
from engine.load.positioned import Located, load_yaml, validation_error
from engine.paths import bundled
from engine.status.periods import PeriodError, complete, normal, read_written
from engine.status.schedule import Columns, Head, Phase, Report, RosterUnit, ScheduleFile

if TYPE_CHECKING:
    from engine.model.forms import Form
    from engine.model.ledger import LedgerForm


@dataclass(frozen=True)
class Tracked:
    """A report of the schedule with the names it goes by, resolved against the forms."""

    index: int  # position in ``reports``: the order of columns with the same deadline
    report: Report
    title: str
    label: str
    names: frozenset[str]  # normalised spellings a log may use

    @property
    def form(self) -> str:
        return self.report.form


@dataclass(frozen=True)
class Schedule:
    source: str
    head: Head
    phases: tuple[Phase, ...]
    reports: tuple[Tracked, ...]
    columns: Columns
    roster: tuple[RosterUnit, ...]

    @property
    def id(self) -> str:
        """What a rule's ``forms`` names, as it names a form: the schedule's id."""
        return self.head.id

    @property
    def indicators(self) -> tuple[()]:
        """A schedule's facts carry no form indicators (what a plan asks of its form)."""
        return ()

    def report_named(self, written: object) -> Tracked | None:
        text = normal(written)
        return next((t for t in self.reports if text in t.names), None)

    def report_names(self) -> str:
        return "、".join(t.label for t in self.reports)


@cache
def bundled_forms() -> dict[str, Form | LedgerForm]:
    """The forms of ``rules/forms``, loaded once per process (titles, and returns given as --units)."""
    from engine.load.forms import load_forms

    return load_forms(bundled("rules") / "forms")


def _form_titles() -> dict[str, str]:
    return {fid: f.title for fid, f in bundled_forms().items()}


def schedule_from_document(data: ScheduleFile, doc: Located, forms: dict[str, str]) -> Schedule:
    phase_names: dict[str, int] = {}
    for i, p in enumerate(data.phases):
        for j, n in enumerate((p.name, *p.names)):
            if normal(n) in phase_names:
                raise doc.error(("phases", i, "names", j - 1) if j else ("phases", i, "name"),
                                f"阶段名称 “{n}” 重复")
            phase_names[normal(n)] = i
    tracked: list[Tracked] = []
    owner: dict[str, str] = {}
    for i, r in enumerate(data.reports):
        if r.form in (t.form for t in tracked):
            raise doc.error(("reports", i, "form"), f"报表 “{r.form}” 已在前面列出")
        title = r.title or forms.get(r.form)
        if title is None:
            raise doc.error(("reports", i, "form"),
                            f"“{r.form}” 不是 rules/forms 中的表单，请写 title 说明是什么报表",
                            hint=f"rules/forms 中的表单：{'、'.join(sorted(forms))}")
        if r.period == "phase" and not data.phases:
            raise doc.error(("reports", i, "period"), "按阶段报送的报表需要 phases（专项行动的各阶段）")
        label = r.label or title
        names: set[str] = set()
        for j, n in [(-1, r.form), (-1, title), (-1, label), *enumerate(r.names)]:
            key = normal(n)
            if key in owner and owner[key] != r.form:
                where = ("reports", i, "names", j) if j >= 0 else ("reports", i, "form")
                raise doc.error(where, f"报表名称 “{n}” 也是 {owner[key]} 的名称，登记表中无法区分")
            owner[key] = r.form
            names.add(key)
        for key in ("first", "last"):
            text = getattr(r, key)
            if text is not None:
                try:
                    complete(read_written(text, r, data.phases), r, data.phases, None)
                except PeriodError as exc:
                    raise doc.error(("reports", i, key), str(exc)) from exc
        for written in r.exceptions:
            try:
                complete(read_written(written, r, data.phases), r, data.phases, None)
            except PeriodError as exc:
                raise doc.error(("reports", i, "exceptions", written), str(exc)) from exc
        tracked.append(Tracked(i, r, title, label, frozenset(names)))
    roster = data.roster()
    seen: set[str] = set()
    for i, u in enumerate(roster):
        for n in (u.name, *u.aliases):
            if normal(n) in seen:
                raise doc.error(("units", i), f"单位 “{n}” 在名单中重复")
            seen.add(normal(n))
    return Schedule(doc.file, data.schedule, data.phases, tuple(tracked), data.columns, roster)


def load_schedule(path: Path, forms: dict[str, str] | None = None) -> Schedule:
    """One schedule file; RuleFileError (file:line, key) for anything wrong in it."""
    if not path.is_file():
        raise InputError("报送时限表不存在", file=str(path), field="--schedule")
    doc = load_yaml(path)
    if isinstance(doc.data, dict) and "checks" in doc.data:  # where checks were written before
        raise doc.error(("checks",), "时限表中不写检查：报送情况的检查是审核规则，写在 rules/checks 中",
                        hint="见 rules/checks/submissions.yaml（on: 报送、单位 或 登记行）；"
                             "自己的检查写在规则包的 checks/ 中（--rules）")
    try:
        data = ScheduleFile.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error(doc, exc) from exc
    return schedule_from_document(data, doc, _form_titles() if forms is None else forms)


def load_schedules(folder: Path, forms: dict[str, str] | None = None) -> dict[str, Schedule]:
    """Every schedule file of ``folder`` by id (sorted by file name); an id used twice is an error."""
    out: dict[str, Schedule] = {}
    for path in sorted(folder.glob("*.yaml")):
        s = load_schedule(path, forms)
        if s.id in out:
            raise RuleFileError(f"时限表 id “{s.id}” 与 {out[s.id].source} 重复", file=s.source,
                                field="schedule.id")
        out[s.id] = s
    return out


def resolve_schedule(given: str | None, score: Callable[[Schedule], int],
                     schedules: Mapping[str, Schedule] | None = None,
                     forms: dict[str, str] | None = None) -> Schedule:
    """``--schedule`` as a file or a bundled id; without it, the only bundled schedule, or the
    one under which ``score`` (the log's rows whose 报表 it knows) is highest, strictly ahead of
    the next — else an input error listing them. ``schedules``: the bundled ones, already loaded
    (the catalog's); ``forms``: form id -> title, for a schedule file given as ``--schedule``."""
    forms = _form_titles() if forms is None else forms
    if given is not None:
        path = Path(given)
        if path.suffix.lower() in (".yaml", ".yml") or path.exists():
            return load_schedule(path, forms)
    if schedules is None:
        schedules = load_schedules(bundled("rules") / "schedules", forms)
    loaded = list(schedules.values())
    if given is not None:
        for s in loaded:
            if s.head.id == given:
                return s
        raise InputError(f"没有报送时限表 “{given}”", field="--schedule",
                         hint=f"可用：{'、'.join(s.head.id for s in loaded) or '（无）'}，或给出 .yaml 文件")
    if not loaded:
        raise RuleFileError("没有报送时限表（rules/schedules/*.yaml）", field="--schedule")
    if len(loaded) == 1:
        return loaded[0]
    scores = sorted(((score(s), s) for s in loaded), key=lambda x: -x[0])
    listing = "、".join(f"{s.head.id}（认得 {n} 行）" for n, s in scores)
    if scores[0][0] == 0 or scores[0][0] == scores[1][0]:
        raise InputError("无法确定按哪份报送时限表统计", field="--schedule",
                         hint=f"请用 --schedule 指定：{listing}")
    return scores[0][1]
