"""zs report: the monthly completion report (通报) as a table, JSON, CSV or an Excel file."""

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer

from zhaoshang_cli.cli.common import (
    BomOption,
    DbOption,
    FormatOption,
    Output,
    OutputFileOption,
    OutputFormat,
    WideOption,
    console,
    dumps,
    emit,
    fit_width,
    reading,
    say,
    warn,
)
from zhaoshang_cli.cli.watch.options import FromOption, QuarterOption, ToOption, chosen_period
from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.glossary import METRIC
from zhaoshang_cli.core.i18n import N_, _

SCALES = ("万", "亿", "元")
BY_WORDS = {
    "资金来源": "origin",
    "产业": "industry",
    "规模": "tier",
    "建设状态": "status",
    "包保领导": "leader",
}


def parse_threshold(value: str) -> Decimal:
    """0.7 or 70%."""
    try:
        text = value.strip()
        number = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
    except InvalidOperation:
        raise Invalid(
            _("The threshold {value!r} is not a number; write 0.7 or 70%.").format(value=value)
        ) from None
    if not number.is_finite() or not 0 < number <= 1:
        raise Invalid(
            _(
                "The threshold {value!r} is not a share of time progress; give one above 0 and up to "
                "1 (100%), e.g. 0.7 or 70%."
            ).format(value=value)
        )
    return number


def report(
    month: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=12,
            help="Report on January to this month (default: the last complete month).",
        ),
    ] = None,
    year: Annotated[int | None, typer.Option(help="The year (default: this year).")] = None,
    metric: Annotated[
        str, typer.Option(help=f"What is counted: {METRIC.both()}.", autocompletion=METRIC.complete)
    ] = "funds",
    unit: Annotated[
        str | None, typer.Option(help="Report on this unit's children (default: the city).")
    ] = None,
    yuan: Annotated[
        str, typer.Option("--yuan", help="Show amounts in 万 (default), 亿 or 元.")
    ] = "万",
    threshold: Annotated[
        str | None,
        typer.Option(
            help="Flag units below this share of 时序进度 (黄牌线; default: the ledger's "
            "warn.yellow_card, else 70%)."
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Reproduce the report as it stood on this day (entries by then)."
        ),
    ] = None,
    occasion: Annotated[
        str | None,
        typer.Option(help="Follow-through rates for the cohort signed at this occasion."),
    ] = None,
    by: Annotated[
        list[str] | None,
        typer.Option(
            "--by",
            help="Show a breakdown instead of the completion table: origin/资金来源, "
            "industry/产业, tier/规模 (against 12510) or status/建设状态 (新开工/结转续建…); "
            "repeatable; or leader/包保领导 alone.",
        ),
    ] = None,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Also write the report as an Excel file here.")
    ] = None,
    docx: Annotated[
        Path | None,
        typer.Option("--docx", help="Also write the 通报 as a Word document here (.docx)."),
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help="Also write the dashboard's views as one self-contained HTML file here "
            "(data, charts and styles inline; opens offline). Needs zhaoshang-cli[web].",
        ),
    ] = None,
    quarter: QuarterOption = None,
    start: FromOption = None,
    end: ToOption = None,
    flagged: Annotated[
        bool,
        typer.Option(
            "--flagged",
            help="Only the units below the 黄牌线 and those with no result (the yellow-card list).",
        ),
    ] = False,
    pipeline: Annotated[
        bool, typer.Option("--pipeline", help="The lead pipeline instead (as zs pipeline).")
    ] = False,
    db: DbOption = None,
    output_format: FormatOption = OutputFormat.table,
    wide: WideOption = False,
    output: OutputFileOption = None,
    bom: BomOption = False,
) -> None:
    """Completion by unit for 1 January to the end of a month (or a quarter, or any range),
    against the annual targets."""
    from zhaoshang_cli.report import build_report
    from zhaoshang_cli.report.tables import BREAKDOWNS

    if yuan not in SCALES:
        raise Invalid(_("--yuan takes 万, 亿 or 元, not {value!r}.").format(value=yuan))
    if year is not None:
        dates.check_year(year)
    if occasion is not None and not occasion.strip():
        raise Invalid(_("--occasion may not be empty; leave it out for the year's cohort."))
    if xlsx is not None:
        from zhaoshang_cli.spreadsheets.writing import check_xlsx

        check_xlsx(xlsx)
    cut = parse_threshold(threshold) if threshold is not None else None
    by = [BY_WORDS.get(name.strip(), name.strip().lower()) for name in by or []]
    if "leader" in by and len(by) > 1:
        raise Invalid(_("--by leader is a table of its own; give it without other breakdowns."))
    for name in by:
        if name not in BREAKDOWNS and name != "leader":
            raise Invalid(
                _("--by takes {choices}, not {value!r}.").format(
                    choices=", ".join(f"{code}/{word}" for word, code in BY_WORDS.items()),
                    value=name,
                )
            )
    if docx is not None and docx.suffix.lower() != ".docx":
        raise Invalid(_("{file}: the Word document must be named *.docx.").format(file=docx.name))
    if html is not None:
        check_html(html, metric, as_of, occasion)
    period = chosen_period("month", year, month, quarter, start, end)
    if flagged or pipeline or by == ["leader"]:
        from zhaoshang_cli.cli.watch.warn import watch_report
        from zhaoshang_cli.targets.setting import check_metric

        if check_metric(metric).key != "funds":
            raise Invalid(
                _("{what} is reckoned on funds (到位资金); leave out --metric.").format(
                    what="--flagged" if flagged else "--pipeline" if pipeline else "--by leader"
                )
            )
        if docx is not None or html is not None or as_of is not None or occasion is not None:
            raise Invalid(
                _(
                    "--docx, --html, --as-of and --occasion go with the 通报, not with {what}."
                ).format(
                    what="--flagged" if flagged else "--pipeline" if pipeline else "--by leader"
                )
            )
        what = "flagged" if flagged else "pipeline" if pipeline else "leader"
        out = Output(output_format, wide, output, bom).resolved()
        return watch_report(what, db, period, unit, cut, xlsx, out)
    as_of_date = dates.parse_date(as_of, what=N_("--as-of date")) if as_of is not None else None
    with reading(db, core=True) as session:
        if cut is None:
            from zhaoshang_cli.settings.stored import get_settings
            from zhaoshang_cli.settings.thresholds import thresholds

            cut = thresholds(get_settings(session)).yellow_card
        result = build_report(
            session,
            period,
            metric=metric,
            unit=unit,
            threshold=cut,
            as_of=as_of_date,
            occasion=occasion,
            with_lists=xlsx is not None,
        )
    if xlsx is not None:
        from zhaoshang_cli.report.excel import write_report_xlsx

        write_report_xlsx(result, xlsx, scale=yuan)
    if docx is not None:
        from zhaoshang_cli.report.word import write_report_docx

        write_report_docx(result, docx, scale=yuan)
    if html is not None:
        write_html(db, html, period, unit, cut)
    out = Output(output_format, wide, output, bom).resolved()
    if out.format is OutputFormat.json:
        from zhaoshang_cli.report.data import report_data

        emit(dumps(report_data(result)) + "\n", out)
    elif out.format is OutputFormat.csv:
        from zhaoshang_cli.report.data import breakdown_csv, report_csv

        emit(breakdown_csv(result, by) if by else report_csv(result), out)
    else:
        from zhaoshang_cli.report.terminal import print_report

        print_report(result, console(wide), scale=yuan, width=fit_width(wide), by=by)
        if (period.start.month, period.start.day) != (1, 1) or result.month is None:
            from zhaoshang_cli.core.periods import progress_note

            say(progress_note(period))  # a quarter or a range: how 时序进度 was worked out
    for problem in result.warnings:
        warn(
            _(
                "project {code} {name} is signed but has no contract amount; set it with "
                "`zs project edit {code} --amount …`."
            ).format(code=problem["project"], name=problem["name"])
        )
    for path in (xlsx, docx, html):
        if path is not None:
            typer.echo(
                _("Wrote {file}.").format(file=path), err=out.format is not OutputFormat.table
            )
    if (xlsx or docx) and result.issuer is not None and result.issuer.office is None:
        typer.echo(
            _(
                "note: no issuing office is set, so the files name none; "
                'set it with `zs config set office "…"`.'
            ),
            err=True,
        )


