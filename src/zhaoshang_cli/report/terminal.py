"""The report as a Rich table: groups with subtotals, completion coloured against 时序进度.

The table fits the terminal (``fit``): no amount and no unit's name is ever cut. Where the
width is short, 力争 and 上年同期 go first; then the flags become short marks explained under
the table; then 完成/时序, 同比 and 位次 go, in that order. ``width=None`` keeps everything.
"""

from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from zhaoshang_cli.core.figures import percent
from zhaoshang_cli.core.i18n import N_, _, is_english
from zhaoshang_cli.output.fit import Spec, make_table, pick, plan, show, table_width
from zhaoshang_cli.report.compute import (
    FLAG_BEHIND,
    FLAG_FAR_BEHIND,
    FLAG_NOTHING,
    Report,
    Row,
)
from zhaoshang_cli.report.prose import summary_lines
from zhaoshang_cli.report.tables import Table as Breakdown
from zhaoshang_cli.report.tables import breakdown_tables
from zhaoshang_cli.report.text import (
    amount,
    flag_text,
    flags_text,
    group_label,
    own_label,
    subtotal_label,
    title,
    total_label,
    unit_label,
)

FLAG_MARKS = {FLAG_BEHIND: "!", FLAG_FAR_BEHIND: "!!", FLAG_NOTHING: "0"}
FLAGS_HEADER = N_("Flags")
COMPLETION_HEADER = N_("Done %")


def completion_style(row: Row) -> str:
    if FLAG_FAR_BEHIND in row.flags:
        return "bold red"
    if FLAG_BEHIND in row.flags:
        return "yellow"
    return "green" if row.completion is not None else ""


def shown_flags(row: Row) -> list[str]:
    """far_behind implies behind: only the stronger one is shown."""
    return [f for f in row.flags if not (f == FLAG_BEHIND and FLAG_FAR_BEHIND in row.flags)]


@dataclass
class Line:
    cells: list[str]
    style: str = ""
    completion: str = ""  # the 完成% cell's colour


def _specs(has_strive: bool, marks: bool) -> list[Spec]:
    """Columns in order; ``drop`` says which go first on a narrow terminal."""

    def later(order: int) -> int | None:
        """With full flag texts these stay; once the flags are marks, they may go too."""
        return order if marks else None

    specs = [
        Spec(_("Unit")),
        Spec(_("Target (must)"), "right"),
        Spec(_("Strive"), "right", drop=1) if has_strive else None,
        Spec(_("Done"), "right"),
        Spec(_(COMPLETION_HEADER), "right"),
        Spec(_("Done/time"), "right", drop=later(3)),
        Spec(_("Last year"), "right", drop=2),
        Spec(_("YoY"), "right", drop=later(4)),
        Spec(_("Rank"), "right", drop=later(5)),
        Spec(_(FLAGS_HEADER)),
    ]
    return [spec for spec in specs if spec is not None]


def _lines(report: Report, scale: str, has_strive: bool, marks: bool) -> list[Line | None]:
    """The table's rows as text; None between groups."""

    def line(row: Row, style: str = "", name: str | None = None) -> Line:
        if marks:
            flags = " ".join(FLAG_MARKS[f] for f in shown_flags(row))
        else:
            flags = flags_text(row, report.threshold)
        cells = [name or row.unit, amount(row.target, report.metric, scale)]
        if has_strive:
            cells.append(amount(row.strive, report.metric, scale))
        cells += [
            amount(row.actual, report.metric, scale),
            percent(row.completion),
            percent(row.progress_ratio),
            amount(row.last_year, report.metric, scale),
            percent(row.yoy),
            str(row.rank) if row.rank else "",
            flags,
        ]
        return Line(cells, style, completion_style(row))

    width = 10 if has_strive else 9
    lines: list[Line | None] = []
    for group in report.groups:
        lines.append(Line([group_label(group)] + [""] * (width - 1), "bold"))
        lines += [line(row, name=f"  {row.unit}") for row in group.rows]
        lines.append(line(group.subtotal, "bold", f"  {subtotal_label(group)}"))
        lines.append(None)
    if report.own is not None:
        lines.append(line(report.own, name=own_label(report)))
        lines.append(None)
    lines.append(line(report.total, "bold", total_label(report)))
    return lines


def _caption(report: Report, scale: str, legend: str) -> str:
    caption = _("time progress {progress} · unit: {unit} · to {end}").format(
        progress=percent(report.time_progress),
        unit=unit_label(report, scale),
        end=report.period.end,
    ) + (_(" · as entered by {day}").format(day=report.as_of) if report.as_of else "")
    return f"{caption} · {legend}" if legend else caption


def _legend(report: Report, lines: list[Line | None]) -> str:
    used = {cell for line in lines if line for cell in line.cells[-1].split()}
    marks = [
        f"{mark} {flag_text(flag, report.threshold)}"
        for flag, mark in FLAG_MARKS.items()
        if mark in used
    ]
    return (
        _("{flags}: {marks}").format(flags=_(FLAGS_HEADER), marks="  ".join(marks)) if marks else ""
    )


def report_table(report: Report, scale: str = "万", width: int | None = None) -> Table:
    """The table, fitted to ``width`` columns (None: every column at full width)."""
    table, _widths = _fitted(report, scale, width)
    return table


def _fitted(report: Report, scale: str, width: int | None) -> tuple[Table, list[int | None]]:
    has_strive = (
        any(r.strive is not None for g in report.groups for r in [*g.rows, g.subtotal])
        or report.total.strive is not None
    )
    for marks in (False, True):
        specs = _specs(has_strive, marks)
        lines = _lines(report, scale, has_strive, marks)
        rows = [line.cells for line in lines if line]
        widths = plan(specs, rows, width)
        if width is None or table_width(widths) <= width:
            break
    legend = _legend(report, lines) if marks else ""
    table = make_table(specs, widths, title=title(report), caption=_caption(report, scale, legend))
    completion = next(i for i, spec in enumerate(specs) if spec.header == _(COMPLETION_HEADER))
    for line in lines:
        if line is None:
            table.add_section()
            continue
        cells: list[str | Text] = [Text(cell) for cell in line.cells]
        cells[0] = Text(line.cells[0], style=line.style)
        cells[completion] = Text(line.cells[completion], style=line.completion)
        table.add_row(*pick(cells, specs, widths), style=line.style)
    return table, widths


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
    report: Report,
    console: Console,
    scale: str = "万",
    width: int | None = None,
    by: list[str] | None = None,
) -> None:
    """The table fitted to ``width`` (None: every column), then the 通报's text; with ``by``,
    those breakdowns instead."""
    if by:
        for breakdown in breakdown_tables(report, by):
            console.print(breakdown_table(breakdown))
        return
    table, widths = _fitted(report, scale, width)
    show(console, table, widths)
    if is_english():
        console.print(_("The report's text, in Chinese as it is sent:"), highlight=False)
    for line in summary_lines(report):
        console.print(Text(line) if isinstance(line, str) else line, highlight=False)
