"""Builders: realistic returns made on the fly with openpyxl / csv, never checked in.

Example A mirrors the real district table: title row with the data period, three merged
header rows (group → sub-group → leaf), a unit row, a 累计 row and messy values.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

TABLE = "campaign-2023-table"
SECTIONS = "campaign-2023-sections"

# (group, sub-group, leaf, unit, key); None means the cell above is merged down into it.
COLUMNS_A: list[tuple[str, str | None, str | None, str, str]] = [
    ("一般隐患", None, "排查", "条", "general_found"),
    ("一般隐患", None, "已整改", "条", "general_rectified"),
    ("重大隐患", "企业自查上报", "排查", "条", "major_self_found"),
    ("重大隐患", "企业自查上报", "已整改", "条", "major_self_rectified"),
    ("重大隐患", "部门排查", "排查", "条", "major_dept_found"),
    ("重大隐患", "部门排查", "已整改", "条", "major_dept_rectified"),
    ("重大隐患", "部门挂牌督办", "排查", "条", "major_listed_found"),
    ("重大隐患", "部门挂牌督办", "已整改", "条", "major_listed_rectified"),
    ("部门检查", "抽查检查企业数", None, "家次", "spot_checked"),
    ("部门精准严格执法情况", "帮扶指导重点县区（镇街）", None, "个次", "helped_areas"),
    ("部门精准严格执法情况", "帮扶指导重点企业", None, "个次", "helped_enterprises"),
    ("部门精准严格执法情况", "行政处罚", "次数", "次", "penalties"),
    ("部门精准严格执法情况", "行政处罚", "罚款金额", "万元", "fines"),
    ("部门精准严格执法情况", "企业和企业主要负责人“一案双罚”", None, "次", "double_penalties"),
    ("部门精准严格执法情况", "移送司法机关", None, "人", "judicial_transfers"),
    ("部门精准严格执法情况", "责令停产整顿", None, "家", "suspensions"),
    ("部门精准严格执法情况", "曝光、约谈、联合惩戒企业", None, "家", "exposures"),
    ("部门精准严格执法情况", "公布典型执法案例", None, "个", "typical_cases"),
    ("部门精准严格执法情况", "责任倒查追责问责", None, "人", "accountability"),
    ("部门精准严格执法情况", "约谈通报有关地区及部门", None, "次", "area_interviews"),
    ("部门精准严格执法情况", "关闭取缔", None, "家", "closures"),
    ("部门精准严格执法情况", "案件线索移交", None, "家", "clue_transfers"),
    ("其他相关工作跟踪落实情况", "分管本部门的党委政府领导现场督导检查", None, "次",
     "leader_supervision"),
    ("其他相关工作跟踪落实情况", "行业部门负责同志到企业宣讲", None, "次", "lectures"),
    ("其他相关工作跟踪落实情况", "组织开展本系统安全生产监管执法人员专题培训", "场次", "场次",
     "training_sessions"),
    ("其他相关工作跟踪落实情况", "组织开展本系统安全生产监管执法人员专题培训", "人次", "人次",
     "training_attendance"),
    ("其他相关工作跟踪落实情况", "举报奖励", "总金额", "万元", "reward_total"),
    ("其他相关工作跟踪落实情况", "举报奖励", "其中：匿名举报查实奖励金额", "万元",
     "reward_anonymous"),
]
KEYS_A = [c[4] for c in COLUMNS_A]
TITLE_A = ("XX区重大事故隐患专项排查整治2023行动进展情况调度表"
           "（数据统计区间：2023年5月1日-2023年9月26日）")

# Data rows of example A: unit, then one value per column (any object openpyxl can store).
ROWS_A: list[list[object]] = [
    ["累计", 120, 100, 5, 4, 10, 8, 3, 2, 40, 6, 30, 7, 3.5, 1, 0, 2, 3, 4, 1, 2, 0, 1, 9, 8,
     2, 150, 1.2, 0.2],
    ["XX镇", 50, 40, 2, 2, 4, 3, 1, 1, 15, None, 10, 3, 1.5, 0, 0, 1, 1, 2, 0, 1, 0, 0, 4, 3,
     1, 60, 0.6, 0.1],
    ["区应急管理局", "70", "６０", 3, 2, 6, 5, 2, 1, 25, 6, "20", 4, "2.0", 1, 0, 1, 2, 2, 1, 1,
     0, 1, 5, 5, 1, 90, 0.6, 0.1],
    ["区公安\n分局", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "—", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
     0, 0, 0, 0],
    ["XX工业园", "约10", "１，２34", 0, 0, 0, 0, 0, 0, 0, "/", 0, 0, "3.5万元", 0, 0, 0, 0, 0,
     0, 0, 0, 0, 0, 0, 0, 0, "", None],
]


def _merge(ws: object, r0: int, c0: int, r1: int, c1: int) -> None:
    if (r0, c0) != (r1, c1):
        ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)  # type: ignore


def write_example_a(path: Path, rows: list[list[object]] = ROWS_A, title: str = TITLE_A) -> Path:
    """Example A as a real district workbook would be laid out."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "调度表"
    last = len(COLUMNS_A) + 1
    ws.cell(1, 1, title)
    _merge(ws, 1, 1, 1, last)
    ws.cell(2, 1, "地区/部门")
    _merge(ws, 2, 1, 5, 1)
    col = 2
    while col <= last:
        group = COLUMNS_A[col - 2][0]
        end = col
        while end + 1 <= last and COLUMNS_A[end - 1][0] == group:
            end += 1
        ws.cell(2, col, group)
        for c in range(col, end + 1):
            sub, leaf = COLUMNS_A[c - 2][1], COLUMNS_A[c - 2][2]
            if sub is None:  # group merged down over the sub-group row
                _merge(ws, 2, col, 3, end)
            ws.cell(4, c, leaf) if leaf else None
            ws.cell(5, c, COLUMNS_A[c - 2][3])
        if COLUMNS_A[col - 2][1] is not None:
            _merge(ws, 2, col, 2, end)
            c = col
            while c <= end:
                sub = COLUMNS_A[c - 2][1]
                e = c
                while e + 1 <= end and COLUMNS_A[e - 1][1] == sub:
                    e += 1
                ws.cell(3, c, sub)
                if COLUMNS_A[c - 2][2] is None:
                    _merge(ws, 3, c, 4, e)
                else:
                    _merge(ws, 3, c, 3, e)
                c = e + 1
        col = end + 1
    for r, values in enumerate(rows, start=6):
        for c, v in enumerate(values, start=1):
            if v is not None:
                ws.cell(r, c, v)
    ws.cell(6 + len(rows) + 1, 1, "填表人：张三    联系电话：12345678")
    ws.column_dimensions[get_column_letter(1)].width = 20
    wb.save(path)
    return path