def check_html(path: Path, metric: str, as_of: str | None, occasion: str | None) -> None:
    """The one-file 通报 shows the dashboard's views: funds, as the ledger stands."""
    from zhaoshang_cli.cli.serve import check_web_extra
    from zhaoshang_cli.targets.setting import check_metric

    if path.suffix.lower() not in (".html", ".htm"):
        raise Invalid(_("{file}: the HTML file must be named *.html.").format(file=path.name))
    if check_metric(metric).key != "funds" or as_of is not None or occasion is not None:
        raise Invalid(
            _(
                "--html shows funds (到位资金) as the ledger stands; leave out --metric, --as-of and --occasion."
            )
        )
    check_web_extra(server=False)


def write_html(db: str | None, path: Path, period: Any, unit: str | None, cut: Decimal) -> None:
    """The dashboard's views for the period as one file, written whole and then renamed."""
    from zhaoshang_cli.core.files import write_atomically
    from zhaoshang_cli.web.detail import full_dashboard
    from zhaoshang_cli.web.page import render

    with reading(db) as session:
        data = full_dashboard(session, period, unit, cut)
        page = render("dashboard.html", data, standalone=True)
    write_atomically(path, lambda target: target.write_text(page, encoding="utf-8"))


def runnable_zs() -> str:
    """How to run zs again from here: `zs` if that is on PATH and is this one, else the
    script as it was started (.venv/bin/zs), else python -m zhaoshang_cli."""
    import os
    import shutil
    import sys

    def shown(path: Path) -> str:
        relative = os.path.relpath(path)
        return path.as_posix() if relative.startswith("..") else relative

    script = Path(sys.argv[0])
    if script.name == "zs" and script.exists():
        found = shutil.which("zs")
        if found and Path(found).resolve() == script.resolve():
            return "zs"
        return shown(script.absolute())
    return f"{shown(Path(sys.executable))} -m zhaoshang_cli"


def demo(
    db: Annotated[
        str,
        typer.Option(
            "--db", help="File or database URL for the demo ledger (never a real ledger)."
        ),
    ] = "zs-demo.db",
) -> None:
    """Build a realistic demo city ledger and print its report for the last complete month."""
    from zhaoshang_cli.core.periods import month_period
    from zhaoshang_cli.demo.city import create_demo
    from zhaoshang_cli.report import build_report
    from zhaoshang_cli.report.terminal import print_report
    from zhaoshang_cli.store.ledger import shown

    made = create_demo(db)
    where = shown(made.location)
    say(
        _(
            "Built a demo ledger at {path}: {projects} projects, {arrivals} arrivals. "
            "Try: ZS_DB={path} {zs} report --month {month} --year {year}"
        ).format(
            path=where,
            projects=made.projects,
            arrivals=made.arrivals,
            zs=runnable_zs(),
            month=made.month,
            year=made.year,
        )
    )
    with reading(made.location) as session:
        result = build_report(session, month_period(made.year, made.month))
    print_report(result, console(), width=fit_width())


def register(app: typer.Typer) -> None:
    app.command()(report)
    app.command()(demo)
