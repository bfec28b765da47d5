"""zs add-project, zs project list / show / stage."""

from decimal import Decimal
from typing import Annotated, Any

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
    console,
    csv_text,
    dumps,
    emit,
    list_command,
    machine_scalar,
    machine_value,
    reading,
    say,
    writing,
)
from zhaoshang_cli.core import dates
from zhaoshang_cli.core.glossary import ORIGIN, STAGE
from zhaoshang_cli.core.i18n import N_, _
from zhaoshang_cli.core.money import format_amount, parse_amount

project_app = typer.Typer(help="Projects (项目): list, show, move through stages.")

PROJECT_COLUMNS = [
    Col("code", N_("Code")),
    Col("name", N_("Project"), wrap="text"),
    Col("units", N_("Units"), wrap="names"),
    Col("industry", N_("Industry"), drop=2, wrap="text"),
    Col("industrial", N_("Industrial"), "bool", drop=1),
    Col("stage", N_("Stage"), drop=5, terms=STAGE),
    Col("signed_on", N_("Signed"), "date", drop=4),
    Col("contract_fen", N_("Contract (万元)"), "money"),
    Col("arrived_fen", N_("Arrived (万元)"), "money"),
]
# project show --format json/csv: the same keys as project list, money in 万元.
DETAIL_COLUMNS = [
    Col("id", "id", "int"),
    Col("code", "code"),
    Col("name", "name"),
    Col("units", "units"),
    Col("investor", "investor"),
    Col("origin", "origin"),
    Col("industry", "industry"),
    Col("industrial", "industrial", "bool"),
    Col("stage", "stage"),
    Col("signed_on", "signed_on", "date"),
    Col("started_on", "started_on", "date"),
    Col("completed_on", "completed_on", "date"),
    Col("producing_on", "producing_on", "date"),
    Col("terminated_on", "terminated_on", "date"),
    Col("termination_reason", "termination_reason"),
    Col("contract_fen", "contract", "money"),
    Col("total_investment_fen", "total_investment", "money"),
    Col("arrived_fen", "arrived", "money"),
    Col("occasion", "occasion"),
    Col("leader", "leader"),
    Col("recruiter", "recruiter"),
    Col("informant", "informant"),
    Col("created_at", "created_at"),
    Col("contract_currency", "contract_currency"),
    Col("contract_minor", "contract_original", "money", json_key="contract_original_wan"),
    Col("voided_at", "voided_at"),
    Col("void_reason", "void_reason"),
    Col("note", "note"),
]
# A change of a project (project_change) as scripts read it; money in 万.
CHANGE_KEYS = (
    "id",
    "field",
    "kind",
    "old",
    "new",
    "effective_on",
    "reason",
    "operator",
    "entered_at",
)
STAGE_EVENT_KEYS = (
    "id",
    "stage",
    "previous_stage",
    "on_date",
    "correction",
    "reason",
    "operator",
    "entered_at",
)


