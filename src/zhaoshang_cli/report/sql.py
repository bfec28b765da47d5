"""SQL pieces shared by the report queries."""

from datetime import date, timedelta
from decimal import Decimal

MAJOR_FEN = 100_000_000 * 100  # 亿元以上: one 亿 in 分
BP = 10_000  # project_unit.share_bp of a whole project
MINOR_PER_WAN = Decimal(1_000_000)  # 分 (or US cents) in one 万


def entered_by(column: str, as_of: date | None) -> str:
    """Rows entered by the end of ``as_of`` (UTC): a report as it stood on that day."""
    if as_of is None:
        return ""
    return f" AND {column} < '{(as_of + timedelta(days=1)).isoformat()}'"


def subtree_cte(root_ids: list[int]) -> str:
    """tree(root, id): every unit below (and including) each root."""
    ids = ",".join(str(int(i)) for i in root_ids)
    return (
        "WITH RECURSIVE tree(root, id) AS ("
        f" SELECT id, id FROM unit WHERE id IN ({ids})"
        " UNION ALL SELECT tree.root, unit.id FROM unit JOIN tree ON unit.parent_id = tree.id)"
    )


def wan(minor: int | None) -> Decimal:
    return Decimal(minor or 0) / MINOR_PER_WAN
