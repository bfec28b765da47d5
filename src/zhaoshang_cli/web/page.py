"""The dashboard's pages, rendered from the plain data of ``web.data`` by Jinja2 (autoescaped:
a project named ``<script>`` is shown as text). The data each chart draws travels as JSON in a
``<script type="application/json">`` element, read by the static ``dashboard.js``: no script is
written from data. ``standalone`` inlines the styles, ECharts and the script, for the one-file
通报 that opens from file:// with no network."""

import json
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from zhaoshang_cli.core.glossary import UNIT_KIND
from zhaoshang_cli.core.i18n import N_, _, language
from zhaoshang_cli.report.text import flag_text

HERE = Path(__file__).parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
ASSETS = ("echarts.min.js", "dashboard.js", "dashboard.css")

LABELS = {
    "dashboard": N_("Investment promotion dashboard"),
    "headline": N_("Headline"),
    "arrived": N_("Funds arrived (万元)"),
    "target": N_("Annual target (万元)"),
    "completion": N_("Completion"),
    "time_progress": N_("Time progress (时序进度)"),
    "yoy": N_("Year on year (同比)"),
    "last_year": N_("Same period last year (万元)"),
    "introduced": N_("Projects introduced"),
    "major": N_("Of them 亿元以上"),
    "new_started": N_("Newly started (新开工)"),
    "carried_over": N_("Carried over (结转续建)"),
    "by_unit": N_("Completion by unit"),
    "yellow_line": N_("黄牌 line"),
    "monthly": N_("Funds by month, cumulative (万元)"),
    "this_year": N_("This year"),
    "previous_year": N_("Last year"),
    "funnel": N_("Pipeline (projects by stage on the day)"),
    "breakdowns": N_("Breakdowns"),
    "warn": N_("督查清单: projects to chase"),
    "yellow": N_("Yellow-card units"),
    "yellow_year": N_("黄牌 units"),
    "score": N_("红黑榜 of the latest 评比"),
    "red": N_("红榜"),
    "black": N_("黑榜"),
    "unit": N_("Unit"),
    "group": N_("Group"),
    "rank": N_("Rank"),
    "flags": N_("Flags"),
    "progress_ratio": N_("Completion ÷ time progress"),
    "project": N_("Project"),
    "code": N_("Code"),
    "name": N_("Name"),
    "rule": N_("Rule"),
    "leader": N_("Leader in charge"),
    "stage": N_("Stage"),
    "since": N_("Since"),
    "days": N_("Days"),
    "contract": N_("Contract (万元)"),
    "arrived_short": N_("Arrived (万元)"),
    "signed_on": N_("Signed on"),
    "signed": N_("Signed"),
    "no_result": N_("No result (无实绩)"),
    "total": N_("Total"),
    "none": N_("None."),
    "period": N_("Period"),
    "year": N_("Year"),
    "month": N_("Month"),
    "quarter": N_("Quarter"),
    "from": N_("From"),
    "to": N_("To"),
    "show": N_("Show"),
    "children": N_("Units below"),
    "projects": N_("Projects"),
    "stages": N_("Stages"),
    "changes": N_("Changes"),
    "arrivals": N_("Arrivals"),
    "date": N_("Date"),
    "amount": N_("Amount"),
    "cny": N_("In 万元"),
    "source": N_("Source"),
    "reversal": N_("Reversal"),
    "reason": N_("Reason"),
    "field": N_("Field"),
    "old": N_("Before"),
    "new": N_("After"),
    "effective": N_("Effective"),
    "note": N_("Note"),
    "investor": N_("Investor"),
    "industry": N_("Industry"),
    "units": N_("Credited to"),
    "share": N_("Share"),
    "started_on": N_("Started on"),
    "completed_on": N_("Completed on"),
    "producing_on": N_("Producing on"),
    "voided": N_("Voided"),
    "back": N_("Back to the dashboard"),
    "points": N_("Points"),
    "made": N_("Made by zs from the ledger; every figure as `zs report` gives it."),
    "yes": N_("yes"),
    "behind_schedule": N_("behind 时序进度"),
    "far_behind": N_("below the 黄牌 line"),
    "nothing_arrived": N_("nothing arrived"),
    "error": N_("Not shown"),
    "loading": N_("Loading…"),
    "part_failed": N_("This list could not be loaded; reload the page to try again."),
}
FLAGS = ("behind_schedule", "far_behind", "nothing_arrived")


