"""A small, self-contained criteria folder: two editions, a precedence target, a partial standard.

The bundled criteria change as standards are added; these fixtures pin the behaviour the
classifier promises (editions by date, precedence, partial coverage, unverified items).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.load.criteria import CriteriaSet, load_criteria
from engine.paths import bundled

FACTS = """\
facts:
  - {key: sector, name: 行业, type: text, context: true, values: [冶金, 消防, 燃气], doc: 行业}
  - {key: in_production, name: 生产期间, type: bool, context: true, doc: 生产中}
  - {key: water, name: 积水, type: bool, doc: 有积水}
  - {key: place, name: 场所, type: text, values: [事故坑, 渣坑, 休息室], doc: 场所}
  - {key: pressure, name: 压力, type: number, unit: kPa, doc: 压力}
  - {key: exits_locked, name: 安全出口锁闭, type: bool, doc: 锁闭}
  - {key: pipe_covered, name: 燃气管道被占压, type: bool, doc: 占压}
"""

OLD = """\
standard:
  id: demo-2017
  family: demo
  title: 示例标准（旧版）
  number: 示例令第1号
  issuer: 示例部
  effective_from: 2017-01-01
  effective_to: 2023-05-14
  superseded_by: demo-2023
  scope: {sectors: [冶金]}
  coverage: complete
items:
  - ref: 第一条
    family: 冶金
    summary: 压力低于20千帕
    holds_when: 压力 < 20
    mentions: [压力]
    verified: true
"""

NEW = """\
standard:
  id: demo-2023
  family: demo
  title: 示例标准
  number: 示例令第2号
  issuer: 示例部
  effective_from: 2023-05-15
  supersedes: [demo-2017]
  scope: {sectors: [冶金]}
  precedence:
    - {topic: 消防, defer_to: fire}
    - {topic: 燃气, defer_to: gas}
  coverage: complete
items:
  - ref: 第一条
    family: 冶金
    summary: 压力低于30千帕
    holds_when: 压力 < 30
    mentions: [压力, 水封]
    verified: true
  - ref: 第二条
    family: 冶金
    summary: 生产期间事故坑或渣坑积水
    holds_when: 生产期间 and 积水 and 场所 in ['事故坑', '渣坑']
    mentions: [积水, 事故坑, 渣坑]
    verified: true
  - ref: 第三条
    family: 冶金
    summary: 休息室设在危险区域（未核实）
    holds_when: 场所 == '休息室'
    mentions: [休息室]
    verified: false
    note: 仅一个来源
"""

FIRE = """\
standard:
  id: fire-2018
  family: fire
  title: 示例火灾标准
  number: GB 0000-2017
  issuer: 示例局
  effective_from: 2018-07-01
  scope: {sectors: [消防]}
  coverage: partial
  missing_items: ['7.1', '7.2']
items:
  - ref: '6.1'
    article: '6'
    family: 直接判定
    summary: 安全出口被锁闭
    holds_when: 安全出口锁闭
    mentions: [安全出口, 锁闭]
    verified: true
"""


@pytest.fixture(scope="session")
def mini(tmp_path_factory: pytest.TempPathFactory) -> CriteriaSet:
    folder: Path = tmp_path_factory.mktemp("criteria")
    (folder / "facts").mkdir()
    (folder / "facts" / "facts.yaml").write_text(FACTS, encoding="utf-8")
    for name, text in (("demo-2017", OLD), ("demo-2023", NEW), ("fire-2018", FIRE)):
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return load_criteria(folder)


SAYS = {  # how descriptions state the mini facts (criteria/facts/*.yaml ``says``)
    "in_production": "{是: [生产期间, 生产时]}",
    "water": "{是: [积水]}",
    "pressure": "{数值: [压力]}",
    "exits_locked": "{是: [锁闭, 上锁]}",
}


@pytest.fixture(scope="session")
def reading(tmp_path_factory: pytest.TempPathFactory) -> CriteriaSet:
    """The mini criteria with the bundled reading cues and phrases for its facts."""
    folder: Path = tmp_path_factory.mktemp("criteria-reading")
    (folder / "facts").mkdir()
    lines = []
    for line in FACTS.splitlines():
        key = line.split("key: ")[1].split(",")[0] if "key: " in line else None
        lines.append(line[:-1] + f", says: {SAYS[key]}}}" if key in SAYS else line)
    (folder / "facts" / "facts.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name, text in (("demo-2017", OLD), ("demo-2023", NEW), ("fire-2018", FIRE)):
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    shutil.copy(bundled("criteria") / "reading.yaml", folder / "reading.yaml")
    return load_criteria(folder)
