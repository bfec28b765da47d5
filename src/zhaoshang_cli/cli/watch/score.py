"""zs score: 一季一评比 — units ranked by a weighted score, with 红榜 and 黑榜."""

from pathlib import Path
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
from zhaoshang_cli.core.i18n import _


def score(
    quarter: QuarterOption = None,
    year: YearOption = None,
    month: MonthOption = None,
    start: FromOption = None,
    end: ToOption = None,
    unit: Annotated[
        str | None, typer.Option(help="Rank this unit's children (default: the city's).")
    ] = None,
    weights: Annotated[
        Path | None,
        typer.Option(
            "--weights",
            help="The office's own weights and caps (TOML); default: the shipped file "
            "(see --show-weights).",
        ),
    ] = None,
    show_weights: Annotated[
        bool,
        typer.Option(
            "--show-weights", help="Print the shipped weights file, to copy and edit, and exit."
        ),
    ] = False,
    xlsx: XlsxOption = None,
    db: DbOption = None,
    output_format: FormatOption = OutputFormat.table,
    wide: WideOption = False,
    output: OutputFileOption = None,
    bom: BomOption = False,
) -> None:
    """一季一评比: rank units by a weighted score over funds against 时序进度, projects
    signed, 亿元以上, 开工率 and effort; each component, the total, the rank, 红榜 and 黑榜
    (default: the last complete quarter)."""
    from zhaoshang_cli.watch.weights import default_text, load_weights

    if show_weights:
        typer.echo(default_text(), nl=False)
        return
    rules = load_weights(weights)
    check_xlsx(xlsx)
    period = chosen_period("quarter", year, month, quarter, start, end)
    out = Output(output_format, wide, output, bom).resolved()
    from zhaoshang_cli.settings.config import issuer
    from zhaoshang_cli.watch.score import score_units

    with reading(db) as session:
        found = score_units(session, period, rules, unit)
        sender = issuer(session, year=period.year, month=period.end.month, pattern_key="doc_number")
    listing, meta = score_view(found)
    show(listing, meta, out)
    if xlsx is not None:
        from zhaoshang_cli.watch.excel import save, table_sheet

        name = _("Score")
        sheet = table_sheet(
            name,
            listing.title or name,
            _("Points; measures as counted"),
            listing.columns,
            listing.rows,
            (listing.caption or "").splitlines(),
            sender,
        )
        save([sheet], xlsx)
        wrote(xlsx, out)


def score_view(found: Any) -> tuple[Listing, dict[str, Any]]:
    from zhaoshang_cli.core.glossary import UNIT_KIND, Terms
    from zhaoshang_cli.core.periods import fraction, period_words, progress_basis, progress_note
    from zhaoshang_cli.watch.score import measure, score_data
    from zhaoshang_cli.watch.weights import MEASURE

    board = Terms("list", {"red": "红榜", "black": "黑榜"})
    rules = found.weights
    columns = [Col("group", _("Group"), terms=UNIT_KIND, drop=2), Col("unit", _("Unit"))]
    for part in rules.components:
        columns.append(
            Col(
                f"m_{part.name}",
                MEASURE.shown(part.measure),
                "decimal",
                json_key=f"{part.name}_measure",
                drop=1,
            )
        )
        columns.append(
            Col(
                f"p_{part.name}",
                _("{name} points").format(name=part.label or MEASURE.shown(part.measure)),
                "decimal",
                json_key=f"{part.name}_points",
            )
        )
    columns += [
        Col("total", _("Total"), "decimal"),
        Col("rank", _("Rank"), "int"),
        Col("board", _("List"), terms=board),
    ]
    rows = []
    for row in found.rows:
        flat = {"group": row.group, "unit": row.unit}
        for name in row.points:
            flat[f"m_{name}"], flat[f"p_{name}"] = measure(row.measures[name]), row.points[name]
        rows.append({**flat, "total": row.total, "rank": row.rank, "board": row.board})
    period = found.report.period
    title = _("一季一评比 of {parent}, {period}").format(
        parent=found.report.parent, period=period_words(period)
    )
    source = _("the shipped defaults") if rules.source == "default" else rules.source
    lines = [progress_note(period), _("Weights: {source}.").format(source=source)]
    for part in rules.components:
        cap = _(", at most {cap}").format(cap=_plain(part.cap)) if part.cap is not None else ""
        lines.append(
            f"  {part.name}: "
            + _("{measure} × {weight}{cap} points").format(
                measure=MEASURE.shown(part.measure), weight=_plain(part.weight), cap=cap
            )
        )
    lines.append(
        _(
            "Points rounded to 0.01, the total their sum; ranked {within}, equal totals alike; "
            "红榜 the top {red}, 黑榜 the bottom {black} (ties share a place; a unit on both is "
            "on neither)."
        ).format(
            red=rules.red,
            black=rules.black,
            within=_("all on one list") if rules.within == "all" else _("within each group"),
        )
    )
    for name, label in (("red", "红榜"), ("black", "黑榜")):
        names = "、".join(row.unit for row in found.board(name))
        lines.append(f"{label}: {names or '—'}")
    basis = progress_basis(period)
    meta = {
        "parent": found.report.parent,
        "period": {"start": period.start, "end": period.end},
        "time_progress": fraction(basis.pop("time_progress")),
        "time_progress_basis": basis,
        "weights": {
            "source": rules.source,
            "red": rules.red,
            "black": rules.black,
            "within": rules.within,
            "components": [
                {
                    "name": c.name,
                    "measure": c.measure,
                    "weight": c.weight,
                    "cap": c.cap,
                    "label": c.label,
                }
                for c in rules.components
            ],
        },
        "rows": score_data(found),
    }
    return Listing(columns, rows, title=title, caption="\n".join(lines)), meta


def _plain(value: Any) -> str:
    return f"{value.normalize():f}"


def register(app: typer.Typer) -> None:
    app.command()(score)
