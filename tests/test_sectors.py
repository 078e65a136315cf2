"""Sector words as offices write them: spellings, sub-sectors, 工贸 inference, non-production, errors."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from engine.classify.inputs import finding_input
from engine.classify.run import Classifier
from engine.classify.sectors import SectorWords, load_sector_words, sector_words_from_document, words_for
from engine.classify.select import UnknownSector, select_standards
from engine.errors import InputError, RuleFileError
from engine.evaluate.run import get_backend
from engine.expr.normalize import referenced_fields
from engine.load.criteria import CriteriaSet, load_criteria
from engine.load.positioned import load_yaml
from engine.paths import bundled
from engine.read.finding import RawFinding

ON = date(2024, 7, 1)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cs() -> CriteriaSet:
    return load_criteria(bundled("criteria"))


@pytest.fixture(scope="module")
def words(cs: CriteriaSet) -> SectorWords:
    return load_sector_words(cs=cs)


@pytest.mark.parametrize(("word", "sector"), [
    ("工贸（冶金）", "冶金"), ("工贸(冶金)", "冶金"), ("工贸-冶金", "冶金"), ("钢铁", "冶金"),
    ("冶金", "冶金"),
    ("建筑施工", "房屋市政工程"), ("建筑", "房屋市政工程"), ("建设工程", "房屋市政工程"),
    ("房屋市政", "房屋市政工程"), ("市政", "房屋市政工程"), ("危化", "危险化学品"), ("危化品", "危险化学品"),
    ("化工", "化工"), ("燃气", "城镇燃气"), ("非煤矿山", "金属非金属矿山"), ("民爆", "民用爆炸物品"),
    ("交通运输", "道路运输"), ("消防", "消防"), ("煤矿", "煤矿"), (" 工贸 （ 有色 ）", "有色"),
])
def test_spellings_resolve_to_a_scope_sector(cs: CriteriaSet, words: SectorWords, word: str,
                                            sector: str) -> None:
    m = words.resolve(cs, word)
    assert m.sector == sector and m.production
    sel = select_standards(cs, word, ON, words=words)
    assert sel.sector_value == sector and not sel.skip_sector_gated
    assert any(sector in cs.standard(i).scope.sectors for i in sel.ids)


def test_building_words_select_the_building_standard(cs: CriteriaSet) -> None:
    assert select_standards(cs, "建筑施工", ON).ids == select_standards(cs, "房屋市政工程", ON).ids
    assert select_standards(cs, "建筑施工", ON).ids[0].startswith("fangwu-shizheng")


def test_family_and_standard_ids_keep_working(cs: CriteriaSet) -> None:
    assert select_standards(cs, "gongmao", ON).ids[0] == "gongmao-2023"
    assert select_standards(cs, "gongmao-2023", ON).ids[0] == "gongmao-2023"


def test_sub_sector_sets_its_sector_and_the_sub_sector_fact_where_it_is_a_value(cs: CriteriaSet) -> None:
    liquor = select_standards(cs, "白酒", ON)
    assert (liquor.sector_value, liquor.sub_sector_value) == ("轻工", None)  # 白酒 is not a 细分行业 value
    cement = select_standards(cs, "水泥", ON)
    assert (cement.sector_value, cement.sub_sector_value) == ("建材", "水泥")


def test_baijiu_sector_gives_a_major_hazard_not_missing_sector(cs: CriteriaSet) -> None:
    raw = RawFinding("--fact", facts={"场所": "酒库", "气体": "乙醇蒸气", "固定式气体报警有效": "否"})
    finding = finding_input(cs, raw, default_day=ON, file=None, sector="白酒")
    result = Classifier(cs, get_backend("python")).classify(finding)
    assert result.verdict == "重大", result.reasons
    assert [m.ref for m in result.matches] == ["第八条第(二)项"]


def _gated_articles(cs: CriteriaSet) -> list[str]:
    """Independently of the code under test: articles of 工贸 whose applies_when reads 行业."""
    key = cs.vocabulary.get("行业").key
    return list(dict.fromkeys(it.item.article for it in cs.items("gongmao-2023")
                              if it.gate is not None and key in {f.key for f in referenced_fields(it.gate)}))


def test_bare_gongmao_leaves_out_the_sector_articles_and_names_them(cs: CriteriaSet) -> None:
    sel = select_standards(cs, "工贸", ON)
    assert sel.ids[0] == "gongmao-2023" and sel.sector_value is None and sel.skip_sector_gated
    gated = _gated_articles(cs)
    assert gated[0] == "第四条" and gated[-1] == "第十条"
    assert "第三条" not in gated and "第十一条" not in gated
    note = next(n for n in sel.skip_notes if "未能判断细分行业" in n)
    assert f"{gated[0]}至{gated[-1]}" in note and "冶金" in note and "烟草" in note and "未适用" in note


@pytest.mark.parametrize(("enterprise", "text", "sector", "sub"), [
    ("华兴钢铁有限公司", None, "冶金", None),
    ("顺达铝业有限公司", None, "有色", None),
    ("青石水泥有限公司", None, "建材", "水泥"),
    ("宏达实业有限公司", "白酒酒库未设乙醇蒸气报警", "轻工", None),
    ("华兴钢铁有限公司", "仓库内存放白酒", "冶金", None),  # the name is read first
])
def test_gongmao_reads_the_sector_from_name_or_description(cs: CriteriaSet, enterprise: str, text: str | None,
                                                          sector: str, sub: str | None) -> None:
    sel = select_standards(cs, "工贸", ON, enterprise=enterprise, text=text)
    assert (sel.sector_value, sel.sub_sector_value, sel.skip_sector_gated) == (sector, sub, False)
    assert any("据" in n and sector in n for n in sel.notes)


def test_ambiguous_or_silent_names_infer_nothing(cs: CriteriaSet) -> None:
    for enterprise in ("钢铁铝业有限公司", "宏达实业有限公司"):
        sel = select_standards(cs, "工贸", ON, enterprise=enterprise)
        assert sel.sector_value is None and sel.skip_sector_gated, enterprise


def test_unknown_word_is_an_error_with_the_closest_words(cs: CriteriaSet) -> None:
    with pytest.raises(UnknownSector) as info:
        select_standards(cs, "冶炼", ON)
    assert "冶炼" in str(info.value) and "冶" in (info.value.hint or "")


def test_unknown_word_through_finding_input_is_one_input_error(cs: CriteriaSet) -> None:
    with pytest.raises(InputError) as info:
        finding_input(cs, RawFinding("--fact", facts={"积水": "是"}), default_day=ON, file=None,
                      sector="农业")
    assert "农业" in info.value.one_line() and info.value.field == "--sector/行业"


@pytest.mark.parametrize("word", ["卫生", "医院", "机关", "事业单位", "住宅", "居民小区", "其他"])
def test_non_production_sector_is_refused_with_the_reason(cs: CriteriaSet, words: SectorWords,
                                                          word: str) -> None:
    assert not words.resolve(cs, word).production
    with pytest.raises(UnknownSector) as info:
        select_standards(cs, word, ON)
    assert "不是生产经营单位" in str(info.value)


@pytest.mark.parametrize(("name", "non_production"), [
    ("青石镇中心小学", True), ("北湖幼儿园", True), ("区人民医院", True), ("青石镇卫生院", True),
    ("北湖街道办事处", True), ("阳光住宅小区", True), ("青石镇人民政府", True),
    ("康泰医疗器械有限公司", False), ("学校食堂承包店", False), ("华兴钢铁有限公司", False), (None, False),
])
def test_unit_names_that_are_not_production_units(words: SectorWords, name: str | None,
                                                  non_production: bool) -> None:
    assert (words.non_production_reason(name) is not None) == non_production


def test_cli_classify_accepts_office_words_and_refuses_others() -> None:
    from tests.conftest import run_cli

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli("classify", *args)

    liquor = run("--sector", "白酒", "--date", "2024-07-01", "-F", "场所=酒库", "-F", "气体=乙醇蒸气",
                 "-F", "固定式气体报警有效=否")
    assert liquor.returncode == 1 and "判定：重大" in liquor.stdout, liquor.stdout + liquor.stderr
    hospital = run("--sector", "医院", "-F", "积水=是")
    assert hospital.returncode == 2 and "不是生产经营单位" in hospital.stderr
    assert "Traceback" not in hospital.stderr
    # a school is not a production unit either, but the education guide judges it (not counted on returns)
    school = run("--sector", "学校", "--date", "2025-03-01", "-F", "积水=是")
    assert school.returncode == 1 and "不计入调度表的重大隐患" in school.stdout, school.stdout + school.stderr
    unknown = run("--sector", "农业", "-F", "积水=是")
    assert unknown.returncode == 2 and "农业" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1


# --------------------------------------------------------------------------- the table file


def _table(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "sectors.yaml"
    path.write_text("sectors:\n" + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(("body", "line", "words_in_message"), [
    ("  - {sector: 冶铁, words: [钢]}\n", 2, "冶铁"),
    ("  - {sector: 冶金, words: [钢]}\n  - {sector: 有色, words: [钢]}\n", 3, "第 2 行"),
    ("  - {sector: 冶金, sub_sector: 水泥, words: [水泥厂]}\n", 2, "适用条件为 行业 == '建材'"),
    ("  - {sector: 煤矿, sub_sector: 水泥, words: [水泥厂]}\n", 2, "水泥"),
    ("  - {production: false, words: [学校]}\n", 2, "reason"),
    ("  - {family: gongmao, sector: 冶金, words: [工贸]}\n", 2, "sector 与 family"),
])
def test_table_mistakes_point_at_their_line(tmp_path: Path, cs: CriteriaSet, body: str, line: int,
                                            words_in_message: str) -> None:
    with pytest.raises(RuleFileError) as info:
        sector_words_from_document(load_yaml(_table(tmp_path, body)), cs)
    text = info.value.one_line()
    assert f"sectors.yaml:{line}" in text and words_in_message in text, text


SMALL_FACTS = """\
facts:
  - {key: sector, name: 行业, type: text, context: true, values: [冶金], doc: 行业}
  - {key: water, name: 积水, type: bool, doc: 有积水}
