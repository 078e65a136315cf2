"""Comprehensive determination (综合判定): elements are counted, never matched one by one.

A small pack standard with four elements and a rule "a crowded place with 3 of them" checks
the counting in three-valued logic, on every backend, and the file errors a rule author meets.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import RuleFileError
from engine.jobs import classify_findings
from engine.load.criteria import load_criteria

FACTS = """\
facts:
  - {key: t_crowded, name: 测试人员密集, type: bool, doc: 场所是否人员密集, context: true}
  - {key: t_a, name: 测试要素甲, type: bool, doc: 甲}
  - {key: t_b, name: 测试要素乙, type: bool, doc: 乙}
  - {key: t_c, name: 测试要素丙, type: bool, doc: 丙}
  - {key: t_d, name: 测试要素丁, type: bool, doc: 丁}
  - {key: t_e, name: 测试直接项, type: bool, doc: 戊}
"""

STANDARD = """\
standard:
  id: ceshi-2020
  family: ceshi
  title: 测试综合判定标准
  number: 测试〔2020〕1号
  issuer: 测试
  effective_from: 2020-01-01
  scope: {sectors: [测试行业]}
  coverage: complete
items:
  - {ref: '1.1', article: '1', family: 直接判定, summary: 直接项成立, holds_when: 测试直接项,
     mentions: [直接项], verified: true, checked_against: [甲网站, 乙网站]}
{elements}
combined:
  - ref: '2 a)'
    summary: 人员密集场所存在三条以上要素
    applies_when: 测试人员密集
    elements: ['2.1', '2.2', '2.3', '2.4']
    at_least: 3
    verified: false
    note: 测试用
