"""zs target set / allocate / list / history."""

from dataclasses import asdict
from datetime import date
from typing import Annotated

import typer

from zhaoshang_cli.cli.common import (
    BomOption,
    Col,
    DbOption,
    FormatOption,
    Listing,
    OperatorOption,
    Output,
    OutputFileOption,
    OutputFormat,
    WideOption,
    list_command,
    reading,
    render,
    say,
    warn,
    writing,
)
from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.glossary import BASIS, LEVEL, METRIC, TARGET_STATUS, UNIT_KIND
from zhaoshang_cli.core.i18n import N_, _

target_app = typer.Typer(
    help="Targets (目标任务): set them, allocate them down the unit tree (分解), check the gaps."
)

YearOption = Annotated[
    int | None, typer.Option("--year", help="The target year (default: this year).")
]
MetricOption = Annotated[
    str,
    typer.Option(
        "--metric",
        help=f"What is counted: {METRIC.both()} (funds in 万元, fdi in 万美元, the rest counts).",
        autocompletion=METRIC.complete,
    ),
]
LevelOption = Annotated[
    str,
    typer.Option("--level", help=f"The level: {LEVEL.both()}.", autocompletion=LEVEL.complete),
]
FromOption = Annotated[
    str | None,
    typer.Option("--from", help="In force from this date (default: 1 January of the year)."),
]
ReasonOption = Annotated[
    str | None, typer.Option("--reason", help="Why, e.g. 年中调整; kept in the history.")
]


def _from_date(text: str | None) -> date | None:
    return dates.parse_date(text, what=N_("--from date")) if text is not None else None


def _year(year: int | None) -> int:
    """Every target command defaults to the current year."""
    from zhaoshang_cli.targets.setting import check_year

    return check_year(year if year is not None else dates.today().year)


def _label(year: int, metric: str, level: str) -> str:

    return _("{year} {metric} target ({level})").format(
        year=year, metric=METRIC.shown(metric), level=LEVEL.shown(level)
    )