def exact(value: Any) -> str:
    """A value as the JSON has it: a Decimal digit for digit, never in exponent form."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(value.quantize(Decimal(1)))
        return f"{value.normalize():f}"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def amount(value: Any) -> str:
    """万元 to two places with thousands separators; "—" for none."""
    if value is None:
        return "—"
    return f"{Decimal(value).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def percent(value: Any) -> str:
    """A fraction as a percentage to one place; "—" where there is nothing to divide by."""
    if value is None:
        return "—"
    return f"{(Decimal(value) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def cell(value: Any, kind: str) -> str:
    if kind == "money":
        return amount(value)
    if kind == "share":
        return percent(value)
    if value is None:
        return "—"
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return f"\x00{value.normalize():f}"
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


EXACT = re.compile(r'"\\u0000(-?[0-9.]+)"')


def json_text(data: Any) -> str:
    """JSON with Decimals as exact numbers (as `zs report --format json`)."""
    text = json.dumps(data, ensure_ascii=False, default=_json_default)
    return EXACT.sub(r"\1", text)


def script_json(data: Any) -> Markup:
    """JSON for a <script type="application/json"> element: <, > and & escaped, so no text of
    the user's can close the element."""
    text = json_text(data)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    return Markup(text)


def inline_script(text: str) -> Markup:
    """A static script inlined in the one-file 通报: "</script" may not appear in it."""
    return Markup(text.replace("</script", "<\\/script"))


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(exact=exact, amount=amount, percent=percent, cell=cell)
    env.globals["unit_url"] = unit_url
    return env


def unit_url(path: list[str], query: str = "") -> str:
    """A unit's page, by its path (names repeat: every county has its 城关镇)."""
    return "/unit/" + quote("/".join(path), safe="") + (f"?{query}" if query else "")


ENV = environment()


def completion_chart(data: dict[str, Any], links: bool, query: str) -> dict[str, Any]:
    """Bars of completion per unit, one series per group (counties, zones, departments), with
    the 时序进度 and 黄牌 lines; the values as the report has them. Where no unit below has a
    target (towns, persons), the money arrived instead, without the lines."""
    report = data["report"]
    rows = [(group, row) for group in report["groups"] for row in group["rows"]]
    categories = [row["unit"] for _group, row in rows]
    measure = "completion" if any(row["completion"] is not None for _g, row in rows) else "actual"
    series = []
    for group in report["groups"]:
        series.append(
            {
                "name": UNIT_KIND.shown(group["kind"]) if language() == "en" else group["label"],
                "kind": group["kind"],
                "data": [row[measure] if owner is group else None for owner, row in rows],
            }
        )
    lines = data["lines"]
    return {
        "measure": measure,
        "categories": categories,
        "series": series,
        "lines": [
            {
                "name": f"{_(LABELS['time_progress'])} {percent(lines['time_progress'])}",
                "value": lines["time_progress"],
            },
            {
                "name": f"{_(LABELS['yellow_line'])} {percent(lines['yellow_card'])}",
                "value": lines["yellow_card"],
            },
        ]
        if measure == "completion"
        else [],
        "links": [unit_url([*data["path"], name], query) for name in categories] if links else [],
    }


def charts(data: dict[str, Any], links: bool, query: str) -> dict[str, Any]:
    found: dict[str, Any] = {"completion": completion_chart(data, links, query)}
    if "monthly" in data:
        monthly = data["monthly"]
        found["monthly"] = {
            "categories": [_("Month {month}").format(month=m) for m in monthly["months"]],
            "series": [
                {"name": _(LABELS["this_year"]), "data": monthly["this_year"]},
                {"name": _(LABELS["previous_year"]), "data": monthly["last_year"]},
            ],
        }
    if "funnel" in data:
        found["funnel"] = {
            "series": [
                {
                    "name": _(LABELS["funnel"]),
                    "data": [{"name": s["label"], "value": s["count"]} for s in data["funnel"]],
                }
            ]
        }
    return found


def render(
    template: str,
    data: dict[str, Any],
    *,
    standalone: bool = False,
    query: str = "",
    form: dict[str, str] | None = None,
    base: str = "",
) -> str:
    """A page. ``base``: the path up to the site's root ("../" on a unit's page)."""
    labels = {key: _(msgid) for key, msgid in LABELS.items()}
    if "lines" in data:  # the flags as the terminal and the Excel file word them
        labels.update({flag: flag_text(flag, data["lines"]["threshold"]) for flag in FLAGS})
    assets = (
        {name: (STATIC / name).read_text(encoding="utf-8") for name in ASSETS} if standalone else {}
    )
    return ENV.get_template(template).render(
        data=data,
        t=labels,
        flags=FLAGS,
        lang="en" if language() == "en" else "zh-CN",
        standalone=standalone,
        assets={name: inline_script(text) for name, text in assets.items()},
        payload=script_json({"charts": charts(data, not standalone, query)})
        if "report" in data
        else None,
        query=query,
        form=form or {},
        base=base,
    )
