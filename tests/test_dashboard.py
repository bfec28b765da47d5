"""The leaders' dashboard (zs serve) and the one-file HTML 通报 (zs report --html), in a real
headless browser: Debian's chromium driven by Playwright (never `playwright install`).

The demo ledger is built once for the module and served in-process (uvicorn in a thread, on a
free port); one browser serves every test. Screenshots at 1366×768 and 1920×1080 are kept in
tests/screenshots/ (ignored by git) for a person to look at."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from helpers import ON_POSTGRES, TEST_DB, Location, admin_connection, snapshot, zs

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

pytest.importorskip("starlette")
pytest.importorskip("jinja2")
uvicorn = pytest.importorskip("uvicorn")

from zhaoshang_cli.web.app import Settings, create_app  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SHOTS = Path(__file__).parent / "screenshots"
PERIODS = {  # query string: the same options for zs report
    "month=4": ("--month", "4"),
    "quarter=2&year=2026": ("--quarter", "2", "--year", "2026"),
    "from=2026-07-20&to=2026-10-31": ("--from", "2026-07-20", "--to", "2026-10-31"),
}
ROW_KEYS = ("target", "actual", "completion", "progress_ratio", "last_year", "yoy", "rank")
ENVIRONMENT = {"ZS_TODAY": "2026-11-23", "ZS_LANG": "en", "ZS_OPERATOR": "tester"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(app: Any) -> Iterator[str]:
    """The application on a free local port, in a thread, for as long as the block runs."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[str]:
    """The demo city, built once for the module (a file, or a database of its own)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name, value in ENVIRONMENT.items():
            monkeypatch.setenv(name, value)
        if not ON_POSTGRES:
            location = str(tmp_path_factory.mktemp("demo") / "demo.db")
            zs("demo", "--db", location)
            yield location
            return
        if "://" in TEST_DB:
            pytest.skip("the demo needs a database of its own, on the suite's own server")
        from sqlalchemy.engine import make_url

        server = request.getfixturevalue("postgres_database")
        name = f"zs_demo_{os.getpid()}"
        with admin_connection(server) as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        location = make_url(server).set(database=name).render_as_string(hide_password=False)
        zs("demo", "--db", location)
        try:
            yield location
        finally:
            with admin_connection(server) as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def site(demo: str) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name, value in ENVIRONMENT.items():
            monkeypatch.setenv(name, value)
        with served(create_app(Settings(demo, "en"))) as url:
            yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    # A CSP violation or a failed request is a console error: none may happen.
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield opened
    context.close()
    assert errors == [], errors


def charted(page: Any, count: int) -> None:
    """The page's script has drawn its charts (a selector: the CSP allows no eval)."""
    page.wait_for_selector(f"html[data-charts='{count}']", state="attached")


def report_json(demo: str, *options: str) -> dict[str, Any]:
    result = zs("report", *options, "--format", "json", "--db", demo)
    return json.loads(result.stdout, parse_float=Decimal)


def value(text: str | None) -> Decimal | None:
    return None if text in (None, "") else Decimal(text)


def expected(row: dict[str, Any]) -> dict[str, Decimal | None]:
    return {key: value(None if row[key] is None else str(row[key])) for key in ROW_KEYS}


def rows_on(page: Any) -> dict[tuple[str, str], dict[str, Decimal | None]]:
    """The completion table as the DOM holds it: (row type, unit) → each figure."""
    found = page.evaluate(
        """() => Array.from(document.querySelectorAll('#completion-table tr[data-row]')).map(tr => ({
            row: tr.dataset.row, unit: tr.dataset.unit,
            values: Object.fromEntries(Array.from(tr.querySelectorAll('[data-key]'))
                .map(n => [n.dataset.key, n.dataset.value]))}))"""
    )
    return {
        (item["row"], item["unit"]): {key: value(item["values"][key]) for key in ROW_KEYS}
        for item in found
    }


