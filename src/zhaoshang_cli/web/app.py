"""`zs serve`: the read-only dashboard as a Starlette application.

Safe by default: the ledger is opened read-only and every request reads one snapshot; only GET
and HEAD are answered; with a token (required by `zs serve` off 127.0.0.1) every request must
carry it, compared in constant time; pages carry a CSP that allows scripts from the server
alone (the data travels as JSON, never as script), and may not be framed. Pages are cached
per ledger version (the last audit entry and the chain's head), so an unchanged ledger is
not read again.

The first page holds the views of its period; the 督查 list and the 红黑榜 (the costliest:
the 督查 list runs to tens of thousands of rows on a province's ledger) follow from
``/part/warnings`` and ``/part/score``, fetched by the page's script, and cached the same way.
The views that read through the ORM (``web.detail``) are imported when one is first asked for,
so the first page loads neither the ORM nor pydantic."""

import hmac
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from zhaoshang_cli.core.dates import today
from zhaoshang_cli.core.errors import Invalid, NotFound, ZsError
from zhaoshang_cli.core.i18n import _, in_language
from zhaoshang_cli.core.periods import Period, PeriodChoice, choose_period
from zhaoshang_cli.store.ledger import Ledger
from zhaoshang_cli.web.data import dashboard, ledger_version
from zhaoshang_cli.web.page import STATIC, json_text, render

PERIOD_KEYS = ("year", "month", "quarter", "from", "to")
TOKEN_COOKIE = "zs_token"
CACHED_PAGES = 64
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def detail() -> Any:
    """``web.detail``, on first use."""
    from zhaoshang_cli.web import detail as views  # noqa: PLC0415 (the ORM: not for the first page)

    return views


@dataclass(frozen=True)
class Settings:
    db: str | None
    lang: str
    token: str | None = None


def period_of(request: Request) -> Period:
    """The period options as query parameters, checked as `zs report` checks them."""
    params = request.query_params
    numbers: dict[str, int | None] = {}
    for key in ("year", "month", "quarter"):
        text = params.get(key, "").strip()
        if not text:
            numbers[key] = None
            continue
        try:
            numbers[key] = int(text)
        except ValueError:
            raise Invalid(
                _("--{option} takes a whole number, not {value!r}.").format(option=key, value=text)
            ) from None
    month, quarter = numbers["month"], numbers["quarter"]
    if month is not None and not 1 <= month <= 12:
        raise Invalid(_("--month takes 1 to 12, not {value}.").format(value=month))
    if quarter is not None and not 1 <= quarter <= 4:
        raise Invalid(_("--quarter takes 1 to 4, not {value}.").format(value=quarter))
    start = params.get("from", "").strip() or None
    end = params.get("to", "").strip() or None
    return choose_period(PeriodChoice(numbers["year"], month, quarter, start, end), "month")


def period_query(request: Request) -> str:
    """The period parameters again, for the links from a page to its drill-downs."""
    kept = [(k, request.query_params[k]) for k in PERIOD_KEYS if request.query_params.get(k)]
    return urlencode(kept)


class Cache:
    """Rendered answers by (ledger version, path and query, language): the newest few."""

    def __init__(self, size: int = CACHED_PAGES) -> None:
        self.size = size
        self.pages: OrderedDict[tuple[str, ...], tuple[str, str]] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = 0

    def get(self, key: tuple[str, ...]) -> tuple[str, str] | None:
        with self.lock:
            found = self.pages.get(key)
            if found is not None:
                self.pages.move_to_end(key)
                self.hits += 1
            return found

    def put(self, key: tuple[str, ...], value: tuple[str, str]) -> None:
        with self.lock:
            self.pages[key] = value
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


class Guard(BaseHTTPMiddleware):
    """Reads only, the token where one is set, and the security headers on every answer."""

    def __init__(self, app: Any, token: str | None) -> None:
        super().__init__(app)
        self.token = token

    def carried(self, request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            return header[7:].strip()
        return request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE)

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if request.method not in ("GET", "HEAD"):
            response: Response = PlainTextResponse(
                _("The dashboard only reads."), status_code=405, headers={"Allow": "GET, HEAD"}
            )
        elif self.token is not None and not hmac.compare_digest(
            (self.carried(request) or "").encode(), self.token.encode()
        ):
            response = PlainTextResponse(
                _("A token is needed: open the link with ?token=… as given to you."),
                status_code=401,
            )
        elif self.token is not None and request.query_params.get("token"):
            # The link as given: the token goes into a cookie and out of the address bar (and
            # the browser's history), by a redirect to the same page without it.
            kept = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = request.url.path + (f"?{urlencode(kept)}" if kept else "")
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(
                TOKEN_COOKIE, self.token, httponly=True, samesite="strict", path="/"
            )
        else:
            response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers[name] = value
        return response