@target_app.command("set")
def target_set(
    unit: Annotated[str, typer.Argument(help="The unit's name (or path 甲县/城关镇).")],
    amount: Annotated[
        str, typer.Argument(help="30亿, 8000万, 47000000元 or a plain number of 万; counts: 120.")
    ],
    year: YearOption = None,
    metric: MetricOption = "funds",
    level: LevelOption = "must",
    date_from: FromOption = None,
    reason: ReasonOption = None,
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Set a unit's target; an earlier one stays in the history."""
    from zhaoshang_cli.targets.setting import check_level, check_metric, describe_amount, set_target

    year, metric, level = _year(year), check_metric(metric).key, check_level(level)
    on = _from_date(date_from)
    with writing(db, operator) as session:
        result = set_target(
            session,
            unit,
            year,
            amount,
            metric=metric,
            level=level,
            effective_from=on,
            reason=reason,
        )
    target = result.target
    was = (
        _(" (was {amount})").format(amount=describe_amount(result.previous, metric))
        if result.previous is not None
        else ""
    )
    why = f" — {reason}" if reason else ""
    say(
        _("{unit} {target}: {amount} from {date}{was}{why}.").format(
            unit=result.unit.name,
            target=_label(year, metric, level),
            amount=describe_amount(target.amount, metric),
            date=target.effective_from,
            was=was,
            why=why,
        )
    )
    if result.later:
        warn(
            _("{unit} has a later target from {date}, which still applies from then.").format(
                unit=result.unit.name, date=result.later
            )
        )


@target_app.command("allocate")
def target_allocate(
    parent: Annotated[str, typer.Argument(help="The unit whose target is handed down.")],
    year: YearOption = None,
    split: Annotated[
        str | None, typer.Option("--split", help='Explicit amounts: "甲县=5亿,乙县=4亿".')
    ] = None,
    equal: Annotated[
        bool, typer.Option("--equal", help="Equal shares among all units directly under it.")
    ] = False,
    weights: Annotated[
        str | None, typer.Option("--weights", help='Positive weights: "城关镇=3,河口镇=2".')
    ] = None,
    by_rank: Annotated[
        str | None,
        typer.Option(
            "--by-rank",
            help='Per person by rank: "副科级以上=25万,科员=10万" (persons directly under '
            "the unit and inside its offices; each office gets the sum of its persons).",
        ),
    ] = None,
    round_to: Annotated[
        str | None,
        typer.Option("--round", help="Round equal/weighted money shares to 元 (default), 万 …"),
    ] = None,
    partial: Annotated[
        bool,
        typer.Option("--partial", help="Allow a split, weights or ranks that leave units out."),
    ] = False,
    metric: MetricOption = "funds",
    level: LevelOption = "must",
    date_from: FromOption = None,
    reason: ReasonOption = None,
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Hand a unit's target down to the units under it, all rows in one transaction."""
    from zhaoshang_cli.targets.allocation import METHODS, allocate_target, step_name
    from zhaoshang_cli.targets.setting import (
        METRICS,
        check_level,
        check_metric,
        describe_amount,
        describe_small,
    )

    year, metric, level = _year(year), check_metric(metric).key, check_level(level)
    chosen = [
        (name, value)
        for name, value in (
            ("split", split),
            ("equal", equal or None),
            ("weights", weights),
            ("rank", by_rank),
        )
        if value is not None
    ]
    if len(chosen) != 1:
        raise Invalid(_("Give exactly one of --split, --equal, --weights or --by-rank."))
    method, spec = chosen[0]
    on = _from_date(date_from)
    with writing(db, operator) as session:
        done = allocate_target(
            session,
            parent,
            year,
            method,
            None if method == "equal" else str(spec),
            metric=metric,
            level=level,
            effective_from=on,
            reason=reason,
            round_to=round_to,
            partial=partial,
        )
    how = _(METHODS[method])
    if done.step is not None and METRICS[metric].money:
        how += _(", rounded to whole {step}").format(step=step_name(done.step, metric))
    say(
        _("{unit} {target} on {date}: {amount}; allocated {how}, in force from {date}:").format(
            unit=done.parent.name,
            target=_label(year, metric, level),
            date=done.effective_from,
            amount=describe_amount(done.parent_amount, metric),
            how=how,
        )
    )
    for share in done.shares:
        indent = "  " * (share.depth + 1)
        notes = [share.detail] if share.detail else []
        if share.extra:
            notes.append(
                _("+{amount} rounding remainder").format(amount=describe_small(share.extra, metric))
            )
        extra = f"  ({'; '.join(notes)})" if notes else ""
        say(f"{indent}{share.unit.name}  {describe_amount(share.amount, metric)}{extra}")
    if done.remainder:
        takers = [share for share in done.shares if share.extra]
        say(
            _(
                "Rounding down left {remainder} over; it went to {units} "
                "(largest fractions first; on ties, the first listed)."
            ).format(
                remainder=describe_small(done.remainder, metric),
                units=_(", ").join(share.unit.name for share in takers),
            )
        )
    total = describe_amount(done.total, metric)
    if done.gap == 0:
        say(_("The units add up to {total}, exactly the parent's target.").format(total=total))
    else:
        sentence = (
            _("The units add up to {total}, {gap} less than the parent's target (under-allocated).")
            if done.gap < 0
            else _(
                "The units add up to {total}, {gap} more than the parent's target (over-allocated)."
            )
        )
        say(sentence.format(total=total, gap=describe_amount(abs(done.gap), metric)))
    for note in done.notes:
        warn(note)


def _shown_unit(metric: str) -> str:
    """万元 or 万美元 for money; counts are counts."""
    from zhaoshang_cli.targets.setting import METRICS

    info = METRICS[metric]
    return info.unit if info.money else _("count")


def _tree_columns(metric: str) -> list[Col]:
    from zhaoshang_cli.targets.setting import METRICS

    info = METRICS[metric]
    kind = "money" if info.money else "int"
    unit = _shown_unit(metric)
    return [
        Col("must", _("Must ({unit})").format(unit=unit), kind),
        Col("children_must", N_("Children's sum"), kind),
        Col("gap_must", N_("Gap"), kind),
        Col("missing_must", N_("Children without"), "int", drop=4),
        Col("status", N_("Status"), drop=5, terms=TARGET_STATUS),
        Col("strive", _("Strive ({unit})").format(unit=unit), kind, drop=3),
        Col("children_strive", N_("Children's strive sum"), kind, drop=1),
        Col("gap_strive", N_("Strive gap"), kind, drop=2),
    ]


@target_app.command("list")
def target_list(
    year: YearOption = None,
    metric: MetricOption = "funds",
    tree: Annotated[
        bool, typer.Option("--tree", help="Every unit of the tree, indented, with or without.")
    ] = False,
    on: Annotated[
        str | None,
        typer.Option("--on", help="Targets in force on this date (default: today, in the year)."),
    ] = None,
    db: DbOption = None,
    output_format: FormatOption = OutputFormat.table,
    wide: WideOption = False,
    output: OutputFileOption = None,
    bom: BomOption = False,
) -> None:
    """Each unit's target, the sum of its children's and the gap (children minus own:
    below zero it handed out less than it received)."""
    from zhaoshang_cli.targets.allocation import target_tree
    from zhaoshang_cli.targets.setting import check_metric, date_in_year, metrics_with_targets

    year, metric = _year(year), check_metric(metric).key
    out = Output(output_format, wide, output, bom).resolved()
    day = date_in_year(year, dates.parse_date(on, what=N_("--on date")) if on is not None else None)
    with reading(db) as session:
        nodes = target_tree(session, year, metric, day)
        others = [m for m in metrics_with_targets(session, year) if m != metric]
    rows = []
    for node in nodes:
        if not tree and node.must is None and node.strive is None and not node.children_must:
            continue
        row = asdict(node)
        row["label"] = "  " * node.depth + node.name
        rows.append(row)
    if out.format is OutputFormat.table:
        names = [Col("label" if tree else "path", N_("Unit"))]
    else:
        names = [
            Col("path", "path"),
            Col("name", "name"),
            Col("depth", "depth", "int"),
            Col("children", "children", "int"),
        ]
    columns = [*names, Col("kind", N_("Kind"), drop=6, terms=UNIT_KIND), *_tree_columns(metric)]
    caption = (
        _("Other {year} targets: {metrics} (see --metric).").format(
            year=year, metrics=_(", ").join(METRIC.shown(other) for other in others)
        )
        if others
        else None
    )
    if not rows and out.format is OutputFormat.table:
        say(
            _(
                "No {year} {metric} targets in force on {date}; set one with `zs target set`."
            ).format(year=year, metric=METRIC.shown(metric), date=day)
        )
        return
    title = _("{year} {metric} targets in force on {date}").format(
        year=year, metric=METRIC.shown(metric), date=day
    )
    render(Listing(columns, rows, title=title, caption=caption), out.format, out)


@target_app.command("history")
@list_command
def target_history_command(
    unit: Annotated[str | None, typer.Argument(help="Only this unit's targets.")] = None,
    year: YearOption = None,
    metric: MetricOption = "funds",
    level: Annotated[
        str | None,
        typer.Option(
            "--level", help=f"Only this level: {LEVEL.both()}.", autocompletion=LEVEL.complete
        ),
    ] = None,
    db: DbOption = None,
) -> Listing:
    """Every target row of the year, superseded ones included: the target on date D is the
    latest row in force from a date on or before D."""
    from zhaoshang_cli.targets.setting import check_metric, target_history

    year = _year(year)
    info = check_metric(metric)
    metric = info.key
    with reading(db) as session:
        rows = target_history(session, year, metric=metric, level=level, unit_name=unit)
    columns = [
        Col("id", "#", "int"),
        Col("unit", N_("Unit")),
        Col("level", N_("Level"), terms=LEVEL),
        Col(
            "amount",
            _("Target ({unit})").format(unit=_shown_unit(metric)),
            "money" if info.money else "int",
        ),
        Col("effective_from", N_("In force from"), "date"),
        Col("basis", N_("Basis"), drop=3, terms=BASIS),
        Col("reason", N_("Reason"), drop=4, wrap="text"),
        Col("operator", N_("Entered by"), drop=2),
        Col("set_at", N_("Entered at"), drop=1),
    ]
    title = _("{year} {metric} target history").format(year=year, metric=METRIC.shown(metric))
    return Listing(columns, rows, title=title)


def register(app: typer.Typer) -> None:
    app.add_typer(target_app, name="target")
