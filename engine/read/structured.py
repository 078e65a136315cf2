"""Read returns written as JSON or YAML (exports from other systems, hand-made tests).

Accepted shapes: ``{form?, period?, rows: [{unit, unit_kind?, values: {...}}]}``, a single
``{unit, values}``, or a list of flat row objects. Value names are indicator keys or label
paths (``重大隐患/部门排查/排查``); nested mappings are read as paths too. Unlike a
spreadsheet, every name here was chosen on purpose, so an unknown name is an error.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml

from engine.errors import InputError
from engine.model.forms import Form
from engine.model.records import Cell, CellRef
from engine.read.assemble import RawRow, make_cell, measure_kind
from engine.read.grid import read_text_file
from engine.read.headers import IndicatorMatcher, detect_form
from engine.read.text import clean_unit_name

_ROW_META = {"unit", "unit_kind", "is_total", "values"}
_DOC_META = {"form", "period", "title", "source", "rows"}


MAX_YAML_DEPTH = 100  # a return nests five levels; PyYAML's scanner is quadratic in flow depth


class _TextLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text (periods are compared as strings), and refuses
    nesting deeper than MAX_YAML_DEPTH before the scanner's cost grows with it: a 20 KB file of
    ``[[[[…`` took seconds per read, and Python's recursion limit would stop it later anyway."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"嵌套超过 {MAX_YAML_DEPTH} 层，无法读取",
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_TextLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# Bounds on what a YAML document may expand to. A 1 KB file of nested aliases (&a [*b, *b, …])
# expands to billions of nodes; real returns and ledgers have no aliases at all. Raise with
# HAZCHECK_MAX_YAML_NODES for a very large export.
MAX_YAML_NODES = 5_000_000


def _max_nodes() -> int:
    import os

    try:
        return max(1, int(os.environ.get("HAZCHECK_MAX_YAML_NODES", MAX_YAML_NODES)))
    except ValueError:
        return MAX_YAML_NODES


def _expanded(node: yaml.Node, file: str, limit: int) -> None:
    """Refuse a document whose aliases expand past ``limit`` nodes, or with a repeated key,
    before anything is built (the composed graph shares aliased nodes, so counting is cheap)."""
    sizes: dict[int, int] = {}
    inside: set[int] = set()  # the nodes being counted: reaching one again is a recursive alias

    def size(n: yaml.Node) -> int:
        if id(n) in sizes:
            return sizes[id(n)]
        if id(n) in inside:  # &a {values: *a}: built, it would be a mapping that contains itself
            raise InputError("YAML 的别名（*）指向包含它自己的节点（递归），无法读取", file=file,
                             line=n.start_mark.line + 1)
        inside.add(id(n))
        total = 1
        if isinstance(n, yaml.MappingNode):
            seen: dict[object, int] = {}
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in seen:
                        raise InputError(f"键 “{k.value}” 重复（第 {seen[k.value]} 行已有），不知道用哪一个",
                                         file=file, line=k.start_mark.line + 1, field=str(k.value))
                    seen[k.value] = k.start_mark.line + 1
                total += size(k) + size(v)
        elif isinstance(n, yaml.SequenceNode):
            total += sum(size(i) for i in n.value)
        if total > limit:
            raise InputError(f"YAML 的别名（&/*）展开后超过 {limit:,} 个节点，未读取（可能是恶意构造的文件）",
                             file=file, line=n.start_mark.line + 1,
                             hint="真实的报表不用别名；确需读取请设置 HAZCHECK_MAX_YAML_NODES")
        inside.discard(id(n))
        sizes[id(n)] = total
        return total

    size(node)


_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _flow_depth(text: str, file: str) -> None:
    """Refuse ``[[[[…`` (or ``{``) deeper than MAX_YAML_DEPTH before PyYAML scans it: its scanner
    keeps every open bracket on a line as a possible key and checks them all at each token, so a
    20 KB line of brackets took seconds per read. Brackets inside quotes count too — a real return
    has no hundred unclosed brackets in its text either."""
    only = _NOT_BRACKETS.sub("", text) if "[" in text or "{" in text else ""
    if len(only) <= MAX_YAML_DEPTH or max(accumulate(map(_STEP.__getitem__, only))) <= MAX_YAML_DEPTH:
        return
    nth = next(i for i, d in enumerate(accumulate(map(_STEP.__getitem__, only))) if d > MAX_YAML_DEPTH)
    at = next(m.start() for i, m in enumerate(re.finditer(r"[\[\]{}]", text)) if i == nth)
    raise InputError(f"YAML 的括号嵌套超过 {MAX_YAML_DEPTH} 层，无法读取", file=file,
                     line=text.count("\n", 0, at) + 1)


def _yaml(text: str, file: str) -> Any:
    _flow_depth(text, file)
    loader = _TextLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded(node, file, _max_nodes())
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"键 “{k}” 重复，不知道用哪一个")
        out[k] = v
    return out


def parse_document(path: Path, file: str, fmt: str) -> Any:
    text, _ = read_text_file(path, file)
    try:
        if fmt == "json":
            return json.loads(text, object_pairs_hook=_no_repeats)
        return _yaml(text, file)
    except json.JSONDecodeError as exc:
        raise InputError(f"JSON 格式错误：{exc.msg}", file=file,
                         line=exc.lineno) from exc
    except RecursionError as exc:
        raise InputError("文件嵌套层数过多，无法读取", file=file) from exc
    except ValueError as exc:  # a repeated JSON key, or an int with 5000 digits
        said = str(exc) if "重复" in str(exc) else "文件中有无法读取的数值（位数过多）"
        raise InputError(said, file=file) from exc
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a NUL, a control code)
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
        raise InputError(f"YAML 格式错误：不允许的字符 {exc.character!r}（{exc.reason}）",
                         file=file, line=line) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"YAML 格式错误：{problem}", file=file,
                         line=mark.line + 1 if mark else None) from exc


Flat = list[tuple[tuple[str, ...], Any]]


def _flatten(values: dict[Any, Any], prefix: tuple[str, ...] = ()) -> Flat:
    """Nested mappings become label paths: {重大隐患: {部门排查: {排查: 1}}}."""
    out: Flat = []
    for k, v in values.items():
        path = (*prefix, str(k))
        if isinstance(v, dict):
            out.extend(_flatten(v, path))
        else:
            out.append((path, v))
    return out


def _truth(value: object) -> bool | None:
    """``is_total`` as written: true/是/1 → True, absent → None (decide from the name)."""
    if value is None or isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "yes", "y", "1", "是")


class _Row:
    """A row object as found in the document, with where it sits."""

    def __init__(self, obj: dict[Any, Any], at: str, names: set[str], kinds: set[str]) -> None:
        self.at = at
        self.unit = next((obj[k] for k in obj if str(k) in names), None)
        self.kind = next((obj[k] for k in obj if str(k) in kinds), None)
        self.is_total = _truth(obj.get("is_total"))
        if isinstance(obj.get("values"), dict):
            base = f"{at}.values" if at else "values"
            self.values = [(p, v, f"{base}.{'.'.join(p)}") for p, v in _flatten(obj["values"])]
        else:
            skip = names | kinds | _ROW_META | (_DOC_META if not at else set())
            flat = {k: v for k, v in obj.items() if str(k) not in skip}
            pre = f"{at}." if at else ""
            self.values = [(p, v, pre + ".".join(p)) for p, v in _flatten(flat)]


def _rows(doc: Any, file: str, forms: dict[str, Form]) -> tuple[list[_Row], dict[str, Any]]:
    if isinstance(doc, list):
        objs, meta, at = doc, {}, "[{}]"
    elif isinstance(doc, dict) and "rows" in doc:
        if not isinstance(doc["rows"], list):
            raise InputError("rows 应为列表", file=file, field="rows")
        objs, meta, at = doc["rows"], doc, "rows[{}]"
    elif isinstance(doc, dict):
        objs, meta, at = [doc], doc, ""
    else:
        raise InputError("文件内容应为对象或列表，含 rows 或 unit/values",
                         file=file)
    names = {"unit", *(n for f in forms.values() for n in f.unit_column)}
    kinds = {"unit_kind", *(n for f in forms.values() for n in f.unit_kind_column)}
    rows = []
    for i, obj in enumerate(objs):
        where = at.format(i)
        if not isinstance(obj, dict):
            raise InputError(f"{where or '文档'} 应为对象（含 unit 和 values）", file=file,
                             field=where or None)
        rows.append(_Row(obj, where, names, kinds))
    return rows, meta


def read_structured(path: Path, forms: dict[str, Form], *, fmt: str, file: str,
                    form_id: str | None, unit: str | None) -> tuple[str, list[RawRow], str | None]:
    """Form id, rows and period from a JSON/YAML return."""
    rows, meta = _rows(parse_document(path, file, fmt), file, forms)
    if form_id is None and meta.get("form") is not None:
        form_id = str(meta["form"])
        if form_id not in forms:
            raise InputError(f"文件中的 form“{form_id}”不是已知表单；已知：{'、'.join(forms)}",
                             file=file, field="form")
    if form_id is None:
        headers = list(dict.fromkeys(p for r in rows for p, _, _ in r.values))
        try:
            form_id = detect_form(headers, forms)
        except InputError as exc:
            exc.file = file
            raise
    form = forms[form_id]
    matcher = IndicatorMatcher(form)
    out: list[RawRow] = []
    for r in rows:
        cells: dict[str, Cell] = {}
        seen: dict[str, str] = {}
        for p, v, at in r.values:
            key = matcher.match(p)
            if key is None:
                raise InputError(f"“{'/'.join(p)}”不是表单 {form_id} 的指标",
                                 file=file, field=at)
            if key in seen:
                label = form.indicator(key).label
                raise InputError(f"{seen[key]} 和 {at} 都对应指标 {key}（{label}）",
                                 file=file, field=at)
            seen[key] = at
            cells[key] = make_cell(v, measure_kind(form, key), CellRef(row=0, key_path=at))
        name = clean_unit_name(r.unit) if r.unit is not None else ""
        if len(rows) == 1 and unit:
            name = unit
        if not name:
            raise InputError(f"{r.at or '文档'} 缺少 unit（填报单位）", file=file,
                             field=r.at or None, hint="单个单位的文件可用 --unit 指定")
        out.append(RawRow(unit=name, cells=cells, ref=CellRef(row=0, key_path=r.at or None),
                          kind_text=r.kind,
                          is_total=r.is_total))
    if not out:
        raise InputError("文件中没有任何数据行", file=file)
    period = meta.get("period")
    return form_id, out, str(period) if period is not None else None
