"""Regenerate the sample returns under cases/ (the data files only, never the expectations).

The expected findings in each case.yaml are written by hand from the errors planted here, so
that the test suite checks the engine against a person's reading, not against itself.
Run: python tools/make_cases.py
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

ROOT = Path(__file__).resolve().parent.parent / "cases"

# Example A layout: (group, subgroup, leaf, unit) per column after 地区/部门.
A_COLUMNS: list[tuple[str, str, str, str]] = [
    ("一般隐患", "", "排查", "条"), ("一般隐患", "", "已整改", "条"),
    ("重大隐患", "企业自查上报", "排查", "条"), ("重大隐患", "企业自查上报", "已整改", "条"),
    ("重大隐患", "部门排查", "排查", "条"), ("重大隐患", "部门排查", "已整改", "条"),
    ("重大隐患", "部门挂牌督办", "排查", "条"), ("重大隐患", "部门挂牌督办", "已整改", "条"),
    ("部门检查", "抽查检查企业数", "", "家次"),
    ("部门精准严格执法情况", "帮扶指导重点县区(镇街)", "", "个次"),
    ("部门精准严格执法情况", "帮扶指导重点企业", "", "个次"),
    ("部门精准严格执法情况", "行政处罚", "次数", "次"),
    ("部门精准严格执法情况", "行政处罚", "罚款金额", "万元"),
    ("部门精准严格执法情况", '企业和企业主要负责人"一案双罚"', "", "次"),
    ("部门精准严格执法情况", "移送司法机关", "", "人"),
    ("部门精准严格执法情况", "责令停产整顿", "", "家"),
    ("部门精准严格执法情况", "曝光、约谈、联合惩戒企业", "", "家"),
    ("部门精准严格执法情况", "公布典型执法案例", "", "个"),
    ("部门精准严格执法情况", "责任倒查追责问责", "", "人"),
    ("部门精准严格执法情况", "约谈通报有关地区及部门", "", "次"),
    ("部门精准严格执法情况", "关闭取缔", "", "家"),
    ("部门精准严格执法情况", "案件线索移交", "", "家"),
    ("其他相关工作跟踪落实情况", "分管本部门的党委政府领导现场督导检查", "", "次"),
    ("其他相关工作跟踪落实情况", "行业部门负责同志到企业宣讲", "", "次"),
    ("其他相关工作跟踪落实情况", "组织开展本系统安全生产监管执法人员专题培训", "场次", "场次"),
    ("其他相关工作跟踪落实情况", "组织开展本系统安全生产监管执法人员专题培训", "人次", "人次"),
    ("其他相关工作跟踪落实情况", "举报奖励", "总金额", "万元"),
    ("其他相关工作跟踪落实情况", "举报奖励", "匿名举报查实奖励金额", "万元"),
]
A_KEYS = [
    "general_found", "general_rectified", "major_self_found", "major_self_rectified",
    "major_dept_found", "major_dept_rectified", "major_listed_found", "major_listed_rectified",
    "spot_checked", "helped_areas", "helped_enterprises", "penalties", "fines", "double_penalties",
    "judicial_transfers", "suspensions", "exposures", "typical_cases", "accountability",
    "area_interviews", "closures", "clue_transfers", "leader_supervision", "lectures",
    "training_sessions", "training_attendance", "reward_total", "reward_anonymous",
]
assert len(A_KEYS) == len(A_COLUMNS)

Value = int | float | str | None


def a_row(**kw: Value) -> dict[str, Value]:
    row: dict[str, Value] = dict.fromkeys(A_KEYS, 0)
    row.update(kw)
    return row


def township(g: int, gr: int, ms: int, msr: int, spot: int, pen: int, fine: float,
             **kw: Value) -> dict[str, Value]:
    row = a_row(general_found=g, general_rectified=gr, major_self_found=ms,
                major_self_rectified=msr, spot_checked=spot, helped_enterprises=spot // 3,
                penalties=pen, fines=fine, leader_supervision=2, lectures=1)
    row.update(kw)
    return row


def department(g: int, gr: int, md: int, mdr: int, ml: int, mlr: int, spot: int, pen: int,
               fine: float, **kw: Value) -> dict[str, Value]:
    row = a_row(general_found=g, general_rectified=gr, major_dept_found=md,
                major_dept_rectified=mdr, major_listed_found=ml, major_listed_rectified=mlr,
                spot_checked=spot, helped_areas=2, helped_enterprises=int(spot) // 4,
                penalties=pen, fines=fine, training_sessions=1, training_attendance=25)
    row.update(kw)
    return row


def total_row(rows: dict[str, dict[str, Value]], **override: Value) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for k in A_KEYS:
        vals = [v for r in rows.values() if isinstance((v := r[k]), (int, float))]
        out[k] = round(sum(vals), 4) if any(isinstance(v, float) for v in vals) else sum(vals)
    out.update(override)
    return out


def write_a_xlsx(path: Path, title: str, rows: dict[str, dict[str, Value]],
                 total: dict[str, Value], total_first: bool = False) -> None:
    """Example A with a title row, three merged header rows and a unit row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "调度表"
    n = len(A_COLUMNS) + 1
    ws.cell(1, 1, title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.cell(2, 1, "地区/部门")
    ws.merge_cells(start_row=2, start_column=1, end_row=5, end_column=1)
    col = 2
    while col <= n:  # merge runs of equal group / subgroup labels
        group = A_COLUMNS[col - 2][0]
        end = col
        while end + 1 <= n and A_COLUMNS[end - 1][0] == group:
            end += 1
        ws.cell(2, col, group)
        if end > col:
            ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=end)
        c = col
        while c <= end:
            sub = A_COLUMNS[c - 2][1]
            e = c
            while e + 1 <= end and A_COLUMNS[e - 1][1] == sub and sub:
                e += 1
            leaf = A_COLUMNS[c - 2][2]
            if sub:
                ws.cell(3, c, sub)
                if not leaf and e == c:
                    ws.merge_cells(start_row=3, start_column=c, end_row=4, end_column=c)
                elif e > c:
                    ws.merge_cells(start_row=3, start_column=c, end_row=3, end_column=e)
            for k in range(c, e + 1):
                if A_COLUMNS[k - 2][2]:
                    ws.cell(4 if sub else 3, k, A_COLUMNS[k - 2][2])
                    if not sub:
                        ws.merge_cells(start_row=3, start_column=k, end_row=4, end_column=k)
            c = e + 1
        col = end + 1
    for k, spec in enumerate(A_COLUMNS, start=2):
        ws.cell(5, k, spec[3])
    body = [("累计", total)] if total_first else []
    body += list(rows.items())
    if not total_first:
        body.append(("累计", total))
    for r, (unit, values) in enumerate(body, start=6):
        ws.cell(r, 1, unit).alignment = Alignment(wrap_text=True)
        for k, key in enumerate(A_KEYS, start=2):
            v = values[key]
            if v is not None:
                ws.cell(r, k, v)
    for row in ws.iter_rows(min_row=1, max_row=5):
        for cell in row:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.column_dimensions["A"].width = 16
    wb.save(path)


