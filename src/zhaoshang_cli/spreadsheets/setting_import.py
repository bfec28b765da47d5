"""Settings from an export (zs import ledger): each through set_setting, as `zs config set`."""

from sqlmodel import Session

from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.settings.config import get_settings, set_setting
from zhaoshang_cli.spreadsheets.outcome import Outcome
from zhaoshang_cli.spreadsheets.provenance import keep
from zhaoshang_cli.spreadsheets.reading import Table
from zhaoshang_cli.store.models import Setting


def import_settings(session: Session, table: Table, out: Outcome) -> None:
    """A key the ledger has with the same value is skipped; each value is checked as typed."""
    existing = get_settings(session)
    for row in table.good_rows():
        key, value = str(row.values["key"]).strip(), str(row.values["value"])
        if existing.get(key) == value.strip():
            out.skipped.append(_("row {row}: {key}").format(row=row.number, key=key))
            continue
        if table.attempt(row, "value", set_setting, session, key, value) is None:
            continue
        keep(session, row.values, session.get(Setting, key), operator="operator", set_at="set_at")
        out.added.append(
            _("row {row}: {key} = {value}").format(row=row.number, key=key, value=value)
        )
