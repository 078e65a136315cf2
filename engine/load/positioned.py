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

from engine.errors import RuleFileError

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
        return RuleFileError(message, file=self.file, line=self.line_of(path),
                             field=_dotted(path) or None, hint=hint)


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
            if key in out:
                raise RuleFileError(f"键 “{key}” 重复", line=key_node.start_mark.line + 1)
            lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = _build(value_node, (*path, key), lines, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


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
        data = _build(node, (), lines, loader) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RuleFileError(f"YAML 语法错误：{exc.problem or exc.context}", file=name,
                            line=mark.line + 1 if mark else None) from exc
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