def write_a_csv_multiheader(path: Path, rows: dict[str, dict[str, Value]],
                            total: dict[str, Value], encoding: str) -> None:
    """Example A as a spreadsheet program exports it: merged cells become blanks."""
    lines: list[list[str]] = [["地区/部门"], [""], [""], [""]]
    prev = ("", "")
    for g, s, leaf, unit in A_COLUMNS:
        lines[0].append(g if g != prev[0] else "")
        lines[1].append(s if (g, s) != prev else "")
        lines[2].append(leaf)
        lines[3].append(unit)
        prev = (g, s)
    for unit, values in [*rows.items(), ("累计", total)]:
        lines.append([unit, *["" if values[k] is None else str(values[k]) for k in A_KEYS]])
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(lines)


def write_flat_csv(path: Path, header: list[str], rows: list[list[Value]],
                   encoding: str = "utf-8") -> None:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows([["" if v is None else v for v in r] for r in rows])


def case_a_district() -> None:
    """A district's September return (xlsx, merged headers) and its August one."""
    d = ROOT / "campaign-2023-table" / "district-2023-09"
    d.mkdir(parents=True, exist_ok=True)
    rows = {
        "东城街道": township(412, 398, 2, 2, 86, 3, 1.2),
        "西湖镇": township(365, 350, 1, 1, 74, 2, 0.8, helped_areas=2),  # township fills 帮扶指导重点县区
        "南山镇": township(298, 301, 0, 0, 65, 1, 0.5),  # rectified > found
        "高新工业园": township(276, 270, 3, 2, 58, 4, 2.6),
        "区应急管理局": department(188, 180, 12, 10, 5, 4, 96, 21, 18.5, double_penalties=3,
                             judicial_transfers=2, suspensions=1, typical_cases=2),
        "区交警大队": department(96, 96, 0, 0, 0, 0, 40, 0, 14),  # fine, no penalty
        "区规划建设局": department(143, 139, 9, 7, 4, 3, 62, 6, 4.2),
        "区文化旅游体育局": department(37, 37, 0, 0, 1, 0, 18, 0, 0),  # listed 1 > dept 0
        "区供电中心": a_row(),  # all zeros
        "区公安\n分局": department(22, 22, 1, 1, 0, 0, 15, 1, 0.3, judicial_transfers=3),
        "区市场监督管理局": department(131, 128, 2, 2, 0, 0, 44, 2, 0.6, lectures="若干"),
    }
    total = total_row(rows, spot_checked=690, lectures=9)  # reported 690; the unit rows add up to 558
    title = "重大事故隐患专项排查整治2023行动进展情况调度表（数据统计区间：2023年5月1日-{}）"
    write_a_xlsx(d / "return.xlsx", title.format("2023年9月26日"), rows, total)
    prev = {k: dict(v) for k, v in rows.items() if k != "区市场监督管理局"}
    for v in prev.values():
        for key in ("general_found", "general_rectified"):
            if isinstance(v[key], int):
                v[key] = max(0, v[key] - 30)
        v["lectures"] = 0
        v["helped_areas"] = 0
    prev["东城街道"]["general_found"] = 420  # September's 412 is lower: cumulative went down
    prev["东城街道"]["general_rectified"] = 380
    prev["南山镇"]["general_rectified"] = 260
    prev["区综合行政执法局"] = department(51, 50, 0, 0, 0, 0, 9, 1, 0.2)  # missing in September
    write_a_xlsx(d / "previous.xlsx", title.format("2023年8月25日"), prev, total_row(prev))


