"""Ledger settings (``zs config``) as stored: reading, setting (audited), and who issues the
bulletins and how their documents are numbered."""

from typing import Any

from sqlmodel import Session, col, select

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.settings.keys import KEYS, check_key
from zhaoshang_cli.settings.stored import Issuer as Issuer
from zhaoshang_cli.settings.stored import get_settings as get_settings
from zhaoshang_cli.settings.stored import issuer as issuer
from zhaoshang_cli.store import audit
from zhaoshang_cli.store.models import Setting


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
