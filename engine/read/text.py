"""Text clean-up shared by the readers: labels, unit words, unit names, periods.

Returns are typed by hand in Excel, so the same label arrives with full-width brackets,
stray spaces, line breaks inside cells and a unit tacked on in brackets. Everything that
compares text goes through these helpers so all readers agree on what "the same" means.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from engine.errors import InputError, escape_breaks

# Measure units seen in header "unit rows" and in brackets after labels.
UNIT_WORDS: frozenset[str] = frozenset({
    "条", "项", "件", "起", "处", "家", "家次", "户", "次", "人", "人次", "名", "个", "个次",
    "场", "场次", "万元", "元", "万", "是/否", "是否", "%", "份", "篇", "期", "座", "所",
    "台", "辆", "艘", "天", "小时",
})

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({c: '"' for c in "“”„‟＂「」『』〝〞'‘’‚‛"})
_BRACKETS = str.maketrans({"【": "[", "】": "]", "〔": "(", "〕": ")", "［": "[", "］": "]"})
_TRAILING_BRACKET = re.compile(r"[(\[]([^()\[\]]*)[)\]]$")
_CN_NUM = "一二三四五六七八九十"
_ORDINAL = re.compile(
    rf"^(?:第[{_CN_NUM}\d]+(?:部分|项|条)[、.:]?|[{_CN_NUM}]+[、.]|\([{_CN_NUM}\d]+\)[、.]?"
    rf"|\d+(?:[、.](?!\d)|\))|[①-⑳])"
)
SECTION_ORDINAL = re.compile(rf"^(?:第[{_CN_NUM}]+部分|[{_CN_NUM}]+[、.]|\([{_CN_NUM}]+\))")


def squash(text: str) -> str:
    """NFKC-fold and drop every whitespace character (spaces, newlines, U+3000)."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def unit_word(text: str) -> str | None:
    """The unit if ``text`` is a bare measure unit (``条``, ``（万元）``, ``单位：家次``)."""
    t = re.sub(r"^(?:计量)?单位:", "", squash(text).translate(_BRACKETS).strip("()[]"))
    return t if t in UNIT_WORDS else None


def is_unit_word(text: str) -> bool:
    return unit_word(text) is not None


def split_unit(label: str) -> tuple[str, str | None]:
    """Split ``"罚款金额（万元）"`` into ``("罚款金额", "万元")``; non-unit brackets stay.

    Only a bracket whose content is a known unit word is removed, so labels such as
    ``帮扶指导重点县区(镇街)`` keep their meaningful bracket.
    """
    t = squash(label).translate(_QUOTES).translate(_BRACKETS)
    m = _TRAILING_BRACKET.search(t)
    if m:
        inner = re.sub(r"^(?:计量)?单位:", "", m.group(1))
        if inner in UNIT_WORDS:
            return t[: m.start()], inner
    return t, None


def normalise_label(label: object) -> str:
    """Canonical label text: no spaces, half-width brackets, one quote style, no unit.

    Also drops a leading ordinal (``一、``, ``(二)``, ``3.``) and colons, so
    ``其中：已整改（项）`` and ``其中已整改`` compare equal.
    """
    if label is None:
        return ""
    t, _ = split_unit(str(label))
    t = t.replace(":", "")
    prev = None
    while prev != t:
        prev, t = t, _ORDINAL.sub("", t, count=1)
    return t


def segment_key(label: str) -> str:
    """Comparison key of one header segment: normalised, quotes and a leading 其中 dropped.

    ``其中`` ("of which") is presentation: ``已整改`` and ``其中：已整改`` name the same thing.
    """
    t = normalise_label(label).replace('"', "")
    if t.startswith("其中") and len(t) > 2:
        t = t[2:]
    return t


def clean_unit_name(raw: object) -> str:
    """A unit name as written, minus the line breaks and spaces Excel users insert."""
    if raw is None:
        return ""
    return _SPACE.sub("", str(raw).replace("\u3000", ""))


_DATE = r"(\d{4})\s*(?:年|[-./])\s*(\d{1,2})\s*(?:月|[-./])\s*(\d{1,2})\s*日?"
_DATE_NOYEAR = r"(?:(\d{4})\s*(?:年|[-./])\s*)?(\d{1,2})\s*(?:月|[-./])\s*(\d{1,2})\s*日?"
_RANGE = re.compile(_DATE + r"\s*(?:至|到|[-~—–－～])+\s*" + _DATE_NOYEAR)


def extract_period(text: str) -> str | None:
    """``数据统计区间：2023年5月1日-2023年9月26日`` -> ``2023-05-01~2023-09-26``.

    The second date may omit the year (``2023年5月1日至9月26日``). Impossible dates give None.
    """
    m = _RANGE.search(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    y1, m1, d1, y2, m2, d2 = m.groups()
    y2 = y2 or y1
    parts = [(int(y1), int(m1), int(d1)), (int(y2), int(m2), int(d2))]
    if any(not (1 <= mo <= 12 and 1 <= d <= 31) for _, mo, d in parts):
        return None
    return "~".join(f"{y:04d}-{mo:02d}-{d:02d}" for y, mo, d in parts)


_UNIT_CELL = re.compile(r"(?:填报单位|单位名称|报送单位|单位)[:：]\s*(.*)$", re.S)


def unit_from_text(text: str) -> str | None:
    """The unit named in a cell like ``填报单位：XX镇  填报日期：…``; None if absent or empty.

    ``（盖章）`` and other bracketed notes are dropped; a bare measure unit (``单位：万元``)
    is not a unit name.
    """
    m = _UNIT_CELL.search(text.replace("\u3000", " "))
    if not m:
        return None
    rest = m.group(1).strip()
    rest = re.split(r"\s{2,}|\s+(?=\S+[:：])|\n", rest, maxsplit=1)[0] if rest else ""
    rest = re.sub(r"[（(][^）)]*[）)]", "", rest).strip()
    if not rest or is_unit_word(rest):
        return None
    return clean_unit_name(rest)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def one_line_errors(read: Callable[_P, _R]) -> Callable[_P, _R]:
    """A reader whose InputError stays one line: a key, header or file name from the file may
    hold a line break (a quoted CSV header, a JSON key "\\n"), which the message quotes; each
    becomes its escape (``\\n``) in the message, field, hint and file name."""

    @functools.wraps(read)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return read(*args, **kwargs)
        except InputError as exc:
            for name in ("message", "field", "hint", "file"):
                value = getattr(exc, name)
                if isinstance(value, str):
                    setattr(exc, name, escape_breaks(value))
            raise

    return wrapper
