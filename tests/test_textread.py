"""The description reader: each cue rule of criteria/reading.yaml on a small vocabulary.

These pin the reader's promises — a negation governs only the phrase just after it, a device
named without its state says nothing, a number needs a unit, a fact stated two ways is not
read — with the bundled cue words, so a change to reading.yaml that breaks one is caught.
"""

from __future__ import annotations

from typing import Any

import pytest

from engine.load.criteria import load_criteria
from engine.model.criteria import Fact, Vocabulary
from engine.textread.reader import Bound, TextReader

FACTS = [
    Fact(key="vent_ok", name="泄爆装置有效", type="bool", device=True, doc="d",
         says={"是": ("泄爆装置", "泄爆口")}),
    Fact(key="water", name="积水", type="bool", doc="d", says={"是": ("积水",)}),
    Fact(key="in_use", name="仍在使用", type="bool", doc="d", says={"是": ("仍在使用", "继续使用")}),
    Fact(key="plan", name="应急预案已制定", type="bool", measure=True, doc="d", says={"是": ("应急预案",)}),
    Fact(key="drill", name="已开展应急演练", type="bool", measure=True, doc="d", says={"是": ("应急演练",)}),
    Fact(key="collector", name="除尘器", type="bool", doc="d", says={"是": ("除尘器",)}),
    Fact(key="workers", name="作业人数", type="number", unit="人", doc="d", says={"数值": ("作业人员",)}),
    Fact(key="pressure", name="压力", type="number", unit="kPa", doc="d", says={"数值": ("压力",)}),
    Fact(key="slope", name="实测坡度", type="number", unit="%", doc="d",
         says={"数值": ("纵坡", "实测纵坡", "坡度")}),
    Fact(key="design_slope", name="设计坡度", type="number", unit="%", doc="d", says={"数值": ("设计纵坡",)}),
    Fact(key="place", name="场所", type="text", values=("炉下渣坑", "事故坑"), doc="d"),
    Fact(key="grade", name="检验结论", type="text", values=("合格", "不合格"), value_phrases=False, doc="d"),
]


@pytest.fixture(scope="module")
def reader() -> TextReader:
    return TextReader(Vocabulary(facts=tuple(FACTS)), load_criteria().reading)


@pytest.mark.parametrize(("text", "facts"), [
    ("除尘器未设置泄爆装置", {"vent_ok": False, "collector": True}),
    ("未按规定设置泄爆口", {"vent_ok": False}),
    ("泄爆口被堵塞", {"vent_ok": False}),
    ("泄爆装置已设置并投用", {"vent_ok": True}),
    ("除尘器泄爆口朝向作业区", {"collector": True}),  # a device named, its state not said
    ("地面没有积水", {"water": False}),
    ("有积水，但泄爆装置完好", {"water": True, "vent_ok": True}),  # 但 starts a new clause
    ("叉车定期检验不合格仍在使用", {"in_use": True}),  # 不合格 negates itself only
    ("电梯超期未检仍在使用", {"in_use": True}),
    ("员工未及时修订应急预案", {"plan": True}),  # the act (修订) is negated, not the plan
    ("未制定生产安全事故应急预案", {"plan": False}),
    ("应急演练未按计划开展", {"drill": False}),  # a measure not carried out
    ("应急演练记录不全", {"drill": True}),
    ("积水未排除", {"water": True}),  # 排除 is not a measure being set up
    ("未设置泄爆装置的除尘器", {"vent_ok": False, "collector": True}),  # 未 governs the first phrase only
    ("存在不符合规定的积水", {"water": True}),
    ("炉下渣坑有积水", {"place": "炉下渣坑", "water": True}),
    ("检验结论为合格", {}),  # value_phrases: false
])
def test_cues(reader: TextReader, text: str, facts: dict[str, Any]) -> None:
    assert reader.read(text).facts == facts


@pytest.mark.parametrize(("text", "value"), [
    ("作业人员十二名", 12), ("12名作业人员", 12), ("现场作业人员约15人", 15),
    ("压力0.035MPa", 35), ("压力 29.5 千帕", 29.5), ("作业人员十二", None),  # a number needs its unit
])
def test_numbers_with_units(reader: TextReader, text: str, value: float | None) -> None:
    read = reader.read(text)
    assert read.facts.get("workers", read.facts.get("pressure")) == value


def test_comparison_words_give_ranges(reader: TextReader) -> None:
    assert reader.read("作业人员超过9人").bounds == {"workers": Bound(">", 9)}
    assert reader.read("作业人员不足5人").bounds == {"workers": Bound("<", 5)}
    assert reader.read("作业人员9人以上").bounds == {"workers": Bound(">=", 9)}
    assert reader.read("作业人员不超过9人").bounds == {"workers": Bound("<=", 9)}


