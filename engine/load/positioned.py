"""YAML loading that remembers the line of every key, so errors can point into the file.

pydantic reports an error location as a path (``("rules", 3, "severity")``); ``Located``
maps that path back to the line the rule author has to edit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from engine.errors import RuleFileError, escape_breaks

PathKey = tuple[Any, ...]


@dataclass
class Located:
    """A parsed YAML document plus the 1-based line of each mapping key / list item."""

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: Iterable[Any]) -> int | None:
        key = tuple(path)
        while True:
            if key in self.lines:
                return self.lines[key]
            if not key:
                return None
            key = key[:-1]

    def error(self, path: Iterable[Any], message: str, hint: str | None = None) -> RuleFileError:
        path = tuple(path)
        return RuleFileError(_one_line(message), file=self.file, line=self.line_of(path),
                             field=_one_line(_dotted(path)) or None, hint=hint and _one_line(hint))


_one_line = escape_breaks  # a key quoted in a message may hold a line break ("事实\\n第二行")


def _dotted(path: PathKey) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


# libyaml's parser (CSafeLoader) when PyYAML was built with it: it parses the criteria about
# five times faster than the pure-Python one, with the same nodes and marks (file:line).
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE):  # type: ignore[valid-type, misc]
    """Safe loading with YAML 1.2 booleans and dates kept as text.

    YAML 1.1 reads ``on``, ``yes``, ``no`` as booleans, which would turn the rule key ``on``
    into ``True``; only ``true``/``false`` are booleans here. Dates stay ISO strings.
    """


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for k, v in _BASE.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    _Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), [_first])


def _build(node: yaml.Node, path: PathKey, lines: dict[PathKey, int], loader: _Loader) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, list):
                key = tuple(key)
            try:
                hash(key)
            except TypeError:  # ? {a: b} : 1 — a mapping (or a list holding one) as a key
                raise RuleFileError("键应为文字或数字，不能是映射",
                                    line=key_node.start_mark.line + 1) from None
            if key in out:
                raise RuleFileError(f"键 “{key}” 重复", line=key_node.start_mark.line + 1)
            lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = _build(value_node, (*path, key), lines, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


# the largest bundled file (a facts vocabulary) has 31,000 nodes; building one costs far more
# than counting it (a 1.3-million-node alias bomb took 13 s), so the bound is lower than the
# 5,000,000 of returns; HAZCHECK_MAX_YAML_NODES raises both
MAX_NODES = 500_000


def _check_aliases(node: yaml.Node, limit: int) -> None:
    """Refuse aliases that expand past ``limit`` nodes (a 1 KB alias bomb builds billions) or
    that point into themselves (``&a {x: *a}`` never ends), before anything is built; the
    composed graph shares an aliased node, so counting costs one visit per distinct node."""
    sizes: dict[int, int] = {}
    inside: set[int] = set()

    def size(n: yaml.Node) -> int:
        if id(n) in sizes:
            return sizes[id(n)]
        if id(n) in inside:
            raise RuleFileError("YAML 的别名（*）指向包含它自己的节点（递归）", line=n.start_mark.line + 1)
        inside.add(id(n))
        total = 1
        if isinstance(n, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in n.value)
        elif isinstance(n, yaml.SequenceNode):
            total += sum(size(i) for i in n.value)
        if total > limit:
            raise RuleFileError(f"YAML 的别名（&/*）展开后超过 {limit:,} 个节点，未读取",
                                line=n.start_mark.line + 1, hint="确需读取请设置 HAZCHECK_MAX_YAML_NODES")
        inside.discard(id(n))
        sizes[id(n)] = total
        return total

    size(node)


def _max_nodes() -> int:
    import os

    try:
        return max(1, int(os.environ.get("HAZCHECK_MAX_YAML_NODES", MAX_NODES)))
    except ValueError:
        return MAX_NODES


def load_yaml(path: Path, display: str | None = None) -> Located:
    """Parse one YAML file; syntax errors become RuleFileError with the line."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RuleFileError("文件不是 UTF-8 编码", file=name) from exc
    except OSError as exc:
        raise RuleFileError(f"无法读取文件：{exc.strerror}", file=name) from exc
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict[PathKey, int] = {}
        if node is not None and "*" in text:
            _check_aliases(node, _max_nodes())
        data = _build(node, (), lines, loader) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RuleFileError(f"YAML 语法错误：{exc.problem or exc.context}", file=name,
                            line=mark.line + 1 if mark else None) from exc
    except yaml.YAMLError as exc:  # a character YAML does not allow (libyaml and PyYAML say it differently)
        where = getattr(exc, "position", None)
        line = text.count("\n", 0, where) + 1 if isinstance(where, int) else None
        raise RuleFileError(f"YAML 语法错误：{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
                            file=name, line=line) from exc
    except RecursionError as exc:
        raise RuleFileError("YAML 嵌套层数过多，无法读取", file=name) from exc
    except ValueError as exc:  # an integer of thousands of digits (int() refuses over 4,300)
        raise RuleFileError(f"文件中有无法读取的数值（{str(exc).splitlines()[0][:80]}）", file=name) from exc
    except RuleFileError as exc:
        exc.file = name
        raise
    finally:
        loader.dispose()
    return Located(name, data, lines)


_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的键（拼写错误？）",
    "literal_error": "取值不在允许范围内",
}


def _one(doc: Located, err: Any, prefix: PathKey) -> RuleFileError:
    loc = prefix + tuple(err["loc"])
    msg = _MESSAGES.get(err["type"], err["msg"])
    if err["type"] == "literal_error":
        msg = f"{msg}：{err['msg'].split('Input should be ', 1)[-1]}"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    return doc.error(loc, msg)


def validation_error(doc: Located, exc: ValidationError,
                     prefix: PathKey | Callable[[PathKey], PathKey] = ()) -> RuleFileError:
    """The first pydantic error as a RuleFileError pointing at file:line and key; the others
    ride along in ``others`` (``hazcheck rules lint`` prints every one). ``prefix``: where
    the validated data sits in the file, or a function of each error's location giving it."""
    errors = exc.errors()

    def at(err: Any) -> RuleFileError:
        loc = tuple(err["loc"])
        return _one(doc, err, prefix(loc) if callable(prefix) else prefix)

    first = at(errors[0])
    if len(errors) > 1:
        first.message += f"（另有 {len(errors) - 1} 处错误）"
        first.others = [at(e) for e in errors[1:]]
    return first


M = TypeVar("M", bound=BaseModel)


def load_model(path: Path, model: type[M]) -> tuple[M, Located]:
    """A YAML file validated as ``model``; the first error points at its file:line and key."""
    doc = load_yaml(path)
    try:
        return model.model_validate(doc.data), doc
    except ValidationError as exc:
        raise validation_error(doc, exc) from exc