def closing(ledger: Ledger) -> Callable[[Starlette], Any]:
    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        ledger.dispose()

    return lifespan


def create_app(settings: Settings) -> Starlette:
    """The dashboard over the ledger ``settings.db``, opened read-only once."""
    ledger = Ledger.open(settings.db, read_only=True)
    cache = Cache()

    def answer(
        request: Request,
        view: str,
        build: Callable[[Any], dict[str, Any]],
        template: str,
        *,
        core: bool = False,
    ) -> Response:
        """The view built on one read snapshot (a Core connection where ``core``), as JSON
        under /api/, else as HTML; from the cache while the ledger is unchanged."""
        as_json = request.url.path.startswith("/api/")
        key_query = str(request.url.query)
        with in_language(settings.lang):
            try:
                with ledger.snapshot() if core else ledger.read() as session:
                    version = ledger_version(session)
                    key = (
                        version,
                        today().isoformat(),
                        view,
                        request.url.path,
                        key_query,
                        settings.lang,
                    )
                    found = cache.get(key)
                    if found is None:
                        data = build(session)
                        if as_json:
                            found = ("application/json", json_text(data))
                        else:
                            form = {k: request.query_params.get(k, "") for k in PERIOD_KEYS}
                            page = render(template, data, query=period_query(request), form=form)
                            found = ("text/html; charset=utf-8", page)
                        cache.put(key, found)
            except ZsError as exc:
                status = 404 if isinstance(exc, NotFound) else 400
                if as_json:
                    return Response(
                        json_text({"error": str(exc)}), status, media_type="application/json"
                    )
                return HTMLResponse(render("error.html", {"message": str(exc)}), status)
        media, body = found
        return Response(body, media_type=media)

    def home(request: Request) -> Response:
        period = period_of(request)
        if request.url.path.startswith("/api/"):  # every view, as the one-file 通报 has them
            full = detail().full_dashboard
            return answer(request, "dashboard", lambda s: full(s, period), "dashboard.html")
        first = lambda s: dashboard(s, period)  # the views of the period  # noqa: E731
        return answer(request, "dashboard", first, "dashboard.html", core=True)

    def warnings(request: Request) -> Response:
        period = period_of(request)
        view = detail().warnings_view
        return answer(request, "warnings", lambda s: view(s, period), "part_warnings.html")

    def score(request: Request) -> Response:
        view = detail().score_view
        return answer(request, "score", lambda s: view(s), "part_score.html")

    def unit(request: Request) -> Response:
        name = request.path_params["name"]
        period = period_of(request)
        view = detail().unit_page
        return answer(request, "unit", lambda s: view(s, period, name), "unit.html")

    def project(request: Request) -> Response:
        code = request.path_params["code"]
        view = detail().project_page
        return answer(request, "project", lambda s: view(s, code), "project.html")

    def safely(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
        def wrapped(request: Request) -> Response:
            try:
                return handler(request)
            except ZsError as exc:  # a bad period in the query: one sentence
                with in_language(settings.lang):
                    if request.url.path.startswith("/api/"):
                        return Response(
                            json_text({"error": str(exc)}), 400, media_type="application/json"
                        )
                    return HTMLResponse(render("error.html", {"message": str(exc)}), 400)

        return wrapped

    routes = [
        Route("/", safely(home)),
        Route("/api/dashboard", safely(home)),
        Route("/part/warnings", safely(warnings)),
        Route("/api/warnings", safely(warnings)),
        Route("/part/score", safely(score)),
        Route("/api/score", safely(score)),
        Route("/unit/{name:path}", safely(unit)),
        Route("/api/unit/{name:path}", safely(unit)),
        Route("/project/{code}", safely(project)),
        Route("/api/project/{code}", safely(project)),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard, token=settings.token)],
        lifespan=closing(ledger),
    )
    app.state.cache = cache
    app.state.ledger = ledger
    return app
