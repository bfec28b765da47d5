"""The bulletin as an Excel file (with a live chart), a Markdown summary and a Word document:
the same completion table as `zs report` for 1 January to that Sunday, flags included on every
row, the week's projects and the effort table, sent out under the issuing office's name."""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from zhaoshang_cli.bulletin.chase import chase_markdown, chase_sheet
from zhaoshang_cli.bulletin.compute import EVENTS, Bulletin
from zhaoshang_cli.core.figures import percent
from zhaoshang_cli.core.glossary import STAGE
from zhaoshang_cli.core.i18n import CHINESE, N_, _, in_language
from zhaoshang_cli.output.markdown import markdown_text
from zhaoshang_cli.output.xlsx import Sheet, Style, workbook_writer
from zhaoshang_cli.report import word
from zhaoshang_cli.report.compute import Row
from zhaoshang_cli.report.excel import (
    HEADER_STYLE,
    completion_chart,
    completion_sheet,
    list_sheet,
    titled,
)
from zhaoshang_cli.report.prose import Paragraph, prose
from zhaoshang_cli.report.text import (
    amount,
    flag_text,
    flags_text,
    money_text,
    own_label,
    subtotal_label,
    total_label,
)

# Headers and titles follow the user's language; the headline and the 通报 text are Chinese.
EFFORT_HEADERS = [
    ("unit", N_("Unit")),
    ("trip_days_week", N_("Trip days this week")),
    ("trip_days_ytd", N_("Trip days this year")),
    ("visits_week", N_("Visits this week")),
    ("visits_ytd", N_("Visits this year")),
    ("signed_week", N_("Signed this week")),
    ("signed_ytd", N_("Signed this year")),
]
EVENT_HEADERS = [
    ("event", N_("Event")),
    ("code", N_("Project code")),
    ("name", N_("Project")),
    ("units", N_("Responsible units")),
    ("industry", N_("Industry")),
    ("contract", N_("Contract amount (万元)")),
]


def title(bulletin: Bulletin) -> str:
    week = bulletin.week
    monday, sunday = week.monday, week.sunday
    return _("Bulletin for week {number} of {year} ({monday} to {sunday})").format(
        year=week.year,
        number=week.number,
        monday=monday,
        sunday=sunday,
        monday_month=monday.month,
        monday_day=monday.day,
        sunday_month=sunday.month,
        sunday_day=sunday.day,
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
        {**project, "event": STAGE.shown(key)} for key in EVENTS for project in bulletin.events[key]
    ]


def effort_rows(bulletin: Bulletin) -> list[dict[str, Any]]:
    """The effort table, its last row (the parent's) named as the tables name a total."""
    *units, total = bulletin.effort
    return [*units, {**total, "unit": total_label(bulletin.report)}]


def _count(value: Decimal | int) -> str:
    return str(int(value)) if value == int(value) else f"{value:.2f}"


def _md_row(row: Row, threshold: Decimal, label: str | None = None) -> str:
    cells = [
        label or markdown_text(row.unit),
        amount(row.target, "funds"),
        amount(row.actual, "funds"),
        percent(row.completion),
        percent(row.progress_ratio),
        percent(row.yoy),
        str(row.rank or ""),
        flags_text(row, threshold),
    ]
    return "| " + " | ".join(cells) + " |"


MARKDOWN_HEADERS = [
    N_("Unit"),
    N_("Target"),
    N_("Arrived"),
    N_("Done %"),
    N_("Done/time"),
    N_("YoY"),
    N_("Rank"),
    N_("Flags"),
]


