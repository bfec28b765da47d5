"""The 评比's weights and caps: a TOML file shipped with defaults (``score_weights.toml``) that an
office can replace with its own (``zs score --weights FILE``). Read with tomllib, numbers as
exact Decimals, every field checked so a wrong file is one sentence naming the field."""

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.glossary import Terms
from zhaoshang_cli.core.i18n import N_, _

DEFAULT_FILE = Path(__file__).with_name("score_weights.toml")
MEASURE = Terms(
    N_("score measure"),
    {
        "funds_progress": "到位资金完成/时序",
        "projects_signed": "新签约项目",
        "major_signed": "亿元以上项目",
        "start_rate": "开工率",
        "leads": "招商信息",
        "trip_days": "外出招商天数",
        "visits": "拜访企业个数",
    },
)
MAX_NUMBER = Decimal(1_000_000)


@dataclass(frozen=True)
class Component:
    name: str
    measure: str
    weight: Decimal
    cap: Decimal | None
    label: str | None = None  # how the office names it (资金到位); else the measure's name

    def points(self, value: Decimal) -> Decimal:
        raw = value * self.weight
        return raw if self.cap is None else min(raw, self.cap)


@dataclass(frozen=True)
class Weights:
    source: str  # "default" or the file's path
    components: tuple[Component, ...]
    red: int
    black: int
    within: str = "all"  # all / group


def default_text() -> str:
    return DEFAULT_FILE.read_text(encoding="utf-8")


def load_weights(path: Path | None = None) -> Weights:
    source = path or DEFAULT_FILE
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"), parse_float=Decimal)
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise Invalid(
            _("The weights file {file} could not be read ({reason}).").format(
                file=source, reason=reason
            )
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise Invalid(
            _("The weights file {file} is not TOML: {reason}.").format(file=source, reason=exc)
        ) from None
    return checked(data, "default" if path is None else str(path), source.name)


def _fail(where: str, message: str) -> Invalid:
    return Invalid(f"{where}: {message}")


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise _fail(where, _("a number is needed, not {value!r}.").format(value=value))
    number = Decimal(value)
    if not number.is_finite() or not 0 <= number <= MAX_NUMBER:
        raise _fail(
            where,
            _("{value} is not between 0 and {max}.").format(value=value, max=f"{MAX_NUMBER:,}"),
        )
    return number


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise _fail(
            where, _("a whole number from 0 to 100 is needed, not {value!r}.").format(value=value)
        )
    return value


def checked(data: dict[str, Any], source: str, name: str) -> Weights:
    unknown = set(data) - {"ranking", "components"}
    if unknown:
        raise _fail(
            name,
            _("unknown table [{key}]; only [ranking] and [components.*].").format(
                key=sorted(unknown)[0]
            ),
        )
    ranking = data.get("ranking", {})
    if not isinstance(ranking, dict) or set(ranking) - {"red", "black", "within"}:
        raise _fail(name, _("[ranking] takes red, black (how many on each list) and within."))
    within = ranking.get("within", "all")
    if within not in ("all", "group"):
        raise _fail(
            name, _("[ranking] within is all or group, not {value!r}.").format(value=within)
        )
    parts = data.get("components")
    if not isinstance(parts, dict) or not parts:
        raise _fail(name, _("no [components.NAME] table; the score needs at least one."))
    components = []
    for key, part in parts.items():
        where = f"{name} [components.{key}]"
        if not isinstance(part, dict):
            raise _fail(where, _("a table with measure, weight and cap is needed."))
        extra = set(part) - {"measure", "weight", "cap", "label"}
        if extra:
            raise _fail(
                where,
                _("unknown key {key!r}; use measure, weight, cap and label.").format(
                    key=sorted(extra)[0]
                ),
            )
        label = part.get("label")
        if label is not None and (not isinstance(label, str) or not 0 < len(label) <= 20):
            raise _fail(where, _("the label is text of 1 to 20 characters."))
        measure = part.get("measure")
        if measure not in MEASURE.labels:
            raise _fail(
                where,
                _("measure {value!r} is not one of {choices}.").format(
                    value=measure, choices=", ".join(MEASURE.labels)
                ),
            )
        if "weight" not in part:
            raise _fail(where, _("the weight is missing."))
        cap = part.get("cap")
        components.append(
            Component(
                key,
                measure,
                _number(part["weight"], where + " weight"),
                None if cap is None else _number(cap, where + " cap"),
                label,
            )
        )
    return Weights(
        source,
        tuple(components),
        _count(ranking.get("red", 3), f"{name} [ranking] red"),
        _count(ranking.get("black", 3), f"{name} [ranking] black"),
        within,
    )
