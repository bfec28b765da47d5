"""The bulletin's 待督办 section: the 督查清单 on the week's Sunday (``zs warn`` for that day),
counted by rule, with the projects longest overdue first."""

from typing import Any

from zhaoshang_cli.core.glossary import STAGE
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.output.markdown import markdown_text
from zhaoshang_cli.output.xlsx import Sheet
from zhaoshang_cli.watch.excel import SheetColumn as Col
from zhaoshang_cli.watch.excel import table_sheet
from zhaoshang_cli.watch.warnings import RULE

SHOWN = 20  # projects a rule shows in the Markdown summary; the workbook has them all


def chase_markdown(chase: Any) -> list[str]:
    if chase is None:
        return []
    lines = ["", "## " + _("Projects to chase on {day}").format(day=chase.day), ""]
    counts = chase.counts()
    for rule in chase.rules:
        rows = sorted(
            (row for row in chase.rows if row["rule"] == rule.rule), key=lambda r: -r["days"]
        )
        lines.append(
            f"- {markdown_text(RULE.shown(rule.rule))} ({markdown_text(rule.text)}): {counts[rule.rule]}"
        )
        for row in rows[:SHOWN]:
            lines.append(
                "  - "
                + _("{code} {name} ({units}; leader {leader}): {days} days since {clock}").format(
                    code=markdown_text(row["code"]),
                    name=markdown_text(row["name"]),
                    units=markdown_text(row["units"]),
                    leader=markdown_text(row["leader"] or "—"),
                    days=row["days"],
                    clock=row["clock"],
                )
            )
        if len(rows) > SHOWN:
            lines.append(
                "  - " + _("… and {more} more (see the workbook).").format(more=len(rows) - SHOWN)
            )
    return lines


def chase_sheet(chase: Any, heading: str, issuer: Any) -> Sheet | None:
    if chase is None:
        return None

    columns = [
        Col("rule", _("Rule"), terms=RULE),
        Col("code", _("Code")),
        Col("name", _("Project")),
        Col("units", _("Units")),
        Col("leader", _("Leader (包保领导)")),
        Col("stage", _("Stage"), terms=STAGE),
        Col("clock", _("Clock from"), "date"),
        Col("days", _("Days"), "int"),
        Col("contract_fen", _("Contract (万元)"), "money"),
        Col("arrived_fen", _("Arrived (万元)"), "money"),
    ]
    notes = [f"{RULE.shown(rule.rule)}: {rule.text}" for rule in chase.rules]
    return table_sheet(
        _("To chase"), heading, _("Amounts in 万元"), columns, chase.rows, notes, issuer
    )
