"""The 督查 thresholds, kept as ledger settings (``zs config set warn.signed_not_started 90d``).

Defaults are drawn from the seed documents' habits (shared/seeds/):
- ``warn.signed_not_started`` 90d, ``warn.started_no_money`` 90d: a signed project should break
  ground, and a started one see money, within the quarter of one 评比 — 004 sets "一周一快报、一月
  一调度、一季一评比"; 001: "已经签约的项目,要尽快催促其资金到位".
- ``warn.stalled`` 60d: a lead or a negotiation reviewed at every 双月一过堂 (002: "每月一通报、
  双月一过堂、一季一点评、半年一观摩、一年一述职") should have moved by the next one.
- ``warn.low_funds_after`` 12m, ``warn.low_funds_share`` 30%: by the 一年一述职 (002) a year after
  signing, less than 30% of the contract in hand is a 资金到位率 to chase (004: "切实提高…资金到位率").
- ``warn.yellow_card`` 70%: 003, "按时序进度完成招商引资任务低于70%的部门 … 黄牌警告".
- ``warn.leads_per_person`` 2: 001, "全体工作人员每人必须提供2条以上有价值招商引资信息".
- ``warn.occasion_quota`` 1: 001, "各县区、开发区要确保签约1个" project at the fair.
"""

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import _

_DURATION = re.compile(r"^(\d{1,4})\s*(d|天|w|周|m|个月|月|y|年)?$", re.IGNORECASE)
_UNITS = {"d": "d", "天": "d", "w": "w", "周": "w", "m": "m", "个月": "m", "月": "m", "y": "y"}
_UNITS["年"] = "y"
MAX_COUNT = 1000


@dataclass(frozen=True)
class Duration:
    """A number of days, weeks, months or years: "90d", "12m"."""

    count: int
    unit: str  # d, w, m, y

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"

    def before(self, day: date) -> date:
        """The day this long before ``day`` (a month back from 31 March is 28 or 29 February)."""
        if self.unit in ("d", "w"):
            return day - timedelta(days=self.count * (7 if self.unit == "w" else 1))
        months = self.count * (12 if self.unit == "y" else 1)
        index = day.year * 12 + day.month - 1 - months
        year, month = divmod(index, 12)
        return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))

    def after(self, day: date) -> date:
        if self.unit in ("d", "w"):
            return day + timedelta(days=self.count * (7 if self.unit == "w" else 1))
        months = self.count * (12 if self.unit == "y" else 1)
        index = day.year * 12 + day.month - 1 + months
        year, month = divmod(index, 12)
        return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))

    def words(self) -> str:
        return {
            "d": _("{n} days"),
            "w": _("{n} weeks"),
            "m": _("{n} months"),
            "y": _("{n} years"),
        }[self.unit].format(n=self.count)


def parse_duration(text: str) -> Duration:
    """90d, 90天, 90 (days), 3w, 12m, 12个月, 1y."""
    match = _DURATION.match(str(text).strip())
    if not match or int(match[1]) == 0:
        raise Invalid(
            _("{value!r} is not a length of time; write it like 90d, 12m or 1y.").format(value=text)
        )
    unit = _UNITS[(match[2] or "d").lower()]
    count = int(match[1])
    if (unit == "y" and count > 50) or (unit == "m" and count > 600):
        raise Invalid(_("{value!r} is longer than fifty years.").format(value=text))
    return Duration(count, unit)


def parse_share(text: str) -> Decimal:
    """0.3 or 30%: above 0, at most 1."""
    raw = str(text).strip()
    try:
        share = Decimal(raw[:-1]) / 100 if raw.endswith("%") else Decimal(raw)
    except InvalidOperation:
        share = Decimal("NaN")
    if not share.is_finite() or not 0 < share <= 1:
        raise Invalid(
            _("{value!r} is not a share; give one above 0 and up to 100%, e.g. 30%.").format(
                value=text
            )
        )
    if share != share.quantize(Decimal("0.0001")):
        raise Invalid(
            _("{value!r} is finer than a hundredth of a percent; round it, e.g. 33.33%.").format(
                value=text
            )
        )
    return share


def parse_count(text: str) -> int:
    raw = str(text).strip()
    if not raw.isdigit() or len(raw) > 4 or not 0 < int(raw) <= MAX_COUNT:
        raise Invalid(
            _("{value!r} is not a count; give a whole number from 1 to {max}.").format(
                value=text, max=MAX_COUNT
            )
        )
    return int(raw)


def share_text(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}%"


@dataclass(frozen=True)
class Thresholds:
    signed_not_started: Duration = Duration(90, "d")
    started_no_money: Duration = Duration(90, "d")
    stalled: Duration = Duration(60, "d")
    low_funds_after: Duration = Duration(12, "m")
    low_funds_share: Decimal = Decimal("0.3")
    yellow_card: Decimal = Decimal("0.7")
    leads_per_person: int = 2
    occasion_quota: int = 1


DEFAULTS = Thresholds()
# setting key → (field, parser, how the default is written)
SETTINGS = {
    "warn.signed_not_started": ("signed_not_started", parse_duration, "90d"),
    "warn.started_no_money": ("started_no_money", parse_duration, "90d"),
    "warn.stalled": ("stalled", parse_duration, "60d"),
    "warn.low_funds_after": ("low_funds_after", parse_duration, "12m"),
    "warn.low_funds_share": ("low_funds_share", parse_share, "30%"),
    "warn.yellow_card": ("yellow_card", parse_share, "70%"),
    "warn.leads_per_person": ("leads_per_person", parse_count, "2"),
    "warn.occasion_quota": ("occasion_quota", parse_count, "1"),
}


def canonical(key: str, value: str) -> str:
    """The value as stored: checked, and written one way (90天 → 90d, 0.3 → 30%)."""
    parsed = SETTINGS[key][1](value)
    if isinstance(parsed, Decimal):
        return share_text(parsed)
    return str(parsed)


def thresholds(stored: dict[str, str]) -> Thresholds:
    """The thresholds in force: each stored setting, else its default."""
    values = {
        field: parse(stored[key])
        for key, (field, parse, _default) in SETTINGS.items()
        if key in stored
    }
    return Thresholds(**{**DEFAULTS.__dict__, **values})
