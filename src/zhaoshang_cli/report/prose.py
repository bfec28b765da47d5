"""The body of the 通报 in the office's own words, written from the computed report: the
headline, a paragraph per group naming every unit, the units below the yellow-card line, the
projects (新开工 and 结转续建 with their definitions, so the parts visibly add up), the
industrial shares, where the money came from, foreign capital, and the follow-through rates.

Every figure is the report's own, rounded as the 通报 writes it (亿元 to one decimal from 1亿,
万元 below, percentages to one decimal), so the text never says what the tables do not.
"""

from dataclasses import dataclass

from zhaoshang_cli.core.figures import percent
from zhaoshang_cli.report.compute import FLAG_FAR_BEHIND, FLAG_NOTHING, Group, Report, Row
from zhaoshang_cli.report.text import money_text, months_label, quantity_text, wan_text

NUMERALS = "零一二三四五六七八九十"
WHAT = {
    "funds": "招商引资到位资金",
    "fdi": "实际使用外资",
    "projects": "新签约项目",
    "major": "新签约亿元以上项目",
    "leads": "录入有价值招商信息",
}
VERB = {
    "funds": "到位资金",
    "fdi": "实际使用外资",
    "projects": "签约项目",
    "major": "签约亿元以上项目",
    "leads": "录入招商信息",
}


@dataclass(frozen=True)
class Paragraph:
    text: str
    heading: bool = False


def chinese_count(n: int) -> str:
    """A count of units as a group's name says it: 两 (县), 四, 十二."""
    if n == 2:
        return "两"
    if n <= 10:
        return NUMERALS[n]
    tens, ones = divmod(n, 10)
    return f"{NUMERALS[tens] if tens > 1 else ''}十{NUMERALS[ones] if ones else ''}"


def group_name(group: Group) -> str:
    """四县一区, 三个开发区, 市直部门: how the 通报 names a group of units."""
    names = [row.unit for row in group.rows]
    n = len(names)
    if group.kind == "county":
        counts = {suffix: sum(name.endswith(suffix) for name in names) for suffix in "县市区"}
        if sum(counts.values()) == n:
            return "".join(f"{chinese_count(c)}{suffix}" for suffix, c in counts.items() if c)
        return f"{chinese_count(n)}个县区"
    if group.kind == "department":
        return "市直部门"
    words = {"zone": "开发区", "town": "乡镇(街道)", "office": "科室", "group": "招商组团"}
    return f"{chinese_count(n)}个{words.get(group.kind, group.label)}"


def during(report: Report) -> str:
    """1-4月份, or 1月1日至4月19日 for a period that does not end with a month (the 快报)."""
    return months_label(report) + ("份" if report.month is not None else "")


def _progress(row: Row) -> str:
    return f",完成年度指标任务的{percent(row.completion)}" if row.completion is not None else ""


def _unit_clause(row: Row, metric: str) -> str:
    return f"{row.unit}{VERB[metric]}{quantity_text(row.actual, metric)}{_progress(row)}"


def headline(report: Report) -> Paragraph:
    """1-4月份全市招商引资到位资金31.1亿元,同比增长74.1%,完成了全市年度指标任务的26.4%,
    时序进度为33.3%。"""
    total = report.total
    parts = [
        f"{during(report)}{report.parent}{WHAT[report.metric]}"
        f"{quantity_text(total.actual, report.metric)}"
    ]
    if total.yoy is not None:
        parts.append(f"同比{'增长' if total.yoy >= 0 else '下降'}{percent(abs(total.yoy))}")
    elif total.last_year == 0:
        parts.append("上年同期为零")
    if total.completion is not None:
        parts.append(f"完成了{report.parent}年度指标任务的{percent(total.completion)}")
    parts.append(f"时序进度为{percent(report.time_progress)}")
    return Paragraph(",".join(parts) + "。")


def group_paragraph(group: Group, metric: str) -> Paragraph:
    """四县一区共到位资金23.3亿元,完成年度指标任务的29.1%。其中:甲县到位资金4.7亿元,
    完成年度指标任务的29.1%;…。Units with nothing are named together at the end; a group of
    one unit is that unit's sentence."""
    if len(group.rows) == 1:
        row = group.rows[0]
        if FLAG_NOTHING in row.flags:
            return Paragraph(f"{row.unit}尚无{VERB[metric]}{_progress(row)}。")
        return Paragraph(_unit_clause(row, metric) + "。")
    sub = group.subtotal
    text = (
        f"{group_name(group)}共{VERB[metric]}{quantity_text(sub.actual, metric)}{_progress(sub)}。"
    )
    with_figures = [row for row in group.rows if row.actual != 0 or row.completion is not None]
    nothing = [row for row in group.rows if FLAG_NOTHING in row.flags]
    shown = [row for row in with_figures if row not in nothing]
    if shown:
        text += "其中:" + ";".join(_unit_clause(row, metric) for row in shown)
    if nothing:
        names = "、".join(row.unit for row in nothing)
        text += (";" if shown else "其中:") + f"{names}尚无{VERB[metric]}"
    return Paragraph(text + ("。" if shown or nothing else ""))


def yellow_card(report: Report) -> Paragraph:
    """The units below the yellow-card line (黄牌警告线), named."""
    line = percent(report.threshold, 0)
    below = [row.unit for g in report.groups for row in g.rows if FLAG_FAR_BEHIND in row.flags]
    if not below:
        return Paragraph(f"各单位完成进度均达到时序进度的{line}以上。")
    return Paragraph(
        f"按时序进度,完成任务低于时序进度{line}(黄牌警告线)的单位:{'、'.join(below)}。"
    )


