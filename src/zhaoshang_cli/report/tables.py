"""The breakdown tables (by origin, industry, size tier, project status) as rows of values,
so the terminal, Excel and Word show the same rows with the same labels."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zhaoshang_cli.report.compute import Report
from zhaoshang_cli.report.text import percent, period_label, wan_text

BREAKDOWNS = {
    "origin": "按资金来源",
    "industry": "按产业",
    "tier": "按项目规模",
    "status": "按项目建设状态",
}
AMOUNTS = ["合同引资额(万元)", "到位资金(万元)"]


@dataclass
class Table:
    """Columns are typed so each renderer formats them its own way: text, count, money (万元),
    share (a fraction shown as a percentage)."""

    name: str
    title: str
    headers: list[str]
    kinds: list[str]
    rows: list[list[Any]]
    bold: list[bool] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    return None if not whole else part / whole


def _title(report: Report, what: str) -> str:
    return f"{period_label(report)}{report.parent}招商引资{what}"


def origin_table(report: Report) -> Table:
    rows = report.breakdowns["origin"]
    total = rows[-1]["arrived"]
    table = Table(
        "origin",
        _title(report, "到位资金和新签约项目(按资金来源)"),
        ["资金来源", "新签约项目(个)", *AMOUNTS, "占到位资金"],
        ["text", "count", "money", "money", "share"],
        [],
    )
    for row in rows:
        indent = "  " if row.get("level") == 1 and row["key"] != "foreign" else ""
        table.rows.append(
            [
                indent + row["label"],
                row["projects"],
                row["contract"],
                row["arrived"],
                _share(row["arrived"], total),
            ]
        )
        table.bold.append(row.get("level") == 0)
    foreign = report.breakdowns["foreign"]
    note = f"实际使用外资{wan_text(foreign['fdi'])}万美元"
    if foreign["fdi_yoy"] is not None:
        change = "增长" if foreign["fdi_yoy"] >= 0 else "下降"
        note += f",同比{change}{percent(abs(foreign['fdi_yoy']))}"
    note += f";新签约境外投资项目{foreign['projects']}个"
    if foreign["projects"] and foreign["contract_usd"] is not None:
        note += f",合同外资{wan_text(foreign['contract_usd'])}万美元(按签约当月汇率折算)"
    table.notes = [
        note + "。",
        "境内 = 省外 + 市外省内;市内投资方的项目不属招商引资,不计入。"
        "新签约项目及合同引资额为本期签约的项目,到位资金为本期到位的全部资金。",
    ]
    return table


def industry_table(report: Report) -> Table:
    rows = report.breakdowns["industry"]
    total = rows[-1]["arrived"]
    return Table(
        "industry",
        _title(report, "到位资金和新签约项目(按产业)"),
        ["产业", "新签约项目(个)", *AMOUNTS, "占到位资金"],
        ["text", "count", "money", "money", "share"],
        [
            [r["label"], r["projects"], r["contract"], r["arrived"], _share(r["arrived"], total)]
            for r in rows
        ],
        [r["key"] == "total" for r in rows],
        ["按本期到位资金由多到少排列。"],
    )


def tier_table(report: Report) -> Table:
    rows = report.breakdowns["tier"]

    def met(row: dict[str, Any]) -> str:
        if row["met"] is None:
            return ""
        return "达到" if row["met"] else "未达到"

    return Table(
        "tier",
        _title(report, "新签约项目(按合同引资额规模)"),
        [
            "项目规模",
            "新签约项目(个)",
            "合同引资额(万元)",
            "其中到位资金(万元)",
            "12510工程目标(个)",
            "是否达到",
        ],
        ["text", "count", "money", "money", "count", "text"],
        [
            [r["label"], r["projects"], r["contract"], r["arrived"], r["target"], met(r)]
            for r in rows
        ],
        [r["key"] == "total" for r in rows],
        [
            "各档互不重叠:亿元以上指1亿元至10亿元,5000万元以上指5000万元至1亿元,依此类推;"
            "到位资金只计本期新签约项目本身。",
            "12510工程:每年引进亿元以上项目1个、5000万元以上2个、1000万元以上5个、"
            "100万元以上10个;亿元以上一档的目标可由10亿元以上项目完成。",
        ],
    )


def status_table(report: Report) -> Table:
    rows = report.breakdowns["status"]
    total = rows[-1]["arrived"]
    return Table(
        "status",
        _title(report, "到位资金(按项目建设状态)"),
        ["项目状态", "项目(个)", *AMOUNTS, "占到位资金"],
        ["text", "count", "money", "money", "share"],
        [
            [
                ("  " if r["key"] in ("new", "carried") else "") + r["label"],
                r["count"],
                r["contract"],
                r["arrived"],
                _share(r["arrived"], total),
            ]
            for r in rows
        ],
        [r["key"] in ("building", "total") for r in rows],
        [
            f"新开工:{report.year}年内开工;结转续建:往年开工、年初仍在建设;"
            "两者合计为在建项目,项目数含本期未到位资金的项目。",
            "尚未开工、往年已建成两类只计本期有资金到位的项目。各类到位资金相加等于合计。",
        ],
    )


MAKERS = {
    "origin": origin_table,
    "industry": industry_table,
    "tier": tier_table,
    "status": status_table,
}


def breakdown_tables(report: Report, names: list[str] | None = None) -> list[Table]:
    return [MAKERS[name](report) for name in (names or list(BREAKDOWNS))]
