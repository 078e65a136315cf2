"""Property tests (issue 14, part 6): whatever the text, each reader, loader and the condition
parser fails only in its own words.

* the condition parser raises only ExprSyntaxError, and resolving what it parsed only
  ExprTypeError;
* csv/json/yaml/xlsx bytes through the readers (returns, ledgers, findings) raise only
  HazcheckError (InputError), naming the file;
* criteria, facts, forms, checks, schedules and the other rule files, mutated, through their
  loaders raise only RuleFileError, naming the file.

Inputs are drawn around real ones (the bundled files and tests/fuzz/corpus, mutated) so that
most examples get past the first check. ``max_examples`` is kept small: the folder runs well
under a minute on two cores; the atheris harness (fuzz_targets.py, ``make fuzz``) goes deeper.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from engine.errors import HazcheckError, InputError, RuleFileError
from engine.expr.nodes import Field
from engine.expr.normalize import ExprTypeError, normalize
from engine.expr.parse import ExprSyntaxError, parse
from tests.fuzz import make_corpus

ROOT = Path(__file__).resolve().parents[2]
CORPUS = make_corpus.CORPUS
FAST = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FEW = settings(FAST, max_examples=40)


def _seeds(*suffixes: str) -> list[bytes]:
    return [
        p.read_bytes()
        for p in sorted(CORPUS.iterdir())
        if p.is_file() and p.suffix in suffixes and p.stat().st_size < 6000
    ]


@contextmanager
def _file(name: str, data: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield path


def _note(what: str) -> None:
    if currently_in_test_context():  # outside a property (a plain check) there is nothing to count
        event(what)


def _only(
    errors: tuple[type[BaseException], ...], run: Callable[[], object], file: Path | None = None
) -> None:
    """``run()`` returns, or raises one of ``errors``; a HazcheckError names ``file`` in one line."""
    try:
        run()
        _note("accepted")
    except errors as exc:
        _note(f"refused: {type(exc).__name__} {str(exc)[:6]}")
        if isinstance(exc, HazcheckError):
            line = exc.one_line()
            assert "\n" not in line, line
            if file is not None and exc.file is not None:
                assert file.name in exc.file, line


# ----------------------------------------------------------------------------- mutations

_YAML_BYTES = [
    b"&a ",
    b"*a",
    b"!!binary ",
    b"!!set ",
    b"? ",
    b": ",
    b"- ",
    b"[",
    b"]",
    b"{",
    b"}",
    b"\t",
    b"\x00",
    b"|\n",
    b">-\n",
    b"'",
    b'"',
    b"---\n",
    b"...\n",
    b"<<: *a\n",
    b"#",
    b"\n  ",
    b"1e309",
    b".nan",
    b"9" * 40,
    b"~",
    b"\xef\xbb\xbf",
    b"\xff",
    b"\\u202e",
    b"[bold]",
    b"\r",
]
_CSV_BYTES = [
    b",",
    b";",
    b"\t",
    b'"',
    b'""',
    b"\n",
    b"\r\n",
    b"\r",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"1e309",
    b"NaN",
    b"-",
    b"9" * 32,
    b"\xe7\x94\xb2",
    b"\xd5\xc5",
    "\u202e".encode(),
    b"=",
]
_JSON_BYTES = [
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b'"',
    b"\\",
    b"\\ud800",
    b"true",
    b"null",
    b"NaN",
    b"1e309",
    b"-Infinity",
    b"9" * 40,
    b"\x00",
    b" ",
]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes], pieces: list[bytes]) -> bytes:
    """A seed with a few edits: a piece inserted, a span deleted or duplicated, a byte changed."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["insert", "delete", "dup", "byte", "truncate"]))
        if op == "insert":
            data[at:at] = draw(st.sampled_from(pieces))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        elif op == "dup":
            data[at:at] = data[at : at + draw(st.integers(1, 64))] * draw(st.integers(1, 8))
        elif op == "byte" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[at:]
    return bytes(data)


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([2**63 - 1, 10**32, -1, 0]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "是",
            "否",
            "若干",
            "[bold]x[/]",
            "若干[/]",
            "\u202e",
            "\x00",
            "2024-02-30",
            "9999-99-99",
            "1e309",
            "一",
            "甲镇",
            "累计",
            "北湖街道",
            "重大隐患",
            "一般",
        ]
    ),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(st.text(max_size=8), st.integers()), inner, max_size=3),
    ),
    max_leaves=6,
)


