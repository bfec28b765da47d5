"""The report as an Excel file fit to send: every sheet titled with the period and 单位, printed
A4 with its header rows repeated and the issuing office and page numbers in the footer; the
completion table with a legend, the 通报's text, the breakdowns, the project lists and the
follow-through rates. Never investor contacts."""

from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from zhaoshang_cli.core.figures import percent, quantize
from zhaoshang_cli.core.glossary import STAGE
from zhaoshang_cli.core.i18n import N_, _
from zhaoshang_cli.output.xlsx import (
    Sheet,
    Style,
    column_widths,
    display_width,
    save_sheets,
    wrap_text,
)
from zhaoshang_cli.report.compute import FLAG_BEHIND, FLAG_FAR_BEHIND, Report, Row
from zhaoshang_cli.report.lists import list_total
from zhaoshang_cli.report.prose import Paragraph, prose
from zhaoshang_cli.report.tables import BREAKDOWNS, Table, breakdown_tables
from zhaoshang_cli.report.text import (
    flag_text,
    flags_text,
    group_label,
    own_label,
    period_label,
    scaled,
    subtotal_label,
    title,
    total_label,
    unit_label,
)
from zhaoshang_cli.settings.config import Issuer

AMOUNT_FORMAT = "#,##0.00"
COUNT_FORMAT = "0"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
BEHIND_FILL = "FFEB9C"  # yellow: behind 时序进度
FAR_BEHIND_FILL = "FFC7CE"  # red: below the threshold share of 时序进度
HEADER_FILL = "DDEBF7"
SUBTOTAL_FILL = "F2F2F2"
NONE = "—"  # a ratio with nothing to divide by

# Headers, sheet names and labels are English msgids, written in the user's language.
HEADERS = [
    N_("Unit"),
    N_("Target (must)"),
    N_("Strive"),
    N_("Done"),
    N_("Done %"),
    N_("Done/time"),
    N_("Last year"),
    N_("YoY"),
    N_("Rank"),
    N_("Flags"),
]
LIST_SHEETS = {
    "signed": N_("newly signed projects"),
    "new_started": N_("projects started this year"),
    "carried_over": N_("projects carried over"),
    "major": N_("projects of 1亿 and above"),
}
LIST_HEADERS = [
    ("code", N_("Project code")),
    ("name", N_("Project")),
    ("units", N_("Responsible units")),
    ("industry", N_("Industry")),
    ("industrial", N_("Industrial project")),
    ("stage", N_("Stage")),
    ("signed_on", N_("Signing date")),
    ("started_on", N_("Start date")),
    ("contract", N_("Contract amount (万元)")),
    ("arrived", N_("Arrived in the period (万元)")),
]
LIST_FORMATS = {
    "contract": AMOUNT_FORMAT,
    "arrived": AMOUNT_FORMAT,
    "signed_on": DATE_FORMAT,
    "started_on": DATE_FORMAT,
}
HEADER_STYLE = Style(bold=True, fill=HEADER_FILL, border=True, center=True)
TITLE_STYLE = Style(bold=True, size=16, across=True)
SUBTITLE_STYLE = Style(across=True)
PROSE_WIDTH = 70  # display columns of the 通报正文 sheet: one column, printed A4 portrait unscaled


def _fraction(value: Decimal | None) -> Decimal | None:
    return None if value is None else quantize(value, 6)


def completion_fill(row: Row) -> str | None:
    if FLAG_FAR_BEHIND in row.flags:
        return FAR_BEHIND_FILL
    if FLAG_BEHIND in row.flags:
        return BEHIND_FILL
    return None


def titled(
    name: str, heading: str, subtitle: str, columns: int, issuer: Issuer | None, **options: Any
) -> Sheet:
    """A sheet whose first two rows say what it is (title; period, 单位), centred across its
    columns and repeated with the header row on every printed page."""
    sheet = Sheet(name, title_rows="1:3", size_from_row=3, **options)
    sheet.add((heading, TITLE_STYLE), *[(None, TITLE_STYLE)] * (columns - 1))
    sheet.add((subtitle, SUBTITLE_STYLE), *[(None, SUBTITLE_STYLE)] * (columns - 1))
    sheet.heights[1] = 30
    set_issuer(sheet, issuer)
    return sheet


def set_issuer(sheet: Sheet, issuer: Issuer | None) -> None:
    if issuer is not None:
        sheet.footer = issuer.office
        sheet.footer_right = "  ".join(t for t in (issuer.date_text, issuer.seal_text) if t)


def period_text(report: Report) -> str:
    start, end = report.period.start, report.period.end
    return _("{start} to {end}").format(
        start=start,
        end=end,
        start_year=start.year,
        start_month=start.month,
        start_day=start.day,
        end_month=end.month,
        end_day=end.day,
    )


