"""How report figures are written: amounts (in tables and as the 通报 writes them in prose),
percentages, flags, the title and the period. Titles, flags and labels follow the user's
language; the prose's own forms (money_text, months_label) are the 通报's Chinese."""

import calendar
from decimal import Decimal

from zhaoshang_cli.core.figures import percent, quantize
from zhaoshang_cli.core.glossary import METRIC, UNIT_KIND
from zhaoshang_cli.core.i18n import N_, _, is_english
from zhaoshang_cli.report.compute import (
    FLAG_BEHIND,
    FLAG_FAR_BEHIND,
    FLAG_NOTHING,
    Group,
    Report,
    Row,
)
from zhaoshang_cli.targets.in_force import METRICS

SCALES = {"万": Decimal(1), "亿": Decimal(10_000), "元": Decimal("0.0001")}
FLAG_TEXT = {
    FLAG_BEHIND: N_("behind time progress"),
    FLAG_FAR_BEHIND: N_("below {share} of time progress"),
    FLAG_NOTHING: N_("nothing arrived"),
}


def unit_label(report: Report, scale: str = "万") -> str:
    """万元 → 亿元 / 元 when asked; 万美元 and counts stay as they are."""
    if report.metric == "funds":
        return f"{scale}元" if scale != "元" else "元"
    if report.metric == "fdi":
        return "万美元"
    return _("count") if is_english() else report.unit_label


def scaled(value: Decimal | None, metric: str, scale: str = "万") -> Decimal | None:
    """Only CNY funds change scale; 万美元 and counts are shown as they are."""
    if value is None:
        return None
    return value / SCALES[scale] if metric == "funds" else value


def amount(value: Decimal | None, metric: str, scale: str = "万") -> str:
    shown = scaled(value, metric, scale)
    if shown is None:
        return "—"
    if not METRICS[metric].money and shown == shown.to_integral_value():
        return str(int(shown))
    return f"{quantize(shown, 2):.2f}"


def plain_number(value: Decimal, places: int = 2) -> str:
    """Rounded half up, without trailing zeros: 780, 5.5, 0.25."""
    text = f"{quantize(value, places):.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def wan_text(value: Decimal) -> str:
    """万 as the 通报 writes them: whole from 100 up (3950), else up to two decimals (5.5)."""
    return plain_number(value, 0 if abs(value) >= 100 else 2)


def money_text(wan: Decimal) -> str:
    """An amount of 万元 as the 通报 writes it: 亿元 to one decimal from 1亿 up (31.1亿元),
    万元 below (3950万元)."""
    if abs(quantize(wan, 0)) >= 10_000:
        return f"{quantize(wan / 10_000, 1):.1f}亿元"
    return f"{wan_text(wan)}万元"


def quantity_text(value: Decimal, metric: str) -> str:
    """A figure of the report's metric in words: 4.7亿元, 1234万美元, 12个."""
    if metric == "funds":
        return money_text(value)
    if metric == "fdi":
        return f"{wan_text(value)}万美元"
    return f"{plain_number(value)}{'条' if metric == 'leads' else '个'}"


def flag_text(flag: str, threshold: Decimal) -> str:
    return _(FLAG_TEXT[flag]).format(share=percent(threshold, 0))


def flags_text(row: Row, threshold: Decimal) -> str:
    # far_behind implies behind: say only the stronger one.
    shown = [f for f in row.flags if not (f == FLAG_BEHIND and FLAG_FAR_BEHIND in row.flags)]
    return _(", ").join(flag_text(f, threshold) for f in shown)


def group_label(group: Group) -> str:
    """县区, 开发区 …; in English the kind."""
    return UNIT_KIND.shown(group.kind) if is_english() else group.label


def subtotal_label(group: Group) -> str:
    return (
        _("{group} subtotal").format(group=group_label(group))
        if is_english()
        else group.subtotal.unit
    )


def total_label(report: Report) -> str:
    return _("{unit} total").format(unit=report.parent) if is_english() else report.total.unit


def own_label(report: Report) -> str:
    """The 本级 row: what is credited to the parent itself."""
    assert report.own is not None
    return _("{unit} itself").format(unit=report.parent) if is_english() else report.own.unit


def period_label(report: Report) -> str:
    """2026年1-4月, 2026年4-6月, 2026年7月20日至10月31日; January–April 2026 in English."""
    start, end = report.period.start, report.period.end
    names = calendar.month_name
    if start.day == 1 and report.month is not None:
        if start.month == end.month:
            return _("{month_name} {year}").format(
                year=report.year, month=end.month, month_name=names[end.month]
            )
        return _("{first_name}–{month_name} {year}").format(
            year=report.year,
            first=start.month,
            month=end.month,
            first_name=names[start.month],
            month_name=names[end.month],
        )
    return _("{first_day} {first_name} to {day} {month_name} {year}").format(
        year=report.year,
        first=start.month,
        first_day=start.day,
        month=end.month,
        day=end.day,
        first_name=names[start.month],
        month_name=names[end.month],
    )


def months_label(report: Report) -> str:
    """1-4月, 1月, or 1月1日至4月19日 for a period that does not end with a month; a period
    not from 1 January says where it starts: 4-6月 (a quarter), 7月20日至10月31日."""
    start, end = report.period.start, report.period.end
    if (start.month, start.day) != (1, 1):
        if start.day == 1 and report.month is not None:
            return (
                f"{start.month}月" if start.month == end.month else f"{start.month}-{end.month}月"
            )
        return f"{start.month}月{start.day}日至{end.month}月{end.day}日"
    if report.month is not None:
        return "1月" if report.month == 1 else f"1-{report.month}月"
    return f"1月1日至{end.month}月{end.day}日"


def title(report: Report) -> str:
    what = _("investment promotion") if report.metric == "funds" else METRIC.shown(report.metric)
    return _("{unit}: completion of {what}, {period}").format(
        period=period_label(report), unit=report.parent, what=what
    )
