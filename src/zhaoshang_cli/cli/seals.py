"""zs seal, verify: the 校验码 that leaves the ledger on every document, and checking it."""

from typing import Annotated

import typer

from zhaoshang_cli.cli.common import DbOption, FormatOption, OutputFormat, dumps, reading, say
from zhaoshang_cli.core.errors import Invalid, LedgerError
from zhaoshang_cli.core.i18n import N_, _


def seal(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The code the ledger had at the end of this day."),
    ] = None,
    db: DbOption = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Print the 校验码 of the ledger as it stands: the head of its audit chain. Write it on a
    document made from the ledger; `zs verify CODE` tells later whether the ledger still
    holds what the document was made from."""
    from zhaoshang_cli.core import dates
    from zhaoshang_cli.store.verification import seal_at

    day = dates.parse_date(as_of, what=N_("--as-of date")) if as_of is not None else None
    with reading(db) as session:
        found = seal_at(session.connection(), day)
    if output_format is OutputFormat.json:
        at = found.at.isoformat() if found.at else None
        say(
            dumps(
                {"code": found.code, "audit_id": found.audit_id, "at": at, "entries": found.entries}
            )
        )
        return
    say(seal_line(found))


def seal_line(found) -> str:  # type: ignore[no-untyped-def]
    from zhaoshang_cli.core import dates

    if found.audit_id is None:
        return _("校验码 {code} (the audit trail is empty).").format(code=found.code)
    return _("校验码 {code} (audit entry {entry}, {at}).").format(
        code=found.code, entry=found.audit_id, at=dates.local(found.at).strftime("%Y-%m-%d %H:%M")
    )


def verify(
    seal_code: Annotated[
        str, typer.Argument(metavar="CODE", help="The 校验码 printed on the document.")
    ],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The day the document was made: the code must be that day's."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Tell whether the ledger still holds exactly what a document bearing this 校验码 was made
    from: the code names an entry of the audit chain and nothing up to it has been changed
    since. Exits 1 when it does not."""
    from zhaoshang_cli.core import dates
    from zhaoshang_cli.store.integrity import finding_text
    from zhaoshang_cli.store.verification import is_code
    from zhaoshang_cli.store.verification import verify as verify_code

    code = seal_code
    if not is_code(code):
        raise Invalid(
            _(
                "{code!r} is not a 校验码: it has 12 hexadecimal digits, e.g. 3F9A-C21B-77D0."
            ).format(code=code)
        )
    day = dates.parse_date(as_of, what=N_("--as-of date")) if as_of is not None else None
    with reading(db) as session:
        verdict = verify_code(session.connection(), code, day)
    if verdict.seal is None:
        raise LedgerError(
            _(
                "No entry of this ledger's audit chain has 校验码 {code}: the document was not "
                "made from this ledger as it now stands (or the code is mistyped)."
            ).format(code=code.upper())
        )
    for finding in verdict.findings:
        say(finding_text(finding))
    if verdict.findings:
        raise LedgerError(
            _(
                "The ledger no longer holds what the document with 校验码 {code} was made from: "
                "it was changed since (see above)."
            ).format(code=verdict.seal.code)
        )
    if verdict.as_of_seal is not None and verdict.as_of_seal.code != verdict.seal.code:
        raise LedgerError(
            _(
                "校验码 {code} is not the ledger's as of {day}: that day ended at {other}, so the "
                "document was not made from the ledger as it stood then."
            ).format(code=verdict.seal.code, day=as_of, other=verdict.as_of_seal.code)
        )
    say(
        _(
            "校验码 {code} holds: the ledger still has exactly what the document was made from "
            "(audit entry {entry}, {at}; {since} entries since)."
        ).format(
            code=verdict.seal.code,
            entry=verdict.seal.audit_id,
            at=dates.local(verdict.seal.at).strftime("%Y-%m-%d %H:%M"),
            since=verdict.since,
        )
    )


def register(app: typer.Typer) -> None:
    app.command()(seal)
    app.command()(verify)
