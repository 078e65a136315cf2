"""Unit kinds from names and from a unit-kind column."""

from __future__ import annotations

import pytest

from engine.read.unitkind import guess_unit_kind, kind_from_text


@pytest.mark.parametrize("name", [
    "XX镇", "XX乡", "XX街道", "XX街道办", "XX街道办事处", "XX工业园", "XX园区", "XX经济开发区",
    "XX开发区管委会", "XX旅游度假区", "XX镇人民政府", " XX\n镇 ", "某经济开发区安委办",
    "XX街道安监站", "XX乡党委",
])
def test_townships(name: str) -> None:
    assert guess_unit_kind(name) == "镇街"


@pytest.mark.parametrize("name", [
    "区应急管理局", "区交警大队", "区公安分局", "区公安\n分局", "区消防救援大队", "区供电中心",
    "区规划建设局", "区综合行政执法局", "生态环境分局", "区发改委", "区政府办公室", "区国资办",
    "区卫生健康委员会", "区人武部", "XX供电公司", "XX派出所", "某区安委办",
])
def test_departments(name: str) -> None:
    assert guess_unit_kind(name) == "区直部门"


@pytest.mark.parametrize("name", ["", "张三", "累计", "其他"])
def test_unknown(name: str) -> None:
    assert guess_unit_kind(name) is None


@pytest.mark.parametrize(("text", "kind"), [
    ("镇街", "镇街"), ("乡镇", "镇街"), ("街道", "镇街"), ("部门", "区直部门"),
    ("区直部门", "区直部门"), (" 部门 ", "区直部门"), ("其他", None), (None, None),
])
def test_kind_column_values(text: object, kind: str | None) -> None:
    assert kind_from_text(text) == kind
