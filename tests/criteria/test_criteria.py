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
from engine.expr.evaluate import holds
from engine.expr.normalize import normalize
from engine.expr.parse import parse
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
    used = {f.key for i in cs.items(STD) for f in i.fields}
    assert [f.name for f in cs.vocabulary.facts if f.key not in used] == []
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
    with pytest.raises(NoStandardInForce, match="gongmao-2017"):
        cs.in_force("冶金", "2023-05-14")
    with pytest.raises(NoStandardInForce):
        cs.in_force("道路运输", "2024-01-01")


# --------------------------------------------------------------------------- items fire on their facts

# (ref, facts for which the item holds, near misses: changes for which it must not; None = not recorded)
CASES: list[tuple[str, dict[str, Any], list[dict[str, Any]]]] = [
    ("第三条第(一)项", {"有承包承租单位": T, "统一协调管理承包承租单位": T, "定期检查承包承租单位": F},
     [{"定期检查承包承租单位": T}, {"有承包承租单位": F}]),
    ("第三条第(二)项", {"特种作业人员上岗": T, "取得特种作业资格": F}, [{"取得特种作业资格": T}]),
    ("第三条第(三)项", {"金属冶炼企业": T, "主要负责人考核合格": F, "安全管理人员考核合格": T},
     [{"金属冶炼企业": F}, {"主要负责人考核合格": T}]),
    # 第四条 冶金
    ("第四条第(一)项", {"行业": "冶金", "场所": "澡堂", "位于熔融金属吊运跨地坪内": T},
     [{"位于熔融金属吊运跨地坪内": F}, {"行业": "机械"}, {"场所": "办公室"}]),
    ("第四条第(一)项", {"行业": "冶金", "场所": "钢铁水罐冷热修工位", "位于熔融金属吊运跨地坪内": T},
     [{"场所": None}]),
    ("第四条第(二)项", {"行业": "冶金", "生产期间": T, "积水": T, "场所": "炉前平台",
                        "位于熔融金属喷溅范围内": T},
     [{"生产期间": F}, {"位于熔融金属喷溅范围内": F}, {"场所": "浇注作业坑"}]),
    ("第四条第(二)项", {"行业": "冶金", "生产期间": T, "积水": T, "场所": "炉下渣坑"}, [{"积水": F}]),
    ("第四条第(三)项", {"行业": "冶金", "工艺": "炼钢连铸", "事故钢水罐有效": T, "中间罐漏钢坑有效": T,
                      "中间罐溢流坑有效": F, "漏钢回转溜槽有效": T},
     [{"中间罐溢流坑有效": T}, {"工艺": "模铸"}]),
    ("第四条第(三)项", {"行业": "冶金", "工艺": "模铸", "事故钢水罐有效": F}, [{"事故钢水罐有效": T}]),
    ("第四条第(四)项", {"行业": "冶金", "设备": "电弧炉", "水冷": T, "出水温度报警有效": T,
                      "进出水流量差报警有效": T, "报警联锁有效": F},
     [{"设备": "高炉"}, {"报警联锁有效": T}]),
    ("第四条第(五)项", {"行业": "冶金", "设备": "高炉", "生产期间": T, "炉顶工作压力设定值": 260,
                      "设计最高工作压力": 250, "报警联锁有效": T, "放散阀联锁放散压力设定值": 270,
                      "设备设计压力": 300},
     [{"炉顶工作压力设定值": 250}, {"生产期间": F}]),
    ("第四条第(五)项", {"行业": "冶金", "设备": "高炉", "放散阀联锁放散压力设定值": 310, "设备设计压力": 300},
     [{"放散阀联锁放散压力设定值": 300}]),
    ("第四条第(六)项", {"行业": "冶金", "气体": "一氧化碳", "场所": "交接班室", "位于煤气设施附近": T,
                      "固定式气体报警有效": T, "报警数据接入24小时值守处": F},
     [{"报警数据接入24小时值守处": T}, {"场所": "澡堂", "可能泄漏积聚": F}, {"气体": "氯气"}]),
    ("第四条第(七)项", {"行业": "冶金", "设备": "进车间煤气管道", "煤气隔断装置有效": F},
     [{"煤气隔断装置有效": T}, {"设备": "转炉"}]),
    ("第四条第(八)项", {"行业": "冶金", "设备": "煤气排水器", "正压煤气管线": T, "水封最高封堵煤气压力": 29.5,
                      "排水器共用连通": "无"},
     [{"水封最高封堵煤气压力": 30}, {"正压煤气管线": F}]),
    # 第五条 有色
    ("第五条第(一)项", {"行业": "有色", "场所": "操作室", "位于熔融金属吊运跨地坪内": T},
     [{"场所": "钢铁水罐冷热修工位"}, {"行业": "冶金", "位于熔融金属吊运跨地坪内": F}]),
    ("第五条第(二)项", {"行业": "有色", "生产期间": T, "积水": T, "积水为非生产性": T, "场所": "事故坑"},
     [{"积水为非生产性": F}, {"积水为非生产性": None}]),
    ("第五条第(三)项", {"行业": "有色", "工艺": "熔融金属铸造", "紧急排放和应急储存设施有效": F,
                      "炉体形式": "固定式", "设备": "熔炼炉", "配有保温炉": F},
     [{"配有保温炉": T}, {"炉体形式": "倾动式"}, {"紧急排放和应急储存设施有效": T}]),
    ("第五条第(三)项", {"行业": "有色", "工艺": "深井铸造", "紧急排放和应急储存设施有效": F,
                      "炉体形式": "固定式", "设备": "保温炉"},
     [{"炉体形式": None}]),
    ("第五条第(四)项", {"行业": "有色", "水冷": T, "设备": "铸造机", "应急水源有效": F},
     [{"设备": "结晶器"}, {"水冷": F}]),
    ("第五条第(五)项", {"行业": "有色", "设备": "冶炼炉窑", "水冷": T, "水冷方式": "开路",
                        "进水流量报警有效": T,
                      "进水压力报警有效": T, "出水温度监测有效": F},
     [{"出水温度监测有效": T}]),
    ("第五条第(五)项", {"行业": "有色", "设备": "熔炼炉", "水冷": T, "水冷方式": "闭路循环",
                      "出水温度报警有效": T, "进出水流量差报警有效": F},
     [{"进出水流量差报警有效": T}, {"水冷方式": "开路"}]),
    ("第五条第(六)项", {"行业": "有色", "工艺": "深井铸造", "设备": "结晶器", "进水压力报警有效": T,
                      "进水流量报警有效": F, "报警联锁有效": T},
     [{"进水流量报警有效": T}, {"设备": "铸造机"}]),
    ("第五条第(七)项", {"行业": "有色", "工艺": "深井铸造", "液位报警有效": T, "炉体形式": "固定式",
                      "铝液出口机械锁紧装置有效": F},
     [{"炉体形式": "倾动式"}, {"铝液出口机械锁紧装置有效": T}]),
    ("第五条第(八)项", {"行业": "有色", "工艺": "深井铸造", "炉体形式": "固定式", "紧急排放阀有效": F,
                      "快速切断阀有效": T, "报警联锁有效": T},
     [{"炉体形式": "倾动式"}, {"紧急排放阀有效": T}]),
    ("第五条第(九)项", {"行业": "有色", "工艺": "深井铸造", "炉体形式": "倾动式", "快速切断阀有效": T,
                      "报警联锁有效": F},
     [{"报警联锁有效": T}, {"炉体形式": "固定式"}]),
    ("第五条第(十)项", {"行业": "有色", "工艺": "深井铸造", "设备": "钢丝卷扬系统", "钢芯钢丝绳": F,
                      "钢丝绳定期检查更换落实": T},
     [{"钢芯钢丝绳": T}, {"工艺": "熔融金属铸造"}]),
    ("第五条第(十一)项", {"行业": "有色", "气体": "氯气", "可能泄漏积聚": T, "固定式气体报警有效": F},
     [{"气体": "二氧化碳"}, {"可能泄漏积聚": F}, {"固定式气体报警有效": T, "报警数据接入24小时值守处": T}]),
    ("第五条第(十一)项", {"行业": "有色", "气体": "砷化氢", "砷化氢同等效果检测措施": F},
     [{"砷化氢同等效果检测措施": T}]),
    ("第五条第(十二)项", {"行业": "有色", "燃料": "天然气", "强制送风": T, "燃气总管压力报警有效": F,
                       "报警联锁有效": T},
     [{"强制送风": F}, {"燃气总管压力报警有效": T}]),
    ("第五条第(十三)项", {"行业": "有色", "设备": "煤气排水器", "排水器共用连通": "不同介质共用"},
     [{"排水器共用连通": "无"}, {"行业": "建材"}]),
    # 第六条 建材
    ("第六条第(一)项", {"行业": "建材", "设备": "煤粉仓", "温度报警有效": T, "气体": "一氧化碳",
                      "固定式气体报警有效": F, "气体灭火装置有效": T},
     [{"固定式气体报警有效": T}, {"气体": "可燃气体"}]),
    ("第六条第(二)项", {"行业": "建材", "作业": "人工清库", "设备": "筒型储库", "防坠落坍塌措施落实": F},
     [{"防坠落坍塌措施落实": T}]),
    ("第六条第(三)项", {"行业": "建材", "细分行业": "水泥", "物料": "电石渣", "设备": "筒型储库",
                      "气体": "可燃气体", "固定式气体报警有效": T, "报警联锁有效": F},
     [{"报警联锁有效": T}, {"物料": None}]),
    ("第六条第(四)项", {"行业": "建材", "作业": "进入设备内部", "设备": "篦冷机", "隔离措施落实": F,
                      "防坠落坍塌措施落实": T},
     [{"设备": "窑炉"}, {"隔离措施落实": T}]),
    ("第六条第(五)项", {"行业": "建材", "设备": "窑炉", "预混燃烧": T, "燃料": "天然气",
                      "燃气总管压力报警有效": T, "报警联锁有效": F},
     [{"燃料": "热发生炉煤气"}, {"预混燃烧": F}]),
    ("第六条第(六)项", {"行业": "建材", "场所": "制氢站", "气体": "可燃气体", "固定式气体报警有效": F},
     [{"场所": "调漆间"}, {"固定式气体报警有效": T}]),
    ("第六条第(七)项", {"行业": "建材", "设备": "电熔制品电炉", "水冷设备有效": F}, [{"水冷设备有效": T}]),
    ("第六条第(八)项", {"行业": "建材", "设备": "玻璃锡槽", "冷却保护系统报警有效": F},
     [{"行业": "轻工"}, {"冷却保护系统报警有效": T}]),
    # 第七条 机械
    ("第七条第(一)项", {"行业": "机械", "场所": "休息室", "位于熔融金属吊运跨地坪内": F,
                        "位于浇注跨地坪内": T},
     [{"场所": "操作室"}, {"位于浇注跨地坪内": F}]),
    ("第七条第(二)项", {"行业": "机械", "设备": "保温炉", "紧急排放和应急储存设施有效": F},
     [{"紧急排放和应急储存设施有效": T}]),
    ("第七条第(三)项", {"行业": "机械", "生产期间": T, "积水": T, "场所": "浇注作业坑",
                        "位于熔融金属喷溅范围内": T},
     [{"场所": "炉下渣坑"}, {"位于熔融金属喷溅范围内": F}]),
    ("第七条第(四)项", {"行业": "机械", "设备": "压铸机", "水冷": T, "出水温度报警有效": T,
                      "进出水流量差报警有效": F, "报警联锁有效": T},
     [{"进出水流量差报警有效": T}]),
    ("第七条第(五)项", {"行业": "机械", "燃料": "天然气", "燃气总管压力报警有效": T, "报警联锁有效": T,
                      "火焰监测熄火保护有效": F},
     [{"火焰监测熄火保护有效": T}, {"燃料": "液化石油气"}]),
    ("第七条第(六)项", {"行业": "机械", "作业": "可燃有机溶剂清洗", "防气体积聚措施落实": F},
     [{"防气体积聚措施落实": T}]),
    ("第七条第(七)项", {"行业": "机械", "场所": "喷漆室", "使用非水性漆": T, "气体": "可燃气体",
                      "固定式气体报警有效": T, "通风设施有效": F},
     [{"使用非水性漆": F}, {"通风设施有效": T}]),
    # 第八条 轻工
    ("第八条第(一)项", {"行业": "轻工", "细分行业": "食品制造", "设备": "油炸设备", "防过热自动切断有效": F},
     [{"细分行业": "造纸"}, {"防过热自动切断有效": T}]),
    ("第八条第(二)项", {"行业": "轻工", "场所": "酒库", "气体": "乙醇蒸气", "固定式气体报警有效": F,
                      "报警联锁有效": T},
     [{"固定式气体报警有效": T}]),
    ("第八条第(三)项", {"行业": "轻工", "细分行业": "造纸", "设备": "液氯钢瓶", "加热方式": "明火直接加热"},
     [{"加热方式": "间接加热"}]),
    ("第八条第(四)项", {"行业": "轻工", "细分行业": "陶瓷制造", "设备": "窑炉", "预混燃烧": T,
                        "燃料": "天然气",
                      "燃气总管压力报警有效": F, "报警联锁有效": T},
     [{"预混燃烧": F}, {"细分行业": "食品制造"}]),
    ("第八条第(五)项", {"行业": "轻工", "细分行业": "日用玻璃制造", "设备": "玻璃窑炉",
                        "冷却保护系统报警有效": F},
     [{"细分行业": "陶瓷制造"}]),
    ("第八条第(六)项", {"行业": "轻工", "场所": "调漆间", "使用非水性漆": T, "气体": "可燃气体",
                      "固定式气体报警有效": F, "通风设施有效": T},
     [{"固定式气体报警有效": T}]),
    ("第八条第(七)项", {"行业": "轻工", "场所": "仓库", "物料": "锂离子电池", "故障电池有效物理隔离": F},
     [{"行业": "商贸"}, {"故障电池有效物理隔离": T}]),
    # 第九条 纺织
    ("第九条第(一)项", {"行业": "纺织", "工艺": "烧毛", "设备": "热媒炉", "与人员聚集场所隔开或单独设置": F},
     [{"与人员聚集场所隔开或单独设置": T}, {"设备": "加热炉"}]),
    ("第九条第(二)项", {"行业": "纺织", "物料": "保险粉", "与禁忌物料混存": F, "防水防潮措施落实": F},
     [{"防水防潮措施落实": T}]),
    ("第九条第(二)项", {"行业": "纺织", "物料": "双氧水", "与禁忌物料混存": T},
     [{"与禁忌物料混存": F}, {"物料": "电石渣"}]),
    # 第十条 烟草
    ("第十条第(一)项", {"行业": "烟草", "作业": "熏蒸杀虫", "磷化氢报警仪有效": T, "防毒面具配备": T,
                      "施药前确认无关人员撤离": F},
     [{"施药前确认无关人员撤离": T}]),
    ("第十条第(二)项", {"行业": "烟草", "工艺": "液态二氧化碳膨胀烟丝", "气体": "二氧化碳",
                      "固定式气体报警有效": T, "报警联锁有效": F},
     [{"报警联锁有效": T}]),
    # 第十一条 粉尘防爆（任何行业，这里用商贸验证）
    ("第十一条第(一)项", {"行业": "商贸", "存在粉尘爆炸危险": T, "框架结构": F, "建筑层数": 3},
     [{"建筑层数": 1}, {"框架结构": T}, {"存在粉尘爆炸危险": F}]),
    ("第十一条第(一)项", {"存在粉尘爆炸危险": T, "场所": "宿舍", "位于粉尘爆炸危险场所内": T},
     [{"位于粉尘爆炸危险场所内": F}]),
    ("第十一条第(二)项", {"存在粉尘爆炸危险": T, "除尘系统共用情形": "不同防火分区共用"},
     [{"除尘系统共用情形": "无"}]),
    ("第十一条第(三)项", {"存在粉尘爆炸危险": T, "干式除尘": T, "泄爆装置有效": F, "惰化措施有效": F,
                        "抑爆装置有效": F},
     [{"惰化措施有效": T}, {"抑爆装置有效": None}, {"干式除尘": F}]),
    ("第十一条第(四)项", {"存在粉尘爆炸危险": T, "正压除尘": T, "粉尘类别": "金属粉尘",
                          "火花探测消除装置有效": T},
     [{"正压除尘": F}]),
    ("第十一条第(四)项", {"存在粉尘爆炸危险": T, "正压除尘": T, "粉尘类别": "其他可燃粉尘",
                          "火花探测消除装置有效": F},
     [{"火花探测消除装置有效": T}]),
    ("第十一条第(五)项", {"存在粉尘爆炸危险": T, "干式巷道式风道": T}, [{"干式巷道式风道": F}]),
    ("第十一条第(六)项", {"存在粉尘爆炸危险": T, "粉尘类别": "木质粉尘", "干式除尘": T,
                          "锁气卸灰装置有效": F},
     [{"粉尘类别": "其他可燃粉尘"}, {"锁气卸灰装置有效": T}]),
    ("第十一条第(七)项", {"存在粉尘爆炸危险": T, "爆炸危险区域": "20区", "电气设备符合防爆要求": F},
     [{"爆炸危险区域": "22区"}]),
    ("第十一条第(八)项", {"存在粉尘爆炸危险": T, "设备": "粉碎设备", "除杂装置有效": F},
                          [{"除杂装置有效": T}]),
    ("第十一条第(八)项", {"存在粉尘爆炸危险": T, "细分行业": "木制品加工", "设备": "砂光机风管",
                        "火花探测消除装置有效": F},
     [{"细分行业": "食品制造"}]),
    ("第十一条第(九)项", {"存在粉尘爆炸危险": T, "遇湿自燃粉尘": T, "防气体积聚措施落实": T, "干式除尘": T,
                        "防水防潮措施落实": F},
     [{"防水防潮措施落实": T}, {"遇湿自燃粉尘": F}]),
    ("第十一条第(十)项", {"存在粉尘爆炸危险": T, "粉尘清理制度落实": F, "积尘严重": T},
     [{"积尘严重": F}, {"存在粉尘爆炸危险": F}]),
    # 第十二条 液氨制冷
    ("第十二条第(一)项", {"使用液氨制冷": T, "场所": "分割间", "空调氨直接蒸发制冷": T},
     [{"使用液氨制冷": F}, {"场所": "仓库"}]),
    ("第十二条第(二)项", {"使用液氨制冷": T, "设备": "快速冻结装置", "速冻装置单独设间": T,
                          "速冻间作业人数": 10},
     [{"速冻间作业人数": 9}]),
    ("第十二条第(二)项", {"使用液氨制冷": T, "设备": "快速冻结装置", "速冻装置单独设间": F},
     [{"速冻装置单独设间": T}]),
    # 第十三条 有限空间
    ("第十三条第(一)项", {"有限空间中毒风险": T, "有限空间已辨识": T, "有限空间管理台账": F,
                          "有限空间警示标志": F},
     [{"有限空间警示标志": T}, {"有限空间中毒风险": F}]),
    ("第十三条第(二)项", {"有限空间中毒风险": T, "作业": "有限空间作业", "有限空间作业审批落实": T,
                        "先通风再检测后作业": F, "设置监护人员": T},
     [{"有限空间中毒风险": F}, {"先通风再检测后作业": T}]),
]


