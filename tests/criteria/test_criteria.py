"""Bundled criteria load, have the official shape, and every item fires on its own facts only.

Each case is a hand-made fact set for which the item must hold, plus near misses (one or two
facts changed, or removed) for which it must not. Facts are written by Chinese name for
readability and evaluated keyed by fact key, as the engine does.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from engine.errors import RuleFileError
from engine.load.criteria import CriteriaSet, NoStandardInForce, load_criteria
from engine.paths import bundled

STD = "gongmao-2023"
T, F = True, False


@pytest.fixture(scope="module")
def cs() -> CriteriaSet:
    return load_criteria(bundled("criteria"))


# --------------------------------------------------------------------------- shape


def test_bundled_criteria_load_with_64_items(cs: CriteriaSet) -> None:
    items = cs.items(STD)
    assert len(items) == 64
    counts = Counter(i.item.article for i in items)
    assert counts == {
        "第三条": 3, "第四条": 8, "第五条": 13, "第六条": 8, "第七条": 7, "第八条": 7,
        "第九条": 2, "第十条": 2, "第十一条": 10, "第十二条": 2, "第十三条": 2,
    }
    families = {i.item.article: i.item.family for i in items}
    assert families["第四条"] == "冶金" and families["第十一条"] == "粉尘防爆"


def test_standard_header(cs: CriteriaSet) -> None:
    std = cs.standard(STD)
    assert std.number == "应急管理部令第10号"
    assert std.effective_from == "2023-05-15" and std.effective_to is None
    assert std.supersedes == ("gongmao-2017",)
    assert std.coverage == "complete" and std.item_count == 64
    assert set(std.scope.sectors) == {"冶金", "有色", "建材", "机械", "轻工", "纺织", "烟草", "商贸"}
    assert {p.topic for p in std.precedence} == {"危险化学品", "消防", "燃气", "特种设备"}
    assert "第十四条" in {g.ref for g in std.general_clauses}


def test_items_per_sector_are_gated_by_sector(cs: CriteriaSet) -> None:
    gates = {i.item.article: i.item.applies_when for i in cs.items(STD)}
    assert gates["第三条"] is None
    assert gates["第四条"] == "行业 == '冶金'"
    assert gates["第十一条"] == "存在粉尘爆炸危险"


def test_unverified_items_say_why(cs: CriteriaSet) -> None:
    items = cs.items(STD)
    unverified = [i for i in items if not i.item.verified]
    assert unverified and all(i.item.note for i in unverified)
    # 第三条, 第六条, 第十条, 第十二条 are cross-checked in the notes; 第八条, 第九条 are single-source.
    by_article = {a: [i.item.verified for i in items if i.item.article == a]
                  for a in ("第三条", "第六条", "第八条")}
    assert all(by_article["第三条"]) and all(by_article["第六条"]) and not any(by_article["第八条"])


def test_vocabulary_is_tidy(cs: CriteriaSet) -> None:
    used = {f.key for sid in cs.standards for i in cs.items(sid) for f in i.fields}
    assert [f.name for f in cs.vocabulary.facts if f.key not in used and not f.context] == []
    for f in cs.vocabulary.facts:
        if f.device:  # 第十四条: a failed device counts as absent, so devices are "有效" facts
            assert f.type == "bool" and f.name.endswith("有效"), f.name
        if f.type == "number":
            assert f.unit
    assert cs.vocabulary.get("水封最高封堵煤气压力").unit == "kPa"


def test_in_force(cs: CriteriaSet) -> None:
    assert cs.in_force("冶金", "2023-05-15").id == STD
    assert cs.in_force("商贸", date(2025, 1, 1)).id == STD
    assert cs.in_force("gongmao", "2024-06-30").id == STD
    assert cs.in_force("冶金", "2023-05-14").id == "gongmao-2017"  # the edition before
    with pytest.raises(NoStandardInForce, match="gongmao-2017"):
        cs.in_force("冶金", "2017-11-29")
    with pytest.raises(NoStandardInForce):
        cs.in_force("危险废物", "2024-01-01")


# --------------------------------------------------------------------------- items fire on their facts
# Positive and near-miss findings for every item live in cases/criteria/
# (run by tests/criteria/test_criteria_cases.py).


def _keyed(cs: CriteriaSet, named: dict[str, Any]) -> dict[str, Any]:
    return {cs.vocabulary.get(k).key: v for k, v in named.items() if v is not None}


def test_a_finding_matches_only_its_sector_items(cs: CriteriaSet) -> None:
    """A 冶金 water finding matches 第四条第(二)项 and nothing else (有色 needs 非生产性, 机械 a sector)."""
    facts = _keyed(cs, {"行业": "冶金", "生产期间": T, "积水": T, "积水为非生产性": T, "场所": "事故坑"})
    assert [i.ref for i in cs.items(STD) if i.holds(facts)] == ["第四条第(二)项"]


# --------------------------------------------------------------------------- broken files

FACTS = """\
facts:
  - key: sector
    name: 行业
    type: text
    values: [冶金, 有色]
    doc: 行业
  - key: water
    name: 积水
    type: bool
    doc: 有积水
  - key: pressure
    name: 压力
    type: number
    unit: kPa
    doc: 压力
