"""Users of a shared ledger (issue 24): real PostgreSQL logins with a role and a unit, held to
them by the database (grants, row-level security) and by zs before every commit; who wrote
a row is the login. A ledger file has no users."""

import base64
import hashlib
import hmac
import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import ON_POSTGRES, admin_connection, fails, snapshot, sql, zs

postgres_only = pytest.mark.postgres_only
PASSWORD = "Secret-12345"
RIVAL = "2026-0007"  # 乙县's project
_numbers = itertools.count(1)


def test_a_ledger_file_has_no_users(ledger: Path) -> None:
    if ON_POSTGRES:
        pytest.skip("about a ledger file")
    before = snapshot(ledger)
    for args in (
        ("user", "add", "zhang", "--role", "clerk", "--unit", "甲县"),
        ("user", "list"),
        ("user", "remove", "zhang"),
    ):
        err = fails(*args).stderr
        assert "A ledger file has no users: it is guarded by who can open it" in err
    assert snapshot(ledger) == before


# --- on PostgreSQL --------------------------------------------------------------------------


def as_login(location: str, name: str) -> str:
    """The ledger's URL, logging in as another role (the test server trusts local clients)."""
    from sqlalchemy.engine import make_url

    url = make_url(location).set(username=name, password=None)
    return url.render_as_string(hide_password=False)


class City:
    """The small city with towns, projects, targets and three users of it."""

    def __init__(self, location: str, names: dict[str, str]) -> None:
        self.location = location
        self.names = names

    def url(self, who: str) -> str:
        return as_login(self.location, self.names[who])

    def run(self, who: str, *args: str, code: int = 0):  # type: ignore[no-untyped-def]
        return zs(*args, "--db", self.url(who), code=code)

    def refused(self, who: str, *args: str) -> str:
        """A refused write: one sentence, and the ledger as it was."""
        before = snapshot(self.location)
        err = fails(*args, "--db", self.url(who)).stderr
        assert snapshot(self.location) == before, args
        return err.strip()


