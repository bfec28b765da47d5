"""The breakdown tables (by origin, industry, size tier, project status) as rows of values,
so the terminal, Excel and Word show the same rows with the same labels, in the user's
language (the computed rows keep the 通报's Chinese labels for the prose)."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zhaoshang_cli.core.figures import percent
from zhaoshang_cli.core.glossary import ORIGIN
from zhaoshang_cli.core.i18n import N_, _
from zhaoshang_cli.report.compute import Report
from zhaoshang_cli.report.text import period_label, wan_text

BREAKDOWNS = {
    "origin": N_("by origin"),
    "industry": N_("by industry"),
    "tier": N_("by size"),
    "status": N_("by construction status"),
}
ROW_LABELS = {
    "domestic": N_("domestic subtotal"),
    "total": N_("total"),
    "10yi": N_("10亿 and above"),
    "1yi": N_("1亿 and above"),
    "5000wan": N_("5000万 and above"),
    "1000wan": N_("1000万 and above"),
    "100wan": N_("100万 and above"),
    "below": N_("below 100万"),
    "new": N_("started this year"),
    "carried": N_("carried over"),
    "building": N_("under construction, subtotal"),
    "not_started": N_("not started yet"),
    "finished": N_("finished in earlier years"),
}


def amounts() -> list[str]:
    return [_("Contract amount (万元)"), _("Money arrived (万元)")]


def row_label(table: str, row: dict[str, Any]) -> str:
    """A breakdown row's label: the code's words, an industry as the ledger names it."""
    key = row["key"]
    if key is None:
        return _("origin not recorded") if table == "origin" else _("industry not recorded")
    if table == "origin" and key in ORIGIN.labels:
        return ORIGIN.shown(key)
    if table != "industry" or key == "total":
        return _(ROW_LABELS[key])
    return row["label"]


@dataclass
class Table:
    """Columns are typed so each renderer formats them its own way: text, count, money (万元),
    share (a fraction shown as a percentage)."""

    name: str
    title: str
    headers: list[str]
    kinds: list[str]
    rows: list[list[Any]]
    bold: list[bool] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    return None if not whole else part / whole


def _title(report: Report, what: str) -> str:
    return _("{unit}: {what}, {period}").format(
        period=period_label(report), unit=report.parent, what=what
    )


def origin_table(report: Report) -> Table:
    rows = report.breakdowns["origin"]
    total = rows[-1]["arrived"]
    table = Table(
        "origin",
        _title(report, _("money arrived and new projects by origin")),
        [_("Origin"), _("New projects"), *amounts(), _("Share of money")],
        ["text", "count", "money", "money", "share"],
        [],
    )
    for row in rows:
        indent = "  " if row.get("level") == 1 and row["key"] != "foreign" else ""
        table.rows.append(
            [
                indent + row_label("origin", row),
                row["projects"],
                row["contract"],
                row["arrived"],
                _share(row["arrived"], total),
            ]
        )
        table.bold.append(row.get("level") == 0)
    foreign = report.breakdowns["foreign"]
    note = _("Foreign capital actually used: {fdi}万美元").format(fdi=wan_text(foreign["fdi"]))
    if foreign["fdi_yoy"] is not None:
        change = (
            _(", up {share} on last year")
            if foreign["fdi_yoy"] >= 0
            else _(", down {share} on last year")
        )
        note += change.format(share=percent(abs(foreign["fdi_yoy"])))
    note += _("; new foreign projects: {count}").format(count=foreign["projects"])
    if foreign["projects"] and foreign["contract_usd"] is not None:
        note += _(", contracts {usd}万美元 (at the signing month's rate)").format(
            usd=wan_text(foreign["contract_usd"])
        )
    table.notes = [
        note + _("."),
        _(
            "Domestic = other provinces + other cities of the province; projects of local "
            "investors are not investment promotion and are left out. New projects and their "
            "contracts are those signed in the period; the money is all that arrived in it."
        ),
    ]
    return table


def industry_table(report: Report) -> Table:
    rows = report.breakdowns["industry"]
    total = rows[-1]["arrived"]
    return Table(
        "industry",
        _title(report, _("money arrived and new projects by industry")),
        [_("Industry"), _("New projects"), *amounts(), _("Share of money")],
        ["text", "count", "money", "money", "share"],
        [
            [
                row_label("industry", r),
                r["projects"],
                r["contract"],
                r["arrived"],
                _share(r["arrived"], total),
            ]
            for r in rows
        ],
        [r["key"] == "total" for r in rows],
        [_("Most money arrived in the period first.")],
    )


def tier_table(report: Report) -> Table:
    rows = report.breakdowns["tier"]

    def met(row: dict[str, Any]) -> str:
        if row["met"] is None:
            return ""
        return _("met") if row["met"] else _("not met")

    return Table(
        "tier",
        _title(report, _("new projects by contract size")),
        [
            _("Size"),
            _("New projects"),
            _("Contract amount (万元)"),
            _("Of which arrived (万元)"),
            _("12510 target"),
            _("Met"),
        ],
        ["text", "count", "money", "money", "count", "text"],
        [
            [row_label("tier", r), r["projects"], r["contract"], r["arrived"], r["target"], met(r)]
            for r in rows
        ],
        [r["key"] == "total" for r in rows],
        [
            _(
                "The bands do not overlap: 1亿 and above means 1亿 to 10亿, 5000万 and above "
                "5000万 to 1亿, and so on; the money is only that of the new projects themselves."
            ),
            _(
                "The 12510 programme: each year 1 project of 1亿 or more, 2 of 5000万, 5 of "
                "1000万 and 10 of 100万; projects of 10亿 or more count toward the 1亿 target."
            ),
        ],
    )


def status_table(report: Report) -> Table:
    rows = report.breakdowns["status"]
    total = rows[-1]["arrived"]
    return Table(
        "status",
        _title(report, _("money arrived by construction status")),
        [_("Project status"), _("Projects (count)"), *amounts(), _("Share of money")],
        ["text", "count", "money", "money", "share"],
        [
            [
                ("  " if r["key"] in ("new", "carried") else "") + row_label("status", r),
                r["count"],
                r["contract"],
                r["arrived"],
                _share(r["arrived"], total),
            ]
            for r in rows
        ],
        [r["key"] in ("building", "total") for r in rows],
        [
            _(
                "Started this year: construction began in {year}; carried over: begun in "
                "earlier years and still being built on 1 January; together the projects under "
                "construction, counted with or without money in the period."
            ).format(year=report.year),
            _(
                "Not started yet and finished in earlier years count only the projects with "
                "money in the period. The rows add up to the total."
            ),
        ],
    )


MAKERS = {
    "origin": origin_table,
    "industry": industry_table,
    "tier": tier_table,
    "status": status_table,
}


def breakdown_tables(report: Report, names: list[str] | None = None) -> list[Table]:
    return [MAKERS[name](report) for name in (names or list(BREAKDOWNS))]