"""

STANDARD = """\
standard:
  id: demo-2023
  family: demo
  title: 示例标准
  number: 示例令第1号
  issuer: 示例部
  effective_from: 2023-05-15
  scope:
    sectors: [冶金]
  coverage: complete
items:
  - ref: 第一条第(一)项
    family: 冶金
    applies_when: 行业 == '冶金'
    summary: 有积水
    holds_when: 积水
    mentions: [积水]
    verified: true
  - ref: 第一条第(二)项
    family: 冶金
    applies_when: 行业 == '冶金'
    summary: 压力低
    holds_when: 压力 < 30
    mentions: [压力]
    verified: false
    note: 仅一个来源
"""


def _line(text: str, needle: str, occurrence: int = 1) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def _folder(tmp_path: Path, standard: str, facts: str = FACTS, name: str = "demo-2023.yaml") -> Path:
    (tmp_path / "facts").mkdir(exist_ok=True)
    (tmp_path / "facts" / "facts.yaml").write_text(facts, encoding="utf-8")
    (tmp_path / name).write_text(standard, encoding="utf-8")
    return tmp_path


def _error(folder: Path) -> RuleFileError:
    with pytest.raises(RuleFileError) as info:
        load_criteria(folder)
    return info.value


def test_minimal_folder_loads(tmp_path: Path) -> None:
    cs = load_criteria(_folder(tmp_path, STANDARD))
    item = cs.item("demo-2023", "第一条第(二)项")
    assert item.item.article == "第一条"
    assert item.holds({"sector": "冶金", "pressure": 29})
    assert not item.holds({"sector": "冶金", "pressure": 30})
    assert not item.holds({"sector": "冶金"})  # an unrecorded fact never makes an item hold


def test_unknown_fact_in_condition(tmp_path: Path) -> None:
    text = STANDARD.replace("holds_when: 压力 < 30", "holds_when: 压强 < 30")
    err = _error(_folder(tmp_path, text))
    line = err.one_line()
    assert f"demo-2023.yaml:{_line(text, '压强 < 30')}" in line
    assert "“压强”" in line and "holds_when" in line
    assert err.hint and "压力" in err.hint


def test_unknown_fact_in_gate(tmp_path: Path) -> None:
    text = STANDARD.replace("applies_when: 行业 == '冶金'", "applies_when: 行当 == '冶金'")
    err = _error(_folder(tmp_path, text))
    assert f"demo-2023.yaml:{_line(text, '行当')}" in err.one_line()
    assert "applies_when" in err.one_line()


def test_value_not_in_vocabulary(tmp_path: Path) -> None:
    text = STANDARD.replace("applies_when: 行业 == '冶金'", "applies_when: 行业 == '冶炼'")
    err = _error(_folder(tmp_path, text))
    assert f"demo-2023.yaml:{_line(text, '冶炼')}" in err.one_line()
    assert "冶炼" in err.one_line()


def test_type_error_in_condition(tmp_path: Path) -> None:
    text = STANDARD.replace("holds_when: 积水", "holds_when: 积水 > 3")
    err = _error(_folder(tmp_path, text))
    assert f"demo-2023.yaml:{_line(text, '积水 > 3')}" in err.one_line()


def test_syntax_error_in_condition(tmp_path: Path) -> None:
    text = STANDARD.replace("holds_when: 压力 < 30", "holds_when: 压力 = 30")
    err = _error(_folder(tmp_path, text))
    assert f"demo-2023.yaml:{_line(text, '压力 = 30')}" in err.one_line()
    assert "==" in err.one_line()


def test_duplicate_ref(tmp_path: Path) -> None:
    text = STANDARD.replace("ref: 第一条第(二)项", "ref: 第一条第(一)项")
    err = _error(_folder(tmp_path, text))
    assert f"demo-2023.yaml:{_line(text, 'ref: 第一条第(一)项', 2)}" in err.one_line()
    assert f"第 {_line(text, 'ref: 第一条第(一)项')} 行" in err.one_line()


def test_bad_date(tmp_path: Path) -> None:
    text = STANDARD.replace("effective_from: 2023-05-15", "effective_from: 2023-02-30")
    err = _error(_folder(tmp_path, text))
    assert f"demo-2023.yaml:{_line(text, 'effective_from')}" in err.one_line()
    assert "standard.effective_from" in err.one_line()


def test_date_in_wrong_format(tmp_path: Path) -> None:
    text = STANDARD.replace("effective_from: 2023-05-15", "effective_from: 2023/5/15")
    err = _error(_folder(tmp_path, text))
    assert f"demo-2023.yaml:{_line(text, 'effective_from')}" in err.one_line()
    assert "YYYY-MM-DD" in err.one_line()


def test_unknown_key_in_item(tmp_path: Path) -> None:
    text = STANDARD.replace("    mentions: [压力]", "    mention: [压力]")
    err = _error(_folder(tmp_path, text))
    assert f"demo-2023.yaml:{_line(text, 'mention: [压力]')}" in err.one_line()
    assert "items[1].mention" in err.one_line()
    assert err.hint == "是否指 mentions"


def test_unknown_key_in_standard(tmp_path: Path) -> None:
    text = STANDARD.replace("  issuer: 示例部", "  issuer: 示例部\n  publisher: 示例部")
    err = _error(_folder(tmp_path, text))
    assert f"demo-2023.yaml:{_line(text, 'publisher')}" in err.one_line()


def test_unverified_item_needs_note(tmp_path: Path) -> None:
    text = STANDARD.replace("    note: 仅一个来源\n", "")
    err = _error(_folder(tmp_path, text))
    # The error is about the second item: points at that item's first line.
    assert f"demo-2023.yaml:{_line(text, 'ref: 第一条第(二)项')}" in err.one_line()


def test_article_gate_must_agree(tmp_path: Path) -> None:
    text = STANDARD.replace("applies_when: 行业 == '冶金'", "applies_when: 行业 == '有色'", 1)
    err = _error(_folder(tmp_path, text))
    assert f"demo-2023.yaml:{_line(text, 'applies_when', 2)}" in err.one_line()


def test_item_count_mismatch(tmp_path: Path) -> None:
    text = STANDARD.replace("  coverage: complete", "  coverage: complete\n  item_count: 3")
    err = _error(_folder(tmp_path, text))
    assert f"demo-2023.yaml:{_line(text, 'item_count')}" in err.one_line()


def test_partial_needs_missing_items(tmp_path: Path) -> None:
    text = STANDARD.replace("  coverage: complete", "  coverage: partial")
    err = _error(_folder(tmp_path, text))
    assert "missing_items" in err.one_line()
    ok = STANDARD.replace("  coverage: complete", "  coverage: partial\n  missing_items: [第一条第(三)项]")
    cs = load_criteria(_folder(tmp_path, ok))
    assert cs.standard("demo-2023").missing_items == ("第一条第(三)项",)


def test_duplicate_fact_name(tmp_path: Path) -> None:
    facts = FACTS.replace("    name: 压力", "    name: 积水")
    err = _error(_folder(tmp_path, STANDARD, facts))
    assert f"facts.yaml:{_line(facts, 'name: 积水', 2)}" in err.one_line()


def test_number_fact_needs_unit(tmp_path: Path) -> None:
    facts = FACTS.replace("    unit: kPa\n", "")
    err = _error(_folder(tmp_path, STANDARD, facts))
    assert f"facts.yaml:{_line(facts, 'key: pressure')}" in err.one_line()
    assert "unit" in err.one_line()


def test_missing_vocabulary(tmp_path: Path) -> None:
    (tmp_path / "demo-2023.yaml").write_text(STANDARD, encoding="utf-8")
    assert "facts/" in _error(tmp_path).one_line()


# --------------------------------------------------------------------------- editions

OLD = STANDARD.replace("id: demo-2023", "id: demo-2017").replace(
    "effective_from: 2023-05-15",
    "effective_from: 2017-12-01\n  effective_to: 2023-05-14\n  superseded_by: demo-2023")
NEW = STANDARD.replace("  coverage: complete", "  supersedes: demo-2017\n  coverage: complete")


def test_in_force_picks_edition_by_date(tmp_path: Path) -> None:
    _folder(tmp_path, NEW)
    (tmp_path / "demo-2017.yaml").write_text(OLD, encoding="utf-8")
    cs = load_criteria(tmp_path)
    assert cs.in_force("冶金", "2023-05-14").id == "demo-2017"
    assert cs.in_force("冶金", "2023-05-15").id == "demo-2023"
    assert cs.in_force("demo", date(2018, 1, 1)).id == "demo-2017"
    with pytest.raises(NoStandardInForce):
        cs.in_force("demo", "2017-11-30")


def test_overlapping_editions(tmp_path: Path) -> None:
    _folder(tmp_path, NEW)
    old = OLD.replace("effective_to: 2023-05-14", "effective_to: 2023-05-15")
    (tmp_path / "demo-2017.yaml").write_text(old, encoding="utf-8")
    err = _error(tmp_path)
    assert f"demo-2023.yaml:{_line(NEW, 'effective_from')}" in err.one_line()
    assert "重叠" in err.one_line()


def test_supersession_must_agree(tmp_path: Path) -> None:
    _folder(tmp_path, STANDARD)  # demo-2023 does not list demo-2017 in supersedes
    (tmp_path / "demo-2017.yaml").write_text(OLD, encoding="utf-8")
    err = _error(tmp_path)
    assert f"demo-2017.yaml:{_line(OLD, 'superseded_by')}" in err.one_line()


def test_duplicate_standard_id(tmp_path: Path) -> None:
    _folder(tmp_path, STANDARD)
    (tmp_path / "demo-copy.yaml").write_text(STANDARD, encoding="utf-8")
    err = _error(tmp_path)
    assert f"demo-copy.yaml:{_line(STANDARD, 'id: demo-2023')}" in err.one_line()


def test_fact_registered_in_two_vocabulary_files(tmp_path: Path) -> None:
    folder = _folder(tmp_path, STANDARD)
    other = "facts:\n  - key: wet\n    name: 压力\n    type: bool\n    doc: 重复的名称\n"
    (folder / "facts" / "zz.yaml").write_text(other, encoding="utf-8")
    line = err_line = _error(folder).one_line()
    assert "zz.yaml:3" in line and "facts.yaml:" in err_line


def test_engine_field_names_are_reserved(tmp_path: Path) -> None:
    facts = FACTS.replace("key: pressure", "key: seq")
    err = _error(_folder(tmp_path, STANDARD, facts))
    assert "seq" in err.one_line() and "引擎" in err.one_line()


NOTES = Path(__file__).resolve().parents[3] / "shared" / "reference" / "criteria"


@pytest.mark.skipif(not NOTES.is_dir(), reason="research notes (../shared) not beside the checkout")
def test_summaries_are_our_own_words(cs: CriteriaSet) -> None:
    """Summaries are written here, not pasted from the research notes (which quote the texts)."""
    notes = "".join(p.read_text(encoding="utf-8") for p in NOTES.glob("*.md"))
    pasted = [f"{sid} {it.ref}" for sid in cs.standards for it in cs.items(sid) if it.item.summary in notes]
    assert pasted == []
