"""The report as an Excel file fit to send to leaders: a titled, grouped completion sheet,
the project lists and the follow-through rates. Never investor contacts."""

from decimal import Decimal
from pathlib import Path
from typing import Any

from zhaoshang_cli.glossary import STAGES
from zhaoshang_cli.report.compute import FLAG_BEHIND, FLAG_FAR_BEHIND, Report, Row
from zhaoshang_cli.report.text import (
    flags_text,
    headline,
    project_sentences,
    quantize,
    scaled,
    title,
    unit_label,
)
from zhaoshang_cli.xlsx import Sheet, Style, save_sheets

AMOUNT_FORMAT = "#,##0.00"
COUNT_FORMAT = "0"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
BEHIND_FILL = "FFEB9C"  # yellow: behind 时序进度
FAR_BEHIND_FILL = "FFC7CE"  # red: below the threshold share of 时序进度
HEADER_FILL = "DDEBF7"
SUBTOTAL_FILL = "F2F2F2"

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


def _fraction(value: Decimal | None) -> Decimal | None:
    return None if value is None else quantize(value, 6)


def completion_fill(row: Row) -> str | None:
    if FLAG_FAR_BEHIND in row.flags:
        return FAR_BEHIND_FILL
    if FLAG_BEHIND in row.flags:
        return BEHIND_FILL
    return None


def completion_sheet(
    report: Report,
    scale: str = "万",
    heading: str | None = None,
    notes: list[str] | None = None,
    name: str = "完成情况",
) -> tuple[Sheet, list[int]]:
    """The grouped completion table, and the sheet rows of its units (for charts)."""
    money = report.metric in ("funds", "fdi")
    number_format = AMOUNT_FORMAT if money else COUNT_FORMAT
    sheet = Sheet(name, freeze="B4", title_rows="1:3", size_from_row=3, min_widths={1: 16})
    heading_style = Style(bold=True, size=16, across=True)
    sheet.add(
        (heading or title(report), heading_style), *[(None, heading_style)] * (len(HEADERS) - 1)
    )
    sheet.add(
        f"单位: {unit_label(report, scale)}",
        None,
        None,
        f"时序进度: {report.time_progress * 100:.1f}%",
        None,
        None,
        f"截至: {report.period.end.isoformat()}",
    )
    sheet.add(*((header, HEADER_STYLE) for header in HEADERS))
    unit_rows: list[int] = []

    def add_row(row: Row, label: str, bold: bool = False, fill: str | None = None) -> int:
        def style(fmt: str | None = None, cell_fill: str | None = None) -> Style:
            return Style(number_format=fmt, bold=bold, fill=cell_fill or fill, border=True)

        return sheet.add(
            (label, style()),
            (scaled(row.target, report.metric, scale), style(number_format)),
            (scaled(row.strive, report.metric, scale), style(number_format)),
            (scaled(row.actual, report.metric, scale), style(number_format)),
            (_fraction(row.completion), style(PERCENT_FORMAT, completion_fill(row))),
            (_fraction(row.progress_ratio), style(PERCENT_FORMAT)),
            (scaled(row.last_year, report.metric, scale), style(number_format)),
            (_fraction(row.yoy), style(PERCENT_FORMAT)),
            (row.rank, style(COUNT_FORMAT)),
            (flags_text(row, report.threshold) or None, style()),
        )

    for group in report.groups:
        sheet.add((group.label, Style(bold=True)))
        for row in group.rows:
            unit_rows.append(add_row(row, f"  {row.unit}"))
        add_row(group.subtotal, group.subtotal.unit, bold=True, fill=SUBTOTAL_FILL)
    sheet.size_until_row = add_row(report.total, report.total.unit, bold=True, fill=HEADER_FILL)
    sheet.add()  # the sentences below run long and are left out of column sizing
    for sentence in notes if notes is not None else [headline(report), *project_sentences(report)]:
        sheet.add(sentence)
    return sheet, unit_rows


def list_sheet(
    name: str, items: list[dict[str, Any]], headers: list[tuple[str, str]] | None = None
) -> Sheet:
    headers = headers or LIST_HEADERS
    sheet = Sheet(name, freeze="A2", title_rows="1:1", bulk=True)
    sheet.add(*((header, HEADER_STYLE) for _, header in headers))
    styles = {
        key: Style(number_format=LIST_FORMATS[key]) for key, _ in headers if key in LIST_FORMATS
    }
    for item in items:
        cells = []
        for key, _ in headers:
            value = item[key]
            if key == "industrial":
                value = "是" if value else "否"
            elif key == "stage":
                value = STAGES.get(value, value)
            cells.append((value, styles[key]) if key in styles else value)
        sheet.add(*cells)
    return sheet


def rates_sheet(report: Report) -> Sheet:
    rates = report.rates
    sheet = Sheet("履约情况", size_from_row=2, landscape=False)
    sheet.add((f"{rates['cohort']}项目履约情况", Style(bold=True, size=14)))
    sheet.add()
    count, amount, percent = (
        Style(number_format=f) for f in (COUNT_FORMAT, AMOUNT_FORMAT, PERCENT_FORMAT)
    )
    for label, value, style in (
        ("签约项目(个)", rates["signed"], count),
        ("履约项目(个)", rates["carried_out"], count),
        ("开工项目(个)", rates["started"], count),
        ("投产项目(个)", rates["producing"], count),
        ("合同引资额(万元)", rates["contract"], amount),
        ("到位资金(万元)", rates["arrived"], amount),
        ("履约率", _fraction(rates["performance_rate"]), percent),
        ("开工率", _fraction(rates["start_rate"]), percent),
        ("资金到位率", _fraction(rates["funds_rate"]), percent),
        ("建成投产率", _fraction(rates["production_rate"]), percent),
    ):
        sheet.add(label, (value, style))
    return sheet


def report_sheets(report: Report, scale: str = "万") -> list[Sheet]:
    sheets = [completion_sheet(report, scale)[0]]
    sheets += [list_sheet(name, report.lists.get(key, [])) for key, name in LIST_SHEETS.items()]
    sheets.append(rates_sheet(report))
    return sheets


def write_report_xlsx(report: Report, path: Path, scale: str = "万") -> None:
    save_sheets(report_sheets(report, scale), Path(path))