"""
SMALL_STANDARD = """\
standard:
  {id: demo-2023, family: demo, title: 示例标准, number: 示例令第2号, issuer: 示例部,
   effective_from: 2023-05-15, scope: {sectors: [冶金]}, coverage: complete}
items:
  - {ref: 第一条, family: 冶金, summary: 积水, holds_when: 积水, mentions: [积水], verified: true}
"""


def test_a_criteria_folder_without_a_table_knows_only_its_scope_names(tmp_path: Path) -> None:
    (tmp_path / "facts").mkdir()
    (tmp_path / "facts" / "facts.yaml").write_text(SMALL_FACTS, encoding="utf-8")
    (tmp_path / "demo-2023.yaml").write_text(SMALL_STANDARD, encoding="utf-8")
    small = load_criteria(tmp_path)
    table = words_for(small)
    assert table.resolve(small, "冶金").sector == "冶金"
    with pytest.raises(UnknownSector):
        table.resolve(small, "建筑施工")  # the bundled spelling points at a standard this folder lacks


def test_a_recorded_sector_wins_over_a_family_word(cs: CriteriaSet) -> None:
    raw = RawFinding("--fact", facts={"行业": "冶金", "生产期间": "是", "积水": "是", "场所": "炉下渣坑"})
    finding = finding_input(cs, raw, default_day=ON, file=None, sector="工贸")
    assert finding.sector == "冶金"
    inferred = finding_input(cs, RawFinding("--fact", facts={"积水": "是"}, text="炼钢车间渣坑积水"),
                             default_day=ON, file=None, sector="工贸")
    assert inferred.sector == "冶金" and inferred.facts[cs.vocabulary.get("行业").key] == "冶金"