@pytest.fixture
def city(ledger: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[City]:
    """全市 → 甲县 (城关镇 → 张三), 乙县 (乙镇), 经开区, 市商务局; P-A of 甲县, P-B of 乙县; the
    city's and the counties' targets; a clerk and a viewer of 甲县, an admin (real logins)."""
    if not ON_POSTGRES:
        pytest.skip("users are PostgreSQL logins")
    zs("unit", "add", "城关镇", "--kind", "town", "--parent", "甲县")
    zs("unit", "add", "张三", "--kind", "person", "--parent", "甲县/城关镇")
    zs("unit", "add", "乙镇", "--kind", "town", "--parent", "乙县")
    zs("add-project", "--name", "甲项目", "--unit", "甲县", "--signed", "2026-03-01",
       "--investor", "甲公司", "--amount", "1亿", "--code", "P-A")  # fmt: skip
    zs("add-project", "--name", "乙项目", "--unit", "乙县", "--signed", "2026-03-01",
       "--investor", "乙公司", "--amount", "1亿", "--code", RIVAL)  # fmt: skip
    zs("arrive", RIVAL, "100万", "--date", "2026-04-01")
    zs("arrive", "P-A", "200万", "--date", "2026-04-01")
    for unit, amount in (("全市", "10亿"), ("甲县", "3亿"), ("乙县", "3亿")):
        zs("target", "set", unit, amount, "--year", "2026")
    suffix = f"{os.getpid()}_{next(_numbers)}"
    names = {who: f"{who}_{suffix}" for who in ("clerk", "viewer", "admin")}
    monkeypatch.setenv("ZS_USER_PASSWORD", PASSWORD)
    zs("user", "add", names["clerk"], "--role", "clerk", "--unit", "甲县")
    zs("user", "add", names["viewer"], "--role", "viewer", "--unit", "甲县")
    zs("user", "add", names["admin"], "--role", "admin")
    monkeypatch.delenv("ZS_USER_PASSWORD")
    made = City(ledger, names)
    try:
        yield made
    finally:
        drop_roles(ledger, list(names.values()))


def drop_roles(location: str, names: list[str]) -> None:
    """Roles are the server's: their grants here go with them, before the database does."""
    with admin_connection(location) as conn:
        for name in names:
            exists = conn.exec_driver_sql(f"SELECT 1 FROM pg_roles WHERE rolname = '{name}'")
            if exists.first():
                conn.exec_driver_sql(f'DROP OWNED BY "{name}"')
                conn.exec_driver_sql(f'DROP ROLE "{name}"')


@postgres_only
def test_a_clerk_may_not_touch_another_countys_project(city: City) -> None:
    clerk = city.names["clerk"]
    sentence = f"甲县's clerk {clerk} may not write to 乙县 (project {RIVAL}); nothing was written."
    assert city.refused("clerk", "arrive", RIVAL, "10万", "--date", "2026-04-02") == (
        f"zs: {sentence}"
    )
    assert sentence in city.refused("clerk", "project", "edit", RIVAL, "--investor", "某公司")
    assert sentence in city.refused("clerk", "project", "void", RIVAL, "--reason", "录错")
    assert sentence in city.refused("clerk", "arrival", "reverse", "1", "--reason", "录错")
    assert sentence in city.refused("clerk", "project", "stage", RIVAL, "started", "--date",
                                    "2026-04-05")  # fmt: skip
    # Nor credit a project to a sibling, nor a joint one with it.
    joint = city.refused("clerk", "add-project", "--name", "联合", "--unit", "甲县=70%",
                         "--unit", "乙县=30%", "--signed", "2026-04-01")  # fmt: skip
    assert "may not write to 乙县 (credit for a project)" in joint
    moved = city.refused("clerk", "project", "edit", "P-A", "--unit", "乙县")
    assert "may not write to 乙县" in moved


@postgres_only
def test_a_clerk_never_sets_its_own_or_a_siblings_target(city: City) -> None:
    clerk = city.names["clerk"]
    for unit in ("甲县", "乙县"):
        err = city.refused("clerk", "target", "set", unit, "0.01亿", "--year", "2026")
        assert err == (
            f"zs: 甲县's clerk {clerk} may not write to {unit} (a target: a unit's own target "
            "is set from above it); nothing was written."
        )
    err = city.refused("clerk", "config", "set", "office", "乙县招商局")
    assert (
        err
        == f"zs: 甲县's clerk {clerk} may not write to 全市 (the settings); nothing was written."
    )
    assert "(the exchange rates)" in city.refused("clerk", "rate", "set", "USD", "7.1",
                                                  "--month", "2026-04")  # fmt: skip
    assert "(the unit tree)" in city.refused("clerk", "unit", "add", "新镇", "--kind", "town",
                                             "--parent", "甲县")  # fmt: skip


@postgres_only
def test_a_clerk_writes_its_county_and_below_as_itself(city: City) -> None:
    clerk = city.names["clerk"]
    out = city.run("clerk", "add-project", "--name", "城关项目", "--unit", "城关镇", "--signed",
                   "2026-04-01", "--amount", "2000万").stdout  # fmt: skip
    assert "Added project 2026-0008 城关项目" in out  # numbered past 乙县's, which it cannot see
    city.run("clerk", "arrive", "P-A", "500万", "--date", "2026-04-10")
    city.run("clerk", "arrive", "2026-0008", "100万", "--date", "2026-04-11")
    city.run("clerk", "arrival", "reverse", "3", "--reason", "录错")
    city.run("clerk", "project", "stage", "P-A", "started", "--date", "2026-04-12")
    city.run("clerk", "target", "allocate", "甲县", "--year", "2026", "--equal")
    city.run("clerk", "target", "set", "张三", "100万", "--year", "2026")
    city.run("clerk", "activity", "add", "甲县", "--date", "2026-04-03", "--visits", "2")
    rows = sql(city.location, "SELECT operator FROM arrival ORDER BY id")
    assert [row[0] for row in rows][2:] == [clerk] * 3
    trail = json.loads(zs("history", "-f", "json").stdout)
    assert {entry["operator"] for entry in trail[-9:]} == {clerk}
    operators = sql(city.location, "SELECT DISTINCT operator FROM target WHERE unit_id > 5")
    assert operators == [(clerk,)]
    # Every entry of theirs is sealed in the chain like the owner's.
    assert "is sound" in zs("check").stdout


@postgres_only
def test_operator_is_the_login_and_the_flag_is_refused(city: City) -> None:
    clerk = city.names["clerk"]
    err = city.refused("clerk", "arrive", "P-A", "1万", "--date", "2026-04-10", "--operator",
                       "省长")  # fmt: skip
    assert err == (
        "zs: --operator is not taken on a shared PostgreSQL ledger: every change is recorded "
        f"as the login that makes it ({clerk}); leave it out."
    )
    assert "--operator is not taken" in fails("init", "--operator", "省长").stderr
    zs("arrive", "P-A", "1万", "--date", "2026-04-10")  # ZS_OPERATOR=tester: not used here
    owner = sql(city.location, "SELECT session_user")[0][0]
    assert sql(city.location, "SELECT operator FROM arrival ORDER BY id DESC LIMIT 1") == [(owner,)]


@postgres_only
def test_a_viewer_only_reads_its_subtree(city: City) -> None:
    viewer = city.names["viewer"]
    writes = [
        ("arrive", "P-A", "1万", "--date", "2026-04-10"),
        ("add-project", "--name", "x", "--unit", "甲县"),
        ("project", "void", "P-A", "--reason", "录错"),
        ("project", "stage", "P-A", "started", "--date", "2026-04-12"),
        ("target", "set", "城关镇", "1万", "--year", "2026"),
        ("target", "allocate", "甲县", "--year", "2026", "--equal"),
        ("activity", "add", "甲县", "--date", "2026-04-03", "--visits", "2"),
        ("config", "set", "office", "某办"),
        ("rate", "set", "USD", "7.1", "--month", "2026-04"),
        ("unit", "add", "新镇", "--kind", "town", "--parent", "甲县"),
        ("arrival", "reverse", "2", "--reason", "录错"),
    ]
    for args in writes:
        err = city.refused("viewer", *args)
        assert err == f"zs: 甲县's viewer {viewer} only reads the ledger; nothing was written.", (
            args
        )
    listed = city.run("viewer", "project", "list", "-f", "json")
    assert [row["code"] for row in json.loads(listed.stdout)] == ["P-A"]
    assert f"{viewer} reads 甲县 and below" in listed.stderr
    assert (
        "outside what this login may see"
        in fails("project", "show", RIVAL, "--db", city.url("viewer")).stderr
    )
    targets = json.loads(
        city.run("viewer", "target", "list", "--year", "2026", "-f", "json").stdout
    )
    musts = {row["name"]: row["must_wan"] for row in targets}
    assert (musts["甲县"], musts.get("乙县"), musts["全市"]) == (30000, None, None)  # others hidden


@postgres_only
def test_an_admin_holds_the_whole_ledger(city: City) -> None:
    admin = city.names["admin"]
    city.run("admin", "config", "set", "office", "某市招商局")
    city.run("admin", "rate", "set", "USD", "7.1", "--month", "2026-04")
    city.run("admin", "unit", "add", "新镇", "--kind", "town", "--parent", "乙县")
    city.run("admin", "target", "set", "甲县", "4亿", "--year", "2026")
    city.run("admin", "arrive", RIVAL, "1万", "--date", "2026-04-10")
    city.run("admin", "project", "edit", RIVAL, "--investor", "乙集团")
    listed = city.run("admin", "project", "list", "-f", "json")
    assert {row["code"] for row in json.loads(listed.stdout)} == {"P-A", RIVAL}
    assert listed.stderr == ""
    last = json.loads(zs("history", "-f", "json").stdout)[-6:]
    assert {entry["operator"] for entry in last} == {admin}
    # Users are the owner's: the admin does not make logins.
    err = city.refused("admin", "user", "add", "someone_else", "--role", "viewer", "--unit", "甲县")
    assert "Only the ledger's owner" in err


@postgres_only
def test_arrivals_and_the_trail_are_append_only_for_every_user(city: City) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.pool import NullPool

    city.run("clerk", "arrive", "P-A", "500万", "--date", "2026-04-10")
    before = snapshot(city.location)
    clerk = city.names["clerk"]
    for who in ("clerk", "admin"):
        engine = create_engine(city.url(who).replace("postgresql://", "postgresql+psycopg://", 1),
                               poolclass=NullPool)  # fmt: skip
        for statement in (
            "UPDATE arrival SET cny_fen = 1",
            "DELETE FROM arrival",
            "UPDATE audit SET operator = 'x'",
            "DELETE FROM audit",
            "DELETE FROM audit_chain",
            "UPDATE audit_chain SET hash = 'x'",
            "INSERT INTO audit (at, operator, action, entity) VALUES (now(), 'someone', 'x', 'y')",
            "INSERT INTO arrival (project_id, arrived_on, currency, amount_minor, cny_fen, source,"
            " operator, entered_at) VALUES (1, '2026-04-01', 'CNY', 1, 1, 'domestic', 'someone',"
            " now())",
            *([f"UPDATE project SET name = 'x' WHERE code = '{RIVAL}'"] if who == "clerk" else []),
        ):
            with engine.connect() as conn:
                try:
                    result = conn.exec_driver_sql(statement)
                except DBAPIError as exc:
                    assert getattr(exc.orig, "sqlstate", None) == "42501", (who, statement)
                else:  # a row it cannot see is not there for it
                    assert result.rowcount == 0 and who == "clerk", (who, statement)
        engine.dispose()
    assert snapshot(city.location) == before
    assert clerk in {row[0] for row in sql(city.location, "SELECT operator FROM audit")}


def scram_matches(verifier: str, password: str) -> bool:
    """RFC 5802/7677: the verifier's StoredKey is H(HMAC(salted password, "Client Key"))."""
    method, rest = verifier.split("$", 1)
    iterations_salt, keys = rest.split("$")
    iterations, salt = iterations_salt.split(":")
    stored, _server = keys.split(":")
    salted = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), base64.b64decode(salt), int(iterations)
    )
    client = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return method == "SCRAM-SHA-256" and hashlib.sha256(client).digest() == base64.b64decode(stored)


