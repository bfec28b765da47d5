"""The bulletin as an Excel file (with a live chart) and a short Markdown summary."""

from decimal import Decimal
from typing import Any

from zhaoshang_cli.bulletin.compute import EVENTS, Bulletin
from zhaoshang_cli.report.text import amount, flags_text, percent
from zhaoshang_cli.xlsx import Sheet, Style

EFFORT_HEADERS = [
    ("unit", "单位"),
    ("trip_days_week", "本周外出招商天数"),
    ("trip_days_ytd", "累计外出招商天数"),
    ("visits_week", "本周拜访企业个数"),
    ("visits_ytd", "累计拜访企业个数"),
    ("signed_week", "本周签约项目"),
    ("signed_ytd", "累计签约项目"),
]
EVENT_HEADERS = [
    ("event", "类别"),
    ("code", "项目编号"),
    ("name", "项目名称"),
    ("units", "责任单位"),
    ("industry", "产业"),
    ("contract", "合同引资额(万元)"),
]


def title(bulletin: Bulletin) -> str:
    week = bulletin.week
    return (
        f"{week.year}年第{week.number}周招商引资快报"
        f"({week.monday.month}月{week.monday.day}日—{week.sunday.month}月{week.sunday.day}日)"
    )


def headline(bulletin: Bulletin) -> list[str]:
    total = bulletin.report.total
    parent = bulletin.report.parent
    sentences = [
        f"本周{parent}到位资金{amount(bulletin.week_actual, 'funds')}万元,"
        f"上年同期{amount(bulletin.week_last_year, 'funds')}万元。",
    ]
    ytd = f"今年以来累计到位资金{amount(total.actual, 'funds')}万元"
    if total.target is not None:
        ytd += (
            f",完成年度指标{amount(total.target, 'funds')}万元的{percent(total.completion)},"
            f"时序进度{percent(bulletin.report.time_progress)}"
        )
    ytd += f";上年同期累计{amount(total.last_year, 'funds')}万元"
    if total.yoy is not None:
        ytd += f",同比{'增长' if total.yoy >= 0 else '下降'}{percent(abs(total.yoy))}"
    sentences.append(ytd + "。")
    if bulletin.nothing_this_year:
        sentences.append(f"今年以来无到位资金的单位:{'、'.join(bulletin.nothing_this_year)}。")
    news = ",".join(f"{label}{len(bulletin.events[key])}个" for key, label in EVENTS.items())
    sentences.append(f"本周项目:{news}。")
    return sentences


def event_rows(bulletin: Bulletin) -> list[dict[str, Any]]:
    return [
        {**project, "event": label}
        for key, label in EVENTS.items()
        for project in bulletin.events[key]
    ]


_MARKDOWN = str.maketrans({char: "\\" + char for char in "\\`*_[]<>#|~"} | {"\n": " ", "\r": " "})


def _md(value: Any) -> str:
    """Text as Markdown shows it: a name like [x](http://…) or <b> is never a link or HTML."""
    return str(value if value is not None else "").translate(_MARKDOWN)


def _count(value: Decimal | int) -> str:
    return str(int(value)) if value == int(value) else f"{value:.2f}"


def markdown(bulletin: Bulletin) -> str:
    report = bulletin.report
    lines = [f"# {title(bulletin)}", "", *(_md(sentence) for sentence in headline(bulletin)), ""]
    lines += [
        f"## 完成情况(截至{report.period.end},单位:万元)",
        "",
        "| 单位 | 年度指标 | 累计到位 | 完成% | 完成/时序 | 同比 | 位次 | 提示 |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for group in report.groups:
        for row in [*group.rows, group.subtotal]:
            lines.append(
                f"| {_md(row.unit)} | {amount(row.target, 'funds')} | {amount(row.actual, 'funds')} "
                f"| {percent(row.completion)} | {percent(row.progress_ratio)} | {percent(row.yoy)} "
                f"| {row.rank or ''} | {flags_text(row, report.threshold)} |"
            )
    total = report.total
    lines.append(
        f"| **{_md(total.unit)}** | {amount(total.target, 'funds')} | {amount(total.actual, 'funds')} "
        f"| {percent(total.completion)} | {percent(total.progress_ratio)} | {percent(total.yoy)} | | |"
    )
    lines += ["", "## 本周项目", ""]
    for key, label in EVENTS.items():
        projects = bulletin.events[key]
        lines.append(f"- {label}{len(projects)}个" + (":" if projects else ""))
        for p in projects:
            lines.append(
                f"  - {_md(p['code'])} {_md(p['name'])}({_md(p['units'])},{_md(p['industry'])},"
                f"合同引资额{amount(p['contract'], 'funds')}万元)"
            )
    lines += [
        "",
        "## 招商工作量",
        "",
        "| " + " | ".join(h for _, h in EFFORT_HEADERS) + " |",
        "|---|" + "---:|" * (len(EFFORT_HEADERS) - 1),
    ]
    for row in bulletin.effort:
        cells = [_md(row["unit"])] + [_count(row[k]) for k, _ in EFFORT_HEADERS[1:]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def workbook(bulletin: Bulletin) -> Any:
    """What writes the bulletin's workbook to a path (once)."""
    from zhaoshang_cli.report.excel import completion_sheet, list_sheet
    from zhaoshang_cli.xlsx import workbook_writer

    main, unit_rows = completion_sheet(
        bulletin.report, heading=title(bulletin), notes=headline(bulletin), name="快报"
    )
    return workbook_writer(
        [
            main,
            chart_sheet(bulletin, main, unit_rows),
            list_sheet("本周项目", event_rows(bulletin), EVENT_HEADERS),
            list_sheet("招商工作量", bulletin.effort, EFFORT_HEADERS),
        ]
    )


def chart_sheet(bulletin: Bulletin, main: Sheet, unit_rows: list[int]) -> Sheet:
    """Completion by unit as bars, 时序进度 as a line: a native chart that stays live."""
    percent_style = Style(number_format="0.0%")
    sheet = Sheet("完成图")
    sheet.add("单位", "完成%", "时序进度")
    progress = bulletin.report.time_progress.quantize(Decimal("0.000001"))
    for row in unit_rows:
        name, completion = main.rows[row - 1][0][0], main.rows[row - 1][4][0]
        sheet.add(name.strip(), (completion or 0, percent_style), (progress, percent_style))
    last = len(unit_rows) + 1

    def add_chart(ws: Any) -> None:
        from openpyxl.chart import BarChart, LineChart, Reference

        bars = BarChart()
        bars.title = "各单位完成进度与时序进度"
        bars.y_axis.title = "完成%"
        bars.y_axis.numFmt = "0%"
        bars.add_data(Reference(ws, min_col=2, min_row=1, max_row=last), titles_from_data=True)
        bars.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
        line = LineChart()
        line.add_data(Reference(ws, min_col=3, min_row=1, max_row=last), titles_from_data=True)
        bars += line
        bars.width, bars.height = 26, 12
        ws.add_chart(bars, "E2")

    sheet.charts.append(add_chart)
    return sheet
