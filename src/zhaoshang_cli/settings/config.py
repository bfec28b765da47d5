"""Ledger settings (``zs config``) as stored: reading, setting (audited), and who issues the
bulletins and how their documents are numbered."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.settings.keys import KEYS, check_key, fill_pattern
from zhaoshang_cli.store import audit
from zhaoshang_cli.store.models import Setting
from zhaoshang_cli.store.verification import seal_at


def get_settings(session: Session) -> dict[str, str]:
    return {s.key: s.value for s in session.exec(select(Setting))}


def set_setting(session: Session, key: str, value: str) -> str:
    """Checks and stores a value; the old one is kept in the audit trail."""

    checked = check_key(key).check(value)
    current = session.get(Setting, key)
    before = {"value": current.value} if current else None
    if current is None:
        current = Setting(key=key, value=checked, operator="", set_at=dates.utcnow())
    current.value = checked
    current.operator = session.info.get("operator", "unknown")
    current.set_at = dates.utcnow()
    session.add(current)
    session.flush()
    audit.record(session, "config.set", "setting", None, before=before, after={key: checked})
    return checked


def unset_setting(session: Session, key: str) -> None:
    check_key(key)
    current = session.get(Setting, key)
    if current is None:
        raise Invalid(_("The setting {key!r} is not set.").format(key=key))
    audit.record(session, "config.unset", "setting", None, before={key: current.value})
    session.delete(current)


def list_settings(session: Session) -> list[dict[str, Any]]:
    """Every known key, set or not, with what it means."""

    stored = {s.key: s for s in session.exec(select(Setting).order_by(col(Setting.key)))}
    return [
        {
            "key": key.name,
            "value": stored[key.name].value if key.name in stored else None,
            "meaning": _(key.meaning),
            "example": key.example,
            "default": key.default,
            "set_at": stored[key.name].set_at if key.name in stored else None,
            "operator": stored[key.name].operator if key.name in stored else None,
        }
        for key in KEYS.values()
    ]


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


def issuer(
    session: Session, *, year: int, month: int, week: int | None = None, pattern_key: str
) -> Issuer:
    settings = get_settings(session)
    pattern = settings.get(pattern_key)
    number = fill_pattern(pattern, year=year, month=month, week=week or "") if pattern else None
    code = seal_at(session.connection()).code  # in the snapshot the figures are read in
    return Issuer(settings.get("office"), number, dates.today(), code)
