"""Users of a shared ledger: each a PostgreSQL login with a role (clerk, viewer, admin) and,
for a clerk or a viewer, the unit it works for. The row in ``ledger_user`` says what the
login may do; ``store.access`` turns it into grants and row-level security. Only the ledger's
owner manages users (it owns the tables, and creates and alters logins); a ledger file has
none (it is guarded by who can open it)."""

import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid, LedgerError, NotFound
from zhaoshang_cli.core.glossary import USER_ROLE
from zhaoshang_cli.core.i18n import N_, _
from zhaoshang_cli.core.text import clean_text
from zhaoshang_cli.store import access, audit
from zhaoshang_cli.store.models import LedgerUser, Unit
from zhaoshang_cli.units.tree import find_unit, path_of

NAME_BYTES = 63  # PostgreSQL cuts a longer role name short
RESERVED = frozenset({"public", "none", "current_user", "session_user", "current_role"})
PLAIN_NAME = re.compile(r"^[^\s\"'\\]+$")


def file_has_no_users(backend: str) -> None:
    """``zs user`` on a ledger file: refused in one sentence."""
    if backend != "postgresql":
        raise Invalid(
            _(
                "A ledger file has no users: it is guarded by who can open it; `zs user` is "
                "for a shared PostgreSQL ledger."
            )
        )


def check_name(name: str) -> str:
    """A login name as PostgreSQL keeps it: at most 63 bytes, no spaces or quotes."""
    checked = clean_text(name, N_("user name"), required=True) or ""
    if (
        not PLAIN_NAME.match(checked)
        or len(checked.encode()) > NAME_BYTES
        or checked.lower().startswith("pg_")
        or checked.lower() in RESERVED
    ):
        raise Invalid(
            _(
                "{name!r} cannot be a login: give a name of at most {limit} bytes without "
                "spaces or quotes, not starting with pg_."
            ).format(name=checked, limit=NAME_BYTES)
        )
    return checked


def check_role(role: str) -> str:
    return USER_ROLE.parse(role)


def owner_of(session: Session) -> access.Caller:
    """The caller, refused unless it owns the ledger."""
    caller = access.caller_in(session)
    if caller is None:
        raise LedgerError(_("This ledger has no users."))
    access.refuse_unless_owner(caller)
    return caller


def place(session: Session, role: str, unit: str | None) -> Unit | None:
    """The unit of a user of this role: a clerk's and a viewer's are needed, an admin has
    none (it holds the whole ledger)."""
    if role == "admin":
        if unit is not None:
            raise Invalid(_("An admin holds the whole ledger; leave out --unit."))
        return None
    if unit is None:
        raise Invalid(
            _("A {role} works for a unit; give --unit (the top unit for the whole tree).").format(
                role=USER_ROLE.shown(role)
            )
        )
    return find_unit(session, unit)


def find_user(session: Session, name: str) -> LedgerUser:
    user = session.exec(select(LedgerUser).where(LedgerUser.name == name.strip())).first()
    if user is None:
        raise NotFound(
            _("There is no user {name!r} in this ledger; see `zs user list`.").format(name=name)
        )
    return user


def unit_path(session: Session, unit: Unit | None) -> str | None:
    """甲县, 甲县/城关镇: the path as it is typed, below the top unit (which is named alone)."""
    if unit is None:
        return None
    parts = path_of(session, unit)
    return "/".join(parts[1:] or parts)


def described(session: Session, user: LedgerUser) -> dict[str, Any]:
    unit = session.get(Unit, user.unit_id) if user.unit_id is not None else None
    return {"name": user.name, "role": user.role, "unit": unit_path(session, unit)}


def check_login(session: Session, name: str, caller: access.Caller) -> access.Login:
    """The PostgreSQL role of that name, if any, refused where it would be bound by nothing."""
    connection = session.connection()
    login = access.login_of(connection, name)
    if not login.exists:
        return login
    owner_like = connection.exec_driver_sql(
        "SELECT pg_has_role(%(name)s, %(owner)s, 'USAGE')", {"name": name, "owner": caller.owner}
    ).scalar()
    if login.powerful or owner_like or name == caller.name:
        raise Invalid(
            _(
                "{name} owns the ledger, is a superuser or bypasses row-level security: as a "
                "user it would be bound by nothing; choose another login."
            ).format(name=name)
        )
    return login


@dataclass
class Added:
    user: LedgerUser
    created: bool  # a new login; else an existing role became a user
    password_set: bool
    unit: str | None  # its unit's path; None: the whole ledger (an admin)


def login_exists(session: Session, name: str) -> bool:
    """Whether the login is there already (then it needs no password); asked by the owner
    only, before any password is asked for."""
    check_owner(session)
    return access.login_of(session.connection(), check_name(name)).exists


def check_owner(session: Session) -> None:
    """Refused unless the caller owns the ledger: before a password is asked for."""
    access.refuse_unless_owner(access.caller_of(session.connection()))