def example_a_csv_rows() -> list[list[str]]:
    """Example A as Excel exports it to CSV: merged cells become blanks to the right/below."""
    last = len(COLUMNS_A)
    title = [TITLE_A] + [""] * last
    r2, r3, r4, r5 = ["地区/部门"], [""], [""], [""]
    prev_group, prev_sub = None, None
    for group, sub, leaf, unit, _ in COLUMNS_A:
        r2.append(group if group != prev_group else "")
        if sub is None:
            r3.append("")
        else:
            r3.append(sub if (group, sub) != prev_sub else "")
        r4.append(leaf or "")
        r5.append(unit)
        prev_group, prev_sub = group, (group, sub)
    body = [["" if v is None else str(v) for v in row] for row in ROWS_A]
    return [title, r2, r3, r4, r5, *body]


# Example B, vertical: (label, unit, value, key); a key of None marks a section heading.
ROWS_B: list[tuple[str, str, object, str | None]] = [
    ("一、总体情况", "", None, None),
    ("企业自查发现重大事故隐患", "项", 12, "major_self_found"),
    ("其中：已整改", "项", 10, "major_self_rectified"),
    ("部门检查发现重大事故隐患", "项", 8, "major_dept_found"),
    ("其中：已整改", "项", "６", "major_dept_rectified"),
    ("政府挂牌督办重大事故隐患", "项", 2, "major_listed_found"),
    ("其中：已整改", "项", 1, "major_listed_rectified"),
    ("二、对企业自查自改进行抽查检查", "", None, None),
    ("抽查检查企业数", "家", 30, "spot_checked"),
    ("主要负责人未亲自研究部署", "家", 1, "principal_not_studied"),
    ("主要负责人未带队开展检查", "家", 0, "principal_no_inspection"),
    ("未建立分管负责人责任清单", "家", "—", "no_duty_list"),
    ("未按规定设置安全管理机构或配备安全管理人员", "家", 2, "no_safety_staff"),
    ("电焊工等特种作业人员无证上岗", "家", 1, "uncertified_workers"),
    ("外包外租管理混乱", "家", 0, "outsourcing_chaos"),
    ("未开展应急演练或员工不清楚逃生出口", "家", 3, "no_drill"),
    ("安全培训流于形式", "家", 0, "training_formality"),
    ("安全措施不落实", "家", 4, "measures_not_implemented"),
    ("三、部门精准执法", "", None, None),
    ("帮扶指导企业", "家次", 20, "helped_enterprises"),
    ("行政处罚", "次", 5, "penalties"),
    ("罚款金额", "万元", "2.5", "fines"),
    ("一案双罚", "次", 1, "double_penalties"),
    ("移送司法机关", "人", 0, "judicial_transfers"),
    ("责令停产整顿", "家", 1, "suspensions"),
    ("曝光、约谈、联合惩戒企业", "家", 2, "exposures"),
    ("公布典型执法案例", "个", 2, "typical_cases"),
    ("其中：危险作业罪案例", "个", 1, "dangerous_operation_cases"),
    ("责任倒查追责问责", "人", 0, "accountability"),
    ("约谈通报有关地区及部门", "次", 1, "area_interviews"),
    ("四、党政组织领导", "", None, None),
    ("学习研究", "次", 3, "study_sessions"),
    ("主要负责同志专题研究", "次", 1, "principal_studies"),
    ("党委政府领导现场督导检查", "次", 2, "leader_supervision"),
    ("安委会成员单位负责同志到企业宣讲", "次", 2, "lectures"),
    ("举报奖励", "万元", 0.5, "reward_total"),
    ("其中：匿名举报查实奖励金额", "万元", 0.1, "reward_anonymous"),
    ("省级主流媒体安全专栏是否播出", "是/否", "是", "media_column"),
    ("技术检查员或聘请专家", "人", None, "experts"),
    ("考核巡查", "次", "若干", "assessment_tours"),
]