def wanted_rows(data: dict[str, Any]) -> dict[tuple[str, str], dict[str, Decimal | None]]:
    rows = {}
    for group in data["groups"]:
        for row in group["rows"]:
            rows[("unit", row["unit"])] = expected(row)
        rows[("subtotal", group["subtotal"]["unit"])] = expected(group["subtotal"])
    if data["own"] is not None:
        rows[("own", data["own"]["unit"])] = expected(data["own"])
    rows[("total", data["total"]["unit"])] = expected(data["total"])
    return rows


def shown(page: Any, key: str) -> Decimal | None:
    return value(page.locator(f'#headline [data-key="{key}"]').get_attribute("data-value"))


def chart_option(page: Any, element: str) -> dict[str, Any]:
    return page.evaluate(
        """(id) => { const c = echarts.getInstanceByDom(document.getElementById(id));
                     const o = c.getOption();
                     return {series: o.series.map(s => ({name: s.name, type: s.type, data: s.data,
                             lines: s.markLine ? s.markLine.data.map(d => d.yAxis) : []})),
                             categories: o.xAxis ? o.xAxis[0].data : null}; }""",
        element,
    )


def check_page_numbers(page: Any, data: dict[str, Any]) -> None:
    assert rows_on(page) == wanted_rows(data)
    total = data["total"]
    for key in ("actual", "target", "completion", "yoy", "last_year"):
        assert shown(page, f"total.{key}") == expected(total)[key], key
    assert shown(page, "time_progress") is not None
    projects = data["projects"]
    assert shown(page, "projects.introduced.count") == projects["introduced"]["count"]
    assert shown(page, "projects.major_signed.count") == projects["major_signed"]["count"]
    assert shown(page, "projects.new_started.count") == projects["new_started"]["count"]


@pytest.mark.parametrize("query", list(PERIODS))
def test_the_pages_numbers_are_the_reports(site: str, demo: str, page: Any, query: str) -> None:
    data = report_json(demo, *PERIODS[query])
    page.goto(f"{site}/?{query}")
    charted(page, 3)
    check_page_numbers(page, data)
    api = page.request.get(f"{site}/api/dashboard?{query}")
    assert api.ok
    served_data = json.loads(api.text(), parse_float=Decimal)
    assert served_data["report"] == data  # the JSON endpoint: the same document


def test_each_chart_is_drawn_with_the_reports_figures(site: str, demo: str, page: Any) -> None:
    data = report_json(demo, "--month", "4")
    page.goto(f"{site}/?month=4")
    charted(page, 3)

    completion = chart_option(page, "chart-completion")
    units = [row["unit"] for group in data["groups"] for row in group["rows"]]
    assert completion["categories"] == units
    assert len(completion["series"]) == len(data["groups"])
    for series, group in zip(completion["series"], data["groups"], strict=True):
        assert series["type"] == "bar" and series["name"]
        completions = {row["unit"]: row["completion"] for row in group["rows"]}
        assert series["data"] == [
            float(completions[unit]) if completions.get(unit) is not None else None
            for unit in units
        ]
    progress, yellow = completion["series"][0]["lines"]
    assert progress == float(data["time_progress"])
    assert yellow == pytest.approx(float(data["time_progress"] * data["threshold"]), abs=1e-6)

    monthly = chart_option(page, "chart-monthly")
    assert [s["type"] for s in monthly["series"]] == ["line", "line"]
    this_year, last_year = (s["data"] for s in monthly["series"])
    assert len(this_year) == len(last_year) == 4
    assert this_year[-1] == float(data["total"]["actual"])  # 1 January to April: the headline
    assert last_year[-1] == float(data["total"]["last_year"])
    assert this_year == sorted(this_year)  # cumulative

    funnel = chart_option(page, "chart-funnel")
    [stages] = funnel["series"]
    assert stages["type"] == "funnel"
    assert [p["name"] for p in stages["data"]] == [
        "lead",
        "negotiating",
        "signed",
        "started",
        "completed",
        "producing",
    ]
    table = page.evaluate(
        "() => Array.from(document.querySelectorAll('#funnel-table [data-value]'))"
        ".map(n => Number(n.dataset.value))"
    )
    assert [p["value"] for p in stages["data"]] == table
    assert sum(table) > 0


