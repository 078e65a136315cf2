"""Write tests/fuzz/corpus/: small crafted hostile inputs (issue 14, part 6).

Run ``python tests/fuzz/make_corpus.py`` to regenerate every file (the output is byte-for-byte
the same on each run: fixed zip timestamps, no random data), so the binary files in the corpus
can always be rebuilt from this script. Each file is below 20 KB. The files are named
``<what>.<ext>``; the extension decides the reader, the name says what is hostile about it.
``test_corpus.py`` runs each one through ``hazcheck audit`` (and ``classify`` for YAML/JSON);
``fuzz_targets.py`` uses them as seeds.
"""

from __future__ import annotations

import functools
import io
import json
import re
import shutil
import sys
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "corpus"
CLEAN = ROOT / "cases" / "campaign-2023-table" / "flat-keys-clean" / "return.csv"
LEDGER = ROOT / "cases" / "hazard-ledger" / "township-2024-office" / "ledger.csv"
MAX_BYTES = 20 * 1024
HOSTILE = "[bold]若干[/]\x1b[31m\u202e\u200f"  # markup, a colour escape, right-to-left override and mark
_STAMP = (2024, 1, 1, 0, 0, 0)

# ----------------------------------------------------------------------------- source material


def _clean_lines() -> list[str]:
    return CLEAN.read_text(encoding="utf-8-sig").splitlines()


def _clean_text() -> str:
    return "\n".join(_clean_lines()) + "\n"


def _ledger_lines() -> list[str]:
    return LEDGER.read_text(encoding="utf-8-sig").splitlines()[:6]


def _with_cell(lines: list[str], row: int, key: str, value: str) -> list[str]:
    head = lines[0].split(",")
    cells = lines[row].split(",")
    cells[head.index(key)] = value
    return [*lines[:row], ",".join(cells), *lines[row + 1 :]]


def _structured(values: dict[str, object], unit: str = "北湖街道") -> dict[str, object]:
    return {"form": "campaign-2023-table", "rows": [{"unit": unit, "unit_kind": "镇街", "values": values}]}


# ----------------------------------------------------------------------------- workbooks

_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>hazcheck corpus</dc:creator>'
    b'<dcterms:created xsi:type="dcterms:W3CDTF">2024-01-01T00:00:00Z</dcterms:created>'
    b'<dcterms:modified xsi:type="dcterms:W3CDTF">2024-01-01T00:00:00Z</dcterms:modified>'
    b"</cp:coreProperties>"
)


@functools.cache
def _base_parts() -> dict[str, bytes]:
    """The parts of a workbook openpyxl writes (so openpyxl and calamine both accept the frame),
    with a date-formatted cell so that style 1 is a date; the sheet itself is replaced per case."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    wb.active["B1"] = datetime(2024, 1, 1)
    wb.active["B1"].number_format = "yyyy-mm-dd"
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts["docProps/core.xml"] = _CORE  # no creation time: the corpus is the same on every run
    return parts


def _col(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(ref: str, value: str) -> str:
    try:
        float(value)
    except ValueError:
        return f'<c r="{ref}" t="inlineStr"><is><t>{_esc(value)}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def _sheet_xml(
    rows: list[list[str]], *, dimension: str | None = None, extra_rows: str = "", after: str = ""
) -> bytes:
    width = max(len(r) for r in rows)
    dim = dimension or f"A1:{_col(width)}{len(rows)}"
    body = "".join(
        f'<row r="{r}">' + "".join(_cell(f"{_col(c)}{r}", v) for c, v in enumerate(row, 1) if v) + "</row>"
        for r, row in enumerate(rows, 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dim}"/><sheetData>{body}{extra_rows}</sheetData>{after}</worksheet>'
    ).encode()


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=_STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()


def _book(sheet: bytes | None, **replace: bytes | None) -> bytes:
    """A workbook of ``sheet`` (None: without a sheet part); ``replace`` other parts by name
    (``xl__workbook_xml`` for xl/workbook.xml), None dropping one."""
    parts = {**_base_parts(), "xl/worksheets/sheet1.xml": sheet}
    for key, data in replace.items():
        parts[key.replace("__", "/").replace("_xml", ".xml")] = data
    return _zip({k: v for k, v in parts.items() if v is not None})


def _corrupt_member(book: bytes, name: str) -> bytes:
    """The workbook with a few bytes of one member's compressed data flipped (bad CRC / deflate)."""
    with zipfile.ZipFile(io.BytesIO(book)) as zf:
        info = zf.getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data = bytearray(book)
    for k in range(start + 10, start + 40):
        data[k] ^= 0x5A
    return bytes(data)


