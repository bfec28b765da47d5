"""The report as a Rich table: groups with subtotals, completion coloured against 时序进度,
then the 通报's prose; or one breakdown table (--by)."""

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from zhaoshang_cli.report.compute import FLAG_BEHIND, FLAG_FAR_BEHIND, Report, Row
from zhaoshang_cli.report.prose import summary_lines
from zhaoshang_cli.report.tables import Table as Breakdown
from zhaoshang_cli.report.tables import breakdown_tables
from zhaoshang_cli.report.text import (
    amount,
    flags_text,
    percent,
    title,
    unit_label,
)


def completion_style(row: Row) -> str:
    if FLAG_FAR_BEHIND in row.flags:
        return "bold red"
    if FLAG_BEHIND in row.flags:
        return "yellow"
    return "green" if row.completion is not None else ""


def report_table(report: Report, scale: str = "万") -> Table:
    label = unit_label(report, scale)
    has_strive = (
        any(r.strive is not None for g in report.groups for r in [*g.rows, g.subtotal])
        or report.total.strive is not None
    )
    table = Table(
        title=title(report),
        caption=(
            f"时序进度 {percent(report.time_progress)} · 单位: {label} · "
            f"截至 {report.period.end}" + (f" · 按 {report.as_of} 录入情况" if report.as_of else "")
        ),
    )
    table.add_column("单位")
    table.add_column("年度指标(确保)", justify="right")
    if has_strive:
        table.add_column("力争", justify="right")
    table.add_column("累计完成", justify="right")
    table.add_column("完成%", justify="right")
    table.add_column("完成/时序", justify="right")
    table.add_column("上年同期", justify="right")
    table.add_column("同比", justify="right")
    table.add_column("位次", justify="right")
    table.add_column("提示")

    def add(row: Row, style: str = "", name: str | None = None) -> None:
        cells = [Text(name or row.unit, style=style), amount(row.target, report.metric, scale)]
        if has_strive:
            cells.append(amount(row.strive, report.metric, scale))
        cells += [
            amount(row.actual, report.metric, scale),
            Text(percent(row.completion), style=completion_style(row)),
            percent(row.progress_ratio),
            amount(row.last_year, report.metric, scale),
            percent(row.yoy),
            str(row.rank) if row.rank else "",
            flags_text(row, report.threshold),
        ]
        table.add_row(*cells, style=style)

    for group in report.groups:
        table.add_row(Text(group.label, style="bold"))
        for row in group.rows:
            add(row, name=f"  {row.unit}")
        add(group.subtotal, style="bold", name=f"  {group.subtotal.unit}")
        table.add_section()
    if report.own is not None:
        add(report.own)
        table.add_section()
    add(report.total, style="bold")
    return table


def cell_text(value: Any, kind: str) -> str:
    if value is None:
        return "—" if kind in ("share", "money") else ""
    if kind == "money":
        return f"{value:,.2f}"
    if kind == "share":
        return percent(value)
    return str(value)


def breakdown_table(breakdown: Breakdown) -> Table:
    table = Table(title=breakdown.title, caption="\n".join(breakdown.notes))
    for header, kind in zip(breakdown.headers, breakdown.kinds, strict=True):
        table.add_column(header, justify="left" if kind == "text" else "right")
    for cells, bold in zip(breakdown.rows, breakdown.bold, strict=True):
        table.add_row(
            *(cell_text(v, k) for v, k in zip(cells, breakdown.kinds, strict=True)),
            style="bold" if bold else "",
        )
    return table


def print_report(
    report: Report, console: Console, scale: str = "万", by: list[str] | None = None
) -> None:
    """The completion table and the 通报's text; with ``by``, those breakdowns instead."""
    if by:
        for breakdown in breakdown_tables(report, by):
            console.print(breakdown_table(breakdown))
        return
    console.print(report_table(report, scale))
    for line in summary_lines(report):
        console.print(line, highlight=False, markup=False)