def legend_lines(report: Report, width: int) -> list[tuple[str | None, str]]:
    """(fill, text): the colours and flags explained, and how each ratio is worked out."""
    line = percent(report.threshold, 0)
    notes = [
        (
            BEHIND_FILL,
            _("Completion below time progress ({progress}): flagged “{flag}”.").format(
                progress=percent(report.time_progress),
                flag=flag_text(FLAG_BEHIND, report.threshold),
            ),
        ),
        (
            FAR_BEHIND_FILL,
            _(
                "Completion below {line} of time progress (the yellow-card line): flagged “{flag}”."
            ).format(line=line, flag=flag_text(FLAG_FAR_BEHIND, report.threshold)),
        ),
    ]
    text = _(
        "Notes: done % = done ÷ target (must); done/time = done % ÷ time progress; "
        "YoY = (done − last year) ÷ last year; rank is by done % within the group, highest "
        "first; “—” means there is nothing to compare with (no annual target, or nothing last "
        "year); “nothing arrived” means no money arrived in the period."
    )
    if report.own is not None:
        text += _(
            "{own} is the money and projects credited to {unit} itself, not to a unit under it."
        ).format(own=own_label(report), unit=report.parent)
    return [*notes, *((None, part) for part in wrap_text(text, width))]


def completion_sheet(
    report: Report,
    scale: str = "万",
    heading: str | None = None,
    notes: list[str] | None = None,
    name: str | None = None,
    issuer: Issuer | None = None,
) -> Sheet:
    """The grouped completion table with its legend, then ``notes`` (the bulletin's lines)."""
    money = report.metric in ("funds", "fdi")
    number_format = AMOUNT_FORMAT if money else "General"
    subtitle = _("Period: {period}    unit: {unit}    time progress: {progress}").format(
        period=period_text(report),
        unit=unit_label(report, scale),
        progress=percent(report.time_progress),
    ) + (_("    as entered by {day}").format(day=report.as_of) if report.as_of else "")
    sheet = titled(
        name or _("Completion"),
        heading or title(report),
        subtitle,
        len(HEADERS),
        issuer or report.issuer,
        freeze="B4",
    )
    sheet.min_widths = {1: 18, 9: 6, 10: 16}
    sheet.add(*((_(header), HEADER_STYLE) for header in HEADERS))
    sheet.heights[3] = 30

    def add_row(row: Row, label: str, bold: bool = False, fill: str | None = None) -> int:
        def style(fmt: str | None = None, cell_fill: str | None = None, **more: Any) -> Style:
            return Style(number_format=fmt, bold=bold, fill=cell_fill or fill, border=True, **more)

        def ratio(value: Decimal | None, cell_fill: str | None = None) -> tuple[Any, Style]:
            if value is None:
                return NONE, style(cell_fill=cell_fill, align="right")
            return _fraction(value), style(PERCENT_FORMAT, cell_fill)

        return sheet.add(
            (label, style()),
            (scaled(row.target, report.metric, scale), style(number_format)),
            (scaled(row.strive, report.metric, scale), style(number_format)),
            (scaled(row.actual, report.metric, scale), style(number_format)),
            ratio(row.completion, completion_fill(row)),
            ratio(row.progress_ratio),
            (scaled(row.last_year, report.metric, scale), style(number_format)),
            ratio(row.yoy),
            (row.rank, style(COUNT_FORMAT, align="center")),
            (flags_text(row, report.threshold) or None, style(align="left")),
        )

    for group in report.groups:
        sheet.add(
            (group_label(group), Style(bold=True, border=True)), *[(None, Style(border=True))] * 9
        )
        for row in group.rows:
            add_row(row, f"  {row.unit}")
        add_row(group.subtotal, subtotal_label(group), bold=True, fill=SUBTOTAL_FILL)
    if report.own is not None:
        add_row(report.own, own_label(report))
    sheet.size_until_row = add_row(report.total, total_label(report), bold=True, fill=HEADER_FILL)
    sheet.add()
    width = table_width(sheet)
    for fill, text in legend_lines(report, width - 10):
        if fill:
            sheet.add(("", Style(fill=fill, border=True)), text)
        else:
            sheet.add(text)
    if notes:
        sheet.add()
        for note in notes:
            for part in wrap_text(note, width):
                sheet.add(part)
    return sheet


