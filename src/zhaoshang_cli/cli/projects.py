"""zs add-project, zs project list / show / stage."""

from typing import Annotated

import typer

from zhaoshang_cli import dates
from zhaoshang_cli.cli.common import (
    Col,
    DbOption,
    FormatOption,
    Listing,
    OperatorOption,
    OutputFormat,
    console,
    dumps,
    list_command,
    reading,
    say,
    writing,
)
from zhaoshang_cli.glossary import STAGES
from zhaoshang_cli.money import format_amount, parse_amount
from zhaoshang_cli.projects import add_project, list_projects, move_stage, project_detail

project_app = typer.Typer(help="Projects (项目): list, show, move through stages.")

PROJECT_COLUMNS = [
    Col("code", "编号"),
    Col("name", "项目名称"),
    Col("units", "责任单位"),
    Col("industry", "产业"),
    Col("industrial", "工业", "bool"),
    Col("stage", "阶段"),
    Col("signed_on", "签约日期", "date"),
    Col("contract_fen", "合同额(万元)", "money"),
    Col("arrived_fen", "到位(万元)", "money"),
]


def add_project_command(
    name: Annotated[str, typer.Option(help="Project name.")],
    unit: Annotated[
        list[str], typer.Option(help="Responsible unit; repeat for a jointly brought project.")
    ],
    amount: Annotated[
        str | None, typer.Option(help="Contract amount: 2.5亿, 4700万, 47000000元 or 万.")
    ] = None,
    investor: Annotated[str | None, typer.Option(help="Investor company (投资方).")] = None,
    origin: Annotated[
        str | None,
        typer.Option(help="Investor origin: outside_province, outside_city, local, foreign."),
    ] = None,
    industry: Annotated[str | None, typer.Option(help="Industry (产业).")] = None,
    industrial: Annotated[
        bool, typer.Option("--industrial", help="An industrial project.")
    ] = False,
    signed: Annotated[str | None, typer.Option(help="Signing date, YYYY-MM-DD.")] = None,
    stage: Annotated[
        str | None, typer.Option(help="Stage if not signed/lead: " + ", ".join(STAGES))
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
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Add a project the office brought in."""
    contract = (
        parse_amount(amount, what="contract amount", currency="CNY") if amount is not None else None
    )
    total = (
        parse_amount(total_investment, what="total investment", currency="CNY")
        if total_investment is not None
        else None
    )
    signed_on = dates.parse_date(signed, what="signing date") if signed is not None else None
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
        )
    say(f"Added project {project.code} {project.name} ({project.stage}).")


@project_app.command("list")
@list_command
def project_list(
    unit: Annotated[
        str | None, typer.Option(help="Only projects of this unit (and below).")
    ] = None,
    stage: Annotated[str | None, typer.Option(help="Only projects at this stage.")] = None,
    year: Annotated[int | None, typer.Option(help="Only projects signed in this year.")] = None,
    db: DbOption = None,
) -> Listing:
    """Projects with their contract amount and money arrived so far."""
    with reading(db) as session:
        rows = list_projects(session, unit=unit, stage=stage, year=year)
    return Listing([Col("id", "#", "int"), *PROJECT_COLUMNS], rows, title="项目")


@project_app.command("show")
def project_show(
    code: Annotated[str, typer.Argument(help="Project code.")],
    with_contacts: Annotated[
        bool, typer.Option("--with-contacts", help="Also show the investor contact.")
    ] = False,
    db: DbOption = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """A project's fields, stage history, arrivals, and money arrived against the contract."""
    with reading(db) as session:
        detail = project_detail(session, code, with_contacts=with_contacts)
    if output_format is OutputFormat.json:
        say(dumps(detail))
        return
    from rich.text import Text

    out = console()
    out.print(Text(f"{detail['code']} {detail['name']}", style="bold"))
    units = "、".join(
        name if share == 10_000 else f"{name} ({share / 100:g}%)" for name, share in detail["units"]
    )
    fields = [
        ("责任单位", units),
        ("投资方", detail["investor"]),
        ("来源地", detail["origin"]),
        ("产业", detail["industry"]),
        ("工业项目", "是" if detail["industrial"] else "否"),
        ("阶段", f"{detail['stage']} ({STAGES[detail['stage']]})"),
        ("签约日期", detail["signed_on"]),
        ("合同额", f"{format_amount(detail['contract_fen'])} 万元"),
        ("累计到位", f"{format_amount(detail['arrived_fen'])} 万元"),
        ("签约活动", detail["occasion"]),
        ("包保领导", detail["leader"]),
        ("招商人", detail["recruiter"]),
        ("终止原因", detail["termination_reason"]),
    ]
    if with_contacts:
        fields.append(("联系人", detail.get("contact")))
    for label, value in fields:
        if value not in (None, ""):
            out.print(f"  {label}: {value}", highlight=False)
    out.print("阶段记录:")
    for event in detail["stages"]:
        mark = " (更正)" if event["correction"] else ""
        reason = f" — {event['reason']}" if event["reason"] else ""
        out.print(f"  {event['on_date']}  {event['stage']}{mark}{reason}", highlight=False)
    out.print("到位资金:")
    for arrival in detail["arrivals"]:
        link = f" 冲销 #{arrival['reverses_id']}" if arrival["reverses_id"] else ""
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


@project_app.command("stage")
def project_stage(
    code: Annotated[str, typer.Argument(help="Project code.")],
    stage: Annotated[str, typer.Argument(help="New stage: " + ", ".join(STAGES))],
    date: Annotated[str, typer.Option("--date", help="When it happened, YYYY-MM-DD.")],
    correct: Annotated[
        bool, typer.Option("--correct", help="Allow a move backwards, logged as a correction.")
    ] = False,
    reason: Annotated[str | None, typer.Option(help="Why (needed to terminate).")] = None,
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Move a project to a stage on a date; the history is kept."""
    on = dates.parse_date(date)
    with writing(db, operator) as session:
        project = move_stage(session, code, stage, on, correct=correct, reason=reason)
    say(f"Project {project.code} is now {project.stage} ({on}).")


def register(app: typer.Typer) -> None:
    app.command("add-project")(add_project_command)
    app.add_typer(project_app, name="project")