def test_a_number_phrase_inside_a_longer_one_leaves_its_number(reader: TextReader) -> None:
    read = reader.read("运输道路实测纵坡12%，设计纵坡8%")
    assert read.facts == {"slope": 12, "design_slope": 8} and not read.conflicts


def test_a_fact_stated_two_ways_is_not_read(reader: TextReader) -> None:
    read = reader.read("一号除尘器泄爆口堵塞，二号除尘器泄爆口完好")
    assert "vent_ok" not in read.facts and "vent_ok" in read.conflicts
    assert set(read.conflicts["vent_ok"]) == {"泄爆口堵塞", "泄爆口完好"}


def test_evidence_names_the_words(reader: TextReader) -> None:
    read = reader.read("除尘器未设置泄爆装置")
    assert read.words_for("vent_ok") == "未设置泄爆装置"


def test_only_the_facts_asked_for_are_read(reader: TextReader) -> None:
    assert reader.read("炉下渣坑有积水", keys={"water"}).facts == {"water": True}


def test_a_calendar_month_is_not_a_count_of_months() -> None:
    months = Fact(key="months", name="报废后月数", type="number", unit="月", doc="d",
                  says={"数值": ("报废",)})
    reader = TextReader(Vocabulary(facts=(months,)), load_criteria().reading)
    assert reader.read("报废已八个月").facts == {"months": 8}
    assert reader.read("于今年八月报废").facts == {}
    assert reader.read("报废日期3月5日").facts == {}


@pytest.mark.parametrize(("text", "read"), [
    ("最大行驶坡度为百分之十五", {"slope": 15}),  # a unit spelt before its number
    ("现场聚集作业人员十余人", {"workers": Bound(">", 10)}),  # 十余人: more than ten
    ("作业人员二十多人", {"workers": Bound(">", 20)}),
])
def test_prefix_units_and_round_numbers(reader: TextReader, text: str, read: dict[str, Any]) -> None:
    got = reader.read(text)
    assert {**got.facts, **got.bounds} == read


def test_a_state_after_a_list_belongs_to_every_device_in_it() -> None:
    facts = (Fact(key="a", name="泄爆有效", type="bool", device=True, doc="d", says={"是": ("泄爆装置",)}),
             Fact(key="b", name="抑爆有效", type="bool", device=True, doc="d", says={"是": ("抑爆装置",)}))
    reader = TextReader(Vocabulary(facts=facts), load_criteria().reading)
    assert reader.read("泄爆装置、抑爆装置均已拆除").facts == {"a": False, "b": False}
    assert reader.read("泄爆装置和抑爆装置完好").facts == {"a": True, "b": True}


def test_a_negation_carries_across_a_list_but_not_into_a_phrase_with_its_own() -> None:
    facts = (Fact(key="cut", name="已切断电源", type="bool", measure=True, doc="d",
                  says={"是": ("切断电源",)}),
             Fact(key="tag", name="已挂牌", type="bool", doc="d", says={"是": ("挂牌",), "否": ("未挂牌",)}),
             Fact(key="lock", name="已上锁", type="bool", doc="d", says={"是": ("上锁",)}))
    reader = TextReader(Vocabulary(facts=facts), load_criteria().reading)
    assert reader.read("检修前未切断电源、挂牌和上锁").facts == {"cut": False, "tag": False, "lock": False}
    assert reader.read("检修前未切断电源、未挂牌").facts == {"cut": False, "tag": False}


def test_a_value_inside_another_facts_longer_phrase_gives_way() -> None:
    facts = (Fact(key="equip", name="设备", type="text", values=("高炉", "煤气排水器"), doc="d"),
             Fact(key="fuel", name="燃料", type="text", values=("高炉煤气",), doc="d"))
    reader = TextReader(Vocabulary(facts=facts), load_criteria().reading)
    read = reader.read("高炉煤气管道的煤气排水器封堵压力不足")
    assert read.facts == {"equip": "煤气排水器", "fuel": "高炉煤气"}


def test_a_failure_of_some_of_them_in_the_next_clause(reader: TextReader) -> None:
    assert reader.read("除尘器共设泄爆口六处，其中两处被堵塞").facts.get("vent_ok") is False
    assert "vent_ok" not in reader.read("泄爆口六处，门口地面被堵塞").facts  # not about part of them


def test_a_lapsed_certificate_is_not_held_but_an_overdue_device_is_not_failed() -> None:
    facts = (Fact(key="cert", name="持有焊工证", type="bool", measure=True, doc="d",
                  says={"是": ("焊工证",)}),
             Fact(key="alarm", name="报警器有效", type="bool", device=True, doc="d",
                  says={"是": ("报警器",)}))
    reader = TextReader(Vocabulary(facts=facts), load_criteria().reading)
    assert reader.read("焊工证已过期").facts == {"cert": False}
    assert reader.read("报警器已过期未检定").facts == {}  # overdue calibration is not a failure


