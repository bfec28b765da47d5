"""The passwords in a ledger's location, and the one place that keeps them out of what zs prints.

A PostgreSQL ledger's location may carry a password in three forms: in the URL's userinfo
(``postgresql://clerk:SECRET@db/zs``), in its query (``postgresql://clerk@db/zs?password=SECRET``)
or in a libpq key/value DSN (``host=db dbname=zs user=clerk password=SECRET``), which zs turns
into a psycopg URL. ``shown`` is a location as it may be printed (``***`` for the password);
``redact`` takes out of any text the passwords of every location opened in this process (and of
ZS_DB), in each spelling a message could quote them in, and whatever is shaped like a password
in a URL or DSN: the error boundary passes every sentence and traceback through it.

SQLAlchemy is imported only where a URL is read or written, so the error boundary may use this
module whatever has been loaded.
"""

import os
import re
from urllib.parse import quote, quote_plus, unquote, unquote_plus

MASK = "***"
POSTGRES_DRIVER = "postgresql+psycopg"
# libpq's connection keywords (PostgreSQL 17): a DSN is text made only of these, key=value.
DSN_KEYWORDS = frozenset(
    [
        "host",
        "hostaddr",
        "port",
        "dbname",
        "user",
        "password",
        "passfile",
        "require_auth",
        "channel_binding",
        "connect_timeout",
        "client_encoding",
        "options",
        "application_name",
        "fallback_application_name",
        "keepalives",
        "keepalives_idle",
        "keepalives_interval",
        "keepalives_count",
        "tcp_user_timeout",
        "replication",
        "gssencmode",
        "sslmode",
        "sslnegotiation",
        "requiressl",
        "sslcompression",
        "sslcert",
        "sslkey",
        "sslpassword",
        "sslcertmode",
        "sslrootcert",
        "sslcrl",
        "sslcrldir",
        "sslsni",
        "requirepeer",
        "ssl_min_protocol_version",
        "ssl_max_protocol_version",
        "krbsrvname",
        "gsslib",
        "gssdelegation",
        "service",
        "target_session_attrs",
        "load_balance_hosts",
    ]
)
SECRET_KEYS = ("password", "sslpassword")
DSN_KEY = re.compile(r"([a-z_]+)\s*=\s*")
# A host that fits in a URL's netloc; any other (a socket folder, several hosts) goes in the query.
PLAIN_HOST = re.compile(r"[A-Za-z0-9.-]+")
# As SQLAlchemy's URL reads its userinfo: the password runs from the first ':' to the first '@'.
USERINFO_PASSWORD = re.compile(r"^[\w+]+://[^:/]*:(?P<password>[^@]*)@")
# As a person may mean it, with a raw '@' in the password: up to the last '@' before the path.
RAW_USERINFO = re.compile(r"^[\w+]+://[^:/]*(?::(?P<password>[^/?#]*))?@")
# Shaped like a password wherever it is: in a URL's userinfo, as key=value (a query, a DSN, an
# environment variable such as PGPASSWORD), or as a quoted key of a dict.
SHAPES = (
    re.compile(r"(?P<keep>\b[A-Za-z][\w+.-]*://[^\s:/@'\"]*:)[^\s@'\"]*(?=@)"),
    re.compile(  # not again where it is *** already (a ':' after it may end a phrase)
        r"(?P<keep>\b\w*password\s*=\s*)(?!\*{3}(?:[\s&'\",;):]|$))"
        r"(?:'(?:[^'\\]|\\.)*'|[^\s&'\",;)]+)",
        re.IGNORECASE,
    ),
    re.compile(r"(?P<keep>(?P<q>['\"])\w*password(?P=q)\s*:\s*)(?P<v>['\"])(?:(?!(?P=v)).)*(?P=v)"),
)

_remembered: set[str] = set()


def dsn_pairs(text: str) -> list[tuple[str, str]] | None:
    """The pairs of a libpq key/value connection string, in order; None when the text is not
    one: nothing but key=value pairs, at least one key a libpq keyword (a mistyped key, such
    as ``pasword=…``, still makes a DSN, which zs then refuses by its key), each value plain
    (up to a space) or single-quoted, with backslash escapes, as libpq reads them."""
    pairs: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i == n:
            return pairs if any(key in DSN_KEYWORDS for key, _ in pairs) else None
        key = DSN_KEY.match(text, i)
        if key is None:
            return None
        i = key.end()
        value: list[str] = []
        quoted = i < n and text[i] == "'"
        i += quoted
        while i < n and (quoted or not text[i].isspace()):
            if text[i] == "\\" and i + 1 < n:
                i += 1
            elif quoted and text[i] == "'":
                break
            value.append(text[i])
            i += 1
        if quoted:
            if i == n:
                return None  # the quote is never closed
            i += 1
        pairs.append((key[1], "".join(value)))