def project_paragraphs(report: Report) -> list[Paragraph]:
    p, months = report.projects, during(report)
    major = p["major_signed"]
    new, carried = p["new_started"], p["carried_over"]
    waiting, finished = p["not_started"], p["finished_earlier"]
    building_count = new["count"] + carried["count"]
    building = [new["arrived"] + carried["arrived"], new["contract"] + carried["contract"]]
    others = []
    if waiting["arrived"]:
        others.append(
            f"尚未开工的{waiting['count']}个项目到位前期资金{money_text(waiting['arrived'])}"
        )
    if finished["arrived"]:
        others.append(
            f"往年已建成的{finished['count']}个项目到位资金{money_text(finished['arrived'])}"
        )
    rest = ";另有" + "、".join(others) if others else ""
    paragraphs = [
        Paragraph(
            f"{months}{report.parent}共引进各类项目{p['introduced']['count']}项(当期新签约),"
            f"合同及协议引资额{money_text(p['introduced']['contract'])},"
            + (
                f"其中亿元以上项目{major['count']}项,合同及协议引资额{money_text(major['contract'])}。"
                if major["count"]
                else "无亿元以上项目。"
            )
        ),
        Paragraph(
            f"新开工项目指{report.year}年开工的项目,结转续建项目指往年开工、今年仍在建设的项目,"
            f"两者合计为在建项目。{report.parent}在建项目{building_count}个,"
            f"合同及协议引资额{money_text(building[1])},到位资金{money_text(building[0])}。"
            f"其中:新开工项目{new['count']}个,合同及协议引资额{money_text(new['contract'])},"
            f"到位资金{money_text(new['arrived'])};结转续建项目{carried['count']}个,"
            f"合同及协议引资额{money_text(carried['contract'])},"
            f"到位资金{money_text(carried['arrived'])}{rest}。"
            f"以上合计到位资金{money_text(p['arrived'])}。"
        ),
    ]
    industrial = p["industrial"]
    if p["introduced"]["count"]:
        paragraphs.append(
            Paragraph(
                f"{months}共引进工业项目{industrial['count']}项,"
                f"占引进项目总数的{percent(industrial['share_of_projects'])};工业项目到位资金"
                f"{money_text(industrial['arrived'])},占已到位资金总额的"
                f"{percent(industrial['share_of_arrived'])}。"
            )
        )
    return paragraphs


def origin_paragraphs(report: Report) -> list[Paragraph]:
    rows = {row["key"]: row for row in report.breakdowns.get("origin", [])}
    total = rows.get("total")
    paragraphs = []
    if total and total["arrived"]:
        domestic, foreign = rows["domestic"], rows["foreign"]
        parts = [
            f"从资金来源看,境内资金{money_text(domestic['arrived'])}"
            f"(其中省外{money_text(rows['outside_province']['arrived'])},"
            f"市外省内{money_text(rows['outside_city']['arrived'])}),"
            f"境外资金{money_text(foreign['arrived'])}"
        ]
        if None in rows:
            parts.append(f"来源未填的{money_text(rows[None]['arrived'])}")
        industries = [
            r
            for r in report.breakdowns["industry"]
            if r["key"] not in ("total", None) and r["arrived"]
        ]
        top = "、".join(f"{r['label']}{money_text(r['arrived'])}" for r in industries[:3])
        text = ",".join(parts) + "。"
        if top:
            text += f"分产业看,到位资金居前的是{top}。"
        paragraphs.append(Paragraph(text))
    foreign = report.breakdowns.get("foreign")
    if foreign:
        text = f"实际使用外资{wan_text(foreign['fdi'])}万美元"
        if foreign["fdi_yoy"] is not None:
            change = "增长" if foreign["fdi_yoy"] >= 0 else "下降"
            text += f",同比{change}{percent(abs(foreign['fdi_yoy']))}"
        text += f";新签约境外投资项目{foreign['projects']}个"
        if foreign["projects"]:
            text += f",合同及协议引资额{money_text(foreign['contract'])}"
            if foreign["contract_usd"] is not None:
                text += f",折合合同外资{wan_text(foreign['contract_usd'])}万美元(按签约当月汇率)"
        paragraphs.append(Paragraph(text + "。"))
    return paragraphs


def rates_paragraph(report: Report) -> Paragraph:
    r = report.rates
    return Paragraph(
        f"{r['cohort']}项目{r['signed']}个,履约率{percent(r['performance_rate'])},"
        f"开工率{percent(r['start_rate'])},资金到位率{percent(r['funds_rate'])},"
        f"建成投产率{percent(r['production_rate'])}。"
    )


def own_paragraph(report: Report) -> Paragraph | None:
    own = report.own
    if own is None:
        return None
    return Paragraph(f"{own.unit}{VERB[report.metric]}{quantity_text(own.actual, report.metric)}。")


def prose(report: Report) -> list[Paragraph]:
    """The 通报's body, in sections as the office writes it."""
    opening = headline(report).text + "具体情况通报如下:"
    body = [Paragraph(opening), Paragraph("一、主要指标完成情况", True)]
    body += [group_paragraph(group, report.metric) for group in report.groups]
    own = own_paragraph(report)
    if own is not None:
        body.append(own)
    if any(row.completion is not None for g in report.groups for row in g.rows):
        body.append(yellow_card(report))
    body.append(Paragraph("二、项目引进和建设情况", True))
    body += project_paragraphs(report)
    body.append(Paragraph("三、资金来源和利用外资情况", True))
    body += origin_paragraphs(report)
    body.append(Paragraph("四、签约项目履约情况", True))
    body.append(rates_paragraph(report))
    return body


def summary_lines(report: Report) -> list[str]:
    """The prose without headings, for the terminal."""
    return [p.text for p in prose(report) if not p.heading]
