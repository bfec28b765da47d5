"""zs warn: the 督查清单 (projects to chase, by rule), the yellow-card list of units (--units)
and the 包保领导 table (--by leader)."""

from datetime import date
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
    machine_value,
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

RULE_HELP = (
    "Only this rule (repeatable): signed_not_started/签约未开工, started_no_money/开工未到资, "
    "low_funds/资金到位偏低, stalled/线索在谈停滞, no_amount/签约无合同额."
)


def warn(
    unit: Annotated[
        str | None, typer.Option(help="Only projects credited to this unit (and below).")
    ] = None,
    leader: Annotated[
        str | None, typer.Option(help="Only the projects of this leader in charge (包保领导).")
    ] = None,
    rule: Annotated[list[str] | None, typer.Option("--rule", help=RULE_HELP)] = None,
    units: Annotated[
        bool,
        typer.Option(
            "--units",
            help="List units instead: below the 黄牌 share of 时序进度, or with no result (无实绩).",
        ),
    ] = False,
    threshold: Annotated[
        str | None,
        typer.Option(help="With --units: the 黄牌 line (default: warn.yellow_card, 70%)."),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by", help="leader: a table per 包保领导 (projects, started, money, chased)."
        ),
    ] = None,
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
    """The 督查清单: projects to chase, each with its unit, leader, stage, the day its clock
    started and the days since, under the rule that lists it (thresholds: zs config set
    warn.…). As it stands today, or at the end of a period given."""
    from zhaoshang_cli.settings.thresholds import parse_share

    if by is not None and by != "leader":
        raise Invalid(_("--by takes leader, not {value!r}.").format(value=by))
    if units and (by or rule or leader):
        raise Invalid(_("--units lists units; it takes no --by, --rule or --leader."))
    if threshold is not None and not units:
        raise Invalid(_("--threshold goes with --units."))
    check_xlsx(xlsx)
    cut = parse_share(threshold) if threshold is not None else None
    period = chosen_period("month" if units else "year", year, month, quarter, start, end)
    what = "flagged" if units else "leader" if by else "projects"
    out = Output(output_format, wide, output, bom).resolved()
    watch_report(what, db, period, unit, cut, xlsx, out, leader=leader, rules=rule)


def watch_report(
    what: str,
    db: str | None,
    period: Any,
    unit: str | None,
    cut: Any,
    xlsx: Any,
    out: Output,
    leader: str | None = None,
    rules: list[str] | None = None,
) -> None:
    """One watch table in one read snapshot, shown (and written to Excel): ``what`` is projects
    (the 督查清单), flagged (the yellow-card list), leader (包保领导) or pipeline. `zs report
    --flagged/--pipeline/--by leader` come here too."""
    from zhaoshang_cli.core.periods import reference_day
    from zhaoshang_cli.settings.config import get_settings, issuer
    from zhaoshang_cli.settings.thresholds import thresholds
    from zhaoshang_cli.units.tree import find_unit, top_unit
    from zhaoshang_cli.watch.warnings import project_warnings

    if what == "pipeline":
        from zhaoshang_cli.cli.watch.pipeline import show_pipeline

        return show_pipeline(db, period, unit, "unit", xlsx, out)
    with reading(db) as session:
        limits = thresholds(get_settings(session))
        sender = issuer(session, year=period.year, month=period.end.month, pattern_key="doc_number")
        if what == "flagged":
            from zhaoshang_cli.watch.yellow import flagged_units

            flagged = flagged_units(session, period, cut or limits.yellow_card, unit)
            listing, meta = flagged_view(flagged)
        else:
            root = find_unit(session, unit) if unit is not None else None
            day = reference_day(period)
            found = project_warnings(session, day, limits, root=root, leader=leader, rules=rules)
            if what == "leader":
                from zhaoshang_cli.watch.leaders import leader_rows

                rows = leader_rows(session, root or top_unit(session), period, day, found)
                listing, meta = leaders_view(rows, period, day)
            else:
                listing, meta = warnings_view(found)
    show(listing, meta, out)
    if xlsx is not None:
        from zhaoshang_cli.watch.excel import save, table_sheet

        names = {"flagged": _("Yellow card"), "leader": _("Leaders"), "projects": _("To chase")}
        sheet = table_sheet(
            names[what],
            listing.title or names[what],
            _("Amounts in 万元"),
            listing.columns,
            listing.rows,
            (listing.caption or "").splitlines(),
            sender,
            {len(listing.rows) - 1} if what == "leader" else set(),
        )
        save([sheet], xlsx)
        wrote(xlsx, out)
    return None


