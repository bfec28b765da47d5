"""The bulletin as an Excel file (with a live chart), a Markdown summary and a Word document:
the same completion table as `zs report` for 1 January to that Sunday, flags included on every
row, the week's projects and the effort table, sent out under the issuing office's name."""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from zhaoshang_cli.bulletin.chase import chase_markdown, chase_sheet
from zhaoshang_cli.bulletin.compute import EVENTS, Bulletin
from zhaoshang_cli.i18n import _
from zhaoshang_cli.report.compute import Row
from zhaoshang_cli.report.text import amount, flags_text, money_text, percent
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
        f"本周{parent}到位资金{money_text(bulletin.week_actual)},"
        f"上年同期{money_text(bulletin.week_last_year)}。",
    ]
    ytd = f"今年以来累计到位资金{money_text(total.actual)}"
    if total.target is not None:
        ytd += (
            f",完成年度指标{money_text(total.target)}的{percent(total.completion)},"
            f"时序进度{percent(bulletin.report.time_progress)}"
        )
    ytd += f";上年同期累计{money_text(total.last_year)}"
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


def _md_row(row: Row, threshold: Decimal, label: str | None = None) -> str:
    cells = [
        label or _md(row.unit),
        amount(row.target, "funds"),
        amount(row.actual, "funds"),
        percent(row.completion),
        percent(row.progress_ratio),
        percent(row.yoy),
        str(row.rank or ""),
        flags_text(row, threshold),
    ]
    return "| " + " | ".join(cells) + " |"


