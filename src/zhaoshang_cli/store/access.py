"""Who may write what on a shared PostgreSQL ledger: users, grants, row-level security.

A ledger file is guarded by who can open it. A PostgreSQL ledger is shared, so each person
logs in as a role of their own, listed in ``ledger_user`` with a role and a unit:

- a **clerk** writes projects, arrivals, stages, changes, activities of its unit and below,
  and targets strictly below it (a unit's own target is set from above); it reads its unit's
  subtree;
- a **viewer** only reads its unit's subtree;
- an **admin** holds the whole ledger: every table a command writes, settings, rates, units;
- the **owner** (the role that ran `zs init` and owns the tables) bypasses all of it, as
  PostgreSQL's owners do, and is the one who manages users.

The database itself enforces this (``secure``): grants per role (no UPDATE or DELETE of an
arrival, an audit entry or a seal for anyone but the owner), row-level security policies per
table, and ``SECURITY DEFINER`` functions with a fixed search_path that the policies call
(``zs_scope_units()``, ``zs_unit_in_scope(unit)``, ``zs_unit_below_scope(unit)``,
``zs_project_in_scope(project)``, ``zs_allow(kind, key)`` …). Every row written by a user
must carry ``operator = session_user``. A write that would go out of scope is refused by
``zs_allow`` with a structured DETAIL, which ``refused`` turns into one sentence; ``check``
runs the same rule over the transaction's audit entries just before the commit.

Several ledgers may share a database, a schema each: the functions and policies live in the
ledger's schema, the roles (cluster-wide) may be users of several. Imported only for a
PostgreSQL ledger.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from zhaoshang_cli.core.errors import Invalid, LedgerError
from zhaoshang_cli.core.glossary import USER_ROLE
from zhaoshang_cli.core.i18n import N_, _
from zhaoshang_cli.store.db import CALLER, Db, connection_of
from zhaoshang_cli.store.tables import METADATA

ROLES = ("clerk", "viewer", "admin")
INSUFFICIENT_PRIVILEGE = "42501"
SCOPE_HINT = "zs-scope"  # the HINT of zs_allow's refusals
PASSWORD_METHOD = b"scram-sha-256"

# What a clerk writes (an admin writes all of it and the ledger's own tables below). No role
# but the owner may UPDATE or DELETE an arrival, an audit entry or a seal: append-only.
CLERK_WRITES: dict[str, tuple[str, ...]] = {
    "project": ("INSERT", "UPDATE"),
    "project_unit": ("INSERT", "DELETE"),
    "project_contact": ("INSERT", "UPDATE", "DELETE"),
    "stage_event": ("INSERT",),
    "project_change": ("INSERT",),
    "credit_before": ("INSERT",),
    "arrival": ("INSERT",),
    "target": ("INSERT",),
    "activity": ("INSERT",),
    "audit": ("INSERT",),
    "audit_chain": ("INSERT",),
}
ADMIN_WRITES: dict[str, tuple[str, ...]] = {
    **CLERK_WRITES,
    "unit": ("INSERT", "UPDATE", "DELETE"),
    "setting": ("INSERT", "UPDATE", "DELETE"),
    "exchange_rate": ("INSERT", "UPDATE"),
    "bulletin_run": ("INSERT", "DELETE"),  # DELETE … WHERE false: the bulletin's write probe
    "backup": ("INSERT",),
}
APPEND_ONLY = ("arrival", "audit", "audit_chain")
# The ledger's own tables: written by an admin only, named as the whole ledger's.
LEDGER_TABLES = ("unit", "setting", "exchange_rate", "bulletin_run", "backup", "ledger_user")
WHAT = {
    "project": N_("project {code}"),
    "target": N_("a target: a unit's own target is set from above it"),
    "activity": N_("effort records"),
    "credit": N_("credit for a project"),
    "allocate": N_("the allocation of a target"),
    "unit": N_("the unit tree"),
    "setting": N_("the settings"),
    "exchange_rate": N_("the exchange rates"),
    "bulletin_run": N_("the weekly bulletin"),
    "backup": N_("backups"),
    "user": N_("the users"),
    "ledger": N_("the whole ledger"),
}

# Row-level security, table by table: (policy, command, USING, WITH CHECK). Reads of a user
# whose unit is not the top are its subtree's; writes go through zs_allow, which raises.
SEES = "(SELECT zs_sees_all())"
READ_PROJECT = SEES + " OR {column} IN (SELECT zs_scope_projects())"
READ_UNIT = SEES + " OR {column} IN (SELECT zs_scope_units())"
BY_LOGIN = "operator = session_user::text"


def _project_rules(column: str, operator: bool, commands: tuple[str, ...]) -> list[tuple]:
    read = READ_PROJECT.format(column=column)
    allow = f"zs_allow('project', {column})" + (f" AND {BY_LOGIN}" if operator else "")
    rules = [("read", "SELECT", read, None)]
    if "INSERT" in commands:
        rules.append(("add", "INSERT", None, allow))
    if "UPDATE" in commands:
        rules.append(("change", "UPDATE", read, allow))
    if "DELETE" in commands:
        rules.append(("remove", "DELETE", f"zs_project_in_scope({column})", None))
    return rules


# A project row just inserted is not yet among zs_scope_projects() (a function sees the
# statement's snapshot): its INSERT … RETURNING reads it as not credited yet.
READ_NEW_PROJECT = READ_PROJECT.format(column="id") + " OR zs_uncredited(id)"
POLICIES: dict[str, list[tuple]] = {
    "project": [
        ("read", "SELECT", READ_NEW_PROJECT, None),
        ("add", "INSERT", None, "zs_allow('project', id)"),
        ("change", "UPDATE", READ_NEW_PROJECT, "zs_allow('project', id)"),
    ],
    "project_unit": [
        ("read", "SELECT", READ_PROJECT.format(column="project_id"), None),
        ("add", "INSERT", None, "zs_allow('credit', unit_id) AND zs_allow('project', project_id)"),
        ("remove", "DELETE", "zs_project_in_scope(project_id)", None),
    ],
    "project_contact": _project_rules("project_id", False, ("INSERT", "UPDATE", "DELETE")),
    "stage_event": _project_rules("project_id", True, ("INSERT",)),
    "project_change": _project_rules("project_id", True, ("INSERT",)),
    "credit_before": [
        ("read", "SELECT", "change_id IN (SELECT id FROM project_change)", None),
        ("add", "INSERT", None, "change_id IN (SELECT id FROM project_change)"),
    ],
    "arrival": _project_rules("project_id", True, ("INSERT",)),
    "target": [
        ("read", "SELECT", READ_UNIT.format(column="unit_id"), None),
        ("add", "INSERT", None, f"zs_allow('target', unit_id) AND {BY_LOGIN}"),
    ],
    "activity": [
        ("read", "SELECT", READ_UNIT.format(column="unit_id"), None),
        ("add", "INSERT", None, f"zs_allow('activity', unit_id) AND {BY_LOGIN}"),
    ],
    "audit": [("read", "SELECT", "true", None), ("add", "INSERT", None, BY_LOGIN)],
    "audit_chain": [("read", "SELECT", "true", None), ("add", "INSERT", None, "true")],
    "setting": [
        ("read", "SELECT", "true", None),
        ("add", "INSERT", None, BY_LOGIN),
        ("change", "UPDATE", "true", BY_LOGIN),
        ("remove", "DELETE", "true", None),
    ],
    "exchange_rate": [
        ("read", "SELECT", "true", None),
        ("add", "INSERT", None, BY_LOGIN),
        ("change", "UPDATE", "true", BY_LOGIN),
    ],
    "bulletin_run": [("read", "SELECT", "true", None), ("add", "INSERT", None, BY_LOGIN)],
    "backup": [("read", "SELECT", "true", None), ("add", "INSERT", None, BY_LOGIN)],
}

# The functions the policies call, each SECURITY DEFINER (it reads as the tables' owner, past
# the policies) with the ledger's schema fixed as its search_path. {schema}: quoted.
FUNCTIONS: dict[str, str] = {
    "zs_user_role()": """RETURNS text LANGUAGE sql STABLE AS $$
        SELECT role FROM ledger_user WHERE name = session_user::text $$""",
    "zs_user_unit()": """RETURNS integer LANGUAGE sql STABLE AS $$
        SELECT unit_id FROM ledger_user WHERE name = session_user::text $$""",
    "zs_sees_all()": """RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT COALESCE((
            SELECT u.role = 'admin' OR (u.unit_id IS NOT NULL AND t.parent_id IS NULL)
            FROM ledger_user u LEFT JOIN unit t ON t.id = u.unit_id
            WHERE u.name = session_user::text), false) $$""",
    "zs_scope_units()": """RETURNS SETOF integer LANGUAGE sql STABLE AS $$
        WITH RECURSIVE scope(id) AS (
            SELECT unit_id FROM ledger_user
            WHERE name = session_user::text AND unit_id IS NOT NULL
            UNION
            SELECT u.id FROM unit u JOIN scope s ON u.parent_id = s.id)
        SELECT id FROM scope $$""",
    # Projects credited to a unit in scope, and those not credited yet (a project's credit is
    # written just after it, in the same transaction).
    "zs_scope_projects()": """RETURNS SETOF integer LANGUAGE sql STABLE AS $$
        SELECT project_id FROM project_unit WHERE unit_id IN (SELECT zs_scope_units())
        UNION
        SELECT p.id FROM project p
        WHERE NOT EXISTS (SELECT 1 FROM project_unit c WHERE c.project_id = p.id) $$""",
    "zs_uncredited(project integer)": """RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT NOT EXISTS (SELECT 1 FROM project_unit c WHERE c.project_id = project) $$""",
    "zs_unit_in_scope(unit integer)": """RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT COALESCE(zs_user_role() = 'admin', false)
            OR unit IN (SELECT zs_scope_units()) $$""",
    "zs_unit_below_scope(unit integer)": """RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT COALESCE(zs_user_role() = 'admin', false)
            OR (unit IS DISTINCT FROM zs_user_unit() AND unit IN (SELECT zs_scope_units())) $$""",
    # Every unit the project is credited to in scope: what a clerk may write.
    "zs_project_in_scope(project integer)": """RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT COALESCE(zs_user_role() = 'admin', false) OR (
            zs_user_role() = 'clerk' AND NOT EXISTS (
                SELECT 1 FROM project_unit c
                WHERE c.project_id = project AND c.unit_id NOT IN (SELECT zs_scope_units()))) $$""",
    # Why the caller may not write (kind, key), as JSON, or NULL when it may. kind: project
    # (key: its id), credit, activity, allocate, target (key: the unit), or a table of the
    # whole ledger (settings, rates, units …: an admin's).
    "zs_refusal(kind text, key integer)": """RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
        DECLARE
            who_role text;
            who_unit integer;
            found_unit text;
        BEGIN
            SELECT role, unit_id INTO who_role, who_unit
            FROM ledger_user WHERE name = session_user::text;
            IF NOT FOUND THEN
                RETURN jsonb_build_object('refused', 'stranger');
            ELSIF who_role = 'admin' THEN
                RETURN NULL;
            ELSIF who_role IS DISTINCT FROM 'clerk' THEN
                RETURN jsonb_build_object('refused', 'viewer');
            END IF;
            IF kind = 'project' THEN
                SELECT u.name INTO found_unit
                FROM project_unit c JOIN unit u ON u.id = c.unit_id
                WHERE c.project_id = key AND c.unit_id NOT IN (SELECT zs_scope_units())
                ORDER BY c.share_bp DESC, u.id LIMIT 1;
                IF NOT FOUND THEN
                    RETURN NULL;
                END IF;
                RETURN jsonb_build_object('refused', 'scope', 'unit', found_unit,
                    'what', 'project', 'code', (SELECT code FROM project WHERE id = key));
            ELSIF kind IN ('credit', 'activity', 'allocate', 'target') THEN
                IF key IN (SELECT zs_scope_units())
                        AND (kind <> 'target' OR key IS DISTINCT FROM who_unit) THEN
                    RETURN NULL;
                END IF;
                RETURN jsonb_build_object('refused', 'scope',
                    'unit', (SELECT name FROM unit WHERE id = key), 'what', kind);
            END IF;
            RETURN jsonb_build_object('refused', 'scope', 'what', kind,
                'unit', (SELECT name FROM unit WHERE parent_id IS NULL ORDER BY id LIMIT 1));
        END $$""",
    # For WITH CHECK: true, or the refusal raised (42501) with its JSON as the DETAIL.
    "zs_allow(kind text, key integer)": """RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
        DECLARE
            refused jsonb := zs_refusal(kind, key);
        BEGIN
            IF refused IS NULL THEN
                RETURN true;
            END IF;
            RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
                MESSAGE = format('%s may not write to %s (%s)', session_user,
                    COALESCE(refused->>'unit', 'this ledger'), COALESCE(refused->>'code', kind)),
                DETAIL = refused::text, HINT = 'zs-scope';
        END $$""",
    # Project codes are numbered on from the year's highest, hidden ones included.
    "zs_last_code(year integer)": """RETURNS numeric LANGUAGE sql STABLE AS $$
        SELECT COALESCE(MAX(substring(code FROM '^[0-9]{4}-([0-9]{4,})$')::numeric), 0)
        FROM project WHERE code LIKE year::text || '-%' $$""",
    # A project the caller cannot see: the units it is credited to (NULL if none or seen).
    "zs_hidden_project(wanted text)": """RETURNS text LANGUAGE sql STABLE AS $$
        SELECT string_agg(u.name, '、' ORDER BY c.share_bp DESC, u.id)
        FROM project p JOIN project_unit c ON c.project_id = p.id JOIN unit u ON u.id = c.unit_id
        WHERE p.code = wanted
          AND NOT (COALESCE(zs_sees_all(), false) OR p.id IN (SELECT zs_scope_projects())) $$""",
    # An arrival the caller cannot see: its project's code (NULL if none or seen).
    "zs_hidden_arrival(wanted bigint)": """RETURNS text LANGUAGE sql STABLE AS $$
        SELECT p.code FROM arrival a JOIN project p ON p.id = a.project_id
        WHERE a.id = wanted
          AND NOT (COALESCE(zs_sees_all(), false) OR p.id IN (SELECT zs_scope_projects())) $$""",
    # 不重复统计 across scopes: a project the caller cannot see with the same investor and name.
    "zs_hidden_duplicate(wanted text)": """RETURNS text LANGUAGE sql STABLE AS $$
        SELECT json_build_array(p.code, p.name, p.investor)::text
        FROM project p
        WHERE p.duplicate_key = wanted AND p.voided_at IS NULL
          AND NOT (COALESCE(zs_sees_all(), false) OR p.id IN (SELECT zs_scope_projects()))
        ORDER BY p.id LIMIT 1 $$""",
}


@dataclass(frozen=True)
class Caller:
    """The login of a write transaction: ``unrestricted`` for the tables' owner (or a
    superuser), else the ledger user it is (``role`` None: none at all)."""

    name: str
    owner: str
    unrestricted: bool
    role: str | None = None
    unit_id: int | None = None
    unit: str | None = None
    top: bool = False  # the unit is the top of the tree: reads see everything
    top_unit: str | None = None  # the tree's top unit, which the whole ledger's tables are

    @property
    def restricted(self) -> bool:
        return not self.unrestricted

    def described(self) -> str:
        """甲县's clerk zhang; the admin wang; zhang (no user of this ledger)."""
        if self.role is None:
            return self.name
        if self.unit is None:
            return _("the {role} {name}").format(role=USER_ROLE.shown(self.role), name=self.name)
        return _("{unit}'s {role} {name}").format(
            unit=self.unit, role=USER_ROLE.shown(self.role), name=self.name
        )


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def caller_of(connection: Connection) -> Caller:
    """Who is connected, as the ledger sees it (one query for the owner, two for a user)."""
    row = connection.exec_driver_sql(
        "SELECT session_user::text, pg_get_userbyid(c.relowner)::text,"
        " pg_has_role(session_user, c.relowner, 'USAGE') OR r.rolsuper OR r.rolbypassrls,"
        " to_regclass('ledger_user') IS NOT NULL"
        " FROM pg_roles r LEFT JOIN pg_class c ON c.oid = to_regclass('audit')"
        " WHERE r.rolname = session_user"
    ).one()
    name, owner, unrestricted, users = row
    if owner is None:  # no ledger yet: whoever creates it owns it
        return Caller(name, name, True)
    if unrestricted or not users:
        return Caller(name, owner, bool(unrestricted) or not users)
    found = connection.exec_driver_sql(
        "SELECT u.role, u.unit_id, t.name, t.parent_id IS NULL,"
        " (SELECT name FROM unit WHERE parent_id IS NULL ORDER BY id LIMIT 1)"
        " FROM (SELECT 1) one LEFT JOIN ledger_user u ON u.name = %(name)s"
        " LEFT JOIN unit t ON t.id = u.unit_id",
        {"name": name},
    ).one()
    role, unit_id, unit, top, top_unit = found
    return Caller(name, owner, False, role, unit_id, unit, bool(top), top_unit)