def _encrypted_member(book: bytes) -> bytes:
    """The workbook with the 'encrypted' flag set on every member (a zip password, not Excel's)."""
    data = bytearray(book)
    pos = 0
    while (pos := data.find(b"PK\x03\x04", pos)) >= 0:
        data[pos + 6] |= 1
        pos += 4
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) >= 0:
        data[pos + 8] |= 1
        pos += 4
    return bytes(data)


def _claimed_size(book: bytes) -> bytes:
    """The workbook with every member's central-directory size forged to 4 GB (an unzip bomb's
    advertisement): the size bound must refuse it before anything is inflated."""
    data = bytearray(book)
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) >= 0:
        data[pos + 24 : pos + 28] = b"\xfe\xff\xff\xff"
        pos += 4
    return bytes(data)


def _clean_rows() -> list[list[str]]:
    return [line.split(",") for line in _clean_lines()]


def _rows_with(key: str, value: str, row: int = 1) -> list[list[str]]:
    rows = _clean_rows()
    rows[row][rows[0].index(key)] = value
    return rows


def _date_cell_sheet(value: str) -> bytes:
    """The clean return with a date-styled number (style 1) in a count column."""
    rows = _clean_rows()
    col = _col(rows[0].index("penalties") + 1)
    xml = _sheet_xml(rows).decode()
    old = f'<c r="{col}2"><v>{rows[1][rows[0].index("penalties")]}</v></c>'
    assert old in xml
    return xml.replace(old, f'<c r="{col}2" s="1"><v>{value}</v></c>').encode()


# ----------------------------------------------------------------------------- YAML and JSON


def _alias_bomb(levels: int = 9) -> str:
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for n in range(1, levels):
        prev, name = chr(96 + n), chr(97 + n)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\n"


def _alias_bomb_in_rows() -> str:
    """The bomb where a return's values would be: the reader must refuse it, not flatten it."""
    lines = ["x0: &x0 {a: 1, b: 1, c: 1, d: 1, e: 1, f: 1, g: 1, h: 1, i: 1}"]
    for n in range(1, 8):
        keys = ", ".join(f"k{j}: *x{n - 1}" for j in range(9))
        lines.append(f"x{n}: &x{n} {{{keys}}}")
    lines.append("rows:\n  - {unit: 北湖街道, values: *x7}")
    return "\n".join(lines) + "\n"


def _counts(value: object) -> dict[str, object]:
    return _structured({"penalties": value, "fines": 1, "general_found": 1, "general_rectified": 1})


def _finding(**extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "编号": "F1",
        "行业": "冶金",
        "发现日期": "2024-03-01",
        "事实": {"生产期间": "是", "积水": "是", "场所": "炉下渣坑"},
    }
    base.update(extra)
    return base


def _ledger_json(rows: list[dict[str, object]]) -> str:
    return json.dumps({"rows": rows}, ensure_ascii=False)


_LEDGER_ROW = {
    "所属镇街": "北湖街道",
    "企业名称": "华兴钢铁有限公司",
    "行业领域": "工贸（冶金）",
    "隐患描述": "炼钢车间生产期间炉下渣坑有积水",
    "隐患等级": "重大隐患",
    "隐患来源": "企业自查",
    "排查日期": "2024-07-03",
    "整改期限": "2024-07-20",
}


# ----------------------------------------------------------------------------- the corpus


