"""zs pipeline: leads (线索), negotiations (在谈) and signings per unit or per person, with
conversion and the days from lead to signing; also `zs report --pipeline`."""

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
    reading,
)
from zhaoshang_cli.cli.watch.options import (
    FromOption,
    MonthOption,
    QuarterOption,
    ToOption,
    XlsxOption,
    YearOption,
    check_xlsx,
    chosen_period,
    show,
    wrote,
)
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import _


def pipeline(
    unit: Annotated[
        str | None, typer.Option(help="Rows for this unit's children (default: the city).")
    ] = None,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="unit (each child unit and the total) or person (每人: every person below).",
        ),
    ] = "unit",
    year: YearOption = None,
    month: MonthOption = None,
    quarter: QuarterOption = None,
    start: FromOption = None,
    end: ToOption = None,
    xlsx: XlsxOption = None,
    db: DbOption = None,
    output_format: FormatOption = OutputFormat.table,
    wide: WideOption = False,
    output: OutputFileOption = None,
    bom: BomOption = False,
) -> None:
    """The lead pipeline: 线索, 在谈 and 签约 in hand, leads entered in the period against the
    leads target, conversion to signing and the median days it took (default: this year)."""
    if by not in ("unit", "person"):
        raise Invalid(_("--by takes unit or person, not {value!r}.").format(value=by))
    check_xlsx(xlsx)
    period = chosen_period("year", year, month, quarter, start, end)
    show_pipeline(db, period, unit, by, xlsx, Output(output_format, wide, output, bom).resolved())


def show_pipeline(
    db: str | None, period: Any, unit: str | None, by: str, xlsx: Any, out: Output
) -> None:
    """Computed in one read snapshot, then shown (also for `zs report --pipeline`)."""
    from zhaoshang_cli.core.periods import reference_day
    from zhaoshang_cli.report.compute import root_unit
    from zhaoshang_cli.settings.config import get_settings, issuer
    from zhaoshang_cli.settings.thresholds import thresholds
    from zhaoshang_cli.watch.pipeline import pipeline as compute

    with reading(db) as session:
        limits = thresholds(get_settings(session))
        root = root_unit(session, unit)
        found = compute(session, root, period, reference_day(period), limits, by)
        sender = issuer(session, year=period.year, month=period.end.month, pattern_key="doc_number")
    listing, meta = pipeline_view(found, limits)
    show(listing, meta, out)
    if xlsx is not None:
        from zhaoshang_cli.watch.excel import save, table_sheet

        name = _("Pipeline")
        bold = {len(listing.rows) - 1} if by == "unit" else set()
        notes = (listing.caption or "").splitlines()
        sheet = table_sheet(
            name,
            listing.title or name,
            _("Counts"),
            listing.columns,
            listing.rows,
            notes,
            sender,
            bold,
        )
        save([sheet], xlsx)
        wrote(xlsx, out)


def pipeline_view(found: Any, limits: Any) -> tuple[Listing, dict[str, Any]]:
    from zhaoshang_cli.core.glossary import UNIT_KINDS, Terms
    from zhaoshang_cli.core.periods import period_words, progress_note

    kinds = Terms("unit kind", {**UNIT_KINDS, "total": "合计"})
    person = found.by == "person"
    columns = [
        Col("unit", _("Person") if person else _("Unit")),
        Col("kind", _("Kind"), terms=kinds, drop=1),
        Col("open_lead", _("Leads in hand"), "int"),
        Col("open_negotiating", _("Negotiating"), "int"),
        Col("open_signed", _("Signed, not started"), "int", drop=4),
        Col("leads", _("Leads entered"), "int"),
        Col("leads_target", _("Leads target"), "int"),
        Col("leads_completion", _("Of target"), "percent", drop=3),
        Col("signed", _("Signed in period"), "int"),
        Col("converted", _("Leads signed"), "int", drop=5),
        Col("conversion", _("Conversion"), "percent"),
        Col("median_days", _("Median days to sign"), "decimal", drop=2),
    ]
    if person:
        columns.insert(7, Col("target_set", _("Own target"), "bool", drop=6))
        columns.append(Col("met", _("Met"), "bool"))
    title = _("Lead pipeline of {parent}, {period}").format(
        parent=found.parent, period=period_words(found.period)
    )
    lines = [
        _(
            "In hand: stage on {day}. Leads entered: first 线索/在谈 in the period. Conversion: of "
            "those leads, the share signed by {day}. Median days: lead to signing, over projects "
            "signed in the period that came in as a lead."
        ).format(day=found.day),
        progress_note(found.period),
    ]
    if person:
        lines.append(
            _(
                "Leads target: the person's leads target, else {quota} a person "
                "(warn.leads_per_person; seed 001: 每人必须提供2条以上有价值招商引资信息)."
            ).format(quota=limits.leads_per_person)
        )
    meta = {
        "parent": found.parent,
        "by": found.by,
        "period": {"start": found.period.start, "end": found.period.end},
        "day": found.day,
    }
    return Listing(columns, found.rows, title=title, caption="\n".join(lines)), meta


def register(app: typer.Typer) -> None:
    app.command()(pipeline)