# ---------------------------------------------------------------- equivalents, installed, variants

LEAD_FACTS = (
    Fact(key="valve", name="紧急排放阀已设置", type="bool", doc="d", says={"否": ("未设置紧急排放阀",)}),
    Fact(key="isolate", name="煤气隔断装置有效", type="bool", device=True, doc="d",
         says={"是": ("眼镜阀",), "否": ("仅设蝶阀",)}),
    Fact(key="equip", name="设备完好", type="bool", doc="d", says={"是": ("设备完好",)}),
    Fact(key="cutoff", name="紧急切断有效", type="bool", device=True, doc="d", says={"是": ("紧急切断阀",)}),
    Fact(key="interlock", name="联锁有效", type="bool", device=True, doc="d", says={"是": ("联锁",)}),
)


@pytest.fixture(scope="module")
def lead_reader() -> TextReader:
    return TextReader(Vocabulary(facts=LEAD_FACTS), load_criteria().reading)


@pytest.mark.parametrize(("text", "facts"), [
    ("流槽上没装紧急排放阀", {"valve": False}),  # 没 for 未, 装 for 设置
    ("一直没有安装过紧急排放阀", {"valve": False}),  # a longer negation, a filler after the verb
    ("未按规定配备紧急排放阀", {"valve": False}),  # a short gap between the head words
    ("进口只装了一道蝶阀", {"isolate": False}),  # 只 for 仅, a counter before the rest
    ("紧急排放阀已到货", {}),  # the rest alone, without the head words, is not the phrase
])
def test_a_phrase_head_is_matched_by_its_class(lead_reader: TextReader, text: str,
                                               facts: dict[str, Any]) -> None:
    assert lead_reader.read(text).facts == facts


def test_only_the_head_is_generalised(lead_reader: TextReader) -> None:
    """The 设 of 设备 is no verb: 装备完好 is not 设备完好."""
    assert lead_reader.read("装备完好").facts == {}
    assert lead_reader.read("设备完好").facts == {"equip": True}


def test_a_head_with_its_own_negation_takes_no_other(lead_reader: TextReader) -> None:
    """"没放坡也没装紧急排放阀": the 也没 belongs to the phrase; the earlier 没 does not turn it around."""
    assert lead_reader.read("没放坡也没装紧急排放阀").facts == {"valve": False}


@pytest.mark.parametrize(("text", "facts"), [
    ("储罐进出料管道均设紧急切断阀", {"cutoff": True}),
    ("每台储罐都已装了紧急切断阀", {"cutoff": True}),
    ("现场只配了紧急切断阀", {}),  # 只: what follows is what is there, not that the device works
    ("安装的紧急切断阀", {}),  # 的: the device named, its state not said
])
def test_an_installing_verb_before_a_device_says_it_is_set_up(lead_reader: TextReader, text: str,
                                                             facts: dict[str, Any]) -> None:
    assert lead_reader.read(text).facts == facts


def test_a_declared_typo_is_read_and_shown_as_written(lead_reader: TextReader) -> None:
    read = lead_reader.read("报警与排风机的连琐被摘除")
    assert read.facts == {"interlock": False}
    assert read.words_for("interlock") == "连琐被摘除"  # the writer's words, not the folded ones


def test_reading_rules_refuse_variants_of_another_length_and_unknown_classes() -> None:
    from pydantic import ValidationError

    from engine.model.reading import ReadingRules

    base = load_criteria().reading.model_dump()
    with pytest.raises(ValidationError, match="等长"):
        ReadingRules(**{**base, "variants": {"连琐": "联锁装置"}})
    with pytest.raises(ValidationError, match="同义词类"):
        ReadingRules(**{**base, "lead_alone": ["没有这一类"]})
    with pytest.raises(ValidationError, match="同时写在"):
        ReadingRules(**{**base, "equivalents": {"甲": ["设置"], "乙": ["设置"]}, "installed": None,
                        "lead_alone": []})


@pytest.mark.parametrize(("text", "words"), [
    ("值长让人把主变消防报警系统关掉了", "报警系统关掉"),  # no fact names this device; its failure is said
    ("食堂燃气管道未设置报警器", "未设置报警"),
    ("主变消防报警系统运行正常", None),  # a device named working is no failure
    ("车间地面有油污", None),
])
def test_a_safety_device_said_to_fail_is_found_without_a_phrase(lead_reader: TextReader, text: str,
                                                                 words: str | None) -> None:
    assert lead_reader.device_failing(text) == words


def test_what_is_said_of_a_measure_beats_its_name_alone(reader: TextReader) -> None:
    """"应急预案已过期，柜里放着应急预案": the plain mention is no second statement of the plan."""
    read = reader.read("应急预案已过期，柜里放着应急预案")
    assert read.facts == {"plan": False} and not read.conflicts


