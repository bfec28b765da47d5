"""Ledger settings as a reading command (the report, the bulletin) reads them, through Core
and without the ORM: the stored values, and who issues a document and how it is numbered.
``config`` sets them."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.settings.keys import fill_pattern
from zhaoshang_cli.store.db import Db, connection_of
from zhaoshang_cli.store.tables import SETTING
from zhaoshang_cli.store.verification import seal_at


def get_settings(db: Db) -> dict[str, str]:
    query = select(SETTING.c.key, SETTING.c.value)
    return {key: value for key, value in connection_of(db).execute(query)}


@dataclass(frozen=True)
class Issuer:
    """Who sends a document, its number and its date, as printed on it."""

    office: str | None
    number: str | None
    issued_on: date
    seal: str | None = None  # the ledger's 校验码 when the document was made (``zs verify``)

    @property
    def date_text(self) -> str:
        day = self.issued_on
        return f"{day.year}年{day.month}月{day.day}日"

    @property
    def seal_text(self) -> str | None:
        return _("Check code {code}").format(code=self.seal) if self.seal else None


def issuer(db: Db, *, year: int, month: int, week: int | None = None, pattern_key: str) -> Issuer:
    settings = get_settings(db)
    pattern = settings.get(pattern_key)
    number = fill_pattern(pattern, year=year, month=month, week=week or "") if pattern else None
    code = seal_at(connection_of(db)).code  # in the snapshot the figures are read in
    return Issuer(settings.get("office"), number, dates.today(), code)
