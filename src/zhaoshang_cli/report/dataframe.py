"""The ledger's figures as pandas DataFrames, for analysts in notebooks.

Needs the optional extra: ``pip install 'zhaoshang-cli[pandas]'``. ::

    from zhaoshang_cli.report.dataframe import arrivals_frame, projects_frame, report_frame

    report = report_frame("ledger.db", year=2026, month=4)   # one row per unit, subtotal, total
    projects = projects_frame("ledger.db", stage="signed")
    arrivals = arrivals_frame("ledger.db", date_from=date(2026, 1, 1))

``to_dataframe`` turns what the library returns (a ``Report``, or the rows of
``list_projects``/``list_arrivals``) into a frame, for callers who hold a session already.

Money stays exact: amounts are ``Decimal`` 万元 in ``object`` columns named ``…_wan``, as in
``--format json`` (a report of the fdi metric: 万美元; of a count metric: counts), so ``sum()``
adds them exactly; ``.astype(float)`` makes them floats for a chart. Ratios (completion,
progress, year-on-year) are floats, dates and timestamps ``datetime64``, ranks and ids with
gaps nullable integers (``Int64``). The report's year, month, metric and unit are in
``frame.attrs``.
"""

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from zhaoshang_cli.core.errors import MissingExtra
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.core.money import to_unit

if TYPE_CHECKING:
    import pandas as pd
    from sqlmodel import Session

    from zhaoshang_cli.report.compute import Report, Row

PANDAS_INSTALL = "pip install 'zhaoshang-cli[pandas]'"
REPORT_MONEY = ("target", "strive", "actual", "last_year")
REPORT_RATIOS = ("completion", "progress_ratio", "yoy")


def pandas() -> Any:
    """The pandas module, or one sentence saying how to install it."""
    try:
        import pandas
    except ImportError:
        raise MissingExtra(
            _("Data frames need pandas: {install}.").format(install=PANDAS_INSTALL)
        ) from None
    return pandas


def to_dataframe(data: "Report | Iterable[Mapping[str, Any]]") -> "pd.DataFrame":
    """A report's rows, or the rows of a project or arrival list, as a DataFrame."""
    from zhaoshang_cli.report.compute import Report

    if isinstance(data, Report):
        return report_to_frame(data)
    return rows_to_frame(data)


def report_to_frame(report: "Report") -> "pd.DataFrame":
    """One row per unit (row_type "unit"), per group's subtotal, the parent's own figures
    ("own") and the total, in the report's order."""
    pd = pandas()
    rows: list[dict[str, Any]] = []
    for group in report.groups:
        rows += [report_row("unit", group.kind, row) for row in group.rows]
        rows.append(report_row("subtotal", group.kind, group.subtotal))
    if report.own is not None:
        rows.append(report_row("own", "", report.own))
    rows.append(report_row("total", "", report.total))
    frame = pd.DataFrame(rows, columns=["row_type", "group", *report_row_keys()])
    for key in REPORT_RATIOS:
        frame[key] = frame[key].astype("float64")
    frame["rank"] = frame["rank"].astype("Int64")
    frame.attrs.update(
        year=report.year,
        month=report.month,
        metric=report.metric,
        unit=report.unit_label,
        parent=report.parent,
        period_start=report.period.start,
        period_end=report.period.end,
        time_progress=float(report.time_progress),
    )
    return frame


def report_row_keys() -> list[str]:
    return ["unit", "kind", *REPORT_MONEY, *REPORT_RATIOS, "rank", "flags"]


def report_row(row_type: str, group: str, row: "Row") -> dict[str, Any]:
    data = {key: getattr(row, key) for key in report_row_keys()}
    for key in REPORT_RATIOS:
        data[key] = None if data[key] is None else float(data[key])
    data["flags"] = ";".join(row.flags)
    return {"row_type": row_type, "group": group, **data}


def rows_to_frame(rows: Iterable[Mapping[str, Any]]) -> "pd.DataFrame":
    """Money in 分 (``…_fen``) or minor units (``…_minor``) becomes exact Decimal 万 (``…_wan``,
    ``…_original_wan``); date columns become datetime64, whole numbers with gaps Int64."""
    pd = pandas()
    frame = pd.DataFrame([money_in_wan(row) for row in rows])
    for key in frame.columns:
        values = [value for value in frame[key] if value is not None and not pd.isna(value)]
        if not values:
            continue
        if all(isinstance(value, date) for value in values):
            frame[key] = pd.to_datetime(frame[key])
        elif frame[key].dtype.kind in "fO" and all(
            isinstance(value, int | float) and not isinstance(value, bool) and value == int(value)
            for value in values
        ):
            frame[key] = frame[key].astype("Int64")  # ids with gaps: reverses, reversed_by
    return frame


def money_in_wan(row: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key.endswith("_fen"):
            out[key.removesuffix("_fen") + "_wan"] = wan(value)
        elif key.endswith("_minor"):
            out[key.removesuffix("_minor") + "_original_wan"] = wan(value)
        else:
            out[key] = value
    return out


def wan(minor: int | None) -> Decimal | None:
    return None if minor is None else to_unit(minor)


def report_frame(
    db: str | None = None,
    *,
    year: int | None = None,
    month: int | None = None,
    metric: str = "funds",
    unit: str | None = None,
) -> "pd.DataFrame":
    """The monthly report (1 January to the end of ``month``) as `zs report` computes it;
    by default for the last complete month."""
    from zhaoshang_cli.core import dates
    from zhaoshang_cli.core.periods import latest_complete_month, month_period
    from zhaoshang_cli.report import build_report

    pandas()  # before the ledger is read
    today = dates.today()
    if month is None:
        default_year, month = latest_complete_month(today)
        year = year if year is not None else default_year
    period = month_period(year if year is not None else today.year, month)
    with reading(db) as session:
        report = build_report(session, period, metric=metric, unit=unit)
    return report_to_frame(report)


def projects_frame(
    db: str | None = None,
    *,
    unit: str | None = None,
    stage: str | None = None,
    year: int | None = None,
) -> "pd.DataFrame":
    """The projects as `zs project list` shows them (contacts never included)."""
    from zhaoshang_cli.projects.register import list_projects

    pandas()
    with reading(db) as session:
        rows = list_projects(session, unit=unit, stage=stage, year=year)
    return rows_to_frame(rows)


def arrivals_frame(
    db: str | None = None,
    *,
    project: str | None = None,
    unit: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> "pd.DataFrame":
    """The arrivals as `zs arrival list` shows them, reversals included."""
    from zhaoshang_cli.arrivals.entries import list_arrivals

    pandas()
    with reading(db) as session:
        rows = list_arrivals(
            session, project=project, unit=unit, date_from=date_from, date_to=date_to
        )
    return rows_to_frame(rows)


@contextmanager
def reading(db: str | None) -> "Iterator[Session]":
    """One read snapshot of the ledger at ``db`` (a path or URL; by default as for `zs`)."""
    from zhaoshang_cli.store.ledger import Ledger

    ledger = Ledger.open(db, read_only=True)
    try:
        with ledger.read() as session:
            yield session
    finally:
        ledger.dispose()