def is_dsn(location: str) -> bool:
    return dsn_pairs(location) is not None


def unknown_keys(dsn: str) -> list[str]:
    """The keys of a DSN that are no libpq keyword: mistyped, as likely as not."""
    return [key for key, _ in dsn_pairs(dsn) or () if key not in DSN_KEYWORDS]


def dsn_url(dsn: str) -> str:
    """A libpq DSN as the psycopg URL that connects the same way (a later key wins, as in
    libpq): user, password, host, port and database in their places, the rest in the query
    (a password too, when there is no user for it to follow). Keys that are no libpq
    keyword are left out: their values are unknown, and may be a mistyped password."""
    from sqlalchemy.engine import URL  # noqa: PLC0415 (only for a DSN)

    pairs = {key: value for key, value in dsn_pairs(dsn) or () if key in DSN_KEYWORDS}
    user = pairs.pop("user", None)
    password = pairs.pop("password", None) if user else None  # else it stays in the query
    database = pairs.pop("dbname", None)
    host, port = pairs.get("host"), pairs.get("port")
    in_netloc = (
        host is not None
        and PLAIN_HOST.fullmatch(host) is not None
        and (port is None or port.isdigit())
    )
    if in_netloc:
        pairs.pop("host")
        pairs.pop("port", None)
    url = URL.create(
        POSTGRES_DRIVER,
        username=user or None,
        password=password or None,
        host=host if in_netloc else None,
        port=int(port) if in_netloc and port else None,
        database=database or None,
        query=pairs,
    )
    return url.render_as_string(hide_password=False)


def passwords_in(location: str) -> set[str]:
    """Every password in a location (as given and as decoded), in every spelling a message
    could quote it in: percent-encoded, as SQLAlchemy writes it, libpq-quoted, repr-escaped."""
    found: set[str] = set()
    pairs = dsn_pairs(location)
    if pairs is not None:
        found.update(value for key, value in pairs if key in SECRET_KEYS or key not in DSN_KEYWORDS)
    elif "://" in location:
        read, meant = USERINFO_PASSWORD.match(location), RAW_USERINFO.match(location)
        if meant is not None and "@" in (meant["password"] or ""):
            read = None  # its password is only the part before the '@'
        for userinfo in (read, meant):
            if userinfo is not None and userinfo["password"] is not None:
                found.update((userinfo["password"], unquote(userinfo["password"])))
        query = location.split("?", 1)[1] if "?" in location else ""
        for pair in re.split(r"[&;]", query.split("#", 1)[0]):
            key, _, value = pair.partition("=")
            if unquote_plus(key) in SECRET_KEYS:
                found.update((value, unquote_plus(value)))
    spellings = set()
    for secret in filter(None, found):
        spellings.update(
            (
                secret,
                quote(secret, safe=""),
                quote_plus(secret),
                re.sub(r"[:@/]", lambda m: f"%{ord(m[0]):X}", secret),  # SQLAlchemy's userinfo
                secret.replace("\\", "\\\\").replace("'", "\\'"),  # libpq's conninfo
                repr(secret)[1:-1],
            )
        )
    return {spelling for spelling in spellings if spelling}


def remember(location: str) -> None:
    """A location this process opens: its passwords are taken out of every message."""
    _remembered.update(passwords_in(location))


def redact(text: str, *locations: str) -> str:
    """The text with no password in it: neither one of these locations, of ZS_DB or of any
    location opened in this process, nor anything shaped like one (``***`` instead)."""
    for shape in SHAPES:
        text = shape.sub(lambda m: m["keep"] + MASK, text)
    secrets = set(_remembered)
    for location in (*locations, os.environ.get("ZS_DB", "")):
        secrets |= passwords_in(location)
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def shown(location: str) -> str:
    """The location as it may be printed: a file as it is; a URL (a DSN as its psycopg URL)
    with ``***`` for the password, in its userinfo or its query."""
    if is_dsn(location):
        location = dsn_url(location)
    elif "://" not in location:
        return location
    from sqlalchemy.engine import make_url  # noqa: PLC0415 (only for a URL)
    from sqlalchemy.exc import ArgumentError  # noqa: PLC0415

    try:
        url = make_url(location)
    except (ArgumentError, ValueError):
        url = None
    if url is None or "@" in (url.host or ""):  # a raw '@' in a password: part of it in the host
        return location.split("://", 1)[0] + "://…"
    text = url.render_as_string(hide_password=True)
    keys = "|".join(SECRET_KEYS)
    return re.sub(rf"(?P<keep>[?&](?:{keys})=)[^&#]*", lambda m: m["keep"] + MASK, text)