def case_a_gbk() -> None:
    """Another district, exported to csv in GBK by a spreadsheet program."""
    d = ROOT / "campaign-2023-table" / "county-gbk-csv"
    d.mkdir(parents=True, exist_ok=True)
    rows = {
        "城关镇": township(156, 150, 1, 1, 40, 2, 0.4),
        "河口乡": township(88, 80, 0, 0, 21, 0, 0),
        "滨江街道": township(120, 117, 0, 0, 30, -1, 0),  # negative count
        "县应急管理局": department(90, 85, 6, 4, 2, 1, 48, 9, 7.35, double_penalties=2,
                             reward_total=0.5, reward_anonymous=0.8),  # anonymous > total
        "县住房和城乡建设局": department(64, 60, 3, 3, 1, 1, 30, 3, 1.5,
                               training_sessions=0, training_attendance=18),  # 人次 without 场次
        "县消防救援大队": department(71, 71, 2, 2, 0, 0, 26.5, 4, 2.1),  # 家次 26.5
    }
    total = total_row(rows)
    write_a_csv_multiheader(d / "return.csv", rows, total, "gbk")


def case_a_flat() -> None:
    """A clean return typed by hand into a flat csv with indicator keys as headers."""
    d = ROOT / "campaign-2023-table" / "flat-keys-clean"
    d.mkdir(parents=True, exist_ok=True)
    rows = {
        "北湖街道": township(210, 205, 1, 1, 52, 2, 0.6),
        "青石镇": township(175, 170, 0, 0, 47, 1, 0.2),
        "区应急管理局": department(160, 158, 8, 8, 3, 3, 70, 12, 9.8, double_penalties=1),
        "区交通运输局": department(66, 66, 1, 1, 0, 0, 21, 2, 0.4),
    }
    total = total_row(rows)
    body = [[u, "镇街" if u.endswith(("街道", "镇")) else "区直部门", *[v[k] for k in A_KEYS]]
            for u, v in [*rows.items(), ("累计", total)]]
    body[-1][1] = ""
    write_flat_csv(d / "return.csv", ["unit", "单位类型", *A_KEYS], body)