def markdown(bulletin: Bulletin) -> str:
    report, issuer = bulletin.report, bulletin.issuer
    lines = [f"# {title(bulletin)}", ""]
    if issuer is not None and (issuer.number or issuer.office):
        lines += [markdown_text("  ".join(t for t in (issuer.number, issuer.office) if t)), ""]
    lines += [*(markdown_text(sentence) for sentence in headline(bulletin)), ""]
    headers = [_(header) for header in MARKDOWN_HEADERS]
    lines += [
        "## "
        + _("Completion (to {end}, unit: 万元, time progress {progress})").format(
            end=report.period.end, progress=percent(report.time_progress)
        ),
        "",
        "| " + " | ".join(headers) + " |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for group in report.groups:
        for row in group.rows:
            lines.append(_md_row(row, report.threshold))
        lines.append(
            _md_row(group.subtotal, report.threshold, markdown_text(subtotal_label(group)))
        )
    if report.own is not None:
        lines.append(_md_row(report.own, report.threshold, markdown_text(own_label(report))))
    total = report.total
    lines.append(_md_row(total, report.threshold, f"**{markdown_text(total_label(report))}**"))
    lines += [
        "",
        _(
            "Flags: “{behind}” is completion below time progress; “{far}” is below {line} of "
            "it (the yellow-card line); “—” means there is nothing to compare with."
        ).format(
            behind=flag_text("behind_schedule", report.threshold),
            far=flag_text("far_behind", report.threshold),
            line=percent(report.threshold, 0),
        ),
    ]
    lines += ["", "## " + _("This week's projects"), ""]
    for key in EVENTS:
        projects = bulletin.events[key]
        lines.append(
            "- "
            + _("{event}: {count}").format(event=STAGE.shown(key), count=len(projects))
            + (_(":") if projects else "")
        )
        for p in projects:
            lines.append(
                "  - "
                + _("{code} {name} ({units}, {industry}, contract amount {amount})").format(
                    code=markdown_text(p["code"]),
                    name=markdown_text(p["name"]),
                    units=markdown_text(p["units"]),
                    industry=markdown_text(p["industry"]),
                    amount=money_text(p["contract"] or Decimal(0)),
                )
            )
    lines += chase_markdown(bulletin.chase)
    lines += [
        "",
        "## " + _("Effort"),
        "",
        "| " + " | ".join(_(header) for _key, header in EFFORT_HEADERS) + " |",
        "|---|" + "---:|" * (len(EFFORT_HEADERS) - 1),
    ]
    for row in effort_rows(bulletin):
        cells = [markdown_text(row["unit"])] + [
            _count(row[key]) for key, _header in EFFORT_HEADERS[1:]
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## " + _("The year so far (the report's text, in Chinese)"), ""]
    lines += [
        f"**{markdown_text(p.text)}**" if p.heading else markdown_text(p.text)
        for p in prose(report)[1:]
    ]
    if issuer is not None:
        signed = (issuer.office, issuer.date_text, issuer.seal_text)
        lines += ["", markdown_text("  ".join(t for t in signed if t))]
    return "\n".join(lines) + "\n"


def workbook(bulletin: Bulletin) -> Callable[[Path], None]:
    """What writes the bulletin's workbook to a path (once)."""

    issuer, week = bulletin.issuer, title(bulletin)
    main = completion_sheet(
        bulletin.report, heading=week, notes=headline(bulletin), name=_("Bulletin"), issuer=issuer
    )
    projects, effort_name = _("This week's projects"), _("Effort")
    events = list_sheet(
        projects,
        event_rows(bulletin),
        EVENT_HEADERS,
        heading=_("{title} · {part}").format(title=week, part=projects),
        issuer=issuer,
    )
    effort = list_sheet(
        effort_name,
        effort_rows(bulletin),
        EFFORT_HEADERS,
        heading=_("{title} · {part}").format(title=week, part=effort_name),
        subtitle=_("unit: days, count"),
        issuer=issuer,
    )
    chase = chase_sheet(bulletin.chase, f"{week}·" + _("Projects to chase"), issuer)
    sheets = [main, chart_sheet(bulletin), events, effort, *([chase] if chase else [])]
    return workbook_writer(sheets)


def chart_sheet(bulletin: Bulletin) -> Sheet:
    """Completion by unit as columns, 时序进度 as a line: a native chart that stays live."""

    report = bulletin.report
    percent_style = Style(number_format="0.0%")
    week = bulletin.week
    end = report.period.end
    sheet = titled(
        _("Chart"),
        _("Completion by unit, week {number} of {year}").format(year=week.year, number=week.number),
        _("to {end}, time progress {progress}").format(
            end=end, month=end.month, day=end.day, progress=percent(report.time_progress)
        ),
        3,
        bulletin.issuer,
    )
    sheet.min_widths = {1: 22, 2: 10, 3: 10}
    sheet.add(
        (_("Unit"), HEADER_STYLE), (_("Done %"), HEADER_STYLE), (_("Time progress"), HEADER_STYLE)
    )
    progress = report.time_progress.quantize(Decimal("0.000001"))
    rows = [row for group in report.groups for row in group.rows]
    for row in rows:
        completion = (row.completion or Decimal(0)).quantize(Decimal("0.000001"))
        sheet.add(row.unit, (completion, percent_style), (progress, percent_style))
    first, last = 3, 2 + len(rows)  # 0-based rows of the data

    sheet.charts.append(completion_chart(sheet, first, last, [(2, "#C00000", "solid")], "E3"))
    return sheet


def document(bulletin: Bulletin) -> Callable[[Path], None]:
    """What writes the bulletin as a Word document to a path: masthead with the 期号, the
    week's figures, the week's projects, then the completion table on a landscape page."""

    report = bulletin.report
    with in_language(CHINESE):  # the 快报 as sent: a Chinese document whoever writes it
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
