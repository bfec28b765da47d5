"""The report as plain data for scripts: one JSON object, or CSV rows."""

import io
from decimal import Decimal
from typing import Any

from zhaoshang_cli.core.periods import progress_basis
from zhaoshang_cli.core.safety import CsvWriter, csv_safe
from zhaoshang_cli.report.compute import Report, Row
from zhaoshang_cli.report.tables import breakdown_tables

FRACTION_PLACES = Decimal("0.000001")
ROW_FIELDS = (
    "unit",
    "kind",
    "target",
    "strive",
    "actual",
    "last_year",
    "completion",
    "progress_ratio",
    "yoy",
    "rank",
    "flags",
)


def _fraction(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(FRACTION_PLACES)


def _clean(value: Any) -> Any:
    """Money stays exact; fractions are rounded to six places."""
    if isinstance(value, dict):
        return {
            k: (
                _fraction(v)
                if k.endswith(("rate", "share_of_projects", "share_of_arrived", "yoy"))
                else _clean(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def row_data(row: Row) -> dict[str, Any]:
    data = {key: getattr(row, key) for key in ROW_FIELDS}
    for key in ("completion", "progress_ratio", "yoy"):
        data[key] = _fraction(data[key])
    return _clean(data)


def _basis(report: Report) -> dict[str, Any]:
    """How 时序进度 was worked out: months ÷ 12, or days ÷ the year's days."""

    basis = progress_basis(report.period)
    basis.pop("time_progress")
    return basis


def report_data(report: Report) -> dict[str, Any]:
    """The JSON document described in the README; money in 万元 (fdi: 万美元)."""
    return {
        "year": report.year,
        "month": report.month,
        "period": {"start": report.period.start, "end": report.period.end},
        "metric": report.metric,
        "unit": report.unit_label,
        "parent": report.parent,
        "time_progress": _fraction(report.time_progress),
        "time_progress_basis": _basis(report),
        "threshold": report.threshold,
        "as_of": report.as_of,
        "groups": [
            {
                "kind": group.kind,
                "label": group.label,
                "rows": [row_data(row) for row in group.rows],
                "subtotal": row_data(group.subtotal),
            }
            for group in report.groups
        ],
        "own": row_data(report.own) if report.own is not None else None,
        "total": row_data(report.total),
        "projects": _clean(report.projects),
        "rates": _clean(report.rates),
        "breakdowns": _clean(report.breakdowns),
        "warnings": report.warnings,
    }


def _csv_text(value: Any) -> Any:
    if value is None:
        return ""
    return f"{value:f}" if isinstance(value, Decimal) else value


def report_csv(report: Report) -> str:
    """One line per unit, subtotal and total; the same figures as the JSON."""
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(["row_type", "group", *ROW_FIELDS])

    def write(row_type: str, group: str, row: Row) -> None:
        data = row_data(row)
        data["flags"] = ";".join(row.flags)
        values = [_csv_text(csv_safe(data[k])) for k in ROW_FIELDS]
        writer.writerow([row_type, group, *values])

    for group in report.groups:
        for row in group.rows:
            write("unit", group.kind, row)
        write("subtotal", group.kind, group.subtotal)
    if report.own is not None:
        write("own", "", report.own)
    write("total", "", report.total)
    return out.getvalue()


def breakdown_csv(report: Report, names: list[str]) -> str:
    """The breakdown tables as CSV, one block per table under a line naming it."""

    out = io.StringIO()
    writer = CsvWriter(out)
    for table in breakdown_tables(report, names):
        writer.writerow(["breakdown", table.name])
        writer.writerow(table.headers)
        for cells in table.rows:
            writer.writerow(
                [
                    _csv_text(csv_safe(_fraction(v) if k == "share" else v))
                    for v, k in zip(cells, table.kinds, strict=True)
                ]
            )
    return out.getvalue()
