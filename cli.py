"""hazcheck command line: audit returns and ledgers, classify findings, list forms and criteria.

Exit codes follow ruff: 0 no error-severity findings, 1 error findings, 2 the input, the
arguments or a rule file could not be used. Findings go to stdout; problems to stderr as one
line each, never a traceback.
"""

from __future__ import annotations

import errno
import inspect
import os
import re
import signal
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from engine import __version__
from engine.errors import HazcheckError, InputError

if TYPE_CHECKING:  # the engine is imported inside each command: `hazcheck --help` loads none of it
    from engine.catalog import Catalog
    from engine.load.criteria import CriteriaSet
    from engine.model.findings import AuditResult
    from engine.model.ledger import LedgerForm


# --- help in Chinese, never cut off, wrapped by display width (a Chinese character is two columns) ---

_TYPE_WORDS = {"str": "文字", "path": "路径", "Path": "路径", "int": "整数", "float": "数值", "bool": ""}


def _metavar(record: str) -> str:
    """``-f, --form <str>`` → ``-f, --form 文字``; ``<table|json|csv>`` → ``table|json|csv``."""
    def one(m: re.Match[str]) -> str:
        inner = re.sub(r"^list\[(.*)\]$", r"\1", m[1])
        return _TYPE_WORDS.get(inner, inner)

    return re.sub(r"\s*<([^<>]+)>", lambda m: (" " + one(m)) if one(m) else "", record)


def _extras(help_text: str) -> str:
    help_text = re.sub(r"\s*\[default: (.*?)\]", r"（默认 \1）", help_text)
    return re.sub(r"\s*\[required\]", "（必填）", help_text)


def _join_lines(text: str) -> str:
    """A paragraph's lines as one: joined with a space only between two Latin letters or digits."""
    parts = [line.strip() for line in text.splitlines() if line.strip()]
    joined = parts[0] if parts else ""
    for part in parts[1:]:
        joined += (" " if joined[-1:].isascii() and part[:1].isascii() else "") + part
    return joined


