"""The report as an Excel file fit to send to leaders: a titled, grouped completion sheet,
the project lists and the follow-through rates. Never investor contacts."""

from decimal import Decimal
from pathlib import Path
from typing import Any

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
from zhaoshang_cli.xlsx import fit_columns, print_landscape, put, save_workbook

AMOUNT_FORMAT = "#,##0.00"
COUNT_FORMAT = "0"
PERCENT_FORMAT = "0.0%"
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


def _fraction(value: Decimal | None) -> Decimal | None:
    return None if value is None else quantize(value, 6)


def completion_fill(row: Row) -> str | None:
    if FLAG_FAR_BEHIND in row.flags:
        return FAR_BEHIND_FILL
    if FLAG_BEHIND in row.flags:
        return BEHIND_FILL
    return None


def completion_sheet(
    ws: Any,
    report: Report,
    scale: str = "万",
    heading: str | None = None,
    notes: list[str] | None = None,
) -> list[int]:
    """The grouped completion table; returns the sheet rows of the units (for charts)."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    money = report.metric in ("funds", "fdi")
    number_format = AMOUNT_FORMAT if money else COUNT_FORMAT
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    put(ws, 1, 1, heading or title(report)).font = Font(size=16, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    put(ws, 2, 1, f"单位: {unit_label(report, scale)}")
    put(ws, 2, 4, f"时序进度: {report.time_progress * 100:.1f}%")
    put(ws, 2, 7, f"截至: {report.period.end.isoformat()}")
    for column, header in enumerate(HEADERS, start=1):
        cell = put(ws, 3, column, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border

    line = 4
    unit_rows: list[int] = []

    def write_row(row: Row, name: str, bold: bool = False, fill: str | None = None) -> None:
        nonlocal line
        values: list[tuple[Any, str | None]] = [
            (name, None),
            (scaled(row.target, report.metric, scale), number_format),
            (scaled(row.strive, report.metric, scale), number_format),
            (scaled(row.actual, report.metric, scale), number_format),
            (_fraction(row.completion), PERCENT_FORMAT),
            (_fraction(row.progress_ratio), PERCENT_FORMAT),
            (scaled(row.last_year, report.metric, scale), number_format),
            (_fraction(row.yoy), PERCENT_FORMAT),
            (row.rank, COUNT_FORMAT),
            (flags_text(row, report.threshold) or None, None),
        ]
        for column, (value, fmt) in enumerate(values, start=1):
            cell = put(ws, line, column, value, fmt)
            cell.border = border
            if bold:
                cell.font = Font(bold=True)
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
        highlight = completion_fill(row)
        if highlight:
            ws.cell(line, 5).fill = PatternFill("solid", fgColor=highlight)
        line += 1

    for group in report.groups:
        put(ws, line, 1, group.label).font = Font(bold=True)
        line += 1
        for row in group.rows:
            unit_rows.append(line)
            write_row(row, f"  {row.unit}")
        write_row(group.subtotal, group.subtotal.unit, bold=True, fill=SUBTOTAL_FILL)
    write_row(report.total, report.total.unit, bold=True, fill=HEADER_FILL)
    fit_columns(ws, skip_rows=3)  # before the sentences below, which may run long
    line += 1
    for sentence in notes if notes is not None else [headline(report), *project_sentences(report)]:
        put(ws, line, 1, sentence)
        line += 1

    ws.freeze_panes = "B4"
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width or 0, 16)
    ws.row_dimensions[1].height = 28
    print_landscape(ws, title_rows="1:3")
    ws.print_area = f"A1:J{line - 1}"
    return unit_rows


def list_sheet(
    wb: Any, name: str, rows: list[dict[str, Any]], headers: list[tuple[str, str]] | None = None
) -> Any:
    from openpyxl.styles import Font, PatternFill

    headers = headers or LIST_HEADERS
    ws = wb.create_sheet(name)
    for column, (_, header) in enumerate(headers, start=1):
        cell = put(ws, 1, column, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    for line, item in enumerate(rows, start=2):
        for column, (key, _) in enumerate(headers, start=1):
            value = item[key]
            if key == "industrial":
                value = "是" if value else "否"
            fmt = AMOUNT_FORMAT if key in ("contract", "arrived") else None
            if key in ("signed_on", "started_on") and value is not None:
                fmt = "yyyy-mm-dd"
            put(ws, line, column, value, fmt)
    ws.freeze_panes = "A2"
    fit_columns(ws)
    print_landscape(ws, title_rows="1:1")
    return ws


def _rates_sheet(wb: Any, report: Report) -> None:
    from openpyxl.styles import Font

    rates = report.rates
    ws = wb.create_sheet("履约情况")
    put(ws, 1, 1, f"{rates['cohort']}项目履约情况").font = Font(size=14, bold=True)
    rows: list[tuple[str, Any, str | None]] = [
        ("签约项目(个)", rates["signed"], COUNT_FORMAT),
        ("履约项目(个)", rates["carried_out"], COUNT_FORMAT),
        ("开工项目(个)", rates["started"], COUNT_FORMAT),
        ("投产项目(个)", rates["producing"], COUNT_FORMAT),
        ("合同引资额(万元)", rates["contract"], AMOUNT_FORMAT),
        ("到位资金(万元)", rates["arrived"], AMOUNT_FORMAT),
        ("履约率", _fraction(rates["performance_rate"]), PERCENT_FORMAT),
        ("开工率", _fraction(rates["start_rate"]), PERCENT_FORMAT),
        ("资金到位率", _fraction(rates["funds_rate"]), PERCENT_FORMAT),
        ("建成投产率", _fraction(rates["production_rate"]), PERCENT_FORMAT),
    ]
    for line, (label, value, fmt) in enumerate(rows, start=3):
        put(ws, line, 1, label)
        put(ws, line, 2, value, fmt)
    fit_columns(ws, skip_rows=1)
    print_landscape(ws)


def report_workbook(report: Report, scale: str = "万") -> Any:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "完成情况"
    completion_sheet(wb.active, report, scale)
    for key, name in LIST_SHEETS.items():
        list_sheet(wb, name, report.lists.get(key, []))
    _rates_sheet(wb, report)
    return wb


def write_report_xlsx(report: Report, path: Path, scale: str = "万") -> None:
    save_workbook(report_workbook(report, scale), Path(path))
