"""A deterministic, realistic demo city: the same ledger every time for the same month.

Built through the library's own operations (units, projects, stages, arrivals, rates,
targets), so the demo also exercises the paths a real office uses.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, select

from zhaoshang_cli.arrivals.bulk import insert_arrivals
from zhaoshang_cli.arrivals.recording import Prepared, prepare_arrival
from zhaoshang_cli.core import dates
from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.core.money import WAN, YI
from zhaoshang_cli.core.periods import latest_complete_month, month_period
from zhaoshang_cli.demo.names import investor_name, project_name
from zhaoshang_cli.projects.changes import find_duplicate
from zhaoshang_cli.projects.register import add_project, move_stage
from zhaoshang_cli.rates.setting import set_rate
from zhaoshang_cli.report.compute import unit_actuals
from zhaoshang_cli.settings.config import set_setting
from zhaoshang_cli.store import audit
from zhaoshang_cli.store.chain import seal
from zhaoshang_cli.store.ledger import Ledger, is_url
from zhaoshang_cli.store.migrate import drop_ledger_tables, init_ledger, upgrade_on
from zhaoshang_cli.store.models import AuditEntry
from zhaoshang_cli.targets.setting import add_target, targets_in_force
from zhaoshang_cli.units.activities import add_activity
from zhaoshang_cli.units.tree import add_unit, find_unit

SEED = 20260430
CITY = "全市"
COUNTIES = ["甲县", "乙县", "丙县", "丁县", "城区"]
ZONES = ["经济技术开发区", "高新技术产业开发区", "化工产业园区"]
DEPARTMENTS = [
    "市商务局",
    "市发改委",
    "市工信局",
    "市财政局",
    "市自然资源局",
    "市住建局",
    "市农业农村局",
    "市文旅局",
    "市金融办",
    "市科技局",
    "市交通运输局",
    "市国资委",
]
TOWNS = ["城关镇", "河口镇"]
OFFICES = {"市商务局": ["外资科", "内贸科"], "市发改委": ["项目科"], "市工信局": ["招商科"]}
PERSONS = {
    "外资科": [("王建国", "副科级以上"), ("李明", "科员"), ("赵雪", "科员")],
    "内贸科": [("孙立", "副科级以上"), ("周敏", "科员")],
    "项目科": [("吴强", "副科级以上"), ("郑洁", "科员")],
    "招商科": [("冯涛", "副科级以上"), ("陈静", "科员")],
}
INDUSTRIES = [
    ("新型化工", True),
    ("装备制造", True),
    ("食品", True),
    ("新能源新材料", True),
    ("电子信息", True),
    ("现代物流", False),
    ("文化旅游", False),
    ("现代农业", False),
]
ORIGINS = ["outside_province"] * 6 + ["outside_city"] * 3 + ["foreign", "local"]
OCCASIONS = [None, None, None, "投洽会", "百日竞赛"]
DEMO_ACTION = "demo.build"
DEMO_SETTINGS = {
    "office": "某某市招商引资工作领导小组办公室",
    "doc_number": "某招组办〔{year}〕{month}号",
    "bulletin_number": "{year}年第{week}期",
}
OPERATOR = "zs-demo"


@dataclass
class DemoResult:
    location: str
    year: int
    month: int
    projects: int
    arrivals: int


def _amount(rng: random.Random) -> int:
    """Contract amounts across the tiers (10亿+, 亿+, 5000万+, 1000万+, 100万+), in 分."""
    tier = rng.choices(
        [
            (10 * YI, 30 * YI),
            (YI, 8 * YI),
            (5000 * WAN, YI),
            (1000 * WAN, 5000 * WAN),
            (100 * WAN, 1000 * WAN),
        ],
        weights=[0.5, 7, 9, 15, 10],
    )[0]
    yuan = rng.randrange(tier[0], tier[1], 100 * WAN)
    return yuan * 100


def project_name_base(name: str) -> str:
    """年产5万吨铝型材项目(2期) → 年产5万吨铝型材项目."""
    return name.split("(")[0] if name.endswith("期)") else name


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def build_demo(session: Session, today: date) -> tuple[int, int, int, int]:
    """Fill an empty ledger; returns (year, month, projects, arrivals)."""
    rng = random.Random(SEED)
    year, month = latest_complete_month(today)
    period_end = month_period(year, month).end
    add_unit(session, CITY, "city")
    for county in COUNTIES:
        add_unit(session, county, "county", CITY)
        for town in TOWNS:
            add_unit(session, town, "town", county)
    for zone in ZONES:
        add_unit(session, zone, "zone", CITY)
    for department in DEPARTMENTS:
        add_unit(session, department, "department", CITY)
        for office in OFFICES.get(department, []):
            add_unit(session, office, "office", department)
            for person, rank in PERSONS[office]:
                add_unit(session, person, "person", f"{department}/{office}", rank=rank)
    years = range(year - 3, year + 1)
    for y in years:
        for m in range(1, 13):
            set_rate(session, "USD", f"{y}-{m:02d}", 7_050_000 + rng.randrange(0, 200_000, 100))
    # Units that bring in projects: counties (and their towns), zones, a few departments.
    credited = (
        [c for c in COUNTIES for _copy in range(3)]
        + [f"{c}/{t}" for c in COUNTIES for t in TOWNS]
        + [z for z in ZONES for _copy in range(3)]
        + DEPARTMENTS[:6]
    )
    projects = arrivals = 0
    # Arrivals are checked one by one as `zs arrive` checks them, and written in one go.
    batch: list[Prepared] = []
    rates: dict[tuple[str, str], int] = {}
    # A steady pace of signings (about a tenth more each year), so this year's money compares
    # with last year's as a real city's does.
    signings = {y: round(48 * 1.1 ** (y - years[0])) for y in years}
    signings[year] = round(signings[year] * month / 12) + 2
    for y in years:
        last_signing = period_end if y == year else date(y, 12, 31)
        for _signing in range(signings[y]):
            signed = _day(rng, date(y, 1, 1), last_signing)
            industry, industrial = rng.choice(INDUSTRIES)
            origin = rng.choice(ORIGINS)
            units = [rng.choice(credited)]
            if rng.random() < 0.05:
                other = rng.choice(COUNTIES)
                if other not in units[0]:
                    units.append(other)
            contract = _amount(rng)
            name = project_name(rng, industry)
            investor = investor_name(rng, industry, origin)
            phase = 2
            while find_duplicate(session, investor, name):  # the same company's next phase
                name = f"{project_name_base(name)}({phase}期)"
                phase += 1
            project = add_project(
                session,
                name=name,
                units=units,
                contract_fen=contract,
                investor=investor,
                origin=origin,
                industry=industry,
                industrial=industrial,
                signed_on=signed,
                occasion=rng.choice(OCCASIONS),
                contact=f"联系人{projects + 1:03d} 138{rng.randrange(10**8):08d}",
            )
            projects += 1
            cursor = signed
            for stage, chance, lag in (
                ("started", 0.75, 60),
                ("completed", 0.45, 240),
                ("producing", 0.8, 45),
            ):
                moved = cursor + timedelta(days=rng.randrange(15, lag + 15))
                if moved > period_end or rng.random() > chance:
                    break
                move_stage(session, project.code, stage, moved)
                cursor = moved
            if project.stage == "signed" and rng.random() < 0.06:
                ended = _day(rng, signed, period_end)
                move_stage(session, project.code, "terminated", ended, reason="投资方资金链断裂")
                continue
            paid = arrived = 0
            on = signed + timedelta(days=rng.randrange(10, 50))
            while on <= period_end and paid < contract * 0.9:
                part = min(contract - paid, contract * rng.randrange(6, 20) // 100)
                part -= part % (10 * WAN * 100)  # whole 10万
                if part <= 0:
                    break
                if origin == "foreign" and rng.random() < 0.7:
                    amount, currency = part * 100 // 712 // 100 * 100, "USD"
                    ref = f"外汇回单{arrivals + 1:05d}"
                else:
                    amount, currency, ref = part, "CNY", f"银行回单{arrivals + 1:05d}"
                prepared = prepare_arrival(
                    session,
                    project,
                    amount,
                    on=on,
                    currency=currency,
                    ref=ref,
                    so_far=arrived,
                    rates=rates,
                )
                batch.append(prepared)
                arrived += prepared.values["cny_fen"]
                arrivals += 1
                paid += part
                on += timedelta(days=rng.randrange(30, 120))
    insert_arrivals(session, batch)
    _set_targets(session, rng, year, month)
    for key, value in DEMO_SETTINGS.items():
        set_setting(session, key, value)
    day = date(year, 1, 5)
    while day <= period_end:  # a few trips and visits a week, for the bulletin's effort table
        for unit in rng.sample([*COUNTIES, *ZONES, *DEPARTMENTS[:3]], 3):
            add_activity(
                session,
                unit,
                day + timedelta(days=rng.randrange(5)),
                trip_days=rng.randrange(0, 4),
                visits=rng.randrange(1, 6),
                note=rng.choice(["赴苏州招商", "赴深圳对接", "接待客商考察", None]),
            )
        day += timedelta(days=7)
    return year, month, projects, arrivals


def _set_targets(session: Session, rng: random.Random, year: int, month: int) -> None:
    """Targets near each unit's pace for the year, some stretched, so completion varies."""

    city = find_unit(session, CITY)
    children = [find_unit(session, name) for name in [*COUNTIES, *ZONES, *DEPARTMENTS]]
    so_far = month_period(year, month)
    actuals = unit_actuals(session, [c.id for c in children], "funds", so_far, None)  # type: ignore[misc]
    step = 100 * WAN * 100  # targets in whole 100万
    total = 0
    for child in children:
        pace = actuals.get(child.id, (Decimal(0), Decimal(0)))[0] * WAN * 100 * 12 / month  # type: ignore[arg-type]
        stretch = rng.choice([0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.5])
        target = max(int(pace * Decimal(str(stretch))) // step * step, 5 * step)
        add_target(session, child, year, "funds", target)
        if child.kind == "county":
            add_target(session, child, year, "funds", target * 11 // 10, level="strive")
        total += target
    add_target(session, city, year, "funds", total)
    add_target(session, city, year, "funds", total * 11 // 10, level="strive")
    add_target(session, city, year, "fdi", 5000 * WAN * 100)
    add_target(session, city, year, "projects", 120)
    add_target(session, city, year, "major", 20)
    if month >= 7:  # a mid-year re-allocation, kept as history
        jia = find_unit(session, COUNTIES[0])
        raised = targets_in_force(session, year, "funds", date(year, 6, 30))[(jia.id, "must")]  # type: ignore[index]
        raised = raised * 11 // 10 // step * step
        for level, amount in (("must", raised), ("strive", raised * 11 // 10)):
            add_target(
                session,
                jia,
                year,
                "funds",
                amount,
                level=level,
                effective_from=date(year, 7, 1),
                reason="年中调整",
            )


def is_demo_ledger(location: str) -> bool:
    ledger = Ledger(location)
    try:
        ledger.check()
        with ledger.read() as session:
            return (
                session.exec(select(AuditEntry.id).where(AuditEntry.action == DEMO_ACTION)).first()
                is not None
            )
    except Exception:
        return False
    finally:
        ledger.dispose()


def create_demo(location: str) -> DemoResult:
    """Build the demo at a file path or in a database; only a previous demo ledger is ever
    replaced."""
    if is_url(location):
        return _create_demo_in_database(location)

    path = Path(location)
    if path.exists() and not is_demo_ledger(str(path)):
        raise Invalid(
            _("{path} exists and is not a demo ledger; choose another --db.").format(path=path)
        )
    building = path.with_name(f".{path.name}.building")
    for leftover in (building, *(Path(f"{building}{s}") for s in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
    init_ledger(str(building))
    ledger = Ledger(str(building))
    try:
        with ledger.write(OPERATOR) as session:
            year, month, projects, arrivals = build_demo(session, dates.today())
            audit.record(session, DEMO_ACTION, "ledger", None, after={"seed": SEED})
    finally:
        ledger.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    building.replace(path)
    return DemoResult(str(path), year, month, projects, arrivals)


def _create_demo_in_database(location: str) -> DemoResult:
    """In an empty database, or over an earlier demo: dropping the old tables, creating the
    schema and building the city are one transaction, so a failure leaves what was there."""

    ledger = Ledger(location)
    try:
        revision = ledger.revision()
        if revision is not None and not is_demo_ledger(location):
            raise Invalid(
                _("{ledger} holds a ledger that is not a demo; choose another --db.").format(
                    ledger=ledger.shown
                )
            )
        with ledger.engine.connect() as connection:
            drop_ledger_tables(connection)
            upgrade_on(connection)
            with Session(bind=connection) as session:
                session.info["operator"] = OPERATOR
                year, month, projects, arrivals = build_demo(session, dates.today())
                audit.record(session, DEMO_ACTION, "ledger", None, after={"seed": SEED})
                session.flush()
                seal(connection)
            connection.commit()
    finally:
        ledger.dispose()
    return DemoResult(location, year, month, projects, arrivals)