def caller_in(db: Db) -> Caller | None:
    """The Caller that ``Ledger.write`` found for this transaction (None: a file, or a read)."""
    caller = db.info.get(CALLER)
    return caller if isinstance(caller, Caller) else None


def restricted(db: Db) -> bool:
    caller = caller_in(db)
    return caller is not None and caller.restricted


# --- the database's side: functions, policies, grants ------------------------------------


def run(connection: Connection, statements: list[str]) -> None:
    """Statements in one round trip (the driver's % marks escaped: no parameters here)."""
    connection.exec_driver_sql(";\n".join(statements).replace("%", "%%"))


def ledger_tables() -> list[str]:
    return [*METADATA.tables, "alembic_version"]


def secure(connection: Connection) -> None:
    """Functions, row-level security and policies in the ledger's schema, and the grants of
    every user listed in it: idempotent (`zs init`, `zs user add`). Run as the owner."""
    schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
    owner = connection.exec_driver_sql(
        "SELECT pg_get_userbyid(relowner)::text FROM pg_class WHERE oid = to_regclass('audit')"
    ).scalar()
    statements = []
    for signature, body in FUNCTIONS.items():
        statements.append(
            f"CREATE OR REPLACE FUNCTION {signature} {body.split(' AS $$', 1)[0]}"
            f" SECURITY DEFINER SET search_path = {ident(schema)}, pg_temp"
            f" AS $${body.split(' AS $$', 1)[1]}"
        )
        statements.append(f"ALTER FUNCTION {signature} OWNER TO {ident(owner)}")
        statements.append(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
    stale = connection.exec_driver_sql(
        "SELECT policyname, tablename FROM pg_policies"
        " WHERE schemaname = current_schema() AND policyname LIKE 'zs\\_%%'"
    ).all()
    statements += [f"DROP POLICY {ident(name)} ON {ident(table)}" for name, table in stale]
    for table, rules in POLICIES.items():
        statements.append(f"ALTER TABLE {ident(table)} ENABLE ROW LEVEL SECURITY")
        for name, command, using, check in rules:
            policy = f"CREATE POLICY {ident(f'zs_{table}_{name}')} ON {ident(table)} FOR {command}"
            if using is not None:
                policy += f" USING ({using})"
            if check is not None:
                policy += f" WITH CHECK ({check})"
            statements.append(policy)
    run(connection, statements)
    for name, role in connection.exec_driver_sql(
        "SELECT u.name, u.role FROM ledger_user u JOIN pg_roles r ON r.rolname = u.name"
    ).all():
        grant(connection, name, role)


def sequences(connection: Connection) -> list[str]:
    """The id sequences of the ledger's tables, as regclass text."""
    names = [name for name, table in METADATA.tables.items() if "id" in table.c]
    found = connection.exec_driver_sql(
        "SELECT pg_get_serial_sequence(quote_ident(t), 'id') FROM unnest(%(names)s::text[]) t",
        {"names": names},
    ).scalars()
    return [name for name in found if name]


def revoke(connection: Connection, name: str) -> None:
    """Everything this ledger granted the role (nothing of any other schema)."""
    who = ident(name)
    tables = ", ".join(ident(table) for table in ledger_tables())
    statements = [f"REVOKE ALL ON {tables} FROM {who}"]
    found = sequences(connection)
    if found:
        statements.append(f"REVOKE ALL ON SEQUENCE {', '.join(found)} FROM {who}")
    statements.append(f"REVOKE ALL ON FUNCTION {', '.join(FUNCTIONS)} FROM {who}")
    schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
    statements.append(f"REVOKE ALL ON SCHEMA {ident(schema)} FROM {who}")
    run(connection, statements)


def grant(connection: Connection, name: str, role: str) -> None:
    """The grants of a ledger role, in place of what the role had in this ledger."""
    revoke(connection, name)
    who = ident(name)
    schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
    tables = ", ".join(ident(table) for table in ledger_tables())
    statements = [
        f"GRANT USAGE ON SCHEMA {ident(schema)} TO {who}",
        f"GRANT SELECT ON {tables} TO {who}",
        f"GRANT EXECUTE ON FUNCTION {', '.join(FUNCTIONS)} TO {who}",
    ]
    writes = {"clerk": CLERK_WRITES, "admin": ADMIN_WRITES}.get(role, {})
    for table, commands in writes.items():
        statements.append(f"GRANT {', '.join(commands)} ON {ident(table)} TO {who}")
    found = sequences(connection)
    if writes and found:
        statements.append(f"GRANT USAGE ON SEQUENCE {', '.join(found)} TO {who}")
    run(connection, statements)


# --- logins ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    """A PostgreSQL role as zs sees it before making it a user."""

    exists: bool
    can_login: bool = False
    powerful: bool = False  # a superuser, or one that bypasses row-level security


def login_of(connection: Connection, name: str) -> Login:
    row = connection.exec_driver_sql(
        "SELECT rolcanlogin, rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = %(name)s",
        {"name": name},
    ).first()
    if row is None:
        return Login(False)
    return Login(True, bool(row[0]), bool(row[1]))


def verifier(connection: Connection, name: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of the password: all the server ever receives of it."""
    raw = connection.connection.driver_connection
    secret = raw.pgconn.encrypt_password(password.encode(), name.encode(), PASSWORD_METHOD)  # type: ignore[union-attr]
    return secret.decode() if isinstance(secret, bytes) else str(secret)


def create_login(connection: Connection, name: str, password: str) -> None:
    connection.exec_driver_sql(
        f"CREATE ROLE {ident(name)} LOGIN PASSWORD {literal(verifier(connection, name, password))}"
    )


def set_password(connection: Connection, name: str, password: str) -> None:
    connection.exec_driver_sql(
        f"ALTER ROLE {ident(name)} LOGIN PASSWORD {literal(verifier(connection, name, password))}"
    )


def allow_login(connection: Connection, name: str) -> None:
    connection.exec_driver_sql(f"ALTER ROLE {ident(name)} LOGIN")


def drop_login(connection: Connection, name: str) -> bool:
    """Drop the role unless something else still holds it (grants of another ledger or
    database, objects it owns): then it stays, and False says so."""
    savepoint = connection.begin_nested()
    try:
        connection.exec_driver_sql(f"DROP ROLE {ident(name)}")
    except DBAPIError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


# --- refusals -------------------------------------------------------------------------------


def scope_sentence(caller: Caller, unit: str | None, what: str, code: str | None = None) -> str:
    if caller.role == "viewer":
        return viewer_sentence(caller)
    if caller.role is None:
        return stranger_sentence(caller)
    words = _(WHAT.get(what, WHAT["ledger"])).format(code=code)
    return _("{who} may not write to {unit} ({what}); nothing was written.").format(
        who=caller.described(), unit=unit or _("the whole ledger"), what=words
    )


def viewer_sentence(caller: Caller) -> str:
    return _("{who} only reads the ledger; nothing was written.").format(who=caller.described())


def stranger_sentence(caller: Caller) -> str:
    return _(
        "{name} is not a user of this ledger (its owner {owner} adds users with `zs user "
        "add`); nothing was written."
    ).format(name=caller.name, owner=caller.owner)


def refusal_of(caller: Caller, detail: dict[str, Any]) -> str:
    kind = detail.get("refused")
    if kind == "viewer":
        return viewer_sentence(caller)
    if kind == "stranger":
        return stranger_sentence(caller)
    return scope_sentence(caller, detail.get("unit"), str(detail.get("what")), detail.get("code"))


DENIED = re.compile(r'permission denied for (?:table|relation|sequence) "?(?P<table>[^"\s]+)"?')
POLICY = re.compile(r'row-level security policy(?: "[^"]*")? for table "(?P<table>[^"]+)"')


def refused(exc: BaseException, caller: Caller | None) -> LedgerError | None:
    """The database's refusal of a write (insufficient privilege, a policy) as one sentence,
    or None for any other error."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
        return None
    diag = getattr(orig, "diag", None)
    first = (str(orig).strip().splitlines() or ["permission denied"])[0].rstrip(".")
    if caller is None:
        return LedgerError(
            _("The database refused the write: {reason}; nothing was written.").format(reason=first)
        )
    if diag is not None and diag.message_hint == SCOPE_HINT and diag.message_detail:
        try:
            detail = json.loads(diag.message_detail)
        except ValueError:
            detail = {}
        return LedgerError(refusal_of(caller, detail))
    if caller.role == "viewer":
        return LedgerError(viewer_sentence(caller))
    if caller.role is None:
        return LedgerError(stranger_sentence(caller))
    denied = DENIED.search(first)
    table = denied["table"] if denied else None
    if table in LEDGER_TABLES:
        return LedgerError(scope_sentence(caller, caller.top_unit, table))  # type: ignore[arg-type]
    if table in APPEND_ONLY:
        return LedgerError(
            _(
                "{who} may not change or delete a row of {table}: it is append-only; "
                "nothing was written."
            ).format(who=caller.described(), table=table)
        )
    policy = POLICY.search(first)
    if policy is not None:
        return LedgerError(
            _(
                "{who} may not write this row of {table}: every row names its writer "
                "({name}) and stays in scope; nothing was written."
            ).format(who=caller.described(), table=policy["table"], name=caller.name)
        )
    return LedgerError(
        _("{who} may not do this: {reason}; nothing was written.").format(
            who=caller.described(), reason=first
        )
    )


# --- the check before the commit ----------------------------------------------------------


def check(connection: Connection, begun: int) -> None:
    """A restricted caller's transaction, just before its commit: every audit entry it wrote
    (after ``begun``) is held to the caller's scope, as the policies hold each row; the first
    that is out of scope refuses the whole transaction in one sentence."""
    caller = connection.info.get(CALLER)
    if not isinstance(caller, Caller) or caller.unrestricted:
        return
    entries = connection.exec_driver_sql(
        "SELECT action, entity, entity_id, project_id FROM audit WHERE id > %(begun)s ORDER BY id",
        {"begun": begun},
    ).all()
    if not entries:
        return
    wanted: dict[tuple[str, int], None] = {}
    for action, entity, entity_id, project_id in entries:
        if action == "target.allocate" and entity_id is not None:
            wanted[("allocate", entity_id)] = None  # the unit whose target is split
        elif project_id is not None:
            wanted[("project", project_id)] = None
        elif entity == "project" and entity_id is not None:
            wanted[("project", entity_id)] = None
        elif entity in ("target", "activity") and entity_id is not None:
            unit = connection.exec_driver_sql(
                f"SELECT unit_id FROM {entity} WHERE id = %(id)s", {"id": entity_id}
            ).scalar()
            wanted[(entity, unit if unit is not None else -1)] = None
        else:
            wanted[(entity, 0)] = None
    for kind, key in wanted:
        detail = connection.exec_driver_sql(
            "SELECT zs_refusal(%(kind)s, %(key)s)", {"kind": kind, "key": key}
        ).scalar()
        if detail is not None:
            raise LedgerError(refusal_of(caller, detail))


# --- reads past the policies, for what must not be fooled by rows hidden from the caller ----


def last_code(db: Db, year: int) -> int:
    """The year's highest project number, hidden projects included."""
    value = connection_of(db).execute(text("SELECT zs_last_code(:year)"), {"year": year}).scalar()
    return int(value or 0)


def hidden_project(db: Db, code: str) -> str | None:
    """The units a project the caller cannot see is credited to, or None (no such project, or
    the functions are not there: a ledger not secured yet)."""
    connection = connection_of(db)
    if connection.dialect.name != "postgresql" or not has_functions(connection):
        return None
    return connection.execute(
        text("SELECT zs_hidden_project(:code)"), {"code": code.strip()}
    ).scalar()


def hidden_duplicate(db: Db, key: str) -> tuple[str, str, str | None] | None:
    """A project the caller cannot see with this duplicate key: (code, name, investor)."""
    if not restricted(db):
        return None
    found = connection_of(db).execute(text("SELECT zs_hidden_duplicate(:key)"), {"key": key})
    value = found.scalar()
    if value is None:
        return None
    code, name, investor = json.loads(value)
    return code, name, investor


def has_functions(connection: Connection) -> bool:
    return bool(
        connection.exec_driver_sql(
            "SELECT to_regprocedure('zs_hidden_project(text)') IS NOT NULL"
        ).scalar()
    )


def hidden_refusal(db: Db, code: str) -> LedgerError | None:
    """A lookup of a project the caller may not see: one sentence naming its units."""
    units = hidden_project(db, code)
    if units is None:
        return None
    caller = caller_in(db)
    if caller is not None:  # a write
        return LedgerError(scope_sentence(caller, units, "project", code.strip()))
    return LedgerError(
        _("Project {code} is {units}'s, outside what this login may see.").format(
            code=code.strip(), units=units
        )
    )


def scope_note(caller: Caller) -> str | None:
    """For a login whose reads are scoped: what its output leaves out."""
    if caller.unrestricted or caller.role == "admin" or caller.top:
        return None
    if caller.unit is None:
        return stranger_sentence(caller).rsplit(";", 1)[0] + "."
    return _(
        "note: {who} reads {unit} and below; other units' projects, arrivals, targets and "
        "effort are not in this output."
    ).format(who=caller.described(), unit=caller.unit)


def hidden_arrival_refusal(db: Db, arrival_id: int) -> LedgerError | None:
    """A lookup of an arrival the caller may not see: the refusal for its project."""
    connection = connection_of(db)
    if connection.dialect.name != "postgresql" or not has_functions(connection):
        return None
    code = connection.execute(text("SELECT zs_hidden_arrival(:id)"), {"id": arrival_id}).scalar()
    return hidden_refusal(db, code) if code is not None else None


def operator_refused(caller: Caller) -> Invalid:
    return Invalid(
        _(
            "--operator is not taken on a shared PostgreSQL ledger: every change is recorded "
            "as the login that makes it ({name}); leave it out."
        ).format(name=caller.name)
    )


def refuse_unless_owner(caller: Caller) -> None:
    if caller.restricted:
        raise Invalid(
            _("Only the ledger's owner ({owner}) manages its users; {name} may not.").format(
                owner=caller.owner, name=caller.name
            )
        )