_CLOSING = set("，。、；：！？）」』》”’")


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` display columns; Latin words are not split, Chinese breaks anywhere."""
    lines: list[str] = []
    line, used = "", 0
    for token in re.findall(r"[!-~]+|\s+|.", text):
        size = cell_len(token)
        if token.isspace():
            if used + size > width - 2:
                lines.append(line.rstrip())
                line, used = "", 0
            elif line:
                line, used = line + " ", used + 1
            continue
        if used + size > width - 2 and line and not (token in _CLOSING and used + size <= width):
            lines.append(line.rstrip())  # closing punctuation hangs in the last two columns
            line, used = "", 0
        line, used = line + token, used + size
    if line or not lines:
        lines.append(line.rstrip())
    return lines


def _write_rows(formatter: typer._click.HelpFormatter, title: str, rows: list[tuple[str, str]]) -> None:
    if not rows:
        return
    formatter.write_paragraph()
    formatter.write(f"{'':>{formatter.current_indent}}{title}：\n")
    indent = formatter.current_indent + 2
    first = min(max(cell_len(a) for a, _ in rows), 28)
    width = max(formatter.width - indent - first - 2, 24)
    for a, b in rows:
        lines = _wrap(b, width) if b else [""]
        pad = " " * (indent + first + 2)
        if cell_len(a) > first:
            formatter.write(" " * indent + a + "\n")
            head = pad
        else:
            head = " " * indent + a + " " * (first - cell_len(a) + 2)
        formatter.write((head + lines[0]).rstrip() + "\n")
        for more in lines[1:]:
            formatter.write(pad + more + "\n")


class _ChineseHelp:
    """Help as a Chinese reader expects it: 用法、参数、选项、命令; nothing cut off with “…”."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.options_metavar = "[选项]"
        if hasattr(self, "subcommand_metavar"):
            self.subcommand_metavar = "命令 [参数]..."

    def get_help_option(self, ctx: typer.Context):  # type: ignore[no-untyped-def]
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "显示本帮助并退出"
        return option

    def format_usage(self, ctx: typer.Context, formatter: typer._click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="用法：")

    def format_help_text(self, ctx: typer.Context, formatter: typer._click.HelpFormatter) -> None:
        text = inspect.cleandoc(self.help or "").partition("\f")[0]  # type: ignore[attr-defined]
        if not text:
            return
        formatter.write_paragraph()
        width = max(formatter.width - formatter.current_indent - 2, 24)
        for n, para in enumerate(text.split("\n\n")):
            if n:
                formatter.write("\n")
            for line in _wrap(_join_lines(para), width):
                formatter.write(" " * (formatter.current_indent + 2) + line + "\n")

    def format_options(self, ctx: typer.Context, formatter: typer._click.HelpFormatter) -> None:
        args, opts = [], []
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            record = param.get_help_record(ctx)
            if record is not None:
                row = (_metavar(record[0]), _extras(_join_lines(record[1])))
                (args if param.param_type_name == "argument" else opts).append(row)
        _write_rows(formatter, "参数", args)
        _write_rows(formatter, "选项", opts)
        if hasattr(self, "list_commands"):
            rows = []
            for name in self.list_commands(ctx):
                cmd = self.get_command(ctx, name)  # type: ignore[attr-defined]
                if cmd is not None and not cmd.hidden:
                    text = inspect.cleandoc(cmd.help or cmd.short_help or "").partition("\f")[0]
                    rows.append((name, _join_lines(text.split("\n\n")[0])))
            _write_rows(formatter, "命令", rows)


class _Command(_ChineseHelp, TyperCommand):
    pass


class _Group(_ChineseHelp, TyperGroup):
    pass


class _App(typer.Typer):
    """A Typer whose commands and groups take ``-h`` and print the help above."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("cls", _Group)
        kwargs.setdefault("rich_markup_mode", None)  # plain help: rich's columns cut Chinese text with “…”
        kwargs.setdefault("context_settings", {"help_option_names": ["-h", "--help"]})
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def command(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def,override]
        kwargs.setdefault("cls", _Command)
        return super().command(*args, **kwargs)  # type: ignore[arg-type]


app = _App(help="重大事故隐患判定与报表审核工具 hazcheck", no_args_is_help=True,
           pretty_exceptions_enable=False, add_completion=False)
forms_app = _App(help="查看表单定义", no_args_is_help=True)
app.add_typer(forms_app, name="forms")
criteria_app = _App(help="查看已录入的判定标准和事实词表", no_args_is_help=True)
app.add_typer(criteria_app, name="criteria")
rules_app = _App(help="规则作者用：检查规则文件、运行示例案例", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


# Piped output (a file, another program) gets a wide console so messages are not folded.
out = Console(soft_wrap=False, width=None if _isatty(sys.stdout) else 160)
err = Console(stderr=True)


def _t(value: object, style: str = "") -> Text:
    """Text that came from a file, for the console: literal (no markup), control characters escaped."""
    return Text(visible(value), style=style)


def _row(table: object, *cells: object) -> None:
    """A table row of text from files: every cell literal, control characters escaped."""
    table.add_row(*(_t(c) for c in cells))  # type: ignore[attr-defined]


def visible(value: object) -> str:
    from engine.report.safe_text import visible as escaped

    return escaped(value)


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class ClassifyFormat(str, Enum):
    table = "table"
    json = "json"


class BackendName(str, Enum):
    auto = "auto"
    durable = "durable"
    polars = "polars"
    python = "python"


BackendOption = Annotated[BackendName, typer.Option(
    "--backend", help="规则求值方式：auto 小输入全部用规则引擎 durable，大输入用列式求值 polars "
                      "并由 durable 随机抽查；python 为对照实现")]
RulesOption = Annotated[list[Path], typer.Option(
    "--rules", help="规则包文件夹（其中有 forms/、checks/），可重复；也可用环境变量 HAZCHECK_RULES")]


def _catalog(rules: list[Path]) -> Catalog:
    """The bundled forms and checks plus the rule packs of ``--rules`` and HAZCHECK_RULES."""
    from engine.catalog import load_catalog, packs_from

    return load_catalog(packs=packs_from(rules))


class _Bar:
    """A progress bar on stderr for long ledgers: only on a terminal and not for JSON output.

    Created on the first report of a job with more than ``_BAR_FROM`` rows, removed when done
    (transient), so short runs and pipes see nothing.
    """

    def __init__(self, enabled: bool) -> None:
        self.enabled, self._bar, self._task = enabled, None, None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total < _BAR_FROM:
            return
        if self._bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=err, transient=True)
            self._bar.start()
            self._task = self._bar.add_task(stage, total=total)
        self._bar.update(self._task, description=stage, completed=done, total=total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


_BAR_FROM = 5_000


def _fail(exc: HazcheckError) -> typer.Exit:
    err.print(_t(f"hazcheck: {exc.one_line()}"), highlight=False, soft_wrap=True)  # names and cells are data
    return typer.Exit(2)


_ERRNO_WORDS = {errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.ENOENT: "文件或文件夹不存在",
                errno.ENOSPC: "磁盘空间不足", errno.EROFS: "只读文件系统", errno.EISDIR: "是一个文件夹",
                errno.ENOTDIR: "路径中有一段不是文件夹", errno.EEXIST: "已存在同名文件",
                errno.ENAMETOOLONG: "文件名太长", errno.EDQUOT: "超出磁盘配额", errno.EXDEV: "跨文件系统",
                errno.EIO: "读写错误"}


def _os_fail(exc: OSError) -> typer.Exit:
    """An OSError as one line naming the file; a closed or broken standard output is left to main()."""
    if exc.errno == errno.EPIPE or getattr(exc, "hazcheck_stdout", False):
        raise exc
    reason = _ERRNO_WORDS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    name = None if exc.filename is None else str(exc.filename)
    return _fail(InputError(f"无法写入：{reason}", file=name))


def _check_outputs(outputs: list[tuple[Path | None, str]], inputs: list[Path | None],
                   rules: list[Path] | None = None, folder: Path | None = None) -> None:
    """Before any work: outputs only to regular files, never onto an input or onto each other.

    The inputs are the files named, every file of a ``--details`` folder, and the rule packs' files.
    """
    from engine.report.atomic import check_outputs

    if all(p is None for p, _ in outputs):
        return
    files = list(inputs)
    if folder is not None and folder.is_dir():
        files += [p for p in folder.iterdir() if p.is_file()]
    if rules is not None:
        from engine.catalog import packs_from

        for pack in packs_from(rules):
            if pack.is_dir():
                files += [p for p in pack.rglob("*") if p.is_file()]
    check_outputs(outputs, files)


def _unit_kinds(pairs: list[str]) -> dict[str, str]:
    from engine.model.forms import UNIT_KINDS

    kinds = {}
    for pair in pairs:
        name, sep, kind = pair.partition("=")
        if not sep or kind not in UNIT_KINDS or not name.strip():
            raise InputError(f"“{pair}” 应写成 单位名称=镇街 或 单位名称=区直部门", field="--unit-kind")
        kinds[name.strip()] = kind
    return kinds


def _emit(result: AuditResult, fmt: OutputFormat, output: Path | None) -> None:
    from engine.report import csv_report, json_report, table
    from engine.report.atomic import write_atomic, write_text_atomic

    if fmt is OutputFormat.table:
        if output is not None:
            rec = Console(record=True, width=200, file=open(os.devnull, "w"))  # noqa: SIM115
            table.render(result, rec)
            write_text_atomic(output, rec.export_text())
        else:
            table.render(result, out)
        return
    report = json_report if fmt is OutputFormat.json else csv_report
    if output is not None:  # streamed into the temporary file, renamed into place when complete
        def streamed(tmp: Path) -> None:
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                report.write(result, fh)

        write_atomic(output, streamed)
    else:
        report.write(result, sys.stdout)


@app.command()
def audit(
    file: Annotated[Path, typer.Argument(help="要审核的报表：.xlsx、.csv、.json 或 .yaml")],
    form: Annotated[Optional[str], typer.Option(
        "--form", "-f", help="表单 id；不给则按表头识别")] = None,
    previous: Annotated[Optional[Path], typer.Option(
        "--previous", "-p", help="上期报表，用于比较累计数")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="输出格式")] = OutputFormat.table,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="把结果写入文件（原子写入）")] = None,
    annotate: Annotated[Optional[Path], typer.Option(
        "--annotate", help="另存一份标注了问题单元格的 .xlsx")] = None,
    unit_kind: Annotated[list[str], typer.Option(
        "--unit-kind", help="指定单位类型：名称=镇街|区直部门，可重复")] = [],  # noqa: B006
    unit: Annotated[Optional[str], typer.Option(
        "--unit", help="单张报表（样式B）的填报单位名称")] = None,
    backend: BackendOption = BackendName.auto,
    return_file: Annotated[Optional[Path], typer.Option(
        "--return", "-r", help="审核台账时：与之核对的调度表（各单位重大隐患数）")] = None,
    as_of: Annotated[Optional[str], typer.Option(
        "--as-of", help="审核台账（或用 --details 时）：判断超期未整改的日期，默认今天")] = None,
    details: Annotated[Optional[Path], typer.Option(
        "--details", "-d", help="审核报表时：明细台账所在的文件夹（行政处罚、移送司法、培训……），"
                                "按填表说明的计数规则重新统计报表各数并逐一核对")] = None,
    together: Annotated[list[Path], typer.Option(
        "--with", "-w", help="审核报表时：同一期的其他表（可重复），各按其表单审核，"
                             "并核对各表的单位是否一致")] = [],  # noqa: B006
    units: Annotated[Optional[Path], typer.Option(
        "--units", help="审核报表时：应填报的单位名单（.txt 每行一个，或 .csv/.xlsx），"
                        "不在任何表中的单位即为问题")] = None,
    rules: RulesOption = [],  # noqa: B006
) -> None:
    """审核一份调度表或隐患台账：列出每一处前后矛盾、认定错误及其依据。"""
    try:
        from engine.jobs import audit_file

        _check_outputs([(output, "--output"), (annotate, "--annotate")],
                       [file, previous, return_file, units, *together], rules=rules, folder=details)
        if annotate is not None and annotate.suffix.lower() != ".xlsx":
            raise InputError("标注文件应以 .xlsx 结尾", file=str(annotate), field="--annotate")
        bar = _Bar(err.is_terminal and fmt != OutputFormat.json)
        try:
            job = audit_file(file, form=form, previous=previous, return_file=return_file, as_of=as_of,
                             unit_kinds=_unit_kinds(unit_kind), unit=unit, backend=backend.value,
                             progress=bar, details=details, catalog=_catalog(rules),
                             criteria=_pack_criteria(rules), together=together, units=units)
        finally:
            bar.close()
        _emit(job.result, fmt, output)
        if annotate is not None:
            if job.ledger is not None:
                from engine.report.annotate_ledger import annotate_ledger

                annotate_ledger(job.result, job.ledger, job.form, annotate)
            else:
                from engine.report.annotate import annotate as write_annotated

                write_annotated(job.result, job.submission, job.form, annotate)
            err.print(_t(f"已写出标注文件：{annotate}"), highlight=False)
    except HazcheckError as exc:
        raise _fail(exc) from None
    except OSError as exc:
        raise _os_fail(exc) from None
    raise typer.Exit(job.exit_code)


@app.command()
def classify(
    file: Annotated[Optional[Path], typer.Argument(
        help="隐患文件（.yaml/.json，一条或多条）；也可只用 --fact/--text")] = None,
    sector: Annotated[Optional[str], typer.Option("--sector", "-s", help="行业，如 冶金、城镇燃气")] = None,
    fact: Annotated[list[str], typer.Option(
        "--fact", "-F", help="事实：名称=值，可重复，如 -F 积水=是 -F 场所=事故坑")] = [],  # noqa: B006
    text: Annotated[Optional[str], typer.Option(
        "--text", "-t",
        help="隐患的文字描述：从中读出事实再判定（据描述，需人工确认）；与 --fact 同用时以 --fact 为准",
    )] = None,
    day: Annotated[Optional[str], typer.Option(
        "--date", "-d", help="发现日期，决定适用哪一版标准；默认今天")] = None,
    fmt: Annotated[ClassifyFormat, typer.Option("--format", help="输出格式")] = ClassifyFormat.table,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="把结果写入文件（原子写入）")] = None,
    backend: BackendOption = BackendName.auto,
    rules: RulesOption = [],  # noqa: B006
) -> None:
    """判定一条隐患是否为重大事故隐患，列出依据条款；退出码 0 一般，1 重大或待确认，2 输入有误。"""
    try:
        from engine.jobs import classify_findings
        from engine.report.atomic import write_text_atomic
        from engine.report.classification import render_json, render_table

        _check_outputs([(output, "--output")], [file], rules=rules)
        job = classify_findings(file, facts=fact, text=text, sector=sector, day=day, backend=backend.value,
                                criteria=_pack_criteria(rules))
        if fmt is ClassifyFormat.json:
            doc = render_json(job.results, job.labels)
            if output is not None:
                write_text_atomic(output, doc)
            else:
                sys.stdout.write(doc)
        else:
            target = Console(record=True, width=200, file=open(os.devnull, "w")) if output else out  # noqa: SIM115
            for label, result in zip(job.labels, job.results, strict=True):
                render_table(result, target, label if len(job.results) > 1 else None)
            if output is not None:
                write_text_atomic(output, target.export_text())
    except HazcheckError as exc:
        raise _fail(exc) from None
    except OSError as exc:
        raise _os_fail(exc) from None
    raise typer.Exit(job.exit_code)


@app.command()
def status(
    log: Annotated[Path, typer.Argument(
        help="报送登记表（.xlsx 或 .csv）：每次报送一行，写明单位、报表、期别、报送日期，"
             "可有截止日期、催报、补报")],
    schedule: Annotated[Optional[str], typer.Option(
        "--schedule", "-s", help="报送时限表：rules/schedules 中的 id 或一个 .yaml 文件；"
                                 "不给则按登记表中的报表名称选用")] = None,
    units: Annotated[Optional[Path], typer.Option(
        "--units", "-u", help="应报送单位名单：每行一个单位的 .txt、含“单位”列的 .csv/.xlsx，或一份调度表；"
                              "不给则用时限表中的名单，再没有则用登记表中出现的单位")] = None,
    as_of: Annotated[Optional[str], typer.Option(
        "--as-of", help="统计日期：此日已过截止日期仍未报送的为漏报，此日以后的报送不计入；默认今天")] = None,
    period: Annotated[Optional[str], typer.Option(
        "--period", "-p", help="列出哪一期（按截止日期）：2023Q3、2023年第三季度、2023年7月、2023、"
                               "阶段名称、全程，或 2023-07-01~2023-09-30；"
                               "默认登记表中最近的一个季度")] = None,
    fmt: Annotated[OutputFormat, typer.Option(
        "--format", help="输出格式：table 报送情况表和问题，json，csv 只含报送情况表")] = OutputFormat.table,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="把结果写入文件（原子写入）")] = None,
    backend: BackendOption = BackendName.auto,
    rules: RulesOption = [],  # noqa: B006
) -> None:
    """报送情况：按截止日期列出各单位各期报表是否按时报送（√/× 表），
    指出迟报、漏报、催报、补报和整期未报送的单位。检查是 rules/checks/submissions.yaml 中的审核规则。"""
    try:
        from engine.jobs import track_submissions
        from engine.report.atomic import write_text_atomic
        from engine.status import status_render

        _check_outputs([(output, "--output")], [log, units, Path(schedule) if schedule else None],
                       rules=rules)
        result = track_submissions(log, schedule=schedule, units=units, as_of=as_of, period=period,
                                   backend=backend.value, catalog=_catalog(rules))
        if fmt is OutputFormat.table:
            target = Console(record=True, width=200, file=open(os.devnull, "w")) if output else out  # noqa: SIM115
            status_render.render_table(result, target)
            if output is not None:
                write_text_atomic(output, target.export_text())
        else:
            render = status_render.render_json if fmt is OutputFormat.json else status_render.render_csv
            doc = render(result)
            if output is not None:
                write_text_atomic(output, doc)
            else:
                sys.stdout.write(doc)
    except HazcheckError as exc:
        raise _fail(exc) from None
    except OSError as exc:
        raise _os_fail(exc) from None
    raise typer.Exit(result.exit_code)


def _criteria(rules: list[Path] | None = None) -> CriteriaSet:
    """The bundled criteria plus the ``criteria/`` of the rule packs (``--rules``, HAZCHECK_RULES)."""
    from engine.catalog import check_pack, packs_from
    from engine.load.criteria import load_criteria

    try:
        packs = packs_from(rules or [])
        for pack in packs:
            check_pack(pack)
        return load_criteria(packs=packs)
    except HazcheckError as exc:
        raise _fail(exc) from None


def _pack_criteria(rules: list[Path]) -> CriteriaSet | None:
    """The criteria with the packs' own, when there are packs; None: the job loads the bundled."""
    return _criteria(rules) if rules or os.environ.get("HAZCHECK_RULES") else None


@criteria_app.command("list")
def criteria_list(
    sector: Annotated[Optional[str], typer.Option("--sector", "-s", help="只列出该行业的标准")] = None,
) -> None:
    """列出已录入的判定标准：文号、有效期、适用行业、录入情况。"""
    from engine.classify.sectors import UnknownSector, words_for

    cs = _criteria()
    meaning = None
    if sector:
        try:
            meaning = words_for(cs).resolve(cs, sector)  # 建筑施工, 工贸（冶金）… as offices write them
        except UnknownSector as exc:
            raise _fail(InputError(str(exc), field="--sector", hint=exc.hint)) from None
    from rich.table import Table

    t = Table(title="判定标准")
    for col in ("id", "标准", "文号", "有效期", "行业", "条款", "录入"):
        t.add_column(col)
    for ls in sorted(cs.standards.values(), key=lambda x: (x.standard.family, x.standard.start)):
        s = ls.standard
        if meaning is not None and not (
                s.id == meaning.standard_id or (meaning.sector and meaning.sector in s.scope.sectors)
                or (meaning.sub_sector and meaning.sub_sector in s.scope.sub_sectors)
                or (meaning.family and not meaning.sector and s.family == meaning.family)):
            continue
        unverified = sum(1 for it in ls.items if not it.item.verified)
        cover = "全部" if s.coverage == "complete" else f"部分（缺 {len(s.missing_items)}）"
        _row(t, s.id, s.title, s.number, f"{s.effective_from} ~ {s.effective_to or '现行'}",
             "、".join(s.scope.sectors), f"{len(ls.items)}（未核实 {unverified}）", cover)
    out.print(t)


@criteria_app.command("facts")
def criteria_facts(
    search: Annotated[Optional[str], typer.Argument(help="只列出名称或说明中含此词的事实")] = None,
    sector: Annotated[Optional[str], typer.Option(
        "--sector", "-s", help="只列出该行业适用标准（含优先适用的标准）的条款用到的事实")] = None,
    day: Annotated[Optional[str], typer.Option(
        "--date", "-d", help="与 --sector 同用：按该日期有效的版本")] = None,
) -> None:
    """列出事实词表：--fact 和隐患文件中可用的事实名称、类型、取值。"""
    from datetime import date as _date

    from engine.classify.inputs import parse_day
    from engine.classify.select import UnknownSector, select_standards

    cs = _criteria()
    keys: set[str] | None = None
    if sector:
        try:
            on = parse_day(day) if day else _date.today()
            ids = select_standards(cs, sector, on).ids
        except ValueError as exc:
            raise _fail(InputError(str(exc), field="--date")) from None
        except UnknownSector as exc:
            raise _fail(InputError(str(exc), field="--sector", hint=exc.hint)) from None
        keys = {f.key for sid in ids for it in cs.items(sid) for f in it.fields}
    from rich.table import Table

    t = Table(title=_t("事实词表" + (f"（{sector}）" if sector else "")))
    for col in ("名称", "类型", "单位/取值", "说明", "描述中的说法"):
        t.add_column(col, overflow="fold")
    kinds = {"bool": "是/否", "number": "数值", "text": "文字"}
    for f in cs.vocabulary.facts:
        if keys is not None and f.key not in keys:
            continue
        if search and search not in f.name and search not in f.doc and search != f.key:
            continue
        says = "；".join(f"{k}：{'、'.join(v)}" for k, v in f.says.items())
        _row(t, f.name, kinds[f.type], f.unit or "、".join(f.values), f.doc, says)
    out.print(t)


@criteria_app.command("show")
def criteria_show(
    standard_id: Annotated[str, typer.Argument(help="标准 id，如 gongmao-2023（见 hazcheck criteria list）")],
    ref: Annotated[Optional[str], typer.Argument(help="只显示这一项，如 第四条第(二)项")] = None,
) -> None:
    """显示一个标准的条款：编号、概括、适用条件、判定条件、核实情况。"""
    cs = _criteria()
    if standard_id not in cs.standards:
        raise _fail(InputError(f"没有标准 “{standard_id}”", field="STANDARD_ID",
                               hint=f"已录入：{'、'.join(sorted(cs.standards))}"))
    std = cs.standard(standard_id)
    items = [it for it in cs.items(standard_id) if ref is None or it.ref == ref]
    if ref is not None and not items:
        raise _fail(InputError(f"{standard_id} 没有条款 “{ref}”", field="REF"))
    out.print(_t(std.title, style="bold").append(visible(f"（{std.number}，{std.effective_from} 起"
              + (f"至 {std.effective_to}" if std.effective_to else "") + "）")), highlight=False)
    for p in std.precedence:
        out.print(_t(f"  {p.topic}方面另按 {p.defer_to} 判定"), highlight=False)
    if std.coverage == "partial":
        out.print(_t(f"  仅部分录入，未录入：{'、'.join(std.missing_items)}", style="yellow"),
                  highlight=False)
    from rich.table import Table

    t = Table(show_lines=True)
    for col in ("编号", "概括", "适用于", "判定条件", "核实"):
        t.add_column(col, overflow="fold")
    for it in items:
        verified = "已核实" if it.item.verified else f"未核实：{it.item.note or ''}"
        _row(t, it.ref, it.item.summary, it.item.applies_when or "", it.item.holds_when.strip(),
             verified)
    out.print(t)


@criteria_app.command("diff")
def criteria_diff(
    old: Annotated[str, typer.Argument(help="旧版标准 id，如 meikuang-2020")],
    new: Annotated[str, typer.Argument(help="新版标准 id，如 meikuang-2026")],
) -> None:
    """逐项比较两版判定标准：新增、删除、条件改动、改号、仅概括改写。"""
    cs = _criteria()
    for sid, arg in ((old, "OLD"), (new, "NEW")):
        if sid not in cs.standards:
            known = "、".join(sorted(cs.standards))
            raise _fail(InputError(f"没有标准 “{sid}”", field=arg, hint=f"已录入：{known}"))
    from engine.criteria_diff import diff_editions

    d = diff_editions(cs, old, new)
    out.print(_t(f"{cs.standard(old).title}（{old}）→ {cs.standard(new).title}（{new}）", style="bold"))
    for what in ("新增", "删除", "条件改动", "改号", "仅概括改写"):
        items = d.of(what)
        if not items:
            continue
        out.print(_t(f"{what}（{len(items)} 项）", style="bold"))
        for c in items:
            refs = " → ".join(x.ref for x in (c.old, c.new) if x is not None) if what == "改号" else \
                (c.new or c.old).ref  # type: ignore[union-attr]
            out.print(_t(f"  {refs}：{(c.new or c.old).item.summary}"))  # type: ignore[union-attr]
            if what == "条件改动":
                out.print(_t(f"      旧：{c.old.item.holds_when.strip()}"))  # type: ignore[union-attr]
                out.print(_t(f"      新：{c.new.item.holds_when.strip()}"))  # type: ignore[union-attr]
    out.print(f"另有 {d.unchanged} 项未变。", highlight=False, markup=False)


@criteria_app.command("export")
def criteria_export(
    standard_id: Annotated[str, typer.Argument(help="标准 id，如 gongmao-2023")],
    out_file: Annotated[Path, typer.Argument(help="导出的 .xlsx 文件")],
) -> None:
    """把一个标准的条款导出为 Excel，供审阅修改（编号、概括、条件及其文字说明、描述用词、核实情况）。"""
    try:
        from engine.jobs import export_criteria

        if out_file.suffix.lower() != ".xlsx":
            raise InputError("导出文件应以 .xlsx 结尾", file=str(out_file), field="OUT_FILE")
        _check_outputs([(out_file, "OUT_FILE")], [])
        n = export_criteria(standard_id, out_file, criteria=_criteria())
    except HazcheckError as exc:
        raise _fail(exc) from None
    except OSError as exc:
        raise _os_fail(exc) from None
    out.print(_t(f"已导出 {n} 项：{out_file}"))


@criteria_app.command("import")
def criteria_import(
    standard_id: Annotated[str, typer.Argument(help="标准 id，如 gongmao-2023")],
    book: Annotated[Path, typer.Argument(help="审阅修改后的 .xlsx（hazcheck criteria export 导出的）")],
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="写入这个 YAML 文件（不给则改写该标准自己的文件）")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查、列出改动，不写文件")] = False,
) -> None:
    """把审阅后的 Excel 写回标准的 YAML 文件：逐格检查（条件按事实词表编译），有错误时一处不改；
    保留注释和顺序。"""
    try:
        from engine.jobs import import_criteria

        if not dry_run:
            _check_outputs([(output, "--output")], [book])
        changes, written = import_criteria(standard_id, book, write=not dry_run, target=output,
                                           criteria=_criteria())
    except HazcheckError as exc:
        raise _fail(exc) from None
    except OSError as exc:
        raise _os_fail(exc) from None
    for c in changes:
        out.print(_t(f"{c.ref} 的 {c.key}：{c.old} → {c.new}"))
    out.print(_t(f"共 {len(changes)} 处改动" + (f"，已写入 {written}" if written else "（未写入文件）"
                                                  if changes else "")))


@forms_app.command("list")
def forms_list(rules: RulesOption = []) -> None:  # noqa: B006
    """列出所有表单（含规则包中的）。"""
    from rich.table import Table

    try:
        catalog = _catalog(rules)
    except HazcheckError as exc:
        raise _fail(exc) from None
    t = Table(title="表单")
    t.add_column("id")
    t.add_column("名称")
    t.add_column("样式")
    t.add_column("指标数", justify="right")
    for f in catalog.forms.values():
        layout = "每单位一行" if f.layout == "table" else "分部分单值"
        _row(t, f.id, f.title, layout, str(len(f.indicators)))
    for ledger in catalog.ledgers.values():
        layout = "台账（每条隐患一行）" if ledger.classifies else "明细台账（每条记录一行）"
        _row(t, ledger.id, ledger.title, layout, str(len(ledger.fields)))
    out.print(t)


def _show_ledger(form: LedgerForm) -> None:
    out.print(_t(f"{form.title}（{form.id}）", style="bold"))
    from rich.table import Table

    if form.description:
        out.print(_t(form.description))
    t = Table()
    for col in ("key", "列名", "其他写法", "类型", "空白按", "说明"):
        t.add_column(col)
    kinds = {"text": "文字", "bool": "是/否", "number": "数值", "date": "日期", "facts": "事实"}
    for f in form.fields:
        kind = kinds[f.type] + (f"（{'/'.join(f.values)}）" if f.values else "")
        blank = "" if f.blank is None else ("是" if f.blank else "否")
        _row(t, f.key, f.label + (" *" if f.required else ""), "、".join(f.aliases), kind, blank,
             f.doc)
    out.print(t)
    from engine.model.ledger import COMPUTATIONS

    facts = Table(title="台账行事实（审核规则检查的各项，row_fact）")
    for col in ("名称", "key", "类型", "从哪里来", "说明"):
        facts.add_column(col)
    labels = {f.key: f.label for f in form.fields}
    for rf in form.row_fact:
        source = (f"列 {labels[rf.column]}" if rf.column else f"条件 {rf.when}" if rf.when
                  else f"计算 {rf.compute}：{COMPUTATIONS[rf.compute or '']}"
                  + (f"（{'、'.join(labels[c] for c in rf.of)}）" if rf.of else ""))
        _row(facts, rf.name, rf.key, kinds[rf.type], source, rf.doc)
    out.print(facts)
    if form.reconcile:
        targets = "、".join(form.reconcile.form)
        out.print(_t(f"计数规则：与报表 {targets} 核对（台账用 --return，报表用 --details）："),
                  highlight=False)
        for c in form.reconcile.counts:
            how = (f"之和（{c.sum}）" if c.sum else f"中不同的 {'、'.join(c.distinct)} 个数" if c.distinct
                   else "的条数")
            out.print(_t(f"  {c.label}（{c.indicator}）= 台账中 {c.count} {how}"
                         + (f"；依据 {c.basis.text()}" if c.basis else "")), highlight=False)


@forms_app.command("show")
def forms_show(form_id: Annotated[str, typer.Argument(help="表单 id")],
               rules: RulesOption = []) -> None:  # noqa: B006
    """显示一个表单的指标、计量单位、填报范围和指标关系。"""
    from rich.table import Table

    try:
        catalog = _catalog(rules)
        if form_id in catalog.ledgers:
            _show_ledger(catalog.ledgers[form_id])
            return
        form = catalog.form(form_id)
    except HazcheckError as exc:
        raise _fail(exc) from None
    out.print(_t(f"{form.title}（{form.id}）", style="bold"))
    if form.description:
        out.print(_t(form.description))
    t = Table()
    for col in ("key", "指标", "计量单位", "填报单位", "属于"):
        t.add_column(col)
    for ind in form.indicators:
        _row(t, ind.key, ind.label, ind.measure, "、".join(ind.filled_by), ind.part_of or "")
    out.print(t)
    for part, whole, note in form.part_whole_pairs():
        out.print(_t(f"  {form.indicator(part).label} ≤ {form.indicator(whole).label}"
                     + (f"（{note}）" if note else "")), highlight=False)
    for rate in form.rates:
        out.print(_t(f"  比率 {rate.label} = {' + '.join(rate.numerator)} / {' + '.join(rate.denominator)}"),
                  highlight=False)


@rules_app.command("lint")
def rules_lint(paths: Annotated[Optional[list[Path]], typer.Argument(
        help="规则包文件夹（其中有 forms/、checks/）或表单、规则文件；不给则检查内置规则")] = None,
) -> None:
    """检查规则文件：列出每个文件中的每一处错误（文件:行 [键]：说明），有错误时退出码 2。"""
    from engine.rule_lint import lint

    report = lint(paths or [])
    for e in report.errors:  # one line each, never wrapped: editors jump to file:line
        sys.stdout.write(visible(e.one_line()) + "\n")
    if report.errors:
        err.print(f"{len(report.files)} 个文件，{len(report.errors)} 处错误", highlight=False, markup=False)
        raise typer.Exit(2)
    out.print(f"{len(report.files)} 个文件，未发现错误", highlight=False, markup=False)


@rules_app.command("test")
def rules_test(
    packs: Annotated[Optional[list[Path]], typer.Argument(
        help="规则包文件夹；其中 cases/ 的案例与内置案例一起运行")] = None,
    backend: Annotated[BackendName, typer.Option("--backend", help="规则求值方式")] = BackendName.auto,
) -> None:
    """运行每个示例案例，列出每条规则漏报、多报的问题；每条规则须至少有一个案例触发它。"""
    try:
        from engine.catalog import packs_from
        from engine.jobs import run_rule_cases

        job = run_rule_cases(packs_from(packs or []), backend=backend.value)
    except HazcheckError as exc:
        raise _fail(exc) from None

    def key(k: tuple[str, str | None, tuple[str, ...]]) -> str:
        return f"{k[0]}（{k[1] or '全表'}：{'、'.join(k[2]) or '—'}）"

    for o in job.outcomes:
        if o.error:
            out.print(_t(f"✗ {o.name}：无法运行：{o.error}"))
            continue
        mark = "✓" if o.passed else "✗"
        out.print(_t(f"{mark} {o.name}"))
        for k in o.missing:
            out.print(_t(f"    漏报 {key(k)}"))
        for k in o.unexpected:
            out.print(_t(f"    多报 {key(k)}"))
        for k in o.todos_done:
            out.print(_t(f"    todo 已能发现，可去掉 todo：{key(k)}"))
    passed = sum(1 for o in job.outcomes if o.passed)
    out.print(f"{len(job.outcomes)} 个案例，{passed} 个通过；{len(job.fired)} 条规则，"
              f"{len(job.fired) - len(job.unfired)} 条有案例触发", highlight=False, markup=False)
    if job.unfired:
        out.print(_t(f"没有任何案例触发的规则（请为每条规则加一个案例）：{'、'.join(job.unfired)}"))
    raise typer.Exit(job.exit_code)


@rules_app.command("explain")
def rules_explain(
    file: Annotated[Path, typer.Argument(help="报表或台账文件")],
    rule: Annotated[str, typer.Option("--rule", help="规则 id")],
    unit: Annotated[Optional[str], typer.Option("--unit", help="只看这个单位")] = None,
    row: Annotated[Optional[int], typer.Option("--row", help="只看这一行（台账、明细）")] = None,
    form: Annotated[Optional[str], typer.Option("--form", "-f", help="表单 id；不给则按表头识别")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="台账：审核日期")] = None,
    rules: RulesOption = [],  # noqa: B006
) -> None:
    """说明一条规则为什么成立或不成立：条件中的每一项比较、看到的值、成立/不成立/缺值。"""
    try:
        from engine.jobs import explain_rule

        job = explain_rule(file, rule, unit=unit, row=row, form=form, as_of=as_of, catalog=_catalog(rules))
    except HazcheckError as exc:
        raise _fail(exc) from None
    out.print(_t(f"{job.rule_id}（{job.title}），表单 {job.form_id}；条件：{job.when}"))
    if not job.explained:
        out.print("没有这类事实（检查 --unit、--row 是否写对）", highlight=False)
    from engine.model.findings import shown_value as fmt  # values as a finding shows them: 是/否, 14, 0.5

    marks = {True: "✓", False: "✗", None: "？"}
    for item in job.explained:
        out.print(_t(f"{item.where}：{'成立，会报告' if item.held else '不成立'}",
                       style="bold red" if item.held else "bold"))
        for step in item.steps:
            seen = "，".join(f"{k} = {'缺值' if v is None else fmt(v)}" for k, v in step.seen)
            out.print(_t(f"{'  ' * (step.depth + 1)}{marks[step.result]} {step.text}"
                           + (f"    （{seen}）" if seen else "")))
    raise typer.Exit(job.exit_code)


@rules_app.command("coverage")
def rules_coverage(
    files: Annotated[list[Path], typer.Argument(help="一批报表、台账文件")],
    rules: RulesOption = [],  # noqa: B006
) -> None:
    """在一批输入上统计每条规则触发了多少次，列出从未触发的规则。"""
    try:
        from engine.jobs import rule_coverage

        job = rule_coverage(files, catalog=_catalog(rules))
    except HazcheckError as exc:
        raise _fail(exc) from None
    for line in job.unreadable:
        err.print(_t(line))
    from rich.table import Table

    t = Table(title=f"规则触发情况（{len(job.files)} 个文件）")
    t.add_column("规则")
    t.add_column("触发次数", justify="right")
    for rule_id, n in sorted(job.fired.items(), key=lambda kv: (-kv[1], kv[0])):
        t.add_row(_t(rule_id), str(n) if n else _t("从未触发", style="yellow"))
    out.print(t)
    never = [r for r, n in job.fired.items() if n == 0]
    out.print(f"{len(job.fired) - len(never)} 条规则触发过，{len(never)} 条从未触发", highlight=False,
              markup=False)
    untested = job.never_held()
    if untested:  # from the trace ``rules explain`` shows: which parts of a condition never held
        out.print(_t("这批输入中从未成立的条件（规则 → 条件：不成立次数/缺少数值次数）："), highlight=False)
        for rule_id, steps in sorted(untested.items()):
            parts = "；".join(f"{c.text}（{c.failed}/{c.unknown}）" for c in steps)
            out.print(_t(f"  {rule_id}（求值 {job.traced[rule_id]} 次）：{parts}"), highlight=False)
    raise typer.Exit(job.exit_code)


@rules_app.command("docs")
def rules_docs(
    out_dir: Annotated[Path, typer.Argument(help="写出手册的文件夹（其中 index.html）或 .html 文件")],
    rules: RulesOption = [],  # noqa: B006
) -> None:
    """生成可搜索的 HTML 手册：表单、审核规则（及其依据）、判定标准各版条款、事实词表、行业写法。"""
    try:
        from engine.jobs import write_docs

        page = out_dir if out_dir.suffix.lower() in (".html", ".htm") else out_dir / "index.html"
        _check_outputs([(page, "OUT_DIR")], [], rules=rules)
        written = write_docs(out_dir, catalog=_catalog(rules), criteria=_criteria(rules))
    except HazcheckError as exc:
        raise _fail(exc) from None
    except OSError as exc:
        raise _os_fail(exc) from None
    out.print(_t(f"已写出手册：{written}"))


@app.callback(invoke_without_command=True)
def main_callback(
    version: Annotated[bool, typer.Option("--version", help="显示版本")] = False,
) -> None:
    if version:
        out.print(f"hazcheck {__version__}", markup=False, highlight=False)
        raise typer.Exit(0)


class _Stdout:
    """Standard output as main() sees it: a write to a closed stdout or a broken pipe is marked,
    so that it ends the run quietly instead of as a traceback or a misleading “无法写入”."""

    def __init__(self, stream: object) -> None:
        self._stream = stream
        self.broken = False  # a reader went away (``| head -1``)
        self.closed_at_start = stream is None  # ``>&-``

    def _fail(self, exc: OSError) -> OSError:
        exc.hazcheck_stdout = True  # type: ignore[attr-defined]
        self.broken = self.broken or exc.errno == errno.EPIPE
        return exc

    def write(self, text: str) -> int:
        if self._stream is None:
            raise self._fail(OSError(errno.EBADF, "标准输出已关闭"))
        try:
            return self._stream.write(text)  # type: ignore[attr-defined,no-any-return]
        except OSError as exc:
            raise self._fail(exc) from None

    def flush(self) -> None:
        if self._stream is None:
            return
        try:
            self._stream.flush()  # type: ignore[attr-defined]
        except OSError as exc:
            raise self._fail(exc) from None

    def isatty(self) -> bool:
        return _isatty(self._stream)

    def __getattr__(self, name: str) -> object:
        if self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)


def _hold_fd(fd: int) -> None:
    """Put /dev/null on a standard descriptor the shell closed, so no file we open lands there."""
    try:
        os.fstat(fd)
    except OSError:
        null = os.open(os.devnull, os.O_RDWR)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)


def _silence_stdout() -> None:
    """After a broken pipe: what Python would flush at exit goes to /dev/null, not to a traceback."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
    except OSError:
        pass


def _usage_error(exc: Exception) -> str:
    """A click/typer usage error in Chinese, as one line."""
    from typer._click import exceptions as ce

    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "hazcheck"
    param = getattr(exc, "param", None)
    name = None
    if param is not None:
        name = "/".join(param.opts) if param.param_type_name == "option" else (param.name or "")
    if isinstance(exc, ce.NoSuchOption):
        what = f"没有选项 {exc.option_name}"
        if exc.possibilities:
            what += f"（是否要用 {'、'.join(sorted(exc.possibilities))}？）"
    elif isinstance(exc, ce.MissingParameter):
        kind = "选项" if param is not None and param.param_type_name == "option" else "参数"
        what = f"缺少{kind} {name or ''}"
    elif isinstance(exc, ce.BadParameter) and name:
        message = re.sub(r"^Value error, ", "", exc.message)
        message = re.sub(r"'(.*)' is not one of (.+?)\.?$", r"“\1” 不是可选的值（可选：\2）", message)
        what = f"{name} 的值无效：{message}"
    else:
        what = exc.format_message()  # type: ignore[attr-defined]
        for pattern, words in ((r"Option '(.+)' requires an argument\.", r"选项 \1 需要一个值"),
                               (r"No such command '(.+)'\.", r"没有命令 \1"),
                               (r"Got unexpected extra arguments? \((.+)\)", r"多余的参数：\1"),
                               (r"Missing command\.", "缺少命令")):
            what = re.sub(pattern, words, what)
    return visible(f"{where}: 用法错误：{what.strip()}（{where} -h 查看用法）")


_interrupted = False


def _on_sigint(signum: int, frame: object) -> None:
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt


def _interrupted_exit() -> None:
    err.print("hazcheck: 已中断（Ctrl-C），没有写出不完整的文件", markup=False, highlight=False)
    sys.exit(130)


def main() -> None:
    """Console-script entry point: an unexpected error is one line and exit 2, not a traceback.

    Ctrl-C is one line and exit 130; a reader that goes away (``| head``) ends the run quietly
    with exit 141 (as a program killed by SIGPIPE); a closed stdout is one line and exit 2.
    """
    from typer._click import exceptions as ce

    signal.signal(signal.SIGINT, _on_sigint)  # also when the parent ignored it (nohup, some CI)
    for fd in (0, 1, 2):
        _hold_fd(fd)
    stdout = _Stdout(sys.stdout)
    sys.stdout = stdout  # type: ignore[assignment]
    try:
        code = app(standalone_mode=False)
    except SystemExit:  # typer turns a broken pipe into exit 1; Ctrl-C into 130
        if _interrupted:
            _interrupted_exit()
        if stdout.broken:
            _silence_stdout()
            sys.exit(141)
        raise
    except KeyboardInterrupt:
        _interrupted_exit()
    except ce.NoArgsIsHelpError as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ce.ClickException as exc:
        err.print(_usage_error(exc), markup=False, highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except typer.Abort:
        _interrupted_exit()
    except OSError as exc:
        if getattr(exc, "hazcheck_stdout", False):
            if stdout.broken:
                _silence_stdout()
                sys.exit(141)
            err.print("hazcheck: 无法写出结果：标准输出已关闭（可用 --output 写入文件）", markup=False,
                      highlight=False)
            sys.exit(2)
        _internal(exc)
    except Exception as exc:  # the last line of defence; HAZCHECK_DEBUG=1 shows the traceback
        _internal(exc)
    if _interrupted:
        _interrupted_exit()
    if stdout.broken:
        _silence_stdout()
        sys.exit(141)
    sys.exit(code if isinstance(code, int) else 0)


def _internal(exc: BaseException) -> None:
    if os.environ.get("HAZCHECK_DEBUG"):
        raise exc
    err.print(_t(f"hazcheck: 内部错误 {type(exc).__name__}: {exc}（设置 HAZCHECK_DEBUG=1 查看详情，"
                 "并请报告此问题）"), highlight=False, soft_wrap=True)
    sys.exit(2)


if __name__ == "__main__":
    main()