def test_the_automaton_of_all_facts_reads_what_a_scoped_one_reads(monkeypatch) -> None:
    """Past a few scopes the reader serves every scope from one automaton of all facts; the
    readings must be the same as from the scope's own automaton (matches of facts not wanted
    are passed over)."""
    from datetime import date

    from engine.classify.run import Classifier
    from engine.evaluate.run import get_backend
    from engine.load.criteria import load_criteria
    from engine.paths import bundled
    from engine.text_cases import find_text_cases, load_text_cases
    from engine.textread import reader as reader_module

    cs = load_criteria()
    classifier = Classifier(cs, get_backend("python"))
    cases = [c for p in find_text_cases(bundled("cases")) for c in load_text_cases(p)[0].cases][::7]
    scoped = reader_module.TextReader(cs.vocabulary, cs.reading)
    monkeypatch.setattr(reader_module, "SCOPED_AUTOMATA", 0)
    shared = reader_module.TextReader(cs.vocabulary, cs.reading)
    compared = 0
    for case in cases:
        from engine.classify.select import select_standards

        sel = select_standards(cs, case.sector, date.fromisoformat(str(case.date)))
        plan = classifier.plan(sel.ids)
        scope = frozenset(f.key for it in plan.items for f in it.fields)
        keys = frozenset(list(scope)[::2]) | {k for k in scope if "有效" in cs.vocabulary.by_key(k).name}
        monkeypatch.setattr(reader_module, "SCOPED_AUTOMATA", 10_000)
        a = scoped.read(case.text, keys, scope=scope)
        monkeypatch.setattr(reader_module, "SCOPED_AUTOMATA", 0)
        b = shared.read(case.text, keys, scope=scope)
        assert a == b, case.text
        compared += 1
    assert compared > 100 and None in shared._automata and len(shared._automata) == 1


def test_a_failure_said_of_a_device_s_fitting_is_not_the_device_s() -> None:
    """"探测器防雨罩脱落": the rain cover is off, the detector is not said to fail (accessories in
    reading.yaml); "探测器损坏" still is."""
    from engine.load.criteria import load_criteria
    from engine.textread.reader import TextReader

    cs = load_criteria()
    reader = TextReader(cs.vocabulary, cs.reading)
    key = cs.vocabulary.get("可燃有毒气体检测报警有效").key
    assert key not in reader.read("有一个探测器防雨罩脱落", [key]).facts
    assert reader.read("有一个可燃气体探测器损坏", [key]).facts.get(key) is False


def test_a_negation_closing_the_clause_after_a_name_denies_it() -> None:
    """"连墙件压根没有", "连墙件一道都没装": nothing but fillers and a negation after the name
    (denial_fillers in reading.yaml) read 否; "连墙件没有缺失" says something else of them."""
    from engine.load.criteria import load_criteria
    from engine.textread.reader import TextReader

    cs = load_criteria()
    reader = TextReader(cs.vocabulary, cs.reading)
    key = cs.vocabulary.get("脚手架已设置连墙件").key
    assert reader.read("十八层这一圈连墙件压根没有，还在干活", [key]).facts.get(key) is False
    assert reader.read("脚手架连墙件一道都没装", [key]).facts.get(key) is False
    assert reader.read("脚手架连墙件没有缺失", [key]).facts.get(key) is not False


def test_a_name_without_a_state_is_plain() -> None:
    """A name with no word of state in or beside it is read, and marked plain (a bare name)."""
    from engine.load.criteria import load_criteria
    from engine.textread.reader import TextReader

    cs = load_criteria()
    reader = TextReader(cs.vocabulary, cs.reading)
    key = cs.vocabulary.get("脚手架已设置连墙件").key
    bare = reader.read("拆外墙模板时动了连墙件", [key])
    assert bare.facts.get(key) is True and key in bare.plain_keys()
    said = reader.read("连墙件已按规定设置", [key])
    assert said.facts.get(key) is True and key not in said.plain_keys()


def test_a_negated_set_up_verb_lacks_the_device_though_its_name_holds_an_act() -> None:
    """"未配备磷化氢浓度检测报警仪": 检测 is an act that stops a negation (未检测 is not "no
    detector"), but here 未 negates 配备, and what follows is the device not set up."""
    from engine.load.criteria import load_criteria
    from engine.textread.reader import TextReader

    cs = load_criteria()
    reader = TextReader(cs.vocabulary, cs.reading)
    key = cs.vocabulary.get("可燃有毒气体检测报警有效").key
    assert reader.read("现场未配备磷化氢浓度检测报警仪器", [key]).facts.get(key) is False
    assert reader.read("现场已配备磷化氢浓度检测报警仪器", [key]).facts.get(key) is True