def chart_sheet(report: Report) -> Sheet:
    """Completion by unit as columns against 时序进度 and the 黄牌 line (the threshold's share
    of it): a native XlsxWriter chart over the sheet's own figures, so it stays live."""
    sheet = titled(
        _("Chart"),
        title(report),
        _("Period: {period}    unit: {unit}    time progress: {progress}").format(
            period=period_text(report), unit="%", progress=percent(report.time_progress)
        ),
        4,
        report.issuer,
    )
    sheet.min_widths = {1: 22, 2: 10, 3: 10, 4: 10}
    sheet.add(
        *(
            (_(header), HEADER_STYLE)
            for header in (N_("Unit"), N_("Done %"), N_("Time progress"), N_("Yellow card"))
        )
    )
    style = Style(number_format=PERCENT_FORMAT, border=True)
    progress = _fraction(report.time_progress)
    yellow = _fraction(report.threshold * report.time_progress)
    rows = [row for group in report.groups for row in group.rows]
    for row in rows:
        sheet.add(
            (row.unit, Style(border=True)),
            (_fraction(row.completion), style),
            (progress, style),
            (yellow, style),
        )
    if not rows:
        return sheet
    first, last = 3, 2 + len(rows)  # 0-based rows of the figures

    sheet.charts.append(
        completion_chart(
            sheet, first, last, [(2, "#1F5FBF", "solid"), (3, "#E6A700", "dash")], "F3"
        )
    )
    return sheet


def completion_chart(
    sheet: Sheet, first: int, last: int, lines: Sequence[tuple[int, str, str]], at: str
) -> Callable[[Any, Any], None]:
    """A native chart over the sheet's own cells: completion (column 1) by unit (column 0) as
    bars, and each of ``lines`` (column, colour, dash: 时序进度, the 黄牌 line) as a line across
    them; figure rows ``first`` to ``last`` (0-based). The 通报's and the 快报's alike."""

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
        across = book.add_chart({"type": "line"})
        for column, colour, dash in lines:
            across.add_series(
                {
                    "name": [name, 2, column],
                    "categories": [name, first, 0, last, 0],
                    "values": [name, first, column, last, column],
                    "line": {"color": colour, "width": 2, "dash_type": dash},
                    "marker": {"type": "none"},
                }
            )
        bars.combine(across)
        bars.set_title({"name": _("Completion by unit against time progress")})
        bars.set_y_axis({"name": _("Done %"), "num_format": "0%"})
        bars.set_x_axis({"num_font": {"rotation": -45}})
        bars.set_legend({"position": "bottom"})
        bars.set_size({"width": 960, "height": 440})
        worksheet.insert_chart(at, bars)

    return add_chart


def table_width(sheet: Sheet) -> int:
    return int(sum(column_widths(sheet).values()))


def prose_sheet(report: Report, paragraphs: list[Paragraph], heading: str) -> Sheet:
    """The 通报's text on A4 portrait: title, 文号, paragraphs wrapped to the page, signature."""
    issuer = report.issuer
    sheet = Sheet(_("Bulletin text"), landscape=False, widths={1: PROSE_WIDTH + 4})
    set_issuer(sheet, issuer)
    sheet.add((heading, Style(bold=True, size=16, align="center")))
    sheet.heights[1] = 30
    if issuer is not None and issuer.number:
        sheet.add((issuer.number, Style(align="center")))
    sheet.add()
    for paragraph in paragraphs:
        if paragraph.heading:
            sheet.add((paragraph.text, Style(bold=True)))
            continue
        for part in wrap_text("\u3000\u3000" + paragraph.text, PROSE_WIDTH):
            sheet.add(part)
    sheet.add()
    if issuer is not None:
        for text in (issuer.office, issuer.date_text):
            if text:
                sheet.add((text, Style(align="right")))
    return sheet


def breakdown_sheet(report: Report, table: Table, name: str) -> Sheet:
    formats = {"count": COUNT_FORMAT, "money": AMOUNT_FORMAT, "share": PERCENT_FORMAT}
    sheet = titled(
        name,
        table.title,
        _("Period: {period}    unit: 万元, count").format(period=period_text(report)),
        len(table.headers),
        report.issuer,
        landscape=False,
        freeze="A4",
    )
    sheet.add(*((header, HEADER_STYLE) for header in table.headers))
    sheet.heights[3] = 30
    sheet.min_widths = {1: 16}
    for cells, bold in zip(table.rows, table.bold, strict=True):
        fill = SUBTOTAL_FILL if bold else None
        row = []
        for value, kind in zip(cells, table.kinds, strict=True):
            style = Style(number_format=formats.get(kind), bold=bold, fill=fill, border=True)
            if value is None and kind in ("share", "money"):
                value, style = NONE, Style(bold=bold, fill=fill, border=True, align="right")
            elif kind == "share":
                value = _fraction(value)
            row.append((value, style))
        sheet.size_until_row = sheet.add(*row)
    sheet.add()
    width = table_width(sheet)
    for note in table.notes:
        for part in wrap_text(note, width):
            sheet.add(part)
    return sheet


