"""The report as an Excel file fit to send: every sheet titled with the period and 单位, printed
A4 with its header rows repeated and the issuing office and page numbers in the footer; the
completion table with a legend, the 通报's text, the breakdowns, the project lists and the
follow-through rates. Never investor contacts."""

from decimal import Decimal
from pathlib import Path
from typing import Any

from zhaoshang_cli.glossary import STAGES
from zhaoshang_cli.report.compute import FLAG_BEHIND, FLAG_FAR_BEHIND, Report, Row
from zhaoshang_cli.report.lists import list_total
from zhaoshang_cli.report.prose import Paragraph, prose
from zhaoshang_cli.report.tables import BREAKDOWNS, Table, breakdown_tables
from zhaoshang_cli.report.text import (
    flags_text,
    percent,
    period_label,
    quantize,
    scaled,
    title,
    unit_label,
)
from zhaoshang_cli.settings import Issuer
from zhaoshang_cli.xlsx import Sheet, Style, display_width, save_sheets, wrap_text

AMOUNT_FORMAT = "#,##0.00"
COUNT_FORMAT = "0"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
BEHIND_FILL = "FFEB9C"  # yellow: behind 时序进度
FAR_BEHIND_FILL = "FFC7CE"  # red: below the threshold share of 时序进度
HEADER_FILL = "DDEBF7"
SUBTOTAL_FILL = "F2F2F2"
NONE = "—"  # a ratio with nothing to divide by

