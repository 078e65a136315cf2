"""The district plan's sections return: two items side by side in each row, and cells that
carry two figures (行政处罚（次、万元）, 举报奖励…其中匿名)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from engine.model.forms import Form
from engine.read import read_submission

SECTIONS = "campaign-2023-sections"
COMBINED = {"penalties", "fines", "reward_total", "reward_anonymous"}


def _layout(form: Form) -> list[list[object]]:
    """Each section's items in two halves, left block and right block, a 其中 item kept in the
    block of its whole; the two combined cells in the right block of their section."""
    rows: list[list[object]] = [["填报单位：某县应急管理局"],
                                ["序号", "指标", "数值", "序号", "指标", "数值"]]
    sections: dict[str, list] = {}
    for ind in form.indicators:
        if ind.key not in COMBINED:
            sections.setdefault(ind.path[0], []).append(ind)
    n = 0
    for s, (top, items) in enumerate(sections.items(), start=1):
        rows.append([f"{'一二三四'[s - 1]}、{top}"])
        groups: list[list] = []
        for ind in items:  # an item and its 其中 items stay together
            if ind.part_of and groups and any(g.key == ind.part_of for g in groups[-1]):
                groups[-1].append(ind)
            else:
                groups.append([ind])
        half = (len(groups) + 1) // 2
        left = [i for g in groups[:half] for i in g]
        right = [i for g in groups[half:] for i in g]
        if top == "部门精准执法":
            right.append(("行政处罚（次、万元）", "3次、1.5万元"))
        if top == "党政组织领导":
            right.append(("举报奖励（万元），其中匿名举报查实奖励金额", "0.3（其中0.1）"))
        for a, b in zip(left + [None] * (len(right) - len(left)), right + [None] * (len(left) - len(right)),
                        strict=True):
            row: list[object] = []
            for item in (a, b):
                n += 1
                if item is None:
                    row += [None, None, None]
                elif isinstance(item, tuple):
                    row += [n, *item]
                else:
                    label = item.path[-1]
                    row += [n, label, "是" if item.measure == "是/否" else 1]
            rows.append(row)
    return rows


def test_two_items_per_row_are_read_as_every_indicator(tmp_path: Path, forms: dict[str, Form]) -> None:
    wb = openpyxl.Workbook()
    for row in _layout(forms[SECTIONS]):
        wb.active.append(row)
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    sub = read_submission(path, forms)
    assert sub.form_id == SECTIONS and sub.rows[0].unit == "某县应急管理局"
    cells = sub.rows[0].cells
    assert set(cells) == {i.key for i in forms[SECTIONS].indicators}, set(
        i.key for i in forms[SECTIONS].indicators) - set(cells)
    assert (cells["penalties"].value, cells["fines"].value) == (3, 1.5)
    assert (cells["reward_total"].value, cells["reward_anonymous"].value) == (0.3, 0.1)
    assert not sub.ignored