def _keyed(cs: CriteriaSet, named: dict[str, Any]) -> dict[str, Any]:
    """Chinese names -> fact keys, checking each value against the vocabulary (catches test typos)."""
    out: dict[str, Any] = {}
    for name, value in named.items():
        fact = cs.resolver.fact(name)
        if value is None:
            continue
        if fact.type == "bool":
            assert isinstance(value, bool), name
        elif fact.type == "number":
            assert isinstance(value, (int, float)) and not isinstance(value, bool), name
        else:
            assert not fact.values or value in fact.values, f"{name}: {value}"
        out[fact.key] = value
    return out


def test_every_item_has_a_case(cs: CriteriaSet) -> None:
    assert {i.ref for i in cs.items(STD)} == {ref for ref, _, _ in CASES}


@pytest.mark.parametrize(("ref", "positive", "near_misses"), CASES, ids=[c[0] for c in CASES])
def test_item_holds_on_positive_and_not_on_near_miss(
        cs: CriteriaSet, ref: str, positive: dict[str, Any], near_misses: list[dict[str, Any]]) -> None:
    item = cs.item(STD, ref)
    condition = normalize(parse(item.item.condition()), cs.resolver)
    facts = _keyed(cs, positive)
    assert holds(condition, facts), f"{ref} should hold for {positive}"
    assert item.holds(facts)
    assert near_misses
    for change in near_misses:
        near = _keyed(cs, {**positive, **change})
        assert not holds(condition, near), f"{ref} should not hold after {change}"


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
    (tmp_path / "facts.yaml").write_text(facts, encoding="utf-8")
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
    assert "facts.yaml" in _error(tmp_path).one_line()


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