# ----------------------------------------------------------------------------- condition parser

_TOKENS = [
    "a",
    "b",
    "积水",
    "场所",
    "行政处罚.罚款金额",
    "`任意 名称`",
    "1",
    "0",
    "2.5",
    "'事故坑'",
    '"文字"',
    "true",
    "false",
    "是",
    "否",
    "and",
    "or",
    "not",
    "且",
    "或",
    "非",
    "in",
    "属于",
    "==",
    "!=",
    ">",
    ">=",
    "<",
    "<=",
    "=",
    "+",
    "-",
    "*",
    "/",
    "(",
    ")",
    "[",
    "]",
    ",",
    "（",
    "）",
    "【",
    "】",
    "，",
    "＝＝",
    "≥",
    "≤",
    "≠",
    " ",
    "　",
    "\t",
    "'",
    '"',
    "`",
    "!",
    "@",
    "1.",
    ".5",
    "0x1",
    "\x00",
    "\u202e",
]
_EXPR_ERRORS = (ExprSyntaxError, ExprTypeError)
_ATOMS = st.sampled_from(
    [
        "a",
        "b",
        "积水",
        "场所",
        "行政处罚.罚款金额",
        "`任意 名称`",
        "1",
        "0",
        "2.5",
        "'事故坑'",
        "true",
        "是",
        "否",
        '"文字"',
        "-1",
    ]
)
_OPS = st.sampled_from(
    ["==", "!=", ">", ">=", "<", "<=", "+", "-", "*", "/", "and", "or", "且", "或", "＝＝", "≥", "≠"]
)
_CONDITIONS = st.recursive(
    _ATOMS,
    lambda inner: st.one_of(
        st.builds(lambda a, op, b: f"{a} {op} {b}", inner, _OPS, inner),
        inner.map(lambda x: f"({x})"),
        inner.map(lambda x: f"（{x}）"),
        inner.map(lambda x: f"not {x}"),
        inner.map(lambda x: f"-{x}"),
        st.builds(
            lambda a, opts: f"{a} in [{', '.join(opts)}]", inner, st.lists(inner, min_size=1, max_size=3)
        ),
    ),
    max_leaves=8,
)


def _resolve(name: str) -> Field:
    kind = ("number", "text", "bool")[sum(map(ord, name)) % 3]
    return Field(name, kind)


def _parse_and_normalize(text: str) -> None:
    normalize(parse(text), _resolve)


@FAST
@given(st.text(max_size=60))
def test_the_parser_on_any_text(text: str) -> None:
    _only(_EXPR_ERRORS, lambda: _parse_and_normalize(text))


@settings(FAST, max_examples=150)
@given(st.lists(st.sampled_from(_TOKENS), max_size=25))
def test_the_parser_on_token_soup(tokens: list[str]) -> None:
    _only(_EXPR_ERRORS, lambda: _parse_and_normalize(" ".join(tokens)))
    _only(_EXPR_ERRORS, lambda: _parse_and_normalize("".join(tokens)))


@settings(FAST, max_examples=200)
@given(text=_CONDITIONS, cut=st.integers(0, 40), piece=st.sampled_from(["", *_TOKENS]))
def test_the_parser_on_conditions_nearly_right(text: str, cut: int, piece: str) -> None:
    _only(_EXPR_ERRORS, lambda: _parse_and_normalize(text))  # as generated
    _only(_EXPR_ERRORS, lambda: _parse_and_normalize(text[:cut] + piece + text[cut:]))  # one token wrong


_DEEP = [("(" * 3000 + "a > 1" + ")" * 3000), "-" * 3000 + "a > 1", "not " * 3000 + "a", "a > " + "9" * 5000,
         "a" + " + a" * 5000 + " > 1", "a > 1" + " and a > 1" * 5000]


@pytest.mark.parametrize("text", _DEEP, ids=["parentheses", "minus", "not", "digits", "long-sum", "long-and"])
def test_the_parser_on_deep_nesting_and_long_numbers(text: str) -> None:
    """Past the nesting or digit limit the parser says so at a column; a long flat chain either
    parses and normalizes or is refused the same way — never RecursionError or ValueError."""
    _only((ExprSyntaxError, ExprTypeError), lambda: _parse_and_normalize(text))