def write_example_b(path: Path, unit_line: str | None = "填报单位：XX镇（盖章）") -> Path:
    """Example B laid out vertically: 序号 | 指标 | 单位 | 数值, with section rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "月报"
    ws.cell(1, 1, "重大事故隐患专项排查整治2023行动月度报表")
    _merge(ws, 1, 1, 1, 4)
    if unit_line:
        ws.cell(2, 1, unit_line)
        _merge(ws, 2, 1, 2, 2)
    ws.cell(2, 3, "数据统计区间：2023年5月1日至9月26日")
    _merge(ws, 2, 3, 2, 4)
    for c, h in enumerate(["序号", "指标", "单位", "数值"], start=1):
        ws.cell(3, c, h)
    r, n = 4, 0
    for label, unit, value, key in ROWS_B:
        if key is None:
            ws.cell(r, 1, label)
            _merge(ws, r, 1, r, 4)
        else:
            if not label.startswith("其中"):
                n += 1
                ws.cell(r, 1, n)
            ws.cell(r, 2, label)
            ws.cell(r, 3, unit)
            if value is not None:
                ws.cell(r, 4, value)
        r += 1
    wb.save(path)
    return path


def rows_b_lines() -> dict[str, int]:
    """Sheet row of each example-B indicator (rows start at 4)."""
    return {key: 4 + i for i, (_, _, _, key) in enumerate(ROWS_B) if key}
