"""A county's year of monthly 台账, as its clerks type them (issue 25), and what the report must
say after each month — computed here from the story itself, without any of zs's code.

The story (`PROJECTS`, `ARRIVALS`) is what really happened; `project_sheet` and
`arrival_sheet` write what a clerk sends each month: the whole project list again (one project
typed twice, its company written two ways), dates in every form offices use, a change of
investor (更换业主), a joint 60/40 project, an increase (增资), a void and a termination written
in 备注, a sub-total row under 项目名称, a red row that takes back a mistaken arrival, and one
month whose money comes as 累计到位资金 on the project sheet instead of a list of arrivals.
`expected` is the figures of `zs report --month M` worked out by hand from the story."""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

YEAR = 2026
UNITS = ("甲县", "乙县", "经开区", "市商务局")
TARGETS = {"甲县": 20000, "乙县": 15000, "经开区": 12000, "市商务局": 5000}  # 万元


@dataclass
class Project:
    """A real project; months are those of the sheet that first says a thing."""

    name: str
    investor: str
    units: dict[str, int]  # unit: share in %
    origin: str
    contract: int  # 万元
    signed: date
    typed_as: Any  # the signing date as the clerk types it
    new_investor: tuple[int, str] | None = None  # (month, investor): 更换业主
    increase: tuple[int, int] | None = None  # (month, 万元): 增资, signed on that month's end
    voided: int | None = None  # the month whose sheet says 作废
    terminated: int | None = None  # the month whose sheet says 终止
    typed_twice: str | None = None  # the investor as the second row writes it

    def investor_in(self, month: int) -> str:
        if self.new_investor and month >= self.new_investor[0]:
            return self.new_investor[1]
        return self.investor

    def contract_in(self, month: int) -> int:
        if self.increase and month >= self.increase[0]:
            return self.contract + self.increase[1]
        return self.contract


PROJECTS = [
    Project("新材料项目", "某某新材料有限公司", {"甲县": 100}, "省外", 5000, date(2026, 1, 10),
            "2026.1.10", typed_twice="某某新材料有限责任公司"),
    Project("冷链物流园", "某某冷链有限公司", {"乙县": 100}, "市外省内", 3000, date(2026, 1, 12),
            "2026年1月12日"),
    Project("光伏组件", "某某新能源有限公司", {"甲县": 60, "乙县": 40}, "省外", 8000,
            date(2026, 2, 15), datetime(2026, 2, 15)),
    Project("食品加工", "某某食品有限公司", {"经开区": 100}, "省外", 2000, date(2026, 3, 3),
            "2026/3/3", new_investor=(5, "某某食品集团有限公司")),
    Project("酒店项目", "某某酒店有限公司", {"市商务局": 100}, "省外", 1000, date(2026, 3, 20),
            "2026-03-20", voided=7),
    Project("本地商贸", "某某本地商贸有限公司", {"甲县": 100}, "市内", 500, date(2026, 4, 1),
            "2026-4-1"),
    Project("装备制造", "某某装备有限公司", {"乙县": 100}, "省外", 6000, date(2026, 6, 8),
            "2026.06.08", increase=(9, 3000)),
    Project("数据中心", "某某数科有限公司", {"经开区": 100}, "省外", 12000, date(2026, 8, 18),
            "2026年8月18日", terminated=11),
    Project("酒店项目", "某某酒店管理有限公司", {"市商务局": 100}, "省外", 1500,
            date(2026, 8, 25), "2026-08-25"),
    Project("生物医药", "某某药业有限公司", {"经开区": 50, "市商务局": 50}, "省外", 4000,
            date(2026, 10, 9), "2026.10.9"),
]  # fmt: skip

# The month whose money comes as 累计到位资金 on the project sheet, not as a list.
CUMULATIVE_MONTH = 10


@dataclass
class Arrival:
    project: int  # index into PROJECTS
    on: date
    amount: int  # 万元
    typed_on: Any = None
    mistaken: bool = False  # taken back by a red row the next month
    taken_back: list[int] = field(default_factory=list)


ARRIVALS = [
    Arrival(0, date(2026, 1, 20), 1000, "2026.1.20"),
    Arrival(1, date(2026, 1, 25), 500, "2026年1月25日"),
    Arrival(0, date(2026, 2, 10), 500),
    Arrival(2, date(2026, 2, 28), 2000, datetime(2026, 2, 28)),
    Arrival(3, date(2026, 3, 15), 800, "2026/3/15"),
    Arrival(4, date(2026, 3, 25), 300),
    Arrival(5, date(2026, 4, 10), 200),
    Arrival(1, date(2026, 4, 12), 700, "2026.4.12"),
    Arrival(0, date(2026, 4, 20), 900, mistaken=True),
    Arrival(3, date(2026, 5, 10), 200),
    Arrival(6, date(2026, 6, 20), 1000, "2026年6月20日"),
    Arrival(2, date(2026, 7, 5), 1000),
    Arrival(7, date(2026, 8, 28), 2500),
    Arrival(8, date(2026, 9, 8), 300, "2026.9.8"),  # 酒店项目: the voided one is no candidate
    Arrival(6, date(2026, 9, 21), 1200),
    Arrival(0, date(2026, 10, 31), 600),  # CUMULATIVE_MONTH: given as 累计到位资金
    Arrival(9, date(2026, 10, 31), 400),
    Arrival(7, date(2026, 11, 16), 1500),
    Arrival(9, date(2026, 12, 3), 800, "2026年12月3日"),
    Arrival(2, date(2026, 12, 15), 1000),
]


