"""zs serve: the leaders' 驾驶舱, a read-only dashboard in the browser (the web extra)."""

from pathlib import Path
from typing import Annotated

import typer

from zhaoshang_cli.cli.common import DbOption, say
from zhaoshang_cli.core.errors import Invalid, MissingExtra
from zhaoshang_cli.core.i18n import _

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
SHORTEST_TOKEN = 32


def read_token(path: Path) -> str:
    """A long random token, the file's first line."""
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise Invalid(
            _("{file}: the token file cannot be read ({reason}).").format(
                file=path, reason=getattr(exc, "strerror", None) or exc
            )
        ) from None
    if len(token) < SHORTEST_TOKEN or any(c.isspace() for c in token):
        raise Invalid(
            _(
                "{file}: the token must be one line of at least {n} characters without spaces; "
                'make one with `python -c "import secrets; print(secrets.token_urlsafe(32))"`.'
            ).format(file=path, n=SHORTEST_TOKEN)
        )
    return token


def check_web_extra(server: bool = True) -> None:
    """One sentence when the web extra is not installed (the HTML file needs Jinja2 alone)."""
    try:
        import jinja2  # noqa: F401

        if server:
            import starlette  # noqa: F401
            import uvicorn  # noqa: F401
    except ImportError:
        raise MissingExtra(
            _("The dashboard needs the web extra: install zhaoshang-cli[web].")
        ) from None


def web_app(db: str | None, lang: str, token: str | None):  # type: ignore[no-untyped-def]
    """The application, or one sentence when the web extra is not installed."""
    check_web_extra()
    from zhaoshang_cli.web.app import Settings, create_app

    return create_app(Settings(db, lang, token))


def serve(
    host: Annotated[
        str,
        typer.Option(help="Address to listen on; any other than 127.0.0.1 needs --token-file."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8750,
    token_file: Annotated[
        Path | None,
        typer.Option(
            "--token-file",
            help="A file holding a long random token that every request must carry "
            "(?token=… once, then a cookie); required off 127.0.0.1.",
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(help="zh or en (default: ZS_LANG, else the locale; Chinese)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """The leaders' dashboard (驾驶舱), read-only: completion against 时序进度, money by month,
    the pipeline, the 督查 list, the 黄牌 units and the 红黑榜, with pages per unit and
    project."""
    from zhaoshang_cli.core.i18n import ENGLISH, language

    if lang is not None and lang.strip().lower() not in ("zh", "zh_cn", "en"):
        raise Invalid(_("--lang takes zh or en, not {value!r}.").format(value=lang))
    chosen = language() if lang is None else ENGLISH if lang.lower() == "en" else "zh_CN"
    token = read_token(token_file) if token_file is not None else None
    if host not in LOCAL_HOSTS and token is None:
        raise Invalid(
            _(
                "--host {host} opens the dashboard to the network; give --token-file with a "
                "long random token, or leave --host at 127.0.0.1."
            ).format(host=host)
        )
    app = web_app(db, chosen, token)
    import uvicorn

    shown = f"[{host}]" if ":" in host else host
    say(
        _("The dashboard is at http://{host}:{port}/ (read-only); Ctrl-C stops it.").format(
            host=shown, port=port
        )
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


def register(app: typer.Typer) -> None:
    app.command()(serve)