def test_a_click_on_a_county_opens_its_page_and_its_towns(site: str, demo: str, page: Any) -> None:
    page.goto(f"{site}/?month=4")
    county = report_json(demo, "--month", "4")["groups"][0]["rows"][0]["unit"]
    page.locator("#completion-table a.unit-link", has_text=county).first.click()
    page.wait_for_url(f"**/unit/{quote('全市/' + county, safe='')}?month=4")
    assert page.locator("#unit-name").inner_text() == county
    towns = report_json(demo, "--month", "4", "--unit", county)
    assert towns["groups"], "a county of the demo has towns"
    assert rows_on(page) == wanted_rows(towns)
    charted(page, 1)
    drawn = chart_option(page, "chart-completion")  # towns have no targets: the money
    towns_money = [float(row["actual"]) for row in towns["groups"][0]["rows"]]
    assert drawn["series"][0]["data"][: len(towns_money)] == towns_money
    assert drawn["series"][0]["lines"] == []
    town = towns["groups"][0]["rows"][0]["unit"]
    page.locator("#completion-table a.unit-link", has_text=town).first.click()
    page.wait_for_url(f"**/unit/{quote(f'全市/{county}/{town}', safe='')}?month=4")
    assert page.locator("#unit-name").inner_text() == town
    code = page.locator("#project-table tr[data-code]").first.get_attribute("data-code")
    page.locator(f'#project-table a[href="/project/{code}"]').click()
    page.wait_for_url(f"**/project/{code}")
    assert page.locator("#project-code").inner_text() == code


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_screenshots_at_both_sizes(site: str, browser: Any, size: tuple[int, int]) -> None:
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        shot = context.new_page()
        shot.goto(f"{site}/?month=4")
        charted(shot, 3)
        SHOTS.mkdir(exist_ok=True)
        shot.screenshot(path=str(SHOTS / f"dashboard-{width}x{height}.png"))
        shot.screenshot(path=str(SHOTS / f"dashboard-{width}x{height}-full.png"), full_page=True)
        # Nothing sideways: the page is as wide as the screen.
        assert shot.evaluate("document.documentElement.scrollWidth") <= width
        county = shot.locator("#completion-table a.unit-link").first
        county.click()
        charted(shot, 1)
        shot.screenshot(path=str(SHOTS / f"unit-{width}x{height}.png"), full_page=True)
        assert shot.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