def case_a_labels() -> None:
    """Label paths joined by '/' as headers; the total row comes first; one township
    whose name does not tell its kind is set by the unit-kind column."""
    d = ROOT / "campaign-2023-table" / "flat-labels"
    d.mkdir(parents=True, exist_ok=True)
    rows = {
        "五里铺": township(80, 78, 0, 0, 20, 1, 0.1),  # kind from the 单位类型 column
        "区教育局": department(45, 45, 0, 0, 0, 0, 12, 0, 0, helped_areas=0),
        "区卫生健康局": department(38, 35, 0, 0, 0, 0, 10, 3, 0, helped_areas=1),  # penalties, no fine
    }
    total = total_row(rows)
    header = ["地区/部门", "单位类型", *["/".join(p for p in spec[:3] if p) for spec in A_COLUMNS]]
    kinds = {"五里铺": "镇街", "区教育局": "区直部门", "区卫生健康局": "区直部门", "累计": ""}
    body = [[u, kinds[u], *[v[k] for k in A_KEYS]] for u, v in [("累计", total), *rows.items()]]
    write_flat_csv(d / "return.csv", header, body)


B_SECTIONS: list[tuple[str, list[tuple[str, str, str]]]] = [
    ("一、总体情况", [
        ("major_self_found", "企业自查发现重大事故隐患", "项"),
        ("major_self_rectified", "其中：已整改", "项"),
        ("major_dept_found", "部门检查发现重大事故隐患", "项"),
        ("major_dept_rectified", "其中：已整改", "项"),
        ("major_listed_found", "政府挂牌督办重大事故隐患", "项"),
        ("major_listed_rectified", "其中：已整改", "项"),
    ]),
    ("二、对企业自查自改进行抽查检查", [
        ("spot_checked", "抽查检查企业数", "家"),
        ("principal_not_studied", "主要负责人未亲自研究部署", "家"),
        ("principal_no_inspection", "主要负责人未带队开展检查", "家"),
        ("no_duty_list", "未建立分管负责人责任清单", "家"),
        ("no_safety_staff", "未按规定设置安全管理机构或配备安全管理人员", "家"),
        ("uncertified_workers", "电焊工等特种作业人员无证上岗", "家"),
        ("outsourcing_chaos", "外包外租管理混乱", "家"),
        ("no_drill", "未开展应急演练或员工不清楚逃生出口", "家"),
        ("training_formality", "安全培训流于形式", "家"),
        ("measures_not_implemented", "安全措施不落实", "家"),
    ]),
    ("三、部门精准执法", [
        ("helped_enterprises", "帮扶指导企业", "家次"), ("penalties", "行政处罚次数", "次"),
        ("fines", "罚款金额", "万元"), ("double_penalties", "一案双罚", "次"),
        ("judicial_transfers", "移送司法机关", "人"), ("suspensions", "责令停产整顿", "家"),
        ("exposures", "曝光、约谈、联合惩戒企业", "家"), ("typical_cases", "公布典型执法案例", "个"),
        ("dangerous_operation_cases", "其中：危险作业罪案例", "个"),
        ("accountability", "责任倒查追责问责", "人"), ("area_interviews", "约谈通报有关地区及部门", "次"),
    ]),
    ("四、党政组织领导", [
        ("study_sessions", "学习研究", "次"), ("principal_studies", "主要负责同志专题研究", "次"),
        ("leader_supervision", "党委政府领导现场督导检查", "次"),
        ("lectures", "安委会成员单位负责同志到企业宣讲", "次"),
        ("reward_total", "举报奖励", "万元"), ("reward_anonymous", "其中：匿名举报查实奖励金额", "万元"),
        ("media_column", "省级主流媒体安全专栏是否播出", "是/否"),
        ("experts", "技术检查员或聘请专家", "人"), ("assessment_tours", "考核巡查", "次"),
    ]),
]
B_PATHS = {
    "penalties": "部门精准执法/行政处罚/次数", "fines": "部门精准执法/行政处罚/罚款金额",
}