def add_user(
    session: Session, name: str, role: str, unit: str | None, password: str | None
) -> Added:
    """A user: a new login (with the password's SCRAM verifier) or an existing role, the
    grants of its role, the ledger's policies brought up to date, and an audit entry."""
    caller = owner_of(session)
    name, role = check_name(name), check_role(role)
    where = place(session, role, unit)
    if session.exec(select(LedgerUser).where(LedgerUser.name == name)).first() is not None:
        raise Invalid(
            _("{name} is already a user of this ledger; change it with `zs user set`.").format(
                name=name
            )
        )
    login = check_login(session, name, caller)
    connection = session.connection()
    if not login.exists:
        if not password:
            raise Invalid(_("A new login needs a password."))
        access.create_login(connection, name, password)
    elif password:
        access.set_password(connection, name, password)
    elif not login.can_login:
        access.allow_login(connection, name)
    user = LedgerUser(
        name=name,
        role=role,
        unit_id=where.id if where is not None else None,
        created_at=dates.utcnow(),
        operator=session.info.get("operator", "unknown"),
    )
    session.add(user)
    session.flush()
    access.secure(connection)  # this zs's policies, and the grants of every user
    after = described(session, user)
    audit.record(session, "user.add", "user", user.id, after=after)
    return Added(user, not login.exists, bool(password), after["unit"])


def set_user(
    session: Session,
    name: str,
    *,
    role: str | None = None,
    unit: str | None = None,
    password: str | None = None,
) -> tuple[LedgerUser, str | None]:
    """A user's new role, unit or password; the grants follow the role. Returns the user and
    its unit's path (None: the whole ledger)."""
    caller = owner_of(session)
    user = find_user(session, name)
    if role is None and unit is None and not password:
        raise Invalid(_("Nothing to change: give --role, --unit or --password."))
    before = described(session, user)
    new_role = check_role(role) if role is not None else user.role
    if unit is None and new_role != "admin" and user.unit_id is not None:
        where: Unit | None = session.get(Unit, user.unit_id)
    else:
        where = place(session, new_role, unit)
    check_login(session, user.name, caller)
    user.role = new_role
    user.unit_id = where.id if where is not None else None
    session.add(user)
    session.flush()
    after = described(session, user)
    connection = session.connection()
    if password:
        if not access.login_of(connection, user.name).exists:
            access.create_login(connection, user.name, password)
        else:
            access.set_password(connection, user.name, password)
    changed = {key: value for key, value in after.items() if before[key] != value}
    if not changed and not password:
        raise Invalid(
            _("Nothing to change: {name} is already {role} of {unit}.").format(
                name=user.name,
                role=USER_ROLE.shown(user.role),
                unit=after["unit"] or _("the whole ledger"),
            )
        )
    if access.login_of(connection, user.name).exists:
        access.grant(connection, user.name, user.role)
    old = {key: before[key] for key in changed}
    new = dict(changed)
    if password:
        new["password"] = True  # that it changed; nothing of the password itself
    audit.record(session, "user.set", "user", user.id, before=old, after={"name": user.name, **new})
    return user, after["unit"]


def remove_user(session: Session, name: str, *, keep_login: bool = False) -> bool:
    """The user's grants in this ledger revoked and its row gone (the trail keeps it); the
    login dropped too unless kept, or held by something else (another ledger). Returns
    whether the login was dropped."""
    owner_of(session)
    user = find_user(session, name)
    before = described(session, user)
    user_id = user.id
    connection = session.connection()
    exists = access.login_of(connection, user.name).exists
    session.delete(user)
    session.flush()
    dropped = False
    if exists:
        access.revoke(connection, user.name)
        if not keep_login:
            dropped = access.drop_login(connection, user.name)
    audit.record(session, "user.remove", "user", user_id, before=before)
    return dropped


def list_users(session: Session) -> list[dict[str, Any]]:
    """Every user with what it may read and write, and whether its login is there."""
    connection = session.connection()
    logins = {
        row[0]: bool(row[1])
        for row in connection.exec_driver_sql("SELECT rolname::text, rolcanlogin FROM pg_roles")
    }
    rows = []
    for user in session.exec(select(LedgerUser).order_by(col(LedgerUser.name))):
        unit = session.get(Unit, user.unit_id) if user.unit_id is not None else None
        path = unit_path(session, unit)
        whole = user.role == "admin" or (unit is not None and unit.parent_id is None)
        reads = _("the whole ledger") if whole else _("{unit} and below").format(unit=path)
        if user.role == "admin":
            writes = _("the whole ledger: settings, rates, units too")
        elif user.role == "clerk":
            writes = _(
                "projects, arrivals and effort of {unit} and below; targets below it"
            ).format(unit=path)
        else:
            writes = _("nothing")
        rows.append(
            {
                "name": user.name,
                "role": user.role,
                "unit": path,
                "reads": reads,
                "writes": writes,
                "login": logins.get(user.name, False),
                "created_at": user.created_at,
                "operator": user.operator,
            }
        )
    return rows


def owner_name(session: Session) -> str:
    return str(
        session.connection()
        .exec_driver_sql(
            "SELECT pg_get_userbyid(relowner)::text FROM pg_class WHERE oid = to_regclass('audit')"
        )
        .scalar()
    )