def cases() -> dict[str, bytes | Callable[[Path], None]]:
    """File name → content (or a function that makes the entry, for a directory)."""
    clean = _clean_lines()
    lines = _clean_text()
    out: dict[str, bytes | Callable[[Path], None]] = {}

    def text(name: str, body: str, encoding: str = "utf-8") -> None:
        out[name] = body.encode(encoding)

    # --- YAML: expansion, nesting, repeated keys, tags, odd documents
    text("yaml-alias-bomb.yaml", _alias_bomb())
    text("yaml-alias-bomb-in-values.yaml", _alias_bomb_in_rows())
    text("yaml-recursive-alias.yaml", "rows: &r\n  - {unit: 北湖街道, values: {fines: 1}}\n  - *r\n")
    text("yaml-self-alias-mapping.yaml", "&a {unit: 北湖街道, values: *a}\n")
    text("yaml-deep-nesting.yaml", "rows: " + "[" * 3000 + "]" * 3000 + "\n")
    text("yaml-deep-mapping.yaml", "a: {" * 2000 + "b: 1" + "}" * 2000 + "\n")  # flow style: 2000 levels
    text("yaml-duplicate-keys.yaml", "rows:\n  - unit: 甲镇\n    unit: 乙镇\n    values: {fines: 1}\n")
    text("yaml-duplicate-value-keys.yaml", "rows:\n  - unit: 甲镇\n    values: {fines: 1, fines: 2}\n")
    text(
        "yaml-merge-key.yaml",
        "base: &b {fines: 1}\nrows:\n  - unit: 甲镇\n    values: {<<: *b, penalties: 1}\n",
    )
    text("yaml-python-tag.yaml", "rows: !!python/object/apply:os.system ['echo pwned']\n")
    text(
        "yaml-binary-set-tags.yaml",
        "rows:\n  - unit: !!binary aGVsbG8=\n    values: !!set {fines, penalties}\n",
    )
    text("yaml-complex-keys.yaml", "rows:\n  - ? [a, b]\n    : 1\n    ? {c: d}\n    : 2\n    unit: 甲镇\n")
    text(
        "yaml-null-and-bool-keys.yaml",
        "rows:\n  - ~: 1\n    true: 2\n    1: 3\n    unit: 甲镇\n    values: {~: 1}\n",
    )
    text("yaml-multi-document.yaml", "rows: []\n---\nrows: []\n")
    text("yaml-scalar-document.yaml", "42\n")
    text("yaml-only-comment.yaml", "# nothing here\n")
    text("yaml-tab-indent.yaml", "rows:\n\t- unit: 甲镇\n")
    text(
        "yaml-huge-numbers.yaml",
        "form: campaign-2023-table\nrows:\n"
        "  - {unit: 北湖街道, values: {penalties: .inf, fines: .nan, general_found: 1e309}}\n"
        "  - {unit: 青石镇, values: {penalties: 9223372036854775807, fines: -.inf,"
        " general_found: 12345678901234567890123456789012}}\n"
        "  - {unit: 东湖镇, values: {penalties: 0x7fffffffffffffff, fines: 1_000, general_found: 0o777}}\n",
    )
    text(
        "yaml-huge-int-digits.yaml",
        "form: campaign-2023-table\nrows:\n  - {unit: 北湖街道, values: {penalties: " + "9" * 5000 + "}}\n",
    )
    text(
        "yaml-markup-rtl.yaml",
        json.dumps(
            _structured({"fines": "若干[/]", "penalties": 1}, unit="北湖街道" + HOSTILE), ensure_ascii=False
        ),
    )
    text("yaml-nul-byte.yaml", 'rows:\n  - {unit: "甲\\0镇", values: {fines: 1}}\n')
    out["yaml-raw-nul.yaml"] = b"rows:\n  - {unit: \xe7\x94\xb2\x00, values: {fines: 1}}\n"
    out["yaml-utf16.yaml"] = ("\ufeff" + "rows:\n  - {unit: 北湖街道, values: {fines: 1}}\n").encode(
        "utf-16-le"
    )
    text("yaml-gbk.yaml", "rows:\n  - {unit: 北湖街道, values: {fines: 1}}\n", "gbk")

    # regression (fuzz, yaml target): one unclosed line of brackets, slow in PyYAML's scanner
    text("yaml-unclosed-brackets.yaml", "rows: " + "[" * 2700 + "\n")

    # regression (property test): a key or header with a line break made a two-line error
    text("json-newline-key.json", '{"\\n": null, "rows\\r\\nx": 1}')
    text("yaml-newline-key.yaml", '"事实\\n第二行": {积水: 是}\n')

    # --- rule files (also run through ``hazcheck rules lint`` and a rule pack's criteria/)
    # regressions: each made the loader raise a bare exception (or hang) before issue 14 part 6
    text("rulefile-alias-bomb.yaml", "rules: []\n" + _alias_bomb())  # hung: every alias built
    text("rulefile-alias-bomb-small.yaml", _alias_bomb(7).replace("a: &a", "rules: []\na: &a"))  # 13 s (fuzz)
    text("rulefile-recursive-alias.yaml", "rules: &r\n  - *r\n")  # RecursionError
    text("rulefile-nul.yaml", "rules:\n  - id: a\x00b\n")  # ReaderError (not a MarkedYAMLError)
    text("rulefile-control-char.yaml", "standard:\n  id: \x07\n")  # ReaderError
    text("rulefile-mapping-key.yaml", "rules:\n  - ? {a: b}\n    : 1\n")  # TypeError: unhashable
    text("rulefile-huge-int.yaml", "facts:\n  - key: x\n    unit: " + "9" * 5000 + "\n")  # ValueError
    text("rulefile-deep.yaml", "rules: " + "[" * 3000 + "]" * 3000 + "\n")
    text("rulefile-deep-condition.yaml", "rules:\n  - id: deep\n    title: t\n    severity: error\n"
         "    on: 行\n    basis: {document: 填表说明}\n"
         "    when: " + "(" * 1200 + "fines > 0" + ")" * 1200 + "\n    message: m\n")

    # --- JSON
    text("json-deep-nesting.json", "[" * 100_00 + "]" * 100_00)
    text("json-deep-objects.json", '{"a":' * 3000 + "1" + "}" * 3000)
    text("json-duplicate-keys.json", '{"rows": [{"unit": "甲镇", "values": {"fines": 1, "fines": 2}}]}')
    text("json-true-as-count.json", json.dumps(_counts(True)))
    text("json-false-as-count.json", json.dumps(_counts(False)))
    text("json-null-as-count.json", json.dumps(_counts(None)))
    text("json-list-as-count.json", json.dumps(_counts([1, 2])))
    text("json-big-int.json", json.dumps(_counts(9223372036854775807)))
    text("json-32-digit-count.json", json.dumps(_counts(12345678901234567890123456789012)))
    text(
        "json-1e309.json",
        '{"form": "campaign-2023-table", "rows": [{"unit": "北湖街道", '
        '"values": {"penalties": 1e309, "fines": -1e309, "general_found": 1e-400}}]}',
    )
    text(
        "json-nan-infinity.json",
        '{"form": "campaign-2023-table", "rows": [{"unit": "北湖街道", '
        '"values": {"penalties": NaN, "fines": Infinity, "general_found": -Infinity}}]}',
    )
    text(
        "json-huge-int-digits.json",
        '{"rows": [{"unit": "北湖街道", "values": {"penalties": ' + "9" * 5000 + "}}]}",
    )
    text("json-scalar.json", "42")
    text("json-string.json", '"rows"')
    text("json-rows-not-list.json", '{"rows": {"unit": "甲镇"}}')
    text("json-row-not-object.json", '{"rows": [1, "two", null]}')
    text(
        "json-unit-not-text.json",
        '{"form": "campaign-2023-table", "rows": [{"unit": {"a": 1}, "values": {"fines": 1}}]}',
    )
    text(
        "json-unit-list.json",
        '{"form": "campaign-2023-table", "rows": [{"unit": [1, 2], "values": {"fines": 1}}]}',
    )
    text(
        "json-form-not-text.json",
        '{"form": ["campaign-2023-table"], "rows": [{"unit": "甲镇", "values": {"fines": 1}}]}',
    )
    text(
        "json-unknown-form.json",
        '{"form": "[bold]若干[/]", "rows": [{"unit": "甲镇", "values": {"fines": 1}}]}',
    )
    text(
        "json-period-object.json",
        '{"form": "campaign-2023-table", "period": {"a": [1]}, '
        '"rows": [{"unit": "北湖街道", "values": {"fines": 1, "penalties": 1}}]}',
    )
    text(
        "json-values-empty-key.json",
        '{"form": "campaign-2023-table", "rows": [{"unit": "甲镇", "values": {"": 1, "fines": 1}}]}',
    )
    text(
        "json-is-total-odd.json",
        '{"form": "campaign-2023-table", "rows": [{"unit": "累计", '
        '"is_total": [1], "values": {"fines": 1}}]}',
    )
    text("json-truncated.json", json.dumps(_counts(1))[:-7])
    text("json-bom.json", "\ufeff" + json.dumps(_counts(1)))
    text("json-nul-bytes.json", json.dumps(_counts("1\x002")))
    text("json-lone-surrogate.json", '{"rows": [{"unit": "\\ud800", "values": {"fines": 1}}]}')
    out["json-utf16.json"] = ("\ufeff" + json.dumps(_counts(1))).encode("utf-16-le")
    text(
        "json-markup-rtl.json",
        json.dumps(
            _structured({"fines": "若干[/]", "penalties": 1}, unit="[bold]北湖街道\u202e"), ensure_ascii=False
        ),
    )
    text(
        "json-ledger-hostile.json",
        _ledger_json(
            [
                {**_LEDGER_ROW, "企业名称": "华兴" + HOSTILE, "整改期限": "9999-99-99"},
                {**_LEDGER_ROW, "排查日期": 1e309, "隐患等级": True, "整改资金": 9223372036854775807},
                {**_LEDGER_ROW, "排查日期": ["2024"], "隐患描述": {"a": 1}, "企业名称": None},
            ]
        ),
    )
    text(
        "json-ledger-dates.json",
        _ledger_json(
            [
                {**_LEDGER_ROW, "排查日期": "0000-00-00"},
                {**_LEDGER_ROW, "排查日期": "2024-02-30"},
                {**_LEDGER_ROW, "排查日期": 99999999},
                {**_LEDGER_ROW, "排查日期": -1},
                {**_LEDGER_ROW, "排查日期": "２０２４年１３月１日"},
            ]
        ),
    )
    text(
        "json-finding-hostile.json",
        json.dumps(
            {
                "findings": [
                    _finding(编号="F" + HOSTILE),
                    _finding(发现日期="9999-12-31"),
                    _finding(发现日期="0001-01-01"),
                    _finding(事实={"积水": True, "场所": ["炉下渣坑"], "生产期间": 1e309}),
                    _finding(行业="[bold]若干[/]"),
                    _finding(事实=[1, 2]),
                ]
            },
            ensure_ascii=False,
        ),
    )
    text(
        "yaml-finding-odd-facts.yaml",
        "findings:\n  - 行业: 冶金\n    发现日期: 2024-03-01\n"
        "    事实: {积水: .nan, 场所: {a: b}, 生产期间: 1e309, ~: 1}\n"
        "  - 行业: 冶金\n    发现日期: 2024-13-45\n"
        '    事实: {积水: 是}\n  - 描述: "炉下渣坑有积水' + "\\u202e" * 50 + '"\n    行业: 冶金\n',
    )
    text(
        "yaml-finding-long-text.yaml",
        "findings:\n  - 行业: 冶金\n    发现日期: 2024-03-01\n    描述: " + "炉下渣坑有积水，" * 600 + "\n",
    )

    # --- CSV: fields, quotes, bytes and encodings
    text("csv-extra-fields.csv", "\n".join([clean[0], *(x + ",1,2,3" for x in clean[1:])]) + "\n")
    text("csv-short-rows.csv", "\n".join([clean[0], *(x.split(",")[0] for x in clean[1:])]) + "\n")
    text(
        "csv-unbalanced-quote.csv",
        "\n".join([clean[0], '"北湖街道,镇街,' + clean[1].split(",", 2)[2], *clean[2:]]) + "\n",
    )
    text(
        "csv-quote-in-field.csv",
        "\n".join([clean[0], clean[1].replace("北湖街道", 'bei"hu', 1), *clean[2:]]) + "\n",
    )
    text("csv-nul-bytes.csv", "\n".join(_with_cell(clean, 1, "fines", "0.\x006")) + "\n")
    text("csv-nul-in-header.csv", lines.replace("unit", "un\x00it", 1))
    text("csv-all-nul.csv", "\x00" * 2000)
    text("csv-bom.csv", "\ufeff" + lines)
    text("csv-double-bom.csv", "\ufeff\ufeff" + lines)
    text("csv-gbk.csv", lines, "gbk")
    text("csv-gb18030-4byte.csv", lines.replace("北湖街道", "北湖街道\U00020000", 1), "gb18030")
    out["csv-utf16-le.csv"] = ("\ufeff" + lines).encode("utf-16-le")
    out["csv-utf16-be.csv"] = ("\ufeff" + lines).encode("utf-16-be")
    out["csv-utf16-no-bom.csv"] = lines.encode("utf-16-le")
    out["csv-invalid-bytes.csv"] = lines.encode() + b"\xff\xfe\xfd\x80\x81"
    text("csv-rtl-marks.csv", "\n".join(_with_cell(clean, 1, "unit", "\u202e北湖街道\u200f\u2067")) + "\n")
    text("csv-rtl-in-header.csv", lines.replace("fines", "\u202efines\u202c", 1))
    text(
        "csv-markup.csv",
        "\n".join(_with_cell(_with_cell(clean, 1, "unit", "[bold]北湖街道[/bold]"), 2, "fines", "若干[/]"))
        + "\n",
    )
    text("csv-markup-header.csv", lines.replace("penalties", "[red]penalties[/]", 1))
    text(
        "csv-huge-numbers.csv",
        "\n".join(
            _with_cell(
                _with_cell(
                    _with_cell(
                        _with_cell(_with_cell(clean, 1, "penalties", "1e309"), 2, "fines", "inf"),
                        3,
                        "penalties",
                        "NaN",
                    ),
                    4,
                    "penalties",
                    "9223372036854775807",
                ),
                5,
                "penalties",
                "12345678901234567890123456789012",
            )
        )
        + "\n",
    )
    text(
        "csv-negative-and-odd-numbers.csv",
        "\n".join(
            _with_cell(
                _with_cell(_with_cell(clean, 1, "penalties", "-0"), 2, "fines", "1,000"),
                3,
                "penalties",
                "１２",
            )
        )
        + "\n",
    )
    text("csv-newline-in-header.csv", lines.replace("unit,", '"un\nit",', 1)
         .replace("fines", '"fi\r\nnes"', 1)
         + clean[1].replace("北湖街道", '"北湖\n街道"') + "\n")
    text("csv-only-header.csv", clean[0] + "\n")
    text("csv-blank-lines.csv", "\n\n\n,,,\n \n")
    text("csv-one-column.csv", "a\n" * 50)
    text("csv-wide-row.csv", ",".join(["x"] * 4000) + "\n" + ",".join(["1"] * 4000) + "\n")
    text("csv-cr-only.csv", lines.replace("\n", "\r"))
    text("csv-mixed-delimiters.csv", lines.replace(",", ";", 40).replace(",", "\t", 40))
    text("csv-repeated-unit.csv", "\n".join([*clean, clean[1]]) + "\n")
    text("csv-repeated-header.csv", "\n".join([*clean, clean[0]]) + "\n")
    text("csv-formula-injection.csv", "\n".join(_with_cell(clean, 1, "unit", "=cmd|'/c calc'!A1")) + "\n")
    text(
        "csv-ledger-hostile.csv",
        "\n".join(
            [
                *_ledger_lines()[:2],
                _ledger_lines()[2].replace("顺达铝业有限公司", "顺达" + HOSTILE),
                _ledger_lines()[3].replace("2024", "9999", 2),
            ]
        )
        + "\n",
    )
    text(
        "csv-ledger-extra-fields.csv",
        "\n".join([_ledger_lines()[0], *(x + ",多,余" for x in _ledger_lines()[1:])]) + "\n",
    )
    text(
        "csv-ledger-short-rows.csv",
        "\n".join([_ledger_lines()[0], *(x.rsplit(",", 8)[0] for x in _ledger_lines()[1:])]) + "\n",
    )
    text("csv-ledger-nul.csv", "\n".join(_ledger_lines()).replace("积水", "积\x00水") + "\n")
    text(
        "csv-ledger-huge-money.csv",
        "\n".join(_ledger_lines())
        .replace(",2,2024-07-20", ",1e309,2024-07-20")
        .replace(",5,2024-08-05", ",NaN,2024-08-05")
        + "\n",
    )
    text(
        "csv-ledger-dates.csv",
        "\n".join(_ledger_lines()).replace("2024-07-03", "2024-02-30").replace("2024/7/5", "99999-1-1")
        + "\n",
    )
    text("txt-as-csv.txt", lines)
    text("csv-binary-noise.csv", "".join(chr(c) for c in range(1, 32)) * 20)

    # --- empty and not-a-file
    for name in ("empty.csv", "empty.xlsx", "empty.json", "empty.yaml", "empty.txt"):
        out[name] = b""
    text("whitespace-only.csv", " \n\t\n  \n")
    text("whitespace-only.json", " \n\t\n")

    def directory(path: Path) -> None:
        path.mkdir()
        (path / "README").write_text(
            "a directory named like a return: audit must refuse it\n", encoding="utf-8"
        )

    out["directory.csv"] = directory
    out["directory.xlsx"] = directory

    # --- xlsx
    out["xlsx-clean-base.xlsx"] = _book(_sheet_xml(_clean_rows()))
    merged = '<mergeCells count="1"><mergeCell ref="A20:XFD1048576"/></mergeCells>'
    out["xlsx-merged-huge.xlsx"] = _book(_sheet_xml(_clean_rows(), after=merged))
    many = "".join(f'<mergeCell ref="A{r}:B{r}"/>' for r in range(30, 330))
    out["xlsx-merged-many-small.xlsx"] = _book(
        _sheet_xml(_clean_rows(), after=f"<mergeCells>{many}</mergeCells>")
    )
    out["xlsx-merged-inverted.xlsx"] = _book(
        _sheet_xml(_clean_rows(), after='<mergeCells count="1"><mergeCell ref="XFD1048576:A1"/></mergeCells>')
    )
    out["xlsx-merged-overlapping.xlsx"] = _book(
        _sheet_xml(
            _clean_rows(),
            after='<mergeCells count="2"><mergeCell ref="A1:C3"/><mergeCell ref="B2:D4"/></mergeCells>',
        )
    )
    out["xlsx-stray-cell.xlsx"] = _book(
        _sheet_xml(
            _clean_rows(),
            dimension="A1:XFD1048576",
            extra_rows='<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
        )
    )
    out["xlsx-huge-dimension.xlsx"] = _book(_sheet_xml(_clean_rows(), dimension="A1:XFD1048576"))
    out["xlsx-beyond-last-row.xlsx"] = _book(
        _sheet_xml(
            _clean_rows(),
            extra_rows='<row r="9999999"><c r="ZZZZ9999999" t="inlineStr"><is><t>x</t></is></c></row>',
        )
    )
    out["xlsx-huge-numbers.xlsx"] = _book(_sheet_xml(_rows_with("penalties", "1e309")))
    out["xlsx-nan-number.xlsx"] = _book(_sheet_xml(_rows_with("penalties", "NaN")))
    out["xlsx-big-int.xlsx"] = _book(_sheet_xml(_rows_with("penalties", "9223372036854775807")))
    out["xlsx-32-digit.xlsx"] = _book(_sheet_xml(_rows_with("penalties", "12345678901234567890123456789012")))
    out["xlsx-date-out-of-range.xlsx"] = _book(_date_cell_sheet("99999999999"))
    out["xlsx-date-negative.xlsx"] = _book(_date_cell_sheet("-5"))
    out["xlsx-date-inf.xlsx"] = _book(_date_cell_sheet("1e309"))
    out["xlsx-markup-rtl.xlsx"] = _book(_sheet_xml(_rows_with("unit", "[bold]北湖街道" + HOSTILE)))
    out["xlsx-formula-uncalculated.xlsx"] = _book(
        _sheet_xml(_clean_rows()).replace(b'<c r="N2"><v>', b'<c r="N2"><f>1/0</f><v>')
    )
    out["xlsx-shared-string-missing.xlsx"] = _book(
        _sheet_xml(_clean_rows()).replace(
            b'<c r="A2" t="inlineStr"><is><t>', b'<c r="A2" t="s"><v>999</v><is><t>'
        )
    )
    out["xlsx-bad-xml.xlsx"] = _book(_sheet_xml(_clean_rows())[:-200])
    out["xlsx-xml-entity-bomb.xlsx"] = _book(
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;'
        b'&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'
        b'&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol4;</t></is></c></row></sheetData></worksheet>'
    )
    wb = _base_parts()["xl/workbook.xml"]
    out["xlsx-no-sheets.xlsx"] = _book(
        None, xl__workbook_xml=re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", wb)
    )
    out["xlsx-missing-sheet-part.xlsx"] = _book(None)
    out["xlsx-active-tab-huge.xlsx"] = _book(
        _sheet_xml(_clean_rows()),
        xl__workbook_xml=wb.replace(b'activeTab="0"', b'activeTab="' + b"9" * 5000 + b'"'),
    )
    out["xlsx-empty-sheet.xlsx"] = _book(
        b'<?xml version="1.0"?><worksheet '
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData/></worksheet>"
    )
    # regression (issue 14 part 6): one far cell in a sheet whose <dimension> is small made
    # calamine allocate 150 TB and abort the process; the same with quotes and case XML allows
    out["xlsx-far-cell-small-dimension.xlsx"] = _book(
        _sheet_xml(
            _clean_rows(),
            extra_rows='<row r="9999999"><c r="ZZZZ9999999" t="inlineStr"><is><t>x</t></is></c></row>',
        )
    )
    out["xlsx-far-cell-single-quotes.xlsx"] = _book(
        _sheet_xml(
            _clean_rows(),
            extra_rows="<row r='1048576'><c r = 'xfd1048576' t='inlineStr'><is><t>x</t></is></c></row>",
        )
    )
    # regression: a merged range with a 5,000-digit row number (int() refused it: ValueError)
    out["xlsx-merge-huge-digits.xlsx"] = _book(
        _sheet_xml(
            _clean_rows(), after=f'<mergeCells count="1"><mergeCell ref="A1:B{"9" * 5000}"/></mergeCells>'
        )
    )
    # regression: a merge written with single quotes and another attribute first, in a workbook
    # with a formula (so openpyxl, which makes an object per merged cell, reads it)
    out["xlsx-merge-quoted-with-formula.xlsx"] = _book(
        _sheet_xml(
            _clean_rows(), after="<mergeCells count='1'><mergeCell ref='A20:XFD1048576'/></mergeCells>"
        ).replace(b'<c r="N2"><v>', b'<c r="N2"><f>1+1</f><v>')
    )
    # an Excel file saved with a password is an OLE compound file (CFB), not a zip
    out["xlsx-encrypted-ole.xlsx"] = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + b"\x3e\x00\x03\x00\xfe\xff"
        + b"\x09\x00\x06\x00"
        + b"\x00" * 470
        + "EncryptedPackage".encode("utf-16-le")
        + b"\x00" * 1000
    )
    out["xlsx-encrypted-in-zip.xlsx"] = _encrypted_member(_book(_sheet_xml(_clean_rows())))
    out["xlsx-zip-not-xlsx.xlsx"] = _zip({"readme.txt": b"just a zip", "data/a.csv": lines.encode()})
    out["xlsx-truncated-zip.xlsx"] = _book(_sheet_xml(_clean_rows()))[:700]
    out["xlsx-truncated-end.xlsx"] = _book(_sheet_xml(_clean_rows()))[:-30]
    out["xlsx-bad-crc.xlsx"] = _corrupt_member(_book(_sheet_xml(_clean_rows())), "xl/worksheets/sheet1.xml")
    out["xlsx-csv-inside.xlsx"] = lines.encode()
    out["xlsx-pdf-bytes.xlsx"] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 200
    out["xlsm-clean.xlsm"] = _book(_sheet_xml(_clean_rows()))
    # a zip that unzips to much more than it holds (the zip bound refuses over HAZCHECK_MAX_XLSX_BYTES)
    out["xlsx-zip-claims-4gb.xlsx"] = _claimed_size(_book(_sheet_xml(_clean_rows()), xl__media__big_bin=b"x"))
    out["xlsx-zip-of-zeros.xlsx"] = _book(_sheet_xml(_clean_rows()), xl__media__zeros_bin=b"\x00" * 8_000_000)
    return out


def write(target: Path = CORPUS) -> list[Path]:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    made = []
    for name, content in sorted(cases().items()):
        path = target / name
        if callable(content):
            content(path)
        else:
            if len(content) > MAX_BYTES:
                raise SystemExit(f"{name}: {len(content)} bytes, over the corpus limit of {MAX_BYTES}")
            path.write_bytes(content)
        made.append(path)
    return made


if __name__ == "__main__":
    made = write(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)
    print(f"{len(made)} corpus entries in {made[0].parent}")