HEADERS = [
    "单位",
    "年度指标(确保)",
    "力争",
    "累计完成",
    "完成%",
    "完成/时序",
    "上年同期",
    "同比",
    "位次",
    "提示",
]
LIST_SHEETS = {
    "signed": "新签约项目",
    "new_started": "新开工项目",
    "carried_over": "结转续建项目",
    "major": "亿元以上项目",
}
LIST_HEADERS = [
    ("code", "项目编号"),
    ("name", "项目名称"),
    ("units", "责任单位"),
    ("industry", "产业"),
    ("industrial", "工业项目"),
    ("stage", "阶段"),
    ("signed_on", "签约日期"),
    ("started_on", "开工日期"),
    ("contract", "合同引资额(万元)"),
    ("arrived", "本期到位(万元)"),
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
        sheet.footer_right = issuer.date_text


def period_text(report: Report) -> str:
    start, end = report.period.start, report.period.end
    return f"{start.year}年{start.month}月{start.day}日至{end.month}月{end.day}日"


def legend_lines(report: Report, width: int) -> list[tuple[str | None, str]]:
    """(fill, text): the colours and flags explained, and how each ratio is worked out."""
    line = percent(report.threshold, 0)
    notes = [
        (BEHIND_FILL, f"完成进度低于时序进度({percent(report.time_progress)}):提示“滞后时序”。"),
        (FAR_BEHIND_FILL, f"完成进度低于时序进度的{line}(黄牌警告线):提示“低于{line}时序”。"),
    ]
    text = (
        "说明:完成% = 累计完成 ÷ 年度指标(确保);完成/时序 = 完成% ÷ 时序进度;"
        "同比 = (累计完成 − 上年同期)÷ 上年同期;位次为组内按完成%由高到低的排序;"
        "“—”表示没有可比的基数(无年度指标,或上年同期为零);“无到位”表示本期没有资金到位。"
    )
    if report.own is not None:
        text += f"{report.own.unit}指直接记在{report.parent}名下、未分到下级单位的资金和项目。"
    return [*notes, *((None, part) for part in wrap_text(text, width))]


def completion_sheet(
    report: Report,
    scale: str = "万",
    heading: str | None = None,
    notes: list[str] | None = None,
    name: str = "完成情况",
    issuer: Issuer | None = None,
) -> Sheet:
    """The grouped completion table with its legend, then ``notes`` (the bulletin's lines)."""
    money = report.metric in ("funds", "fdi")
    number_format = AMOUNT_FORMAT if money else "General"
    subtitle = (
        f"统计期间:{period_text(report)}    单位:{unit_label(report, scale)}    "
        f"时序进度:{percent(report.time_progress)}"
        + (f"    按{report.as_of}录入情况" if report.as_of else "")
    )
    sheet = titled(
        name, heading or title(report), subtitle, len(HEADERS), issuer or report.issuer, freeze="B4"
    )
    sheet.min_widths = {1: 18, 9: 6, 10: 16}
    sheet.add(*((header, HEADER_STYLE) for header in HEADERS))
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
        sheet.add((group.label, Style(bold=True, border=True)), *[(None, Style(border=True))] * 9)
        for row in group.rows:
            add_row(row, f"  {row.unit}")
        add_row(group.subtotal, group.subtotal.unit, bold=True, fill=SUBTOTAL_FILL)
    if report.own is not None:
        add_row(report.own, report.own.unit)
    sheet.size_until_row = add_row(report.total, report.total.unit, bold=True, fill=HEADER_FILL)
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


def table_width(sheet: Sheet) -> int:
    from zhaoshang_cli.xlsx import column_widths

    return int(sum(column_widths(sheet).values()))


def prose_sheet(report: Report, paragraphs: list[Paragraph], heading: str) -> Sheet:
    """The 通报's text on A4 portrait: title, 文号, paragraphs wrapped to the page, signature."""
    issuer = report.issuer
    sheet = Sheet("通报正文", landscape=False, widths={1: PROSE_WIDTH + 4})
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
        f"统计期间:{period_text(report)}    单位:万元、个",
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
            row.append((_fraction(value) if kind == "share" else value, style))
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
    shown = subtitle or f"单位:万元    共{len(items)}项"
    sheet = titled(name, heading or name, shown, len(headers), issuer, freeze="A4")
    sheet.add(*((header, HEADER_STYLE) for _, header in headers))
    styles = {
        key: Style(number_format=LIST_FORMATS[key]) for key, _ in headers if key in LIST_FORMATS
    }
    for index, (_, header) in enumerate(headers, start=1):
        sheet.min_widths[index] = display_width(header)
    for item in items:
        cells = []
        for key, _ in headers:
            value = item[key]
            if key == "industrial":
                value = "是" if value else "否"
            elif key == "stage":
                value = STAGES.get(value, value)
            cells.append((value, styles[key]) if key in styles else value)
        sheet.rows.append(cells)
    return sheet


def rates_sheet(report: Report) -> Sheet:
    rates = report.rates
    sheet = titled(
        "履约情况",
        f"{period_label(report)}{report.parent}"
        f"{report.occasion + '签约' if report.occasion else '新签约'}项目履约情况",
        f"截至{report.period.end.month}月{report.period.end.day}日    单位:个、万元",
        2,
        report.issuer,
        landscape=False,
        widths={1: 30, 2: 18},
    )
    sheet.add(("指标", HEADER_STYLE), ("数值", HEADER_STYLE))
    count, amount, share = (
        Style(number_format=f, border=True) for f in (COUNT_FORMAT, AMOUNT_FORMAT, PERCENT_FORMAT)
    )
    label = Style(border=True)
    for text, value, style in (
        ("签约项目(个)", rates["signed"], count),
        ("履约项目(个):已开工或已有资金到位", rates["carried_out"], count),
        ("开工项目(个)", rates["started"], count),
        ("投产项目(个)", rates["producing"], count),
        ("合同引资额(万元)", rates["contract"], amount),
        ("累计到位资金(万元)", rates["arrived"], amount),
        ("履约率 = 履约项目 ÷ 签约项目", _fraction(rates["performance_rate"]), share),
        ("开工率 = 开工项目 ÷ 签约项目", _fraction(rates["start_rate"]), share),
        ("资金到位率 = 累计到位 ÷ 合同引资额", _fraction(rates["funds_rate"]), share),
        ("建成投产率 = 投产项目 ÷ 签约项目", _fraction(rates["production_rate"]), share),
    ):
        shown = (value, style) if value is not None else (NONE, Style(border=True, align="right"))
        sheet.add((text, label), shown)
    return sheet


def report_sheets(report: Report, scale: str = "万") -> list[Sheet]:
    months = period_label(report)
    sheets = [completion_sheet(report, scale), prose_sheet(report, prose(report), title(report))]
    for table in breakdown_tables(report):
        sheets.append(breakdown_sheet(report, table, BREAKDOWNS[table.name]))
    for key, name in LIST_SHEETS.items():
        items = report.lists.get(key, [])
        heading = f"{months}{report.parent}{name}清单"
        total = list_total(report.projects, key)
        subtitle = f"单位:万元    共{total}项,按合同引资额由大到小排列"
        if total > len(items):
            subtitle += f",此处列出前{len(items)}项;全部项目可用 zs project list 导出"
        sheets.append(
            list_sheet(name, items, heading=heading, subtitle=subtitle, issuer=report.issuer)
        )
    sheets.append(rates_sheet(report))
    return sheets


def write_report_xlsx(report: Report, path: Path, scale: str = "万") -> None:
    save_sheets(report_sheets(report, scale), Path(path))
