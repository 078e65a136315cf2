"""``hazcheck rules docs``: a static, searchable HTML handbook of everything the tool knows.

One self-contained page (no network, no external script) for inspectors and rule authors:
the forms and their columns, every check with its condition, message and basis, the
criteria by standard and edition with every item, the fact vocabulary, and the sector
words. Each check links to the place its basis is listed; every text from a YAML file is
escaped — it is data, never markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path

from engine.catalog import Catalog
from engine.classify.sectors import SectorWords
from engine.load.criteria import CriteriaSet
from engine.model.rules import SEVERITY_LABEL
from engine.report.safe_text import visible

_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;display:flex}
nav{width:16em;height:100vh;overflow:auto;position:sticky;top:0;background:#f4f4f4;padding:1em;font-size:90%}
main{padding:1em 2em;max-width:70em}
table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:.2em .5em;vertical-align:top}
th{background:#eee}code{background:#f6f6f6}.hidden{display:none}#q{width:100%;font-size:110%}
"""
_SEARCH = """
var box = document.getElementById('q');
function filter() {
  var q = box.value.trim();
  document.querySelectorAll('[data-search]').forEach(function (el) {
    el.classList.toggle('hidden', q !== '' && el.textContent.indexOf(q) < 0);
  });
}
box.addEventListener('input', filter);
var asked = new URLSearchParams(location.search).get('q');  // index.html?q=积水 opens filtered
if (asked) { box.value = asked; filter(); }
"""


def _e(value: object) -> str:
    """Text from a YAML file as HTML text: escaped, control and direction characters made visible."""
    return html.escape(visible(value))


def _anchor(kind: str, name: str) -> str:
    return f"{kind}-" + re.sub(r"[^0-9A-Za-z\u4e00-\u9fff_-]", "_", name)


def _table(head: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    out = ["<table><tr>", *(f"<th>{_e(h)}</th>" for h in head), "</tr>"]
    for row in rows:
        out.append("<tr data-search>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>")
    out.append("</table>")
    return "".join(out)


def handbook(catalog: Catalog, cs: CriteriaSet, sectors: SectorWords) -> str:
    """The whole handbook as one HTML page."""
    parts: list[str] = []
    nav: list[str] = []

    def section(anchor: str, title: str, body: str, level: int = 2) -> None:
        nav.append(f'<div style="margin-left:{level - 2}em"><a href="#{anchor}">{_e(title)}</a></div>')
        parts.append(f'<h{level} id="{anchor}">{_e(title)}</h{level}>{body}')

    section("forms", "表单", "<p>报表、台账和明细台账的列；hazcheck 按表头识别。</p>")
    for form in catalog.forms.values():
        rows = [(i.key, i.label, i.measure, "、".join(i.filled_by), i.part_of or "") for i in form.indicators]
        head = ("key", "指标", "计量单位", "填报单位", "属于")
        section(_anchor("form", form.id), f"{form.title}（{form.id}）",
                f"<p>{_e(form.description)}</p>" + _table(head, rows), 3)
    for ledger in catalog.ledgers.values():
        rows = [(f.key, f.label, "、".join(f.aliases), f.type, f.doc) for f in ledger.fields]
        head = ("key", "列名", "其他写法", "类型", "说明")
        section(_anchor("form", ledger.id), f"{ledger.title}（{ledger.id}）",
                f"<p>{_e(ledger.description)}</p>" + _table(head, rows), 3)

    bases: dict[str, str] = {}
    rows = []
    for loaded in catalog.rules:
        r = loaded.rule
        doc_anchor = bases.setdefault(r.basis.document, _anchor("basis", r.basis.document))
        link = f'<a id="{_anchor("rule", r.id)}" href="#{doc_anchor}">{_e(r.basis.text())}</a>'
        rows.append((f"<b>{_e(r.id)}</b><br>{_e(r.title)}", SEVERITY_LABEL[r.severity], r.on, r.when,
                     r.message, "、".join(r.forms) or "所有表单", link))
    titles = ("规则", "级别", "检查什么", "条件", "提示", "表单", "依据")
    body = ["<table><tr>", *(f"<th>{h}</th>" for h in titles), "</tr>"]
    for row in rows:
        first, *middle, last = row
        body.append(f"<tr data-search><td>{first}</td>" + "".join(f"<td>{_e(c)}</td>" for c in middle)
                    + f"<td>{last}</td></tr>")
    body.append("</table>")
    section("checks", "审核规则", "".join(body))
    listing = "".join(f'<li id="{a}" data-search>{_e(doc)}：'
                      + "、".join(f'<a href="#{_anchor("rule", lr.rule.id)}">{_e(lr.rule.id)}</a>'
                                 for lr in catalog.rules if lr.rule.basis.document == doc) + "</li>"
                      for doc, a in bases.items())
    section("bases", "依据文件", f"<ul>{listing}</ul>")

    section("criteria", "判定标准", "<p>每一版标准的各项条款（概括为本库自行概括，不是官方原文）。</p>")
    for sid, loaded_std in cs.standards.items():
        std = loaded_std.standard
        until = f"至 {std.effective_to}" if std.effective_to else "起施行（现行）"
        head = f"<p>{_e(std.number)}，{_e(std.effective_from)} {_e(until)}；覆盖：{_e(std.coverage)}</p>"
        items = [(it.ref, it.item.summary, it.item.applies_when or "", it.item.holds_when.strip(),
                  "已核实" if it.item.verified else "未核实") for it in cs.items(sid)]
        section(_anchor("std", sid), f"{std.title}（{sid}）",
                head + _table(("编号", "概括", "适用于", "判定条件", "核实"), items), 3)

    facts = [(f.name, f.key, f.type, f.unit or "", "、".join(f.values), f.doc) for f in cs.vocabulary.facts]
    section("facts", "事实词表", _table(("名称", "key", "类型", "单位", "取值", "说明"), facts))
    words = [("、".join(w.words), w.sector or w.family or "（非生产经营）", w.sub_sector or "",
              w.reason or "") for w in sectors.table.sectors]
    section("sectors", "行业写法", _table(("写法", "行业 / 标准族", "细分行业", "说明"), words))

    return ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<title>hazcheck 手册</title>"
            f"<style>{_STYLE}</style></head><body><nav><input id=\"q\" placeholder=\"搜索（如 罚款、积水）\">"
            f"{''.join(nav)}</nav><main><h1>hazcheck 手册</h1>{''.join(parts)}</main>"
            f"<script>{_SEARCH}</script></body></html>")


def write_handbook(catalog: Catalog, cs: CriteriaSet, sectors: SectorWords, out: Path) -> Path:
    """The handbook written atomically to ``out`` (a folder: ``out/index.html``)."""
    from engine.report.atomic import write_text_atomic

    target = out / "index.html" if out.suffix.lower() not in (".html", ".htm") else out
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(target, handbook(catalog, cs, sectors))
    return target
