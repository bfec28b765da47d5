"""SQL pieces shared by the report queries, as SQLAlchemy Core so SQLite and PostgreSQL
both run them."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, true

from zhaoshang_cli.core.periods import Period
from zhaoshang_cli.store.tables import PROJECT

MAJOR_FEN = 100_000_000 * 100  # 亿元以上: one 亿 in 分
BP = 10_000  # project_unit.share_bp of a whole project
MINOR_PER_WAN = Decimal(1_000_000)  # 分 (or US cents) in one 万


def entered_by(column: Any, as_of: date | None) -> ColumnElement[bool]:
    """Rows entered by the end of ``as_of`` (UTC): a report as it stood on that day."""
    if as_of is None:
        return true()
    return column < datetime.combine(as_of + timedelta(days=1), time(), tzinfo=UTC)


def within(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column <= period.end)


def count_if(condition: ColumnElement[bool]) -> Any:
    """How many rows meet a condition (PostgreSQL has no SUM of a boolean)."""
    return func.sum(case((condition, 1), else_=0))


def sum_if(condition: ColumnElement[bool], value: Any) -> Any:
    return func.sum(case((condition, value)))


def not_local(project: Any = PROJECT) -> ColumnElement[bool]:
    """Money from investors inside the city is not 招商引资."""
    return func.coalesce(project.c.origin, "") != "local"


def counted(project: Any = PROJECT) -> ColumnElement[bool]:
    """A project the figures count: an outside investor's, and not voided (作废) — for queries
    on the projects as they are now (the report reads them as they stood: ``report.state``)."""
    return and_(not_local(project), project.c.voided_at.is_(None))


def wan(minor: int | Decimal | None) -> Decimal:
    return Decimal(minor or 0) / MINOR_PER_WAN