def test_a_screenshot_in_chinese_the_default(demo: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        with served(create_app(Settings(demo, "zh_CN"))) as url:
            shot = context.new_page()
            shot.goto(f"{url}/?month=4")
            charted(shot, 3)
            assert shot.locator("html").get_attribute("lang") == "zh-CN"
            assert "县区" in chart_option(shot, "chart-completion")["series"][0]["name"]
            shot.hover("#chart-completion canvas", position={"x": 100, "y": 200})
            SHOTS.mkdir(exist_ok=True)
            shot.screenshot(path=str(SHOTS / "dashboard-zh-1920x1080.png"))
    finally:
        context.close()


def test_a_print_is_a4_landscape(site: str, page: Any, tmp_path: Path) -> None:
    page.goto(f"{site}/?month=4")
    charted(page, 3)
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (SHOTS if SHOTS.exists() else tmp_path).joinpath("dashboard-print.pdf").write_bytes(pdf)
    box = pdf.split(b"/MediaBox", 1)[1].split(b"]", 1)[0].strip(b" [").split()
    width, height = (float(box[2]), float(box[3]))
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points


def test_the_html_file_opens_offline_with_the_same_numbers(
    demo: str, browser: Any, tmp_path: Path
) -> None:
    target = tmp_path / "通报.html"
    zs("report", "--month", "4", "--html", str(target), "--db", demo)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # renamed into place
    data = report_json(demo, "--month", "4")
    context = browser.new_context(viewport={"width": 1366, "height": 768}, offline=True)
    asked: list[str] = []

    def refuse(route: Any) -> None:
        asked.append(route.request.url)
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", refuse)
    try:
        offline = context.new_page()
        errors: list[str] = []
        offline.on("pageerror", lambda error: errors.append(str(error)))
        offline.goto(target.as_uri())
        charted(offline, 3)
        check_page_numbers(offline, data)
        assert chart_option(offline, "chart-monthly")["series"][0]["data"][-1] == float(
            data["total"]["actual"]
        )
        assert errors == []
        assert all(url.startswith("file://") for url in asked), asked
        assert len(asked) == 1  # the file itself: data, styles and ECharts are inside it
        SHOTS.mkdir(exist_ok=True)
        offline.screenshot(path=str(SHOTS / "html-file-1366x768.png"))
    finally:
        context.close()


def deferred_views(page: Any) -> dict[str, Any]:
    """The 督查 list and the 红黑榜 as the DOM holds them, once they are in place."""
    return page.evaluate(
        """() => ({
            warnings: Array.from(document.querySelectorAll('#warn-table tbody tr')).map(tr => ({
                code: tr.dataset.code, rule: tr.dataset.rule,
                name: tr.querySelector('td.name').textContent,
                values: Array.from(tr.querySelectorAll('[data-key]')).map(n => n.dataset.value)})),
            red: Array.from(document.querySelectorAll('#red-board li')).map(li => li.textContent),
            black: Array.from(document.querySelectorAll('#black-board li')).map(li => li.textContent),
        })"""
    )


def filled(page: Any) -> None:
    """The sections sent after the first paint are in place."""
    for section in ("#warn-section", "#score-section"):
        page.wait_for_selector(f"{section} .deferred[data-state='done']", state="attached")


def test_the_list_and_the_boards_follow_the_first_page_with_the_files_rows(
    site: str, demo: str, page: Any, browser: Any, tmp_path: Path
) -> None:
    """The first page comes without the 督查 list and the 红黑榜; its script fetches them, and
    they hold the rows the one-file 通报 holds inline, and the JSON endpoints' rows."""
    first = page.request.get(f"{site}/?month=4")
    assert 'id="warn-table"' not in first.text() and 'id="red-board"' not in first.text()
    assert 'data-part="/part/warnings?month=4"' in first.text()
    page.goto(f"{site}/?month=4")
    charted(page, 3)
    filled(page)
    served = deferred_views(page)
    target = tmp_path / "通报.html"
    zs("report", "--month", "4", "--html", str(target), "--db", demo)
    context = browser.new_context(offline=True)
    try:
        offline = context.new_page()
        offline.goto(target.as_uri())
        charted(offline, 3)
        assert offline.locator(".deferred").count() == 0  # every view inline
        inline = deferred_views(offline)
    finally:
        context.close()
    assert served == inline
    assert served["warnings"] and served["red"] and served["black"]
    warnings = json.loads(page.request.get(f"{site}/api/warnings?month=4").text())
    assert [(w["code"], w["rule"]) for w in warnings["rows"]] == [
        (w["code"], w["rule"]) for w in served["warnings"]
    ]
    score = json.loads(page.request.get(f"{site}/api/score").text())
    assert (score["red"], score["black"]) == (served["red"], served["black"])
    everything = json.loads(page.request.get(f"{site}/api/dashboard?month=4").text())
    assert everything["warnings"] == warnings and everything["score"] == score


def test_when_the_lists_cannot_be_fetched_the_sections_say_so(site: str, browser: Any) -> None:
    context = browser.new_context()
    context.route("**/part/**", lambda route: route.abort())
    try:
        opened = context.new_page()
        opened.goto(f"{site}/?month=4")
        charted(opened, 3)
        for section in ("#warn-section", "#score-section"):
            box = opened.wait_for_selector(f"{section} .deferred[data-state='failed']")
            assert box.inner_text().strip() == (
                "This list could not be loaded; reload the page to try again."
            )
            assert len(box.query_selector_all("p")) == 1
        shown = opened.locator("#completion-table tr[data-row]").count()
        assert shown > 0  # the rest of the page stands
    finally:
        context.close()


def test_a_script_in_a_project_name_stays_text(ledger: Location, browser: Any) -> None:
    name = '<script>document.title="owned"</script><img src=x onerror=alert(1)>'
    zs("target", "set", "甲县", "5亿", "--year", "2026")
    zs(
        "add-project", "--name", name, "--unit", "甲县", "--amount", "2亿",
        "--signed", "2026-02-01", "--contact", "张三 13800138000",
    )  # fmt: skip
    zs("arrive", "2026-0001", "3000万", "--date", "2026-03-10")
    zs("config", "set", "warn.signed_not_started", "30d")
    context = browser.new_context()
    dialogs: list[str] = []
    try:
        with served(create_app(Settings(str(ledger), "en"))) as url:
            opened = context.new_page()
            opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            opened.goto(f"{url}/?month=4")
            charted(opened, 3)
            filled(opened)
            assert opened.locator("#warn-table td.name").first.inner_text() == name
            assert opened.title() != "owned"
            opened.goto(f"{url}/unit/{quote('甲县')}?month=4")
            assert opened.locator("#project-table td.name").first.inner_text() == name
            opened.goto(f"{url}/project/2026-0001")
            assert opened.locator("#project-name").inner_text() == name
            assert "13800138000" not in opened.content()  # contacts are never shown
            assert "张三" not in opened.content()
            assert opened.title() != "owned" and dialogs == []
            assert opened.evaluate("document.querySelectorAll('main img, main script').length") == 0
    finally:
        context.close()


# The server without a browser: Starlette's test client.


def client(location: Location, token: str | None = None) -> Any:
    from starlette.testclient import TestClient

    return TestClient(create_app(Settings(str(location), "en", token)))


def test_a_request_without_the_token_is_refused(ledger: Location) -> None:
    token = "k" * 43
    with client(ledger, token) as web:
        for path in ("/", "/api/dashboard", "/unit/甲县", "/static/dashboard.js"):
            refused = web.get(path)
            assert refused.status_code == 401, path
            assert "全市" not in refused.text
        assert web.get("/", headers={"Authorization": "Bearer " + "x" * 43}).status_code == 401
        assert web.get("/?token=" + "k" * 42).status_code == 401
        assert web.get("/api/dashboard", headers={"Authorization": f"Bearer {token}"}).is_success
        first = web.get(f"/?month=4&token={token}", follow_redirects=False)  # the link as given
        assert first.status_code == 303 and first.headers["location"] == "/?month=4"
        assert "httponly" in first.headers["set-cookie"].lower()
        assert token not in first.headers["location"]
        shown = web.get("/?month=4")  # then the cookie
        assert shown.is_success and "全市" in shown.text
        assert web.get("/api/dashboard").is_success


def test_the_dashboard_only_reads_and_says_so_in_headers(ledger: Location) -> None:
    before = snapshot(ledger)
    with client(ledger) as web:
        page = web.get("/?month=4")
        assert page.is_success
        headers = page.headers
        assert headers["x-frame-options"] == "DENY"
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        for method in ("post", "put", "delete", "patch"):
            assert getattr(web, method)("/api/dashboard").status_code == 405
        bad = web.get("/?month=13")
        assert bad.status_code == 400 and "--month takes 1 to 12" in bad.text
        assert web.get("/api/unit/nowhere").status_code == 404
        assert web.get("/project/2099-9999").status_code == 404
        assert "<script>" not in page.text.split('id="zs-data">', 1)[1].split("</script>")[0]
    assert snapshot(ledger) == before


@pytest.mark.postgres_only
def test_on_postgresql_the_dashboards_ledger_is_refused_any_write_by_the_server(
    ledger: Location,
) -> None:
    """Whatever login the dashboard runs as (the owner's, here), its transactions are READ ONLY:
    a write that slipped into a page would be refused by the server, not by zs alone."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from zhaoshang_cli.store.ledger import Ledger

    before = snapshot(ledger)
    opened = Ledger.open(str(ledger), read_only=True)
    try:
        with opened.engine.connect() as connection:
            assert connection.execute(text("SHOW transaction_read_only")).scalar() == "on"
            with pytest.raises(DBAPIError, match="read-only transaction"):
                connection.execute(text("UPDATE unit SET name = name"))
    finally:
        opened.engine.dispose()
    assert snapshot(ledger) == before


def test_repeat_views_come_from_the_cache_until_the_ledger_changes(ledger: Location) -> None:
    zs("target", "set", "甲县", "5亿", "--year", "2026")
    zs(
        "add-project",
        "--name",
        "新材料项目",
        "--unit",
        "甲县",
        "--amount",
        "2亿",
        "--signed",
        "2026-02-01",
    )
    zs("arrive", "2026-0001", "3000万", "--date", "2026-03-10")
    app = create_app(Settings(str(ledger), "en"))
    from starlette.testclient import TestClient

    with TestClient(app) as web:
        first = json.loads(web.get("/api/dashboard?month=4").text, parse_float=Decimal)
        assert web.get("/api/dashboard?month=4").is_success
        assert app.state.cache.hits == 1
        zs("arrive", "2026-0001", "1000万", "--date", "2026-04-10")
        again = json.loads(web.get("/api/dashboard?month=4").text, parse_float=Decimal)
        assert app.state.cache.hits == 1  # a new version: read again
    assert first["report"]["total"]["actual"] == 3000
    assert again["report"]["total"]["actual"] == 4000
    assert again["report"] == report_json(str(ledger), "--month", "4")


@pytest.mark.one_backend
def test_off_localhost_needs_a_long_token(tmp_path: Path) -> None:
    from helpers import fails

    refused = fails("serve", "--host", "0.0.0.0")
    assert "--token-file" in refused.stderr
    short = tmp_path / "token"
    short.write_text("abc\n")
    assert (
        "at least 32 characters"
        in fails("serve", "--host", "0.0.0.0", "--token-file", str(short)).stderr
    )
    assert "zh or en" in fails("serve", "--lang", "fr").stderr


@pytest.mark.one_backend
def test_help_loads_no_web_or_database_library() -> None:
    probe = (
        "import sys\n"
        "from zhaoshang_cli.cli import main\n"
        "for argv in (['zs', '--help'], ['zs', 'serve', '--help']):\n"
        "    sys.argv = argv\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = {'starlette', 'uvicorn', 'jinja2', 'sqlalchemy'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_the_first_page_loads_neither_the_orm_nor_pydantic(ledger: Location) -> None:
    """The first page reads in Core alone (the report's way); the ORM is for the views after."""
    probe = (
        "import sys\n"
        "from starlette.testclient import TestClient\n"
        "from zhaoshang_cli.web.app import Settings, create_app\n"
        "with TestClient(create_app(Settings(sys.argv[1], 'en'))) as web:\n"
        "    assert web.get('/?month=4').status_code == 200\n"
        "    print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlmodel', 'pydantic'}))\n"
        "    assert web.get('/part/warnings?month=4').status_code == 200\n"
        "    print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlmodel', 'pydantic'}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", probe, str(ledger)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.split("\n")[:2] == ["[]", "['pydantic', 'sqlmodel']"]


@pytest.mark.one_backend
def test_without_the_web_extra_one_sentence(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "sys.modules['starlette'] = None\n"
        "sys.modules['jinja2'] = None\n"
        "from zhaoshang_cli.cli import main\n"
        "sys.argv = sys.argv[1:]\n"
        "main()\n"
    )
    for argv in (["zs", "serve"], ["zs", "report", "--month", "4", "--html", "x.html"]):
        done = subprocess.run(
            [sys.executable, "-c", probe, *argv],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**os.environ, "ZS_DB": str(tmp_path / "none.db")},
        )
        assert done.returncode == 1
        assert done.stderr.strip() == (
            "zs: The dashboard needs the web extra: install zhaoshang-cli[web]."
        ), done.stderr