def month_end(month: int) -> date:
    return date(YEAR, month, calendar.monthrange(YEAR, month)[1])


def import_day(month: int) -> date:
    """The clerk sends month M's 台账 on the 5th of the next month."""
    return date(YEAR + month // 12, month % 12 + 1, 5)


def signed_by(month: int) -> list[tuple[int, Project]]:
    return [(i, p) for i, p in enumerate(PROJECTS) if p.signed <= month_end(month)]


def note_in(project: Project, month: int) -> str | None:
    if project.voided and month >= project.voided:
        return "作废，原因：重复录入"
    if project.terminated and month >= project.terminated:
        return "项目终止（原因：企业撤资）"
    return None


def cumulative(index: int, month: int) -> int:
    return sum(a.amount for a in ARRIVALS if a.project == index and a.on <= month_end(month)
               and not a.mistaken)  # fmt: skip


PROJECT_HEADER = ["序号", "项目名称", "投资主体", "责任单位", "客商来源", "协议金额", "签约时间",
                  "备注"]  # fmt: skip


def project_sheet(path: Path, month: int) -> Path:
    """The whole list again, as the county's clerk keeps it."""
    header = PROJECT_HEADER + (["累计到位资金"] if month == CUMULATIVE_MONTH else [])
    lines: list[list[Any]] = [[f"{YEAR}年1-{month}月招商引资项目台账"], ["单位：万元"], header]
    number = 0
    for unit in UNITS:
        mine = [(i, p) for i, p in signed_by(month) if next(iter(p.units)) == unit]
        for index, project in mine:
            units = "、".join(f"{u}={s}%" for u, s in project.units.items())
            if len(project.units) == 1:
                units = next(iter(project.units))
            investors = [project.investor_in(month)]
            if project.typed_twice:
                investors.append(project.typed_twice)
            for investor in investors:
                number += 1
                line = [number, project.name, investor, units, project.origin,
                        project.contract_in(month), project.typed_as, note_in(project, month)]  # fmt: skip
                if month == CUMULATIVE_MONTH:
                    line.append(cumulative(index, month))
                lines.append(line)
        if mine:
            subtotal = sum(p.contract_in(month) for _i, p in mine)
            lines.append([None, f"{unit}小计", None, None, None, subtotal, None, None])
    return saved(path, "项目", lines)


def saved(path: Path, title: str, lines: list[list[Any]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.title = title
    for line in lines:
        workbook.active.append(line)
    workbook.save(path)
    return path


def red_rows(month: int) -> list[Arrival]:
    """Last month's mistaken arrivals, taken back this month."""
    return [a for a in ARRIVALS if a.mistaken and a.on.month == month - 1]


def arrival_sheet(path: Path, month: int) -> Path | None:
    """The month's arrivals, a row each (names, not codes), and red rows for last month's
    mistakes; none in the month whose money comes on the project sheet."""
    if month == CUMULATIVE_MONTH:
        return None
    lines: list[list[Any]] = [[f"{YEAR}年{month}月到位资金明细"],
                              ["序号", "项目名称", "到位金额(万元)", "到位日期", "备注"]]  # fmt: skip
    rows = [a for a in ARRIVALS if a.on.month == month]
    for number, arrival in enumerate(rows, 1):
        typed = arrival.typed_on or arrival.on.isoformat()
        lines.append([number, PROJECTS[arrival.project].name, arrival.amount, typed, None])
    for arrival in red_rows(month):
        lines.append([len(lines) - 1, PROJECTS[arrival.project].name, -arrival.amount,
                      import_day(month - 1).isoformat(), "冲减上月误报"])  # fmt: skip
    lines.append([None, "合计", sum(line[2] for line in lines[2:]), None, None])
    return saved(path, "到位资金", lines)


def counted(index: int, month: int, known: int) -> bool:
    """Whether a project's figures count in month M's report, as it is run after month
    ``known``'s sheet: a voided project leaves every period; a local investor is no 招商引资."""
    project = PROJECTS[index]
    if project.voided and known >= project.voided:
        return False
    return project.origin != "市内" and project.signed <= month_end(month)


def expected(month: int, known: int) -> dict[str, Any]:
    """zs report --month M's figures, run after month ``known``'s sheets: each unit's money (by
    share, in 万元), its completion of the annual target, the total, the projects signed and
    their contract amounts (an increase in the period it was signed)."""
    end = month_end(month)
    money = {unit: Decimal(0) for unit in UNITS}
    total = Decimal(0)
    for arrival in ARRIVALS:
        if arrival.on > end or arrival.on > month_end(known):
            continue
        if arrival.mistaken and known > arrival.on.month:  # taken back the next month
            continue
        if not counted(arrival.project, month, known):
            continue
        total += arrival.amount
        for unit, share in PROJECTS[arrival.project].units.items():
            money[unit] += Decimal(arrival.amount) * share / 100
    signed = [i for i in range(len(PROJECTS)) if counted(i, month, known)]
    contract = sum(PROJECTS[i].contract for i in signed)
    for i in signed:
        raised = PROJECTS[i].increase
        if raised and raised[0] <= min(month, known):
            contract += raised[1]
    return {
        "actual": money,
        "completion": {u: (money[u] / TARGETS[u]).quantize(Decimal("0.000001")) for u in UNITS},
        "total": total,
        "introduced": len(signed),
        "contract": contract,
    }


def real_projects(known: int) -> int:
    return len(signed_by(known))
