"""parse_value: what counts as a number, a blank and an unreadable entry."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.read.numbers import parse_value, raw_text

FULL = str.maketrans("0123456789.-,", "０１２３４５６７８９．－，")


@pytest.mark.parametrize(("raw", "kind", "expected"), [
    (12, "count", (12.0, "ok")),
    (3.5, "amount", (3.5, "ok")),
    ("12", "count", (12.0, "ok")),
    ("  12 ", "count", (12.0, "ok")),
    ("１２", "count", (12.0, "ok")),
    ("３．５", "amount", (3.5, "ok")),
    ("－３", "count", (-3.0, "ok")),
    ("1,234", "count", (1234.0, "ok")),
    ("1，234", "count", (1234.0, "ok")),
    ("12,345,678.25", "amount", (12345678.25, "ok")),
    ("12条", "count", (12.0, "ok")),
    ("12 家次", "count", (12.0, "ok")),
    ("3.5万元", "amount", (3.5, "ok")),
    ("3.5万", "amount", (3.5, "ok")),
    ("0", "count", (0.0, "ok")),
    (None, "count", (None, "blank")),
    ("", "count", (None, "blank")),
    ("   ", "count", (None, "blank")),
    ("—", "count", (None, "blank")),
    ("——", "count", (None, "blank")),
    ("-", "count", (None, "blank")),
    ("－", "count", (None, "blank")),
    ("/", "count", (None, "blank")),
    ("／", "amount", (None, "blank")),
    ("无", "count", (None, "blank")),
    ("空", "count", (None, "blank")),
    ("约10", "count", (None, "unreadable")),
    ("若干", "count", (None, "unreadable")),
    ("十二", "count", (None, "unreadable")),
    ("1.2.3", "count", (None, "unreadable")),
    ("1,23", "count", (None, "unreadable")),
    ("35000元", "amount", (None, "unreadable")),
    ("50%", "count", (None, "unreadable")),
    ("=SUM(B6:B9)", "count", (None, "unreadable")),
    (float("nan"), "count", (None, "unreadable")),
    (object(), "count", (None, "unreadable")),
])
def test_parse_value(raw: object, kind: str, expected: tuple[float | None, str]) -> None:
    assert parse_value(raw, kind) == expected


@pytest.mark.parametrize("raw", ["是", "有", "√", "✓", "Y", "yes", "YES", "1", 1, True])
def test_flag_yes(raw: object) -> None:
    assert parse_value(raw, "flag") == (1.0, "ok")


@pytest.mark.parametrize("raw", ["否", "无", "×", "✗", "N", "no", "0", 0, False])
def test_flag_no(raw: object) -> None:
    assert parse_value(raw, "flag") == (0.0, "ok")


@pytest.mark.parametrize(("raw", "expected"), [
    ("-", (None, "blank")), ("", (None, "blank")), ("也许", (None, "unreadable")),
    (2, (None, "unreadable")),
])
def test_flag_other(raw: object, expected: tuple[float | None, str]) -> None:
    assert parse_value(raw, "flag") == expected


@pytest.mark.parametrize(("raw", "text"), [
    (None, ""), (12, "12"), (12.0, "12"), (3.5, "3.5"), ("１２ 条", "１２ 条"), (True, "True"),
])
def test_raw_text_keeps_what_was_written(raw: object, text: str) -> None:
    assert raw_text(raw) == text


def _render(n: str, full: bool, comma: str) -> str:
    text = n.replace(",", comma)
    return text.translate(FULL) if full else text


@given(st.integers(min_value=-10**12, max_value=10**12), st.booleans(), st.booleans(),
       st.sampled_from([",", "，"]))
def test_integers_round_trip(n: int, grouped: bool, full: bool, comma: str) -> None:
    text = _render(f"{n:,}" if grouped else str(n), full, comma)
    assert parse_value(text, "count") == (float(n), "ok")


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 4),
       st.booleans(), st.booleans())
def test_floats_round_trip(x: float, places: int, grouped: bool, full: bool) -> None:
    plain = f"{x:.{places}f}"
    text = _render(f"{x:,.{places}f}" if grouped else plain, full, ",")
    assert parse_value(text, "amount") == (float(plain), "ok")


@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12)),
       st.sampled_from(["count", "amount", "flag"]))
def test_never_raises(raw: object, kind: str) -> None:
    value, status = parse_value(raw, kind)
    assert status in ("ok", "blank", "unreadable")
    assert (value is None) == (status != "ok")
