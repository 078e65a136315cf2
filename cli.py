"""hazcheck command line: audit returns, list forms.

Exit codes follow ruff: 0 no error-severity findings, 1 error findings, 2 the input, the
arguments or a rule file could not be used. Findings go to stdout; problems to stderr as one
line each, never a traceback.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from engine import __version__
from engine.catalog import load_catalog
from engine.errors import HazcheckError, InputError
from engine.evaluate.run import audit as run_audit
from engine.model.forms import UNIT_KINDS
from engine.read import read_submission
from engine.report import csv_report, json_report, table
from engine.report.annotate import annotate as write_annotated
from engine.report.atomic import write_text_atomic

app = typer.Typer(help="重大事故隐患判定与报表审核工具 hazcheck", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
forms_app = typer.Typer(help="查看表单定义", no_args_is_help=True)
app.add_typer(forms_app, name="forms")

# Piped output (a file, another program) gets a wide console so messages are not folded.
out = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class BackendName(str, Enum):
    durable = "durable"
    python = "python"


def _fail(exc: HazcheckError) -> typer.Exit:
    err.print(f"hazcheck: {exc.one_line()}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(2)


def _unit_kinds(pairs: list[str]) -> dict[str, str]:
    kinds = {}
    for pair in pairs:
        name, sep, kind = pair.partition("=")
        if not sep or kind not in UNIT_KINDS or not name.strip():
            raise InputError(f"“{pair}” 应写成 单位名称=镇街 或 单位名称=区直部门", field="--unit-kind")
        kinds[name.strip()] = kind
    return kinds


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


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
    backend: Annotated[BackendName, typer.Option(
        "--backend", help="规则求值方式：durable 为规则引擎；python 为对照实现")] = BackendName.durable,
) -> None:
    """审核一份调度表：列出每一处前后矛盾及其依据。"""
    try:
        catalog = load_catalog()
        kinds = _unit_kinds(unit_kind)
        for target, flag in ((output, "--output"), (annotate, "--annotate")):
            if target is not None and (_same_file(target, file) or
                                       (previous is not None and _same_file(target, previous))):
                raise InputError("输出文件不能覆盖输入文件", file=str(target), field=flag)
        if annotate is not None and annotate.suffix.lower() != ".xlsx":
            raise InputError("标注文件应以 .xlsx 结尾", file=str(annotate), field="--annotate")
        if form is not None:
            catalog.form(form)
        sub = read_submission(file, catalog.forms, form_id=form, unit_kinds=kinds, unit=unit)
        prev = None
        if previous is not None:
            prev = read_submission(previous, catalog.forms, form_id=sub.form_id,
                                   unit_kinds=kinds, unit=unit)
        plan = catalog.plan(sub.form_id)
        result = run_audit(sub, plan, previous=prev, backend=backend.value)
        if fmt is OutputFormat.table:
            if output is not None:
                rec = Console(record=True, width=200, file=open(os.devnull, "w"))  # noqa: SIM115
                table.render(result, rec)
                write_text_atomic(output, rec.export_text())
            else:
                table.render(result, out)
        else:
            text = (json_report if fmt is OutputFormat.json else csv_report).render(result)
            if output is not None:
                write_text_atomic(output, text)
            else:
                sys.stdout.write(text)
        if annotate is not None:
            write_annotated(result, sub, plan.form, annotate)
            err.print(f"已写出标注文件：{annotate}", highlight=False)
    except HazcheckError as exc:
        raise _fail(exc) from None
    except OSError as exc:
        raise _fail(InputError(f"无法写入：{exc.strerror}", file=exc.filename)) from None
    raise typer.Exit(1 if result.has_errors else 0)


@forms_app.command("list")
def forms_list() -> None:
    """列出所有表单。"""
    try:
        catalog = load_catalog()
    except HazcheckError as exc:
        raise _fail(exc) from None
    t = Table(title="表单")
    t.add_column("id")
    t.add_column("名称")
    t.add_column("样式")
    t.add_column("指标数", justify="right")
    for f in catalog.forms.values():
        layout = "每单位一行" if f.layout == "table" else "分部分单值"
        t.add_row(f.id, f.title, layout, str(len(f.indicators)))
    out.print(t)


@forms_app.command("show")
def forms_show(form_id: Annotated[str, typer.Argument(help="表单 id")]) -> None:
    """显示一个表单的指标、计量单位、填报范围和指标关系。"""
    try:
        form = load_catalog().form(form_id)
    except HazcheckError as exc:
        raise _fail(exc) from None
    out.print(f"[bold]{form.title}[/]（{form.id}）")
    if form.description:
        out.print(form.description)
    t = Table()
    for col in ("key", "指标", "计量单位", "填报单位", "属于"):
        t.add_column(col)
    for ind in form.indicators:
        t.add_row(ind.key, ind.label, ind.measure, "、".join(ind.filled_by), ind.part_of or "")
    out.print(t)
    for part, whole, note in form.part_whole_pairs():
        out.print(f"  {form.indicator(part).label} ≤ {form.indicator(whole).label}"
                  + (f"（{note}）" if note else ""), highlight=False)
    for rate in form.rates:
        out.print(f"  比率 {rate.label} = {' + '.join(rate.numerator)} / {' + '.join(rate.denominator)}",
                  highlight=False)


@app.callback(invoke_without_command=True)
def main_callback(
    version: Annotated[bool, typer.Option("--version", help="显示版本")] = False,
) -> None:
    if version:
        out.print(f"hazcheck {__version__}")
        raise typer.Exit(0)


def main() -> None:
    """Console-script entry point: an unexpected error is one line and exit 2, not a traceback."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        err.print("hazcheck: 已中断")
        sys.exit(130)
    except Exception as exc:  # the last line of defence; HAZCHECK_DEBUG=1 shows the traceback
        if os.environ.get("HAZCHECK_DEBUG"):
            raise
        err.print(f"hazcheck: 内部错误 {type(exc).__name__}: {exc}（设置 HAZCHECK_DEBUG=1 查看详情，"
                  "并请报告此问题）", markup=False, highlight=False, soft_wrap=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