def add_project_command(
    name: Annotated[str, typer.Option(help="Project name.")],
    unit: Annotated[
        list[str],
        typer.Option(
            help="Responsible unit; repeat for a jointly brought project, with shares as "
            "甲县=70% (else even)."
        ),
    ],
    amount: Annotated[
        str | None, typer.Option(help="Contract amount: 2.5亿, 4700万, 47000000元 or 万.")
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option(help="The contract's currency: CNY (default), or USD (合同外资)."),
    ] = None,
    investor: Annotated[str | None, typer.Option(help="Investor company (投资方).")] = None,
    origin: Annotated[
        str | None,
        typer.Option(help=f"Investor origin: {ORIGIN.both()}.", autocompletion=ORIGIN.complete),
    ] = None,
    industry: Annotated[str | None, typer.Option(help="Industry (产业).")] = None,
    industrial: Annotated[
        bool, typer.Option("--industrial", help="An industrial project.")
    ] = False,
    signed: Annotated[str | None, typer.Option(help="Signing date, YYYY-MM-DD.")] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", help="For a lead (线索) or one in talks: the day it came in (default today)."
        ),
    ] = None,
    stage: Annotated[
        str | None,
        typer.Option(
            help=f"Stage (default: signed with --signed, else lead): {STAGE.both()}.",
            autocompletion=STAGE.complete,
        ),
    ] = None,
    code: Annotated[str | None, typer.Option(help="Project code (default: YEAR-NNNN).")] = None,
    total_investment: Annotated[str | None, typer.Option(help="Total investment.")] = None,
    occasion: Annotated[str | None, typer.Option(help="Signing occasion, e.g. 投洽会.")] = None,
    leader: Annotated[str | None, typer.Option(help="Leader in charge (包保领导).")] = None,
    recruiter: Annotated[str | None, typer.Option(help="Credited official (招商人).")] = None,
    informant: Annotated[str | None, typer.Option(help="Information provider.")] = None,
    contact: Annotated[
        str | None, typer.Option(help="Investor contact; private, never in reports or exports.")
    ] = None,
    note: Annotated[str | None, typer.Option(help="A note (备注).")] = None,
    duplicate_ok: Annotated[
        bool,
        typer.Option(
            "--duplicate-ok",
            help="Add it although a project with this investor and name exists (with --reason).",
        ),
    ] = False,
    reason: Annotated[
        str | None, typer.Option(help="With --duplicate-ok: why this is another project.")
    ] = None,
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Add a project the office brought in (a second with the same investor and name is
    refused: 不重复统计)."""
    from zhaoshang_cli.projects.register import add_project
    from zhaoshang_cli.rates.lookup import check_currency

    contract_currency = check_currency(currency) if currency is not None else "CNY"
    contract = (
        parse_amount(amount, what=N_("contract amount"), currency=contract_currency)
        if amount is not None
        else None
    )
    total = (
        parse_amount(total_investment, what=N_("total investment"), currency="CNY")
        if total_investment is not None
        else None
    )
    signed_on = dates.parse_date(signed, what=N_("signing date")) if signed is not None else None
    entered_on = dates.parse_date(date) if date is not None else None
    with writing(db, operator) as session:
        project = add_project(
            session,
            name=name,
            units=unit,
            contract_fen=contract,
            investor=investor,
            origin=origin,
            industry=industry,
            industrial=industrial,
            signed_on=signed_on,
            stage=stage,
            code=code,
            total_investment_fen=total,
            occasion=occasion,
            leader=leader,
            recruiter=recruiter,
            informant=informant,
            contact=contact,
            note=note,
            contract_currency=contract_currency,
            duplicate_ok=duplicate_ok,
            reason=reason,
            entered_on=entered_on,
        )
    say(
        _("Added project {code} {name} ({stage}).").format(
            code=project.code, name=project.name, stage=STAGE.shown(project.stage)
        )
    )


@project_app.command("list")
@list_command
def project_list(
    unit: Annotated[
        str | None, typer.Option(help="Only projects of this unit (and below).")
    ] = None,
    stage: Annotated[
        str | None,
        typer.Option(
            help=f"Only projects at this stage: {STAGE.both()}.", autocompletion=STAGE.complete
        ),
    ] = None,
    year: Annotated[int | None, typer.Option(help="Only projects signed in this year.")] = None,
    voided: Annotated[
        bool, typer.Option("--voided", help="Also list projects voided as entered by mistake.")
    ] = False,
    db: DbOption = None,
) -> Listing:
    """Projects with their contract amount and money arrived so far."""
    from zhaoshang_cli.projects.register import list_projects

    with reading(db) as session:
        rows = list_projects(session, unit=unit, stage=stage, year=year, voided=voided)
    columns = [Col("id", "#", "int", drop=3), *PROJECT_COLUMNS]
    if voided:
        columns.append(Col("voided", N_("Voided"), "bool"))
    return Listing(columns, rows, title=_("Projects"))


@project_app.command("show")
def project_show(
    code: Annotated[str, typer.Argument(help="Project code.")],
    with_contacts: Annotated[
        bool, typer.Option("--with-contacts", help="Also show the investor contact.")
    ] = False,
    db: DbOption = None,
    output_format: FormatOption = OutputFormat.table,
    output: OutputFileOption = None,
    bom: BomOption = False,
) -> None:
    """A project's fields, stage history, arrivals, and money arrived against the contract."""
    from zhaoshang_cli.arrivals.entries import list_arrivals
    from zhaoshang_cli.cli.arrivals import ARRIVAL_COLUMNS
    from zhaoshang_cli.projects.register import project_detail

    with reading(db) as session:
        detail = project_detail(session, code, with_contacts=with_contacts)
        arrivals = list_arrivals(session, project=code)
    out = Output(output_format, file=output, bom=bom).resolved()
    if out.format is not OutputFormat.table:
        record = project_record(detail, with_contacts)
        if out.format is OutputFormat.json:
            record["stages"] = [
                {key: machine_scalar(event[key]) for key in STAGE_EVENT_KEYS}
                for event in detail["stages"]
            ]
            record["arrivals"] = [
                {c.out_key: machine_value(c, row.get(c.key)) for c in ARRIVAL_COLUMNS}
                for row in arrivals
            ]
            record["changes"] = [change_record(change) for change in detail["changes"]]
            emit(dumps(record) + "\n", out)
        else:
            record["units"] = units_text(record["units"])
            emit(csv_text(list(record), [list(record.values())]), out)
        return
    from rich.text import Text

    out = console()
    out.print(Text(f"{detail['code']} {detail['name']}", style="bold"))
    units = units_text(
        [{"unit": name, "share": Decimal(share) / 10_000} for name, share in detail["units"]]
    )
    fields = [
        (_("Responsible units"), units),
        (_("Investor"), detail["investor"]),
        (_("Investor origin"), ORIGIN.shown(detail["origin"]) if detail["origin"] else None),
        (_("Industry"), detail["industry"]),
        (_("Industrial project"), _("yes") if detail["industrial"] else _("no")),
        (_("Stage"), STAGE.shown(detail["stage"])),
        (_("Signing date"), detail["signed_on"]),
        (_("Contract amount"), f"{format_amount(detail['contract_fen'])} 万元"),
        (_("Arrived so far"), f"{format_amount(detail['arrived_fen'])} 万元"),
        (_("Signing occasion"), detail["occasion"]),
        (_("Leader in charge"), detail["leader"]),
        (_("Recruiter"), detail["recruiter"]),
        (_("Termination reason"), detail["termination_reason"]),
        (_("Note"), detail["note"]),
        (
            _("Voided"),
            f"{detail['voided_at']:%Y-%m-%d} {detail['void_reason']}"
            if detail["voided_at"]
            else None,
        ),
    ]
    if with_contacts:
        fields.append((_("Contact"), detail.get("contact")))
    for label, value in fields:
        if value not in (None, ""):
            out.print(_("  {label}: {value}").format(label=label, value=value), highlight=False)
    out.print(_("Stage history:"))
    for event in detail["stages"]:
        mark = _(" (correction)") if event["correction"] else ""
        reason = f" — {event['reason']}" if event["reason"] else ""
        out.print(
            f"  {event['on_date']}  {STAGE.shown(event['stage'])}{mark}{reason}", highlight=False
        )
    if any(change["kind"] != "stage" for change in detail["changes"]):
        from zhaoshang_cli.cli.project_life import change_line

        out.print(_("Changes:"))
        for change in detail["changes"]:
            if change["kind"] != "stage":  # a stage move's dates: in the stage history above
                out.print(f"  {change_line(change)}", highlight=False)
    out.print(_("Arrivals:"))
    for arrival in detail["arrivals"]:
        link = (
            _(" reverses #{id}").format(id=arrival["reverses_id"]) if arrival["reverses_id"] else ""
        )
        original = (
            f" ({format_amount(arrival['amount_minor'])}万 {arrival['currency']})"
            if arrival["currency"] != "CNY"
            else ""
        )
        out.print(
            f"  #{arrival['id']}  {arrival['arrived_on']}  {format_amount(arrival['cny_fen'])}万元"
            f"{original}{link}  {arrival['ref'] or ''}",
            highlight=False,
        )


