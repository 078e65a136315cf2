"""Read findings to classify from a YAML or JSON file (``hazcheck classify FILE``).

A file holds one finding or a list of them (top-level list, or ``findings: [...]``). Each is
a mapping with ``facts`` (名称: 值) and optionally ``date``/``发现日期``, ``sector``/``行业``,
``text``/``描述`` and ``id``/``编号``. Values stay as written; typing them against the
vocabulary is the classify step's job, which reports the finding and fact that failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import InputError
from engine.read.structured import parse_document
from engine.read.text import one_line_errors

_KEYS = {
    "id": "id", "编号": "id", "date": "date", "发现日期": "date", "日期": "date",
    "sector": "sector", "行业": "sector", "text": "text", "描述": "text", "隐患描述": "text",
    "facts": "facts", "事实": "facts",
    "enterprise": "enterprise", "企业": "enterprise", "企业名称": "enterprise",
}


@dataclass
class RawFinding:
    label: str  # "file.yaml 第 2 条" — where errors point
    facts: dict[str, Any] = field(default_factory=dict)
    date: str | None = None
    sector: str | None = None
    text: str | None = None
    id: str | None = None
    enterprise: str | None = None  # its words may tell the sub-sector of 工贸 (钢铁 → 冶金)


def _one(entry: Any, label: str, file: str) -> RawFinding:
    if not isinstance(entry, dict):
        raise InputError(f"{label} 应为映射（facts、date、sector、text）", file=file)
    out = RawFinding(label)
    for key, value in entry.items():
        name = _KEYS.get(str(key))
        if name is None:
            raise InputError(f"{label}：不认识的键 “{key}”", file=file, field=str(key),
                             hint="可用：facts/事实、date/发现日期、sector/行业、text/描述、id/编号、企业名称")
        if name == "facts":
            if value is None:
                continue
            if not isinstance(value, dict):
                raise InputError(f"{label}：facts 应为 名称: 值 的映射", file=file, field=str(key))
            out.facts = {str(k): v for k, v in value.items()}
        else:
            setattr(out, name, None if value is None else str(value))
    if out.id:
        out.label = f"{label}（{out.id}）"
    return out


@one_line_errors
def read_findings(path: Path) -> list[RawFinding]:
    file = str(path)
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise InputError("隐患文件应为 .yaml、.yml 或 .json", file=file)
    data = parse_document(path, file, "json" if suffix == ".json" else "yaml")
    if isinstance(data, dict) and "findings" in data:
        data = data["findings"]
    entries = data if isinstance(data, list) else [data]
    if not entries:
        raise InputError("文件中没有隐患", file=file)
    return [_one(e, f"第 {i} 条隐患" if len(entries) > 1 else "隐患", file) for i, e in enumerate(entries, 1)]