def warnings_view(found: Any) -> tuple[Listing, dict[str, Any]]:
    from zhaoshang_cli.core.glossary import STAGE
    from zhaoshang_cli.watch.warnings import RULE

    columns = [
        Col("rule", _("Rule"), terms=RULE),
        Col("code", _("Code")),
        Col("name", _("Project"), wrap="text"),
        Col("units", _("Units"), wrap="names"),
        Col("leader", _("Leader (包保领导)"), drop=3),
        Col("stage", _("Stage"), terms=STAGE, drop=4),
        Col("clock", _("Clock from"), "date"),
        Col("due_on", _("Due"), "date", drop=2),
        Col("days", _("Days"), "int"),
        Col("contract_fen", _("Contract (万元)"), "money", drop=5),
        Col("arrived_fen", _("Arrived (万元)"), "money", drop=6),
        Col("arrived_share", _("Arrived share"), "percent", drop=1),
    ]
    counts = found.counts()
    lines = [
        _("Rules (zs config set warn.…; each row is listed from its due day on):"),
        *(
            f"  {rule_shown(rule.rule)} ({counts[rule.rule]}): {rule.text}"
            + (f" [{', '.join(rule.settings)}]" if rule.settings else "")
            for rule in found.rules
        ),
        _("Terminated projects and local investors' projects are not chased."),
    ]
    title = _("督查清单: projects to chase on {day}").format(day=found.day)
    meta = {
        "day": found.day,
        "rules": [
            {
                "rule": rule.rule,
                "settings": list(rule.settings),
                "threshold": rule.threshold,
                "count": counts[rule.rule],
            }
            for rule in found.rules
        ],
    }
    return Listing(columns, found.rows, title=title, caption="\n".join(lines)), meta


def rule_shown(code: str) -> str:
    from zhaoshang_cli.watch.warnings import RULE

    return RULE.shown(code)


def flagged_view(flagged: Any) -> tuple[Listing, dict[str, Any]]:
    from zhaoshang_cli.core.glossary import UNIT_KIND
    from zhaoshang_cli.core.periods import fraction, period_words, progress_basis, progress_note
    from zhaoshang_cli.settings.thresholds import share_text

    report = flagged.report
    columns = [
        Col("group", _("Group"), terms=UNIT_KIND, drop=2),
        Col("unit", _("Unit")),
        Col("target", _("Target (万元)"), "decimal", json_key="target_wan"),
        Col("actual", _("Arrived (万元)"), "decimal", json_key="actual_wan"),
        Col("completion", _("Completion"), "percent"),
        Col("progress_ratio", _("÷ 时序进度"), "percent"),
        Col("signed", _("Signed in period"), "int", drop=1),
        Col("yellow_card", _("Yellow card"), "bool"),
        Col("no_result", _("No result"), "bool"),
    ]
    line = share_text(report.threshold)
    if flagged.year_end:
        title = _("黄牌 list of {period}: units below {line} of 时序进度, and units with no result")
    else:
        title = _("Yellow-card watch, {period}: units below {line} of 时序进度, and no result")
    title = title.format(period=period_words(report.period), line=line)
    caption = "\n".join(
        [
            progress_note(report.period),
            _(
                "Yellow card: completion ÷ 时序进度 below {line} (warn.yellow_card; seed 003: "
                "低于70%的部门 … 黄牌警告). No result (无实绩): nothing arrived and no project "
                "signed in the period."
            ).format(line=line),
        ]
    )
    basis = progress_basis(report.period)
    meta = {
        "period": {"start": report.period.start, "end": report.period.end},
        "parent": report.parent,
        "time_progress": fraction(basis.pop("time_progress")),
        "time_progress_basis": basis,
        "threshold": report.threshold,
        "year_end": flagged.year_end,
    }
    return Listing(columns, flagged.rows, title=title, caption=caption), meta


def leaders_view(rows: list[dict[str, Any]], period: Any, day: date) -> tuple[Listing, dict]:
    from zhaoshang_cli.core.periods import period_words

    for row in rows:
        if row["row"] == "total":
            row["shown"] = _("Total")
        else:
            row["shown"] = row["leader"] if row["leader"] is not None else _("(no leader)")
    columns = [
        Col("shown", _("Leader (包保领导)"), json_key="leader_label"),
        Col("projects", _("Projects in hand"), "int"),
        Col("signed", _("Signed in period"), "int", drop=2),
        Col("started", _("Started"), "int"),
        Col("arrived_fen", _("Arrived (万元)"), "money"),
        Col("chased", _("To chase"), "int"),
        Col("trip_days", _("Trip days"), "int", drop=1),
        Col("visits", _("Visits"), "int", drop=1),
    ]
    title = _("Leaders in charge (包保领导), {period}").format(period=period_words(period))
    caption = _(
        "Projects in hand: signed by {day} and not terminated; started: of those, started by "
        "then; arrived: money in the period; to chase: projects on the 督查清单 on {day}; trip "
        "days and visits: effort recorded under the leader's name."
    ).format(day=day)
    keys = ("row", "leader", "projects", "signed", "started", "arrived_fen", "chased")
    plain = [
        {
            **{key: row[key] for key in keys if key != "arrived_fen"},
            "arrived_wan": machine_value(columns[4], row["arrived_fen"]),
            "trip_days": row["trip_days"],
            "visits": row["visits"],
        }
        for row in rows
    ]
    meta = {
        "period": {"start": period.start, "end": period.end},
        "day": day,
        "rows": plain,
        "csv_rows": plain,
    }
    return Listing(columns, rows, title=title, caption=caption), meta


def register(app: typer.Typer) -> None:
    app.command()(warn)