"""

ELEMENT = ("  - {{ref: '2.{n}', article: '2', family: 综合判定要素, element: true, summary: 要素{w}成立, "
           "holds_when: 测试要素{w}, mentions: [要素{w}], verified: false, note: 测试用}}")


def _pack(tmp_path: Path, *, standard: str = STANDARD) -> Path:
    pack = tmp_path / "pack"
    (pack / "criteria" / "facts").mkdir(parents=True)
    (pack / "criteria" / "facts" / "ceshi.yaml").write_text(FACTS, encoding="utf-8")
    elements = "\n".join(ELEMENT.format(n=n, w=w) for n, w in enumerate("甲乙丙丁", 1))
    (pack / "criteria" / "ceshi-2020.yaml").write_text(standard.replace("{elements}", elements),
                                                        encoding="utf-8")
    return pack


def _classify(pack: Path, backend: str, **facts: str):
    cs = load_criteria(packs=[pack])
    pairs = [f"{k}={v}" for k, v in facts.items()]
    job = classify_findings(facts=pairs, sector="测试行业", day="2021-06-01", backend=backend, criteria=cs)
    return job.results[0]


@pytest.mark.parametrize("backend", ["python", "durable"])
def test_three_elements_in_a_crowded_place_are_a_major_hazard(tmp_path: Path, backend: str) -> None:
    pack = _pack(tmp_path)
    r = _classify(pack, backend, 测试人员密集="是", 测试要素甲="是", 测试要素乙="是", 测试要素丙="是",
                  测试要素丁="否")
    assert r.verdict == "重大"
    assert [m.ref for m in r.matches] == ["2 a)"]  # the rule, not the elements, is the match
    counted = [c.condition for c in r.matches[0].conditions if c.state == "成立"]
    assert sum("要素 2." in c for c in counted) == 3
    assert any("成立 3 条" in reason for reason in r.reasons)


@pytest.mark.parametrize("backend", ["python", "durable"])
def test_one_element_alone_is_below_the_count_and_says_to_count_the_place_together(
        tmp_path: Path, backend: str) -> None:
    """The other elements are other hazards of the place, not unknowns of this finding."""
    pack = _pack(tmp_path)
    r = _classify(pack, backend, 测试人员密集="是", 测试要素甲="是", 测试直接项="否")
    assert r.verdict == "一般" and not r.matches
    assert r.nearest[0].ref == "2 a)" and r.nearest[0].elements == ("2.1",)
    assert any("单独达不到" in reason and "合并计数" in reason for reason in r.reasons)


def test_an_element_spoken_of_but_undecided_keeps_the_count_open(tmp_path: Path) -> None:
    """Two hold and a third is recorded in a way its condition cannot yet settle."""
    pack = _pack(tmp_path)
    text = pack / "criteria" / "ceshi-2020.yaml"
    text.write_text(text.read_text(encoding="utf-8").replace(
        "holds_when: 测试要素丙,", "holds_when: 测试要素丙 and not 测试直接项,"), encoding="utf-8")
    r = _classify(pack, "python", 测试人员密集="是", 测试要素甲="是", 测试要素乙="是", 测试要素丙="是")
    assert r.verdict == "待确认"
    assert r.undecided[0].ref == "2 a)" and any("还差 1 条" in m for m in r.undecided[0].missing)


def test_elements_that_cannot_reach_the_count_give_one_general_hazard(tmp_path: Path) -> None:
    pack = _pack(tmp_path)
    r = _classify(pack, "python", 测试人员密集="是", 测试要素甲="是", 测试要素乙="否", 测试要素丙="否",
                  测试要素丁="是", 测试直接项="否")
    assert r.verdict == "一般"
    assert r.nearest[0].ref == "2 a)"


def test_a_place_of_another_category_is_not_counted(tmp_path: Path) -> None:
    pack = _pack(tmp_path)
    r = _classify(pack, "python", 测试人员密集="否", 测试要素甲="是", 测试要素乙="是", 测试要素丙="是",
                  测试要素丁="是", 测试直接项="否")
    assert r.verdict == "一般"
    assert any("场所类别不符" in reason for reason in r.reasons)


def test_an_unknown_place_category_keeps_a_full_count_open(tmp_path: Path) -> None:
    pack = _pack(tmp_path)
    r = _classify(pack, "python", 测试要素甲="是", 测试要素乙="是", 测试要素丙="是")
    assert r.verdict == "待确认"
    assert "测试人员密集" in r.undecided[0].missing


def test_a_direct_item_beside_elements_is_matched_as_usual(tmp_path: Path) -> None:
    pack = _pack(tmp_path)
    r = _classify(pack, "python", 测试直接项="是", 测试要素甲="是")
    assert r.verdict == "重大" and [m.ref for m in r.matches] == ["1.1"]


ALL = "elements: ['2.1', '2.2', '2.3', '2.4']"


@pytest.mark.parametrize(("change", "message"), [
    ((ALL, "elements: ['2.1', '2.2', '2.3', '2.9']"), "不是本文件 items"),
    ((ALL, "elements: ['2.1', '2.2', '2.3', '1.1']"), "element: true"),
    (("at_least: 3", "at_least: 5"), "at_least"),
    ((ALL, "elements: ['2.1', '2.2', '2.3']"), "没有哪条 combined"),
])
def test_a_wrong_counting_rule_is_an_error_at_its_line(tmp_path: Path, change: tuple[str, str],
                                                        message: str) -> None:
    pack = _pack(tmp_path, standard=STANDARD.replace(*change))
    with pytest.raises(RuleFileError) as exc:
        load_criteria(packs=[pack])
    assert message in exc.value.message and exc.value.file.endswith("ceshi-2020.yaml") and exc.value.line


def test_a_non_production_sector_with_a_standard_is_judged_but_named_as_not_counted(tmp_path: Path) -> None:
    """学校 under the 教育 guide: judged item by item, and said not to count on a return (第3条)."""
    pack = _pack(tmp_path)
    (pack / "criteria" / "sectors.yaml").write_text(
        "sectors:\n  - {production: false, sector: 测试行业, reason: 测试单位不是生产经营单位,"
        " words: [测试学校]}\n",
        encoding="utf-8")
    cs = load_criteria(packs=[pack])
    job = classify_findings(facts=["测试直接项=是"], sector="测试学校", day="2021-06-01", backend="python",
                            criteria=cs)
    r = job.results[0]
    assert r.verdict == "重大" and [m.ref for m in r.matches] == ["1.1"]
    assert any("不计入调度表的重大隐患" in n for n in r.reasons)


GROUPED = STANDARD.replace("combined:\n", """combined:
  - ref: '2 b)'
    summary: 甲乙中至少一条且丙丁两条都成立
    groups:
      - {name: 甲组, elements: ['2.1', '2.2'], at_least: 1}
      - {name: 乙组, elements: ['2.3', '2.4'], at_least: 2}
    verified: false
    note: 测试用
""")


def test_a_rule_counted_in_groups_holds_only_when_every_group_reaches_its_count(tmp_path: Path) -> None:
    pack = _pack(tmp_path, standard=GROUPED)
    r = _classify(pack, "durable", 测试人员密集="否", 测试要素甲="是", 测试要素丙="是", 测试要素丁="是")
    assert r.verdict == "重大" and [m.ref for m in r.matches] == ["2 b)"]
    assert set(r.matches[0].elements) == {"2.1", "2.3", "2.4"}
    r = _classify(pack, "python", 测试人员密集="否", 测试要素甲="是", 测试要素乙="是", 测试要素丙="是",
                  测试要素丁="否", 测试直接项="否")
    assert r.verdict == "一般"  # 乙组 can no longer reach 2
    assert any("甲组成立 2 条" in x and "乙组成立 1 条" in x for x in r.reasons)
