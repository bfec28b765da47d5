"""The lines an arrivals import tells (added, skipped), worked out only for those printed:
an import of 100,000 rows lists 20 of each and counts the rest."""

from typing import Any

from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.core.money import format_amount
from zhaoshang_cli.spreadsheets.figures import Figure
from zhaoshang_cli.spreadsheets.reading import Table


class FigureText:
    """A row of figures as the outcome names it: the arrival it makes, or none needed."""

    __slots__ = ("code", "figure", "table")

    def __init__(self, table: Table, figure: Figure, code: str) -> None:
        self.table, self.figure, self.code = table, figure, code

    def __str__(self) -> str:
        figure = self.figure
        column = self.table.column_name(figure.column)
        if not figure.amount:
            return _("{column} {given}万 for {project} as of {date}: as in the ledger").format(
                column=column, given=format_amount(figure.given), project=self.code,
                date=figure.on,
            )  # fmt: skip
        return _(
            "arrival {amount}万 CNY for {project} on {date} ({column} {given}万, the ledger "
            "{held}万)"
        ).format(
            amount=format_amount(figure.amount), project=self.code, date=figure.on,
            column=column, given=format_amount(figure.given), held=format_amount(figure.held),
        )  # fmt: skip


class Described:
    """An arrival row as the outcome names it, written out only when shown (an import of
    100,000 rows lists 20; the rest are counted)."""

    __slots__ = ("code", "values")

    def __init__(self, values: dict[str, Any], code: str) -> None:
        self.values, self.code = values, code

    def __str__(self) -> str:
        values = self.values
        currency = values["currency"] or "CNY"
        ref = f" ({values['ref']})" if values["ref"] else ""
        amount = format_amount(values["amount"])
        return _("arrival {amount}万 {currency} for {project} on {date}{ref}").format(
            amount=amount, currency=currency, project=self.code, date=values["date"], ref=ref
        )


class Skipped(Described):
    """A row already in the ledger; without a voucher, the arrival it matches is named."""

    __slots__ = ("twin",)

    def __init__(self, values: dict[str, Any], code: str, twin: int) -> None:
        super().__init__(values, code)
        self.twin = twin

    def __str__(self) -> str:
        text = super().__str__()
        if self.values["ref"]:
            return text
        return _("{arrival}: the same project, date and amount as arrival {id}").format(
            arrival=text, id=self.twin
        )
