"""What the light paths (`zs arrive`, an import's checks) read of a project, through Core and
without the ORM. ``lookup.find_project`` gives the ORM object; both refuse an unknown code
with the sentence made here."""

from typing import Any

from sqlalchemy import select

from zhaoshang_cli.core.errors import NotFound, ZsError
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.store import access
from zhaoshang_cli.store.db import Db, connection_of
from zhaoshang_cli.store.tables import PROJECT


def no_project(code: str, db: Db | None = None) -> ZsError:
    """An unknown code; on a shared ledger, a project hidden from the login (another unit's)
    is named as what the login may not touch."""
    hidden = access.hidden_refusal(db, code) if db is not None else None
    if hidden is not None:
        return hidden
    return NotFound(
        _("There is no project with code {code!r}; see `zs project list`.").format(code=code)
    )


def project_facts(db: Db, code: str) -> Any:
    """What the checks read of a project (a row: ``.id``, ``.code``, ``.stage`` …)."""
    fields = ("id", "code", "stage", "signed_on", "terminated_on", "contract_fen")
    columns = [PROJECT.c[name] for name in fields]
    query = select(*columns, PROJECT.c.voided_at).where(PROJECT.c.code == code.strip())
    project = connection_of(db).execute(query).first()
    if project is None:
        raise no_project(code, db)
    return project


def check_occasions(db: Db, occasions: list[str]) -> list[str]:
    """The occasions named, each one at which some project was signed: a typo is refused, not
    answered with a cohort of nobody."""
    names = list(dict.fromkeys(o.strip() for o in occasions))
    query = select(PROJECT.c.occasion).where(PROJECT.c.occasion.in_(names))
    known = set(connection_of(db).execute(query).scalars())
    for name in names:
        if name not in known:
            raise NotFound(_("No project was signed at the occasion {name!r}.").format(name=name))
    return names