def test_the_parser_names_the_column_of_the_level_past_the_limit() -> None:
    from engine.expr.parse import MAX_DIGITS, MAX_NESTING

    with pytest.raises(ExprSyntaxError) as deep:
        parse("(" * (MAX_NESTING + 5) + "a > 1" + ")" * (MAX_NESTING + 5))
    assert deep.value.column == MAX_NESTING + 1 and "层" in str(deep.value)
    parse("(" * MAX_NESTING + "a > 1" + ")" * MAX_NESTING)  # at the limit: still a condition
    with pytest.raises(ExprSyntaxError) as digits:
        parse("a > " + "9" * (MAX_DIGITS + 1))
    assert digits.value.column == 5


# ----------------------------------------------------------------------------- readers


@pytest.fixture(scope="module")
def catalog():
    from engine.catalog import load_catalog

    return load_catalog()


def _read_return(path: Path, catalog) -> None:
    from engine.read import read_submission

    read_submission(path, catalog.forms)


def _read_ledger(path: Path, catalog) -> None:
    from engine.read.ledger import detect_ledger, read_ledger

    detect_ledger(path, catalog.ledgers.values())
    read_ledger(path, catalog.ledgers["hazard-ledger"])


def _read_findings(path: Path, catalog) -> None:
    from engine.read.finding import read_findings

    read_findings(path)


READERS = {"return": _read_return, "ledger": _read_ledger, "findings": _read_findings}


def _through_readers(name: str, data: bytes, catalog, readers: tuple[str, ...] = tuple(READERS)) -> None:
    with _file(name, data) as path:
        for reader in readers:
            _only((InputError,), lambda r=reader: READERS[r](path, catalog), path)


@FAST
@given(data=mutated(_seeds(".csv", ".txt"), _CSV_BYTES), name=st.sampled_from(["r.csv", "r.txt"]))
def test_csv_bytes_through_the_readers(data: bytes, name: str, catalog) -> None:
    _through_readers(name, data, catalog, ("return", "ledger"))


@FAST
@given(data=mutated(_seeds(".json"), _JSON_BYTES))
def test_json_bytes_through_the_readers(data: bytes, catalog) -> None:
    _through_readers("r.json", data, catalog)


@FAST
@given(data=mutated(_seeds(".yaml"), _YAML_BYTES))
def test_yaml_bytes_through_the_readers(data: bytes, catalog) -> None:
    _through_readers("r.yaml", data, catalog)


@FEW
@given(data=st.binary(max_size=300), name=st.sampled_from(["r.csv", "r.json", "r.yaml", "r.xlsx"]))
def test_random_bytes_through_the_readers(data: bytes, name: str, catalog) -> None:
    _through_readers(name, data, catalog)


def _document(form: str) -> st.SearchStrategy[Any]:
    row = st.fixed_dictionaries(
        {
            "unit": _SCALARS,
            "values": st.dictionaries(
                st.sampled_from(
                    ["fines", "penalties", "general_found", "重大隐患/部门排查/排查", "行政处罚.次数", "x"]
                ),
                _VALUES,
                max_size=4,
            ),
        },
        optional={"unit_kind": _SCALARS, "is_total": _VALUES},
    )
    ledger_row = st.dictionaries(
        st.sampled_from(
            [
                "所属镇街",
                "企业名称",
                "行业领域",
                "隐患描述",
                "隐患等级",
                "排查日期",
                "整改期限",
                "整改完成时间",
                "整改资金",
                "是否挂牌督办",
                "事实",
            ]
        ),
        _VALUES,
        min_size=3,
        max_size=8,
    )
    finding = st.dictionaries(
        st.sampled_from(["行业", "发现日期", "事实", "描述", "编号", "企业名称", "sector"]),
        _VALUES,
        max_size=5,
    )
    return st.one_of(
        st.fixed_dictionaries(
            {"form": st.just(form), "rows": st.lists(row, max_size=3)}, optional={"period": _VALUES}
        ),
        st.fixed_dictionaries({"rows": st.lists(ledger_row, min_size=1, max_size=3)}),
        st.fixed_dictionaries({"findings": st.lists(finding, min_size=1, max_size=3)}),
        _VALUES,
    )


