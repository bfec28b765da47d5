"""zs occasion: projects signed at occasions (投洽会 …) per unit against a quota, and the
cohort's follow-through with its 未履约 / 未开工 / 未投产 lists."""

from typing import Annotated, Any

import typer

from zhaoshang_cli.cli.common import (
    BomOption,
    Col,
    DbOption,
    FormatOption,
    Listing,
    Output,
    OutputFileOption,
    OutputFormat,
    WideOption,
    machine_rows,
    reading,
    render,
)
from zhaoshang_cli.cli.watch.options import XlsxOption, check_xlsx, show, wrote
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import N_, _

LIST_HELP = (
    "Show one list alone: unfulfilled (未履约: not started, no money), not_started (未开工: "
    "money, not started) or not_producing (未投产: started, not producing)."
)


def occasion(
    occasions: Annotated[
        list[str],
        typer.Option(
            "--occasion", help="A signing occasion, e.g. 投洽会2025; repeat for a cohort."
        ),
    ],
    quota: Annotated[
        str | None,
        typer.Option(
            help="Projects each county and zone should sign at each occasion "
            "(default: warn.occasion_quota, 1)."
        ),
    ] = None,
    unit: Annotated[
        str | None, typer.Option(help="Rows for this unit's children (default: the city).")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="The state on this day (default: today).")
    ] = None,
    only: Annotated[str | None, typer.Option("--list", help=LIST_HELP)] = None,
    xlsx: XlsxOption = None,
    db: DbOption = None,
    output_format: FormatOption = OutputFormat.table,
    wide: WideOption = False,
    output: OutputFileOption = None,
    bom: BomOption = False,
) -> None:
    """Projects signed at occasions per unit against the quota (各县区确保签约1个), the cohort's
    履约率, 开工率, 资金到位率 and 建成投产率, and its projects 未履约, 未开工 and 未投产."""
    from zhaoshang_cli.core import dates
    from zhaoshang_cli.report.compute import root_unit
    from zhaoshang_cli.settings.config import get_settings, issuer
    from zhaoshang_cli.settings.thresholds import parse_count, thresholds
    from zhaoshang_cli.watch.occasions import LISTS, occasion_cohort

    if only is not None and only not in LISTS:
        raise Invalid(
            _("--list takes {choices}, not {value!r}.").format(choices=", ".join(LISTS), value=only)
        )
    if any(not name.strip() for name in occasions):
        raise Invalid(_("--occasion may not be empty."))
    check_xlsx(xlsx)
    owed = parse_count(quota) if quota is not None else None
    day = dates.parse_date(on, what="--on date") if on is not None else dates.today()
    out = Output(output_format, wide, output, bom).resolved()
    with reading(db) as session:
        owed = owed or thresholds(get_settings(session)).occasion_quota
        found = occasion_cohort(session, root_unit(session, unit), occasions, day, owed)
        sender = issuer(session, year=day.year, month=day.month, pattern_key="doc_number")
    units, meta = units_view(found)
    lists = {name: list_view(found, name) for name in LISTS}
    if only is not None:
        show(lists[only], {"day": day, "occasions": found.occasions, "list": only}, out)
    else:
        meta["lists"] = {name: machine_rows(listing) for name, listing in lists.items()}
        show(units, meta, out)
        if out.format is OutputFormat.table:
            for listing in lists.values():
                render(listing, out.format, out)
    if xlsx is not None:
        from zhaoshang_cli.watch.excel import save, table_sheet

        sheets = [
            table_sheet(
                name[:31],
                listing.title or name,
                _("Amounts in 万元"),
                listing.columns,
                listing.rows,
                (listing.caption or "").splitlines(),
                sender,
                bold,
            )
            for name, listing, bold in [
                (_("Occasions"), units, {len(units.rows) - 1}),
                *((_(LIST_NAMES[key]), lists[key], set()) for key in LISTS),
            ]
        ]
        save(sheets, xlsx)
        wrote(xlsx, out)