def list_sheet(
    name: str,
    items: list[dict[str, Any]],
    headers: list[tuple[str, str]] | None = None,
    heading: str | None = None,
    subtitle: str | None = None,
    issuer: Issuer | None = None,
) -> Sheet:
    """A project list: titled, header row frozen and repeated on every printed page."""
    headers = headers or LIST_HEADERS
    shown = subtitle or _("unit: 万元    {count} projects").format(count=len(items))
    sheet = titled(name, heading or name, shown, len(headers), issuer, freeze="A4")
    names = [_(header) for _key, header in headers]
    sheet.add(*((header, HEADER_STYLE) for header in names))
    styles = {
        key: Style(number_format=LIST_FORMATS[key])
        for key, _header in headers
        if key in LIST_FORMATS
    }
    for index, header in enumerate(names, start=1):
        sheet.min_widths[index] = display_width(header)
    # Words looked up once per sheet, not once per row (a list has up to 500).
    yes_no = {True: _("yes"), False: _("no")}
    stages = {stage: STAGE.shown(stage) for stage in STAGE.labels}
    for item in items:
        cells = []
        for key, _header in headers:
            value = item[key]
            if key == "industrial":
                value = yes_no[bool(value)]
            elif key == "stage":
                value = stages.get(value, value)
            cells.append((value, styles[key]) if key in styles else value)
        sheet.rows.append(cells)
    return sheet


def rates_sheet(report: Report) -> Sheet:
    rates = report.rates
    end = report.period.end
    cohort = (
        _("{occasion}-signed").format(occasion=report.occasion)
        if report.occasion
        else _("newly signed")
    )
    sheet = titled(
        _("Follow-through"),
        _("{unit}: follow-through of {cohort} projects, {period}").format(
            period=period_label(report), unit=report.parent, cohort=cohort
        ),
        _("to {end}    unit: count, 万元").format(end=end, month=end.month, day=end.day),
        2,
        report.issuer,
        landscape=False,
        widths={1: 30, 2: 18},
    )
    sheet.add((_("Measure"), HEADER_STYLE), (_("Figure"), HEADER_STYLE))
    count, amount, share = (
        Style(number_format=f, border=True) for f in (COUNT_FORMAT, AMOUNT_FORMAT, PERCENT_FORMAT)
    )
    label = Style(border=True)
    for text, value, style in (
        (N_("Signed projects"), rates["signed"], count),
        (N_("Carried out: started or with money arrived"), rates["carried_out"], count),
        (N_("Started projects"), rates["started"], count),
        (N_("Projects in production"), rates["producing"], count),
        (N_("Contract amount (万元)"), rates["contract"], amount),
        (N_("Money arrived to date (万元)"), rates["arrived"], amount),
        (
            N_("Performance rate = carried out ÷ signed"),
            _fraction(rates["performance_rate"]),
            share,
        ),
        (N_("Start rate = started ÷ signed"), _fraction(rates["start_rate"]), share),
        (N_("Funds rate = arrived ÷ contract amount"), _fraction(rates["funds_rate"]), share),
        (
            N_("Production rate = in production ÷ signed"),
            _fraction(rates["production_rate"]),
            share,
        ),
    ):
        shown = (value, style) if value is not None else (NONE, Style(border=True, align="right"))
        sheet.add((_(text), label), shown)
    return sheet


def report_sheets(report: Report, scale: str = "万") -> list[Sheet]:
    months = period_label(report)
    sheets = [
        completion_sheet(report, scale),
        chart_sheet(report),
        prose_sheet(report, prose(report), title(report)),
    ]
    for table in breakdown_tables(report):
        sheets.append(breakdown_sheet(report, table, _(BREAKDOWNS[table.name])))
    for key, what in LIST_SHEETS.items():
        items = report.lists.get(key, [])
        name = _(what)
        heading = _("{unit}: list of {what}, {period}").format(
            period=months, unit=report.parent, what=name
        )
        total = list_total(report.projects, key)
        subtitle = _("unit: 万元    {count} projects, largest contract first").format(count=total)
        if total > len(items):
            subtitle += _(", the first {shown} here; list them all with zs project list").format(
                shown=len(items)
            )
        sheets.append(
            list_sheet(name, items, heading=heading, subtitle=subtitle, issuer=report.issuer)
        )
    sheets.append(rates_sheet(report))
    return sheets


def write_report_xlsx(report: Report, path: Path, scale: str = "万") -> None:
    save_sheets(report_sheets(report, scale), Path(path))