def b_values(**kw: Value) -> dict[str, Value]:
    base: dict[str, Value] = {
        "major_self_found": 12, "major_self_rectified": 10, "major_dept_found": 9,
        "major_dept_rectified": 7, "major_listed_found": 3, "major_listed_rectified": 2,
        "spot_checked": 46, "principal_not_studied": 5, "principal_no_inspection": 4,
        "no_duty_list": 6, "no_safety_staff": 3, "uncertified_workers": 2, "outsourcing_chaos": 1,
        "no_drill": 7, "training_formality": 4, "measures_not_implemented": 8,
        "helped_enterprises": 60, "penalties": 14, "fines": 11.6, "double_penalties": 2,
        "judicial_transfers": 1, "suspensions": 1, "exposures": 3, "typical_cases": 2,
        "dangerous_operation_cases": 1, "accountability": 0, "area_interviews": 1,
        "study_sessions": 2, "principal_studies": 1, "leader_supervision": 4, "lectures": 6,
        "reward_total": 0.3, "reward_anonymous": 0.1, "media_column": "是", "experts": 5,
        "assessment_tours": 1,
    }
    base.update(kw)
    return base


def write_b_vertical_xlsx(path: Path, unit: str, period: str, values: dict[str, Value]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "月报"
    ws.append(["重大事故隐患专项排查整治2023行动月度报表"])
    ws.merge_cells("A1:D1")
    ws.append([f"填报单位：{unit}", None, f"统计时间：{period}"])
    ws.append(["序号", "指标", "数值", "单位"])
    n = 0
    for heading, items in B_SECTIONS:
        ws.append([heading])
        for key, label, unit_name in items:
            n += 1
            ws.append([n, label, values[key], unit_name])
    wb.save(path)


def write_b_vertical_csv(path: Path, unit: str, values: dict[str, Value], encoding: str) -> None:
    lines: list[list[Value]] = [[f"填报单位：{unit}"], ["序号", "指标", "数值"]]
    n = 0
    for heading, items in B_SECTIONS:
        lines.append([heading])
        for key, label, _ in items:
            n += 1
            lines.append([n, label, values[key]])
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows([["" if v is None else v for v in r] for r in lines])


def case_b() -> None:
    base = ROOT / "campaign-2023-sections"
    d = base / "zone-2023-10-xlsx"
    d.mkdir(parents=True, exist_ok=True)
    write_b_vertical_xlsx(d / "return.xlsx", "某经济开发区安委办", "2023年10月",
                          b_values(no_drill=52, dangerous_operation_cases=3, penalties=0))
    d = base / "district-gbk-csv"
    d.mkdir(parents=True, exist_ok=True)
    write_b_vertical_csv(d / "return.csv", "某区安委办",
                         b_values(experts="若干", reward_anonymous=0.45, reward_total=0.4,
                                  media_column="否"), "gb18030")
    d = base / "flat-paths-csv"
    d.mkdir(parents=True, exist_ok=True)
    keys = [k for _, items in B_SECTIONS for k, _, _ in items]
    paths = {
        "major_self_found": "总体情况/企业自查发现重大事故隐患",
        "major_self_rectified": "总体情况/企业自查发现重大事故隐患/其中已整改",
    }
    header = ["填报单位", *[paths.get(k, B_PATHS.get(k, k)) for k in keys]]
    v = b_values(major_self_rectified=13, judicial_transfers=1.5, fines=0.0)
    write_flat_csv(d / "return.csv", header, [["某县应急管理局", *[v[k] for k in keys]]])


LEDGER_HEADER = ["编号", "镇街", "生产经营单位名称", "所属行业", "隐患内容", "判定事实", "隐患级别",
                 "隐患来源", "排查日期", "责任人", "措施", "资金", "时限", "预案", "完成日期",
                 "主要负责人销号签字", "安全总监销号签字", "是否挂牌督办", "是否处罚"]
COAL = "煤矿类型=井工煤矿；年原煤产量=110；季度原煤产量=25；核定生产能力=100"


def case_ledger_county() -> None:
    """A county ledger as .xlsx: title row, other column spellings, several sectors and editions.

    M1 and M2 record the same coal output; M1 is dated in the last month of 应急管理部令第4号
    (≥ 110 % holds), M2 in the first month of 第21号 (110 % is no longer enough), so only M2 is a
    reported 重大 that matches no item.
    """
    d = ROOT / "hazard-ledger" / "county-2026-xlsx"
    d.mkdir(parents=True, exist_ok=True)
    done = ["刘洋", "限产", 5]
    rows = [
        ["M1", "东山镇", "东山煤业", "煤矿", "超能力生产", COAL, "重大", "企业自查", "2026-06-30", *done,
         "2026-07-15", "限产方案", "2026-07-10", "√", "√", "", ""],
        ["M2", "东山镇", "东山煤业", "煤矿", "超能力生产", COAL, "重大", "企业自查", "2026-07-01", *done,
         "2026-07-20", "限产方案", "2026-07-18", "√", "√", "", ""],
        ["G1", "西湖街道", "西湖燃气公司", "城镇燃气", "无证经营",
         "从事燃气经营活动=是；取得燃气经营许可证=否", "一般隐患", "部门排查", "2026-05-10", "陈静", "停业",
         "", "2026-06-10", "", "2026-06-01", "", "", "", ""],
        ["F1", "西湖街道", "西湖建工", "房屋市政工程", "无安全生产许可证施工",
         "施工企业取得安全生产许可证=否",
         "重大事故隐患", "部门排查", "2026-03-10", "周杰", "停工办证", 2, "2026-04-10", "停工预案",
         "2026-04-01", "是", "是", "是", ""],
        ["T1", "东山镇", "东山机械", "特种设备", "报废起重机仍在使用",
         "特种设备种类=起重机械；特种设备仍在使用=是；设备非法或报废情形=达到报废条件", "重大", "部门排查",
         "2026-07-05", "吴斌", "停用更换", 20, "2026-12-31", "停用方案", "", "否", "否", "否", "否"],
    ]
    wb = Workbook()
    ws = wb.active
    ws.title = "隐患台账"
    ws.append(["某县2026年隐患排查治理台账"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(LEDGER_HEADER))
    ws.append(LEDGER_HEADER)
    for row in rows:
        ws.append(row)
    wb.save(d / "ledger.xlsx")


if __name__ == "__main__":
    case_ledger_county()
    case_a_district()
    case_a_gbk()
    case_a_flat()
    case_a_labels()
    case_b()
    print(f"wrote sample returns under {ROOT}")