def markdown(bulletin: Bulletin) -> str:
    from zhaoshang_cli.report.prose import prose

    report, issuer = bulletin.report, bulletin.issuer
    lines = [f"# {title(bulletin)}", ""]
    if issuer is not None and (issuer.number or issuer.office):
        lines += [_md("  ".join(t for t in (issuer.number, issuer.office) if t)), ""]
    lines += [*(_md(sentence) for sentence in headline(bulletin)), ""]
    lines += [
        f"## 完成情况(截至{report.period.end},单位:万元,时序进度{percent(report.time_progress)})",
        "",
        "| 单位 | 年度指标 | 累计到位 | 完成% | 完成/时序 | 同比 | 位次 | 提示 |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for group in report.groups:
        for row in [*group.rows, group.subtotal]:
            lines.append(_md_row(row, report.threshold))
    if report.own is not None:
        lines.append(_md_row(report.own, report.threshold))
    total = report.total
    lines.append(_md_row(total, report.threshold, f"**{_md(total.unit)}**"))
    line = percent(report.threshold, 0)
    lines += [
        "",
        f"提示:“滞后时序”为完成进度低于时序进度;“低于{line}时序”为低于时序进度的{line}"
        "(黄牌警告线);“—”表示没有可比的基数。",
    ]
    lines += ["", "## 本周项目", ""]
    for key, label in EVENTS.items():
        projects = bulletin.events[key]
        lines.append(f"- {label}{len(projects)}个" + (":" if projects else ""))
        for p in projects:
            lines.append(
                f"  - {_md(p['code'])} {_md(p['name'])}({_md(p['units'])},{_md(p['industry'])},"
                f"合同引资额{money_text(p['contract'] or Decimal(0))})"
            )
    lines += chase_markdown(bulletin.chase)
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
    lines += ["", "## 今年以来", ""]
    lines += [f"**{_md(p.text)}**" if p.heading else _md(p.text) for p in prose(report)[1:]]
    if issuer is not None:
        lines += ["", _md("  ".join(t for t in (issuer.office, issuer.date_text) if t))]
    return "\n".join(lines) + "\n"


def workbook(bulletin: Bulletin) -> Callable[[Path], None]:
    """What writes the bulletin's workbook to a path (once)."""
    from zhaoshang_cli.report.excel import completion_sheet, list_sheet
    from zhaoshang_cli.xlsx import workbook_writer

    issuer, week = bulletin.issuer, title(bulletin)
    main = completion_sheet(
        bulletin.report, heading=week, notes=headline(bulletin), name="快报", issuer=issuer
    )
    events = list_sheet(
        "本周项目", event_rows(bulletin), EVENT_HEADERS, heading=f"{week}·本周项目", issuer=issuer
    )
    effort = list_sheet(
        "招商工作量",
        bulletin.effort,
        EFFORT_HEADERS,
        heading=f"{week}·招商工作量",
        subtitle="单位:天、个",
        issuer=issuer,
    )
    chase = chase_sheet(bulletin.chase, f"{week}·" + _("待督办"), issuer)
    sheets = [main, chart_sheet(bulletin), events, effort, *([chase] if chase else [])]
    return workbook_writer(sheets)


def chart_sheet(bulletin: Bulletin) -> Sheet:
    """Completion by unit as columns, 时序进度 as a line: a native chart that stays live."""
    from zhaoshang_cli.report.excel import HEADER_STYLE, titled

    report = bulletin.report
    percent_style = Style(number_format="0.0%")
    week = bulletin.week
    sheet = titled(
        "完成图",
        f"{week.year}年第{week.number}周各单位完成进度",
        f"截至{report.period.end.month}月{report.period.end.day}日,时序进度"
        f"{percent(report.time_progress)}",
        3,
        bulletin.issuer,
    )
    sheet.min_widths = {1: 22, 2: 10, 3: 10}
    sheet.add(("单位", HEADER_STYLE), ("完成%", HEADER_STYLE), ("时序进度", HEADER_STYLE))
    progress = report.time_progress.quantize(Decimal("0.000001"))
    rows = [row for group in report.groups for row in group.rows]
    for row in rows:
        completion = (row.completion or Decimal(0)).quantize(Decimal("0.000001"))
        sheet.add(row.unit, (completion, percent_style), (progress, percent_style))
    first, last = 3, 2 + len(rows)  # 0-based rows of the data

    def add_chart(book: Any, worksheet: Any) -> None:
        name = sheet.title
        bars = book.add_chart({"type": "column"})
        bars.add_series(
            {
                "name": [name, 2, 1],
                "categories": [name, first, 0, last, 0],
                "values": [name, first, 1, last, 1],
                "fill": {"color": "#5B9BD5"},
            }
        )
        line = book.add_chart({"type": "line"})
        line.add_series(
            {
                "name": [name, 2, 2],
                "categories": [name, first, 0, last, 0],
                "values": [name, first, 2, last, 2],
                "line": {"color": "#C00000", "width": 2},
            }
        )
        bars.combine(line)
        bars.set_title({"name": "各单位完成进度与时序进度"})
        bars.set_y_axis({"name": "完成%", "num_format": "0%"})
        bars.set_legend({"position": "bottom"})
        bars.set_size({"width": 960, "height": 440})
        worksheet.insert_chart("E3", bars)

    sheet.charts.append(add_chart)
    return sheet


def document(bulletin: Bulletin) -> Callable[[Path], None]:
    """What writes the bulletin as a Word document to a path: masthead with the 期号, the
    week's figures, the week's projects, then the completion table on a landscape page."""
    from zhaoshang_cli.report import word
    from zhaoshang_cli.report.prose import Paragraph

    report = bulletin.report
    doc = word.new_document()
    word.masthead(doc, bulletin.issuer, title(bulletin))
    word.body(doc, [Paragraph(text) for text in headline(bulletin)])
    for key, label in EVENTS.items():
        for p in bulletin.events[key]:
            word.small(
                doc,
                f"{label}:{p['code']} {p['name']}({p['units']},{p['industry'] or '产业未填'},"
                f"合同引资额{money_text(p['contract'] or Decimal(0))})",
                size=12,
            )
    word.signature(doc, bulletin.issuer)
    word.appendix_table(doc, report, f"{title(bulletin)}·完成情况", "万")

    def save(path: Path) -> None:
        doc.save(str(path))

    return save