LIST_NAMES = {
    "unfulfilled": N_("Unfulfilled"),
    "not_started": N_("Not started"),
    "not_producing": N_("Not producing"),
}
LIST_TITLES = {
    "unfulfilled": N_("未履约: not started and no money arrived by {day}"),
    "not_started": N_("未开工: money arrived, not started by {day}"),
    "not_producing": N_("未投产: started, not in production by {day}"),
}


def units_view(found: Any) -> tuple[Listing, dict[str, Any]]:
    from zhaoshang_cli.core.figures import percent
    from zhaoshang_cli.core.glossary import UNIT_KINDS, Terms

    kinds = Terms("unit kind", {**UNIT_KINDS, "total": "合计"})
    columns = [Col("unit", _("Unit")), Col("kind", _("Kind"), terms=kinds, drop=1)]
    rows = []
    for row in found.units:
        flat = {key: row[key] for key in ("unit", "kind", "total", "quota", "met")}
        for number, name in enumerate(found.occasions):
            flat[f"o{number}"] = row["signed"][name]
        rows.append(flat)
    columns += [
        Col(f"o{number}", name, "int", json_key=f"signed_{number + 1}")
        for number, name in enumerate(found.occasions)
    ]
    columns += [
        Col("total", _("Total"), "int"),
        Col("quota", _("Quota each"), "int"),
        Col("met", _("Met"), "bool"),
    ]
    rates = found.rates
    lines = [
        _(
            "Quota: {quota} a county or zone at each occasion (warn.occasion_quota; seed 001: "
            "各县区、开发区要确保签约1个). A joint project counts for every unit it credits."
        ).format(quota=found.quota),
        _(
            "Cohort of {count} projects on {day}: 履约率 {performance}, 开工率 {start}, 资金到位率 "
            "{funds}, 建成投产率 {production}."
        ).format(
            count=rates["signed"],
            day=found.day,
            performance=percent(rates["performance_rate"]),
            start=percent(rates["start_rate"]),
            funds=percent(rates["funds_rate"]),
            production=percent(rates["production_rate"]),
        ),
    ]
    title = _("Signed at {occasions}, per unit").format(occasions="、".join(found.occasions))
    meta = {
        "parent": found.parent,
        "occasions": found.occasions,
        "day": found.day,
        "quota": found.quota,
        "cohort": _cohort(rates),
        "rows": [
            {
                "unit": row["unit"],
                "kind": row["kind"],
                "signed": [
                    {"occasion": name, "count": count} for name, count in row["signed"].items()
                ],
                "total": row["total"],
                "quota": row["quota"],
                "met": row["met"],
            }
            for row in found.units
        ],
    }
    return Listing(columns, rows, title=title, caption="\n".join(lines)), meta


def _cohort(rates: dict[str, Any]) -> dict[str, Any]:
    from zhaoshang_cli.core.periods import fraction
    from zhaoshang_cli.store.queries import wan

    data = {key: value for key, value in rates.items() if not key.endswith(("_fen", "_rate"))}
    data["contract_wan"] = wan(rates["contract_fen"])
    data["arrived_wan"] = wan(rates["arrived_fen"])
    for key in ("performance_rate", "start_rate", "funds_rate", "production_rate"):
        data[key] = fraction(rates[key])
    return data


def list_view(found: Any, name: str) -> Listing:
    from zhaoshang_cli.core.glossary import STAGE

    columns = [
        Col("code", _("Code")),
        Col("name", _("Project"), wrap="text"),
        Col("occasion", _("Occasion"), drop=3),
        Col("units", _("Units"), wrap="names"),
        Col("leader", _("Leader (包保领导)"), drop=2),
        Col("stage", _("Stage"), terms=STAGE, drop=4),
        Col("signed_on", _("Signed"), "date"),
        Col("days", _("Days since"), "int", drop=1),
        Col("contract_fen", _("Contract (万元)"), "money"),
        Col("arrived_fen", _("Arrived (万元)"), "money"),
    ]
    title = _(LIST_TITLES[name]).format(day=found.day) + f" ({len(found.lists[name])})"
    return Listing(columns, found.lists[name], title=title)


def register(app: typer.Typer) -> None:
    app.command()(occasion)