def change_record(change: dict[str, Any]) -> dict[str, Any]:
    from zhaoshang_cli.core.money import to_unit

    record = {key: machine_scalar(change[key]) for key in CHANGE_KEYS}
    if change["field"] in ("contract_fen", "contract_minor", "total_investment_fen"):
        for key in ("old", "new"):
            if change[key] is not None:
                record[key] = machine_scalar(to_unit(change[key]))
    return record


def project_record(detail: dict[str, Any], with_contacts: bool) -> dict[str, Any]:
    """A project as scripts read it: the keys of `project list`, money in 万元, each credited
    unit with its share (a fraction)."""
    record = {c.out_key: machine_value(c, detail.get(c.key)) for c in DETAIL_COLUMNS}
    record["units"] = [
        {"unit": name, "share": Decimal(share) / 10_000} for name, share in detail["units"]
    ]
    if with_contacts:
        record["contact"] = detail.get("contact")
    return record


def units_text(units: list[dict[str, Any]]) -> str:
    """甲县、经开区, with each share when a project is credited unevenly."""
    return "、".join(
        unit["unit"]
        if unit["share"] == 1
        else f"{unit['unit']} ({(unit['share'] * 100).normalize():f}%)"
        for unit in units
    )


@project_app.command("stage")
def project_stage(
    code: Annotated[str, typer.Argument(help="Project code.")],
    stage: Annotated[
        str, typer.Argument(help=f"The new stage: {STAGE.both()}.", autocompletion=STAGE.complete)
    ],
    date: Annotated[str, typer.Option("--date", help="When it happened, YYYY-MM-DD.")],
    correct: Annotated[
        bool, typer.Option("--correct", help="Allow a move backwards, logged as a correction.")
    ] = False,
    reason: Annotated[str | None, typer.Option(help="Why (needed to terminate).")] = None,
    amount: Annotated[
        str | None,
        typer.Option(help="With signed: the contract amount signed, e.g. 2.5亿."),
    ] = None,
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Move a project to a stage on a date; the history is kept."""
    from zhaoshang_cli.projects.register import move_stage

    on = dates.parse_date(date)
    contract = (
        parse_amount(amount, what="contract amount", currency="CNY") if amount is not None else None
    )
    with writing(db, operator) as session:
        project = move_stage(
            session, code, stage, on, correct=correct, reason=reason, contract_fen=contract
        )
    say(
        _("Project {code} is now {stage} ({date}).").format(
            code=project.code, stage=STAGE.shown(project.stage), date=on
        )
    )


def register(app: typer.Typer) -> None:
    from zhaoshang_cli.cli import project_life

    app.command("add-project")(add_project_command)
    project_life.register(project_app)
    app.add_typer(project_app, name="project")