def verifier_of(location: str, name: str) -> str:
    rows = sql(location, f"SELECT rolpassword FROM pg_authid WHERE rolname = '{name}'")
    return str(rows[0][0])


@postgres_only
def test_a_login_gets_only_the_scram_verifier_of_its_password(
    city: City, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk = city.names["clerk"]
    assert scram_matches(verifier_of(city.location, clerk), PASSWORD)
    new = tmp_path / "pw.txt"
    new.write_text("Another-67890\n", encoding="utf-8")
    out = zs("user", "set", clerk, "--password", "--password-file", new).stdout
    assert scram_matches(verifier_of(city.location, clerk), "Another-67890")
    assert "Another" not in out
    trail = json.loads(zs("history", "-f", "json").stdout)[-1]
    assert (trail["action"], trail["entity"]) == ("user.set", "user")
    assert "Another" not in json.dumps(trail, ensure_ascii=False)
    # Without a terminal, a password source or an existing login: one sentence.
    err = fails("user", "add", f"nobody_{os.getpid()}", "--role", "viewer", "--unit", "甲县").stderr
    assert "A password for nobody_" in err and "ZS_USER_PASSWORD" in err


@postgres_only
def test_user_list_says_what_each_reads_and_writes(city: City) -> None:
    rows = {row["name"]: row for row in json.loads(zs("user", "list", "-f", "json").stdout)}
    clerk, viewer, admin = (rows[city.names[who]] for who in ("clerk", "viewer", "admin"))
    assert (clerk["role"], clerk["unit"], clerk["login"]) == ("clerk", "甲县", True)
    assert clerk["reads"] == "甲县 and below"
    assert clerk["writes"] == "projects, arrivals and effort of 甲县 and below; targets below it"
    assert (viewer["role"], viewer["writes"]) == ("viewer", "nothing")
    assert (admin["role"], admin["unit"], admin["reads"]) == ("admin", None, "the whole ledger")
    table = zs("user", "list").stdout
    assert "Owner:" in table and city.names["clerk"] in table


@postgres_only
def test_users_are_changed_and_removed_in_the_trail(city: City) -> None:
    viewer = city.names["viewer"]
    zs("user", "set", viewer, "--unit", "全市")
    listed = city.run("viewer", "project", "list", "-f", "json")
    assert len(json.loads(listed.stdout)) == 2 and listed.stderr == ""  # the top sees all
    zs("user", "set", viewer, "--role", "clerk", "--unit", "乙县")
    city.run("viewer", "arrive", RIVAL, "1万", "--date", "2026-04-10")
    user_id = sql(city.location, f"SELECT id FROM ledger_user WHERE name = '{viewer}'")[0][0]
    out = zs("user", "remove", viewer).stdout
    assert out == f"Removed user {viewer} and dropped its login.\n"
    assert sql(city.location, f"SELECT 1 FROM pg_roles WHERE rolname = '{viewer}'") == []
    entries = [e for e in json.loads(zs("history", "-f", "json").stdout) if e["entity"] == "user"]
    assert [(e["action"], e["entity_id"]) for e in entries if e["entity_id"] == user_id] == [
        ("user.add", user_id),
        ("user.set", user_id),
        ("user.set", user_id),
        ("user.remove", user_id),
    ]
    assert entries[-1]["before"] == {"name": viewer, "role": "clerk", "unit": "乙县"}
    assert "is sound" in zs("check").stdout


@postgres_only
def test_a_duplicate_in_another_county_is_still_counted_once(city: City) -> None:
    err = city.refused("clerk", "add-project", "--name", "乙项目", "--investor", "乙公司",
                       "--unit", "甲县", "--signed", "2026-04-01")  # fmt: skip
    assert f"Project {RIVAL} (乙项目, 乙公司) is already in the ledger" in err


@postgres_only
def test_user_names_and_roles_are_checked(city: City, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZS_USER_PASSWORD", PASSWORD)
    before = snapshot(city.location)
    assert "cannot be a login" in fails("user", "add", "pg_bad", "--role", "clerk",
                                        "--unit", "甲县").stderr  # fmt: skip
    assert "Unknown user role" in fails("user", "add", "ok_name", "--role", "boss").stderr
    assert "works for a unit" in fails("user", "add", "ok_name", "--role", "clerk").stderr
    assert "leave out --unit" in fails("user", "add", "ok_name", "--role", "admin",
                                       "--unit", "甲县").stderr  # fmt: skip
    owner = sql(city.location, "SELECT session_user")[0][0]
    assert "bound by nothing" in fails("user", "add", owner, "--role", "viewer",
                                       "--unit", "甲县").stderr  # fmt: skip
    assert "already a user" in fails("user", "add", city.names["clerk"], "--role", "viewer",
                                     "--unit", "甲县").stderr  # fmt: skip
    assert snapshot(city.location) == before


@postgres_only
def test_init_keeps_the_rules_and_a_users_init_changes_nothing(city: City) -> None:
    assert "is up to date" in zs("init").stdout
    assert "is up to date" in city.run("clerk", "init").stdout
    err = city.refused("clerk", "target", "set", "甲县", "1亿", "--year", "2026")
    assert "may not write to 甲县" in err


@postgres_only
def test_zs_checks_the_scope_before_the_commit_too(city: City) -> None:
    """Were a policy missing (dropped by hand), the check before the commit still refuses."""
    sql(city.location, "DROP POLICY zs_target_add ON target")
    sql(city.location, "CREATE POLICY zs_target_open ON target FOR INSERT WITH CHECK (true)")
    clerk = city.names["clerk"]
    err = city.refused("clerk", "target", "set", "甲县", "0.01亿", "--year", "2026")
    assert err == (
        f"zs: 甲县's clerk {clerk} may not write to 甲县 (a target: a unit's own target is set "
        "from above it); nothing was written."
    )
    zs("init")  # puts this zs's policies back, and only them
    policies = sql(city.location, "SELECT policyname FROM pg_policies WHERE tablename = 'target'")
    assert sorted(row[0] for row in policies) == ["zs_target_add", "zs_target_read"]


@postgres_only
def test_an_existing_login_becomes_a_user_and_may_stay_after(city: City) -> None:
    name = f"existing_{os.getpid()}_{next(_numbers)}"
    sql(city.location, f'CREATE ROLE "{name}" LOGIN')
    try:
        out = zs("user", "add", name, "--role", "viewer", "--unit", "乙县").stdout
        assert out == f"Added viewer {name} for 乙县: an existing login, its password kept.\n"
        listed = zs("project", "list", "-f", "json", "--db", as_login(city.location, name))
        assert [row["code"] for row in json.loads(listed.stdout)] == [RIVAL]
        out = zs("user", "remove", name, "--keep-login").stdout
        assert out == f"Removed user {name}; its login stays.\n"
        assert sql(city.location, f"SELECT 1 FROM pg_roles WHERE rolname = '{name}'") == [(1,)]
        err = fails("project", "list", "--db", as_login(city.location, name)).stderr
        assert "permission denied" in err
    finally:
        drop_roles(city.location, [name])