@FAST
@given(doc=_document("campaign-2023-table"), fmt=st.sampled_from(["json", "yaml"]))
def test_any_document_through_the_readers(doc: Any, fmt: str, catalog) -> None:
    if fmt == "json":
        data = json.dumps(doc, ensure_ascii=False, default=str).encode()
    else:
        data = yaml.safe_dump(doc, allow_unicode=True).encode()
    _through_readers(f"r.{fmt}", data, catalog)


def _with_sheet(book: bytes, edit: Callable[[bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(book)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info, edit(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    return out.getvalue()


_XML_PIECES = [
    b'<c r="XFD1048576"><v>1</v></c>',
    b'<c r="B3" t="s"><v>99</v></c>',
    b"<f>1/0</f>",
    b"<v>1e309</v>",
    b'<mergeCell ref="A1:XFD1048576"/>',
    b'<mergeCell ref="C2:A1"/>',
    b'<row r="0">',
    b'<row r="1048577">',
    b"</row>",
    b"<c>",
    b'r="AAAA1"',
    b'r="A99999999999999999999"',
    b"&amp;",
    b"&#0;",
    b'<c t="d"><v>x</v></c>',
    b'<c t="e"><v>#DIV/0!</v></c>',
    b'<c s="99"><v>1</v></c>',
    b'<c t="b"><v>2</v></c>',
    b"<is><t>",
    b'<dimension ref="A1:XFD1048576"/>',
]


@st.composite
def sheet_edits(draw: st.DrawFn) -> Callable[[bytes], bytes]:
    spots = draw(
        st.lists(
            st.tuples(st.floats(0, 1), st.sampled_from(_XML_PIECES), st.booleans()), min_size=1, max_size=3
        )
    )

    def edit(xml: bytes) -> bytes:
        """Each piece at the start of a tag, in place of that tag (``cut``) or before it."""
        data = bytearray(xml)
        for where, piece, cut in spots:
            tags = [i for i, ch in enumerate(data) if ch == 0x3C]  # "<"
            at = tags[int(where * (len(tags) - 1))]
            end = data.index(b">", at) + 1 if cut else at
            data[at:end] = piece
        return bytes(data)

    return edit


@FEW
@given(
    seed=st.sampled_from(["xlsx-clean-base.xlsx", "xlsx-markup-rtl.xlsx", "xlsx-formula-uncalculated.xlsx"]),
    edit=sheet_edits(),
)
def test_edited_sheet_xml_through_the_readers(seed: str, edit: Callable[[bytes], bytes], catalog) -> None:
    _through_readers("r.xlsx", _with_sheet((CORPUS / seed).read_bytes(), edit), catalog, ("return", "ledger"))


@FEW
@given(data=mutated(_seeds(".xlsx"), [b"PK\x03\x04", b"PK\x01\x02", b"\x00" * 8, b"\xff" * 4]))
def test_xlsx_bytes_through_the_readers(data: bytes, catalog) -> None:
    _through_readers("r.xlsx", data, catalog, ("return",))


# ----------------------------------------------------------------------------- rule-file loaders


@pytest.fixture(scope="module")
def criteria():
    from engine.load.criteria import load_criteria

    return load_criteria()


def _load_standard(path: Path, cs) -> None:
    from engine.load.criteria import criteria_from_document
    from engine.load.positioned import load_yaml

    criteria_from_document(load_yaml(path), cs.resolver)


def _load_facts(path: Path, cs) -> None:
    from engine.load.criteria import vocabulary_from_document
    from engine.load.positioned import load_yaml

    vocabulary_from_document(load_yaml(path))


def _load_reading(path: Path, cs) -> None:
    from engine.load.criteria import reading_from_document
    from engine.load.positioned import load_yaml

    reading_from_document(load_yaml(path))


def _load_sectors(path: Path, cs) -> None:
    from engine.classify.sectors import sector_words_from_document
    from engine.load.positioned import load_yaml

    sector_words_from_document(load_yaml(path), cs)


def _load_form(path: Path, cs) -> None:
    from engine.load.forms import form_from_file

    form_from_file(path)


def _load_checks(path: Path, cs) -> None:
    from engine.catalog import load_catalog
    from engine.compile.plan import compile_plan
    from engine.load.positioned import load_yaml
    from engine.load.rules import rules_from_document

    rules = rules_from_document(load_yaml(path))
    form = load_catalog().forms["campaign-2023-table"]
    compile_plan([r for r in rules if not r.rule.forms or form.id in r.rule.forms], form)


def _load_kinds(path: Path, cs) -> None:
    from engine.load.factkinds import load_fact_kinds

    load_fact_kinds(path)


def _load_schedule(path: Path, cs) -> None:
    from engine.status.schedule_load import load_schedule

    load_schedule(path)


def _trimmed(path: str, lists: tuple[str, ...] = ("items", "rules", "facts", "sectors")) -> Any:
    """A bundled file's data with its long lists cut to four entries, so each example is quick."""
    data = yaml.load((ROOT / path).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    for key in lists:
        if isinstance(data, dict) and isinstance(data.get(key), list):
            data[key] = data[key][:4]
    if isinstance(data, dict) and isinstance(data.get("standard"), dict):  # no longer all its items
        data["standard"].update(coverage="partial", item_count=None, missing_items=["第九十九条"])
    return data


# loader, the bundled file it reads
LOADERS: dict[str, tuple[Callable[[Path, Any], None], str]] = {
    "standard": (_load_standard, "criteria/gongmao-2023.yaml"),
    "facts": (_load_facts, "criteria/facts/common.yaml"),
    "reading": (_load_reading, "criteria/reading.yaml"),
    "sectors": (_load_sectors, "criteria/sectors.yaml"),
    "form": (_load_form, "rules/forms/campaign-2023-table.yaml"),
    "ledger-form": (_load_form, "rules/forms/penalty-ledger.yaml"),
    "checks": (_load_checks, "rules/checks/campaign-2023.yaml"),
    "fact-kinds": (_load_kinds, "rules/facts.yaml"),
    "schedule": (_load_schedule, "rules/schedules/campaign-2023.yaml"),
}


def _paths(data: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, (*at, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, (*at, i))


@st.composite
def mutated_data(draw: st.DrawFn, data: Any) -> Any:
    """The data with one to three values replaced, keys dropped or added, lists emptied."""
    data = json.loads(json.dumps(data))
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(data))
        path = draw(st.sampled_from(paths))
        parent, key = None, None
        node = data
        for step in path:
            parent, key, node = node, step, node[step]
        op = draw(st.sampled_from(["replace", "drop", "add", "empty", "condition"]))
        if op == "replace" and parent is not None:
            parent[key] = draw(_VALUES)
        elif op == "drop" and parent is not None:
            del parent[key]
        elif op == "add" and isinstance(node, dict):
            node[draw(st.one_of(st.text(max_size=6), st.sampled_from(list(node) or ["x"])))] = draw(_VALUES)
        elif op == "add" and isinstance(node, list):
            node.append(draw(_VALUES))
        elif op == "empty" and isinstance(node, (dict, list)):
            node.clear()
        elif op == "condition" and parent is not None:
            parent[key] = " ".join(draw(st.lists(st.sampled_from(_TOKENS), max_size=8)))
    return data


@pytest.mark.parametrize("loader", list(LOADERS))
def test_mutated_rule_files_through_their_loaders(loader: str, criteria) -> None:
    load, source = LOADERS[loader]
    base = _trimmed(source)

    @FEW
    @given(mutated_data(base))
    def check(data: Any) -> None:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()
        with _file(Path(source).name, text) as path:
            _only((RuleFileError,), lambda: load(path, criteria), path)

    with _file(Path(source).name, yaml.safe_dump(base, allow_unicode=True).encode()) as path:
        _only((RuleFileError,), lambda: load(path, criteria), path)  # the trimmed file itself
    check()


@pytest.mark.parametrize("loader", list(LOADERS))
def test_rule_file_bytes_through_their_loaders(loader: str, criteria) -> None:
    load, source = LOADERS[loader]
    seed = yaml.safe_dump(_trimmed(source), allow_unicode=True, sort_keys=False).encode()
    hostile = [p.read_bytes() for p in sorted(CORPUS.glob("yaml-*.yaml")) if p.stat().st_size < 6000]

    @FEW
    @given(mutated([seed, *hostile], _YAML_BYTES))
    def check(data: bytes) -> None:
        assume(data)
        with _file(Path(source).name, data) as path:
            _only((RuleFileError,), lambda: load(path, criteria), path)

    check()
