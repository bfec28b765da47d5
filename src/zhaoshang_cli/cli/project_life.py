"""zs project edit / increase / void: a project's life after it was added."""

from typing import Annotated

import typer

from zhaoshang_cli.cli.common import DbOption, OperatorOption, say, writing
from zhaoshang_cli.core import dates
from zhaoshang_cli.core.glossary import ORIGIN
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.core.money import format_amount, parse_amount

ReasonOption = Annotated[
    str | None, typer.Option(help="Why: kept with the change and in the audit trail.")
]


def project_edit(
    code: Annotated[str, typer.Argument(help="Project code.")],
    name: Annotated[str | None, typer.Option(help="Project name.")] = None,
    investor: Annotated[
        str | None, typer.Option(help="Investor company (投资方); a new one is 更换业主.")
    ] = None,
    unit: Annotated[
        list[str] | None,
        typer.Option(
            help="The units credited, all of them: 甲县, or with shares 甲县=70% (repeat).",
        ),
    ] = None,
    origin: Annotated[
        str | None,
        typer.Option(help=f"Investor origin: {ORIGIN.both()}.", autocompletion=ORIGIN.complete),
    ] = None,
    industry: Annotated[str | None, typer.Option(help="Industry (产业); '' clears it.")] = None,
    industrial: Annotated[
        bool | None,
        typer.Option("--industrial/--not-industrial", help="An industrial project or not."),
    ] = None,
    amount: Annotated[
        str | None, typer.Option(help="Contract amount: 2.5亿, 4700万 (in --currency).")
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option(help="The contract's currency, with --amount: CNY, or USD (合同外资)."),
    ] = None,
    total_investment: Annotated[str | None, typer.Option(help="Total investment.")] = None,
    occasion: Annotated[str | None, typer.Option(help="Signing occasion, e.g. 投洽会.")] = None,
    leader: Annotated[str | None, typer.Option(help="Leader in charge (包保领导).")] = None,
    recruiter: Annotated[str | None, typer.Option(help="Credited official (招商人).")] = None,
    informant: Annotated[str | None, typer.Option(help="Information provider.")] = None,
    contact: Annotated[
        str | None, typer.Option(help="Investor contact; private, never in reports or exports.")
    ] = None,
    note: Annotated[str | None, typer.Option(help="A note (备注); '' clears it.")] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="The day the change took effect (更换业主, a new credit); without it the "
            "edit corrects the record for every period.",
        ),
    ] = None,
    reason: ReasonOption = None,
    duplicate_ok: Annotated[
        bool,
        typer.Option(
            "--duplicate-ok", help="Allow a name and investor another project has (with --reason)."
        ),
    ] = False,
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Correct or change a project's fields; each change is kept with its old value."""
    from zhaoshang_cli.projects.edit import edit_project
    from zhaoshang_cli.rates.lookup import check_currency

    given = {
        "name": name,
        "investor": investor,
        "origin": origin,
        "industry": industry,
        "occasion": occasion,
        "leader": leader,
        "recruiter": recruiter,
        "informant": informant,
        "industrial": industrial,
        "note": note,
    }
    values = {key: value for key, value in given.items() if value is not None}
    if total_investment is not None:
        values["total_investment_fen"] = (
            parse_amount(total_investment, what="total investment", currency="CNY")
            if total_investment.strip()
            else None
        )
    code_of_currency = check_currency(currency) if currency is not None else None
    minor = (
        parse_amount(amount, what="contract amount", currency=code_of_currency or "CNY")
        if amount is not None
        else None
    )
    effective_on = dates.parse_date(date) if date is not None else None
    with writing(db, operator) as session:
        edited = edit_project(
            session,
            code,
            values=values,
            amount_minor=minor,
            currency=code_of_currency,
            units=unit,
            contact=contact,
            effective_on=effective_on,
            reason=reason,
            duplicate_ok=duplicate_ok,
        )
    fields = "、".join(_(field_word(key)) for key in edited.changed)
    say(_("Changed project {code}: {fields}.").format(code=edited.project.code, fields=fields))


def field_word(key: str) -> str:
    from zhaoshang_cli.projects.changes import field_label

    return field_label(key)


def project_increase(
    code: Annotated[str, typer.Argument(help="Project code.")],
    amount: Annotated[str, typer.Argument(help="The capital added: 3000万, 1.2亿.")],
    date: Annotated[str, typer.Option("--date", help="The day the increase was signed.")],
    reason: ReasonOption = None,
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """增资: an agreement adding capital to a signed project; it stays one project."""
    from zhaoshang_cli.projects.changes import increase_contract

    added = parse_amount(amount, what="increase", currency="CNY")
    on = dates.parse_date(date)
    with writing(db, operator) as session:
        project, before = increase_contract(session, code, added, on, reason=reason)
    say(
        _("Project {code}: contract {before}万元 + {added}万元 = {after}万元 from {date}.").format(
            code=project.code,
            before=format_amount(before),
            added=format_amount(added),
            after=format_amount(project.contract_fen),
            date=on,
        )
    )


def project_void(
    code: Annotated[str, typer.Argument(help="Project code.")],
    reason: Annotated[str, typer.Option(help="Why it was entered by mistake.")],
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """作废: a project entered by mistake leaves every figure of every period."""
    from zhaoshang_cli.projects.changes import void_project

    with writing(db, operator) as session:
        project = void_project(session, code, reason)
    say(
        _("Voided project {code} {name}; it stays in the ledger and its history.").format(
            code=project.code, name=project.name
        )
    )


def register(project_app: typer.Typer) -> None:
    project_app.command("edit")(project_edit)
    project_app.command("increase")(project_increase)
    project_app.command("void")(project_void)


def change_line(change: dict) -> str:
    """One change as `project show` lists it: 2026-04-01 起 合同额: 8000.00万元 → 1.1亿 (增资)."""
    from zhaoshang_cli.core.glossary import ORIGIN, STAGE

    def value(raw: object) -> str:
        key = change["field"]
        if raw is None or raw == "":
            return "—"
        if key in ("contract_fen", "contract_minor", "total_investment_fen"):
            return format_amount(raw) + ("万" if key == "contract_minor" else "万元")  # type: ignore[arg-type]
        if key == "industrial":
            return _("yes") if raw else _("no")
        if key == "origin":
            return ORIGIN.shown(str(raw))
        if key == "stage":
            return STAGE.shown(str(raw))
        return str(raw)

    when = (
        _("from {date}").format(date=change["effective_on"])
        if change["effective_on"]
        else _("correction")
    )
    kind = _("increase (增资)") if change["kind"] == "increase" else ""
    private = change["field"] == "contact"
    shown = (
        _("changed (private)") if private else f"{value(change['old'])} → {value(change['new'])}"
    )
    parts = [when, f"{_(field_word(change['field']))}: {shown}"]
    if kind:
        parts.append(f"({kind})")
    if change["reason"]:
        parts.append(f"— {change['reason']}")
    return "  ".join(parts)
