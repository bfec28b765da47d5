"""Targets (目标任务) and their allocation down the unit tree, through the real CLI."""

import json
from decimal import Decimal

import pytest

from helpers import built_once, fails, operator_option, recorded_as, snapshot, zs

YEAR = "2026"


def tree(metric: str = "funds", on: str | None = None) -> dict[str, dict]:
    """`zs target list --tree` as JSON, by path; money in exact Decimal 万."""
    args = ["target", "list", "--year", YEAR, "--metric", metric, "--tree", "-f", "json"]
    if on:
        args += ["--on", on]
    rows = json.loads(zs(*args).stdout, parse_float=Decimal)
    return {row["path"]: row for row in rows}


def yuan(path: str, on: str | None = None, metric: str = "funds", key: str = "must_wan") -> int:
    """A unit's target in whole 元 (or 美元), exactly."""
    value = Decimal(tree(metric, on)[path][key]) * 10_000
    assert value == value.to_integral_value(), value
    return int(value)


def history(unit: str | None = None, metric: str = "funds") -> list[dict]:
    args = ["target", "history", *([unit] if unit else []), "--year", YEAR, "--metric", metric]
    return json.loads(zs(*args, "-f", "json").stdout, parse_float=Decimal)


def unit(name: str, kind: str, parent: str, rank: str | None = None) -> None:
    zs("unit", "add", name, "--kind", kind, "--parent", parent, *(["--rank", rank] if rank else []))


def target(*args: str) -> str:
    return zs("target", *args).stdout


@pytest.fixture
def bureau(ledger, request: pytest.FixtureRequest):
    """市商务局 with three offices (办公室, 招商科, 外资科) and a target of 1亿."""

    def build() -> None:
        for office in ("办公室", "招商科", "外资科"):
            unit(office, "office", "市商务局")
        target("set", "市商务局", "1亿", "--year", YEAR)

    return built_once(request, ledger, "targets.bureau", build)


# --- target set ------------------------------------------------------------------------


def test_set_defaults_to_funds_must_from_new_year(ledger):
    out = target("set", "全市", "30亿", "--year", YEAR)
    assert "300000.00万元 from 2026-01-01" in out
    [row] = history("全市")
    assert (row["level"], row["amount_wan"], row["effective_from"], row["basis"]) == (
        "must",
        300000,
        "2026-01-01",
        "set",
    )


def test_levels_and_metrics(ledger):
    target("set", "全市", "30亿", "--year", YEAR)
    target("set", "全市", "33亿", "--year", YEAR, "--level", "strive")
    assert "5000.00万美元" in target("set", "全市", "5000", "--year", YEAR, "--metric", "fdi")
    target("set", "全市", "120", "--year", YEAR, "--metric", "projects")
    target("set", "全市", "20个", "--year", YEAR, "--metric", "major")
    city = tree()["全市"]
    assert (city["must_wan"], city["strive_wan"]) == (300000, 330000)
    assert yuan("全市", metric="fdi") == 50_000_000  # 5000万美元, in whole dollars
    assert tree("projects")["全市"]["must"] == 120
    assert tree("major")["全市"]["must"] == 20


def test_money_targets_are_exact_to_the_fen(ledger):
    target("set", "甲县", "123456789.01元", "--year", YEAR)
    assert tree()["全市/甲县"]["must_wan"] == Decimal("12345.678901")


@pytest.mark.parametrize(
    "args",
    [
        ("全市", "1.5", "--metric", "projects"),  # a count with a fraction
        ("全市", "0", "--metric", "projects"),
        ("丙县", "5亿"),  # unknown unit
        ("全市", "5亿", "--metric", "gdp"),  # unknown metric
        ("全市", "5亿", "--level", "maybe"),
        ("全市", "五亿"),
        ("全市", "5亿", "--from", "2025-12-31"),  # not in the year
        ("全市", "5亿", "--from", "2026-02-30"),
    ],
)
def test_set_refuses_and_changes_nothing(ledger, args):
    before = snapshot(ledger)
    fails("target", "set", *args, "--year", YEAR)
    assert snapshot(ledger) == before


def test_set_refuses_a_year_that_is_a_typo(ledger):
    before = snapshot(ledger)
    fails("target", "set", "全市", "5亿", "--year", "206")
    assert snapshot(ledger) == before


# --- history: one answer for "what was the target on date D" ---------------------------


def test_resetting_keeps_history_and_changes_the_target_from_its_date(ledger):
    target("set", "甲县", "5亿", "--year", YEAR)
    out = target(
        "set", "甲县", "5.5亿", "--year", YEAR, "--from", "2026-07-01", "--reason", "年中调整"
    )
    assert "(was 50000.00万元)" in out and "年中调整" in out
    assert tree(on="2026-06-30")["全市/甲县"]["must_wan"] == 50000
    assert tree(on="2026-07-01")["全市/甲县"]["must_wan"] == 55000
    assert tree(on="2026-12-31")["全市/甲县"]["must_wan"] == 55000
    rows = history("甲县")
    assert [(r["amount_wan"], r["effective_from"], r["reason"]) for r in rows] == [
        (50000, "2026-01-01", None),
        (55000, "2026-07-01", "年中调整"),
    ]


def test_a_second_row_on_the_same_date_wins(ledger):
    target("set", "甲县", "5亿", "--year", YEAR, "--from", "2026-07-01")
    target("set", "甲县", "6亿", "--year", YEAR, "--from", "2026-07-01")
    assert tree(on="2026-07-01")["全市/甲县"]["must_wan"] == 60000
    assert len(history("甲县")) == 2


def test_backdated_target_warns_that_a_later_one_still_applies(ledger):
    target("set", "甲县", "6亿", "--year", YEAR, "--from", "2026-07-01")
    result = zs("target", "set", "甲县", "4亿", "--year", YEAR, "--from", "2026-03-01")
    assert "later target from 2026-07-01" in result.stderr
    assert tree(on="2026-02-28")["全市/甲县"]["must_wan"] is None
    assert tree(on="2026-06-30")["全市/甲县"]["must_wan"] == 40000
    assert tree(on="2026-07-01")["全市/甲县"]["must_wan"] == 60000


def test_list_defaults_to_this_year_and_today(ledger):
    target("set", "甲县", "5亿", "--year", YEAR)
    target("set", "甲县", "6亿", "--year", YEAR, "--from", "2026-12-01")  # after ZS_TODAY
    rows = json.loads(zs("target", "list", "-f", "json").stdout)
    assert [(r["path"], r["must_wan"]) for r in rows] == [("全市", None), ("全市/甲县", 50000)]


# --- allocation: explicit split ----------------------------------------------------------


def test_split_writes_each_child_and_shows_the_gap(ledger):
    target("set", "全市", "30亿", "--year", YEAR)
    out = target(
        "allocate",
        "全市",
        "--year",
        YEAR,
        "--split",
        "甲县=5亿,乙县=4亿,经开区=6亿,市商务局=8000万",
    )
    assert "甲县  50000.00万元" in out and "市商务局  8000.00万元" in out
    assert "142000.00万元 less than the parent's target (under-allocated)" in out
    nodes = tree()
    assert [nodes[f"全市/{u}"]["must_wan"] for u in ("甲县", "乙县", "经开区", "市商务局")] == [
        50000,
        40000,
        60000,
        8000,
    ]
    city = nodes["全市"]
    assert (city["children_must_wan"], city["gap_must_wan"], city["status"]) == (
        158000,
        -142000,
        "under",
    )
    assert {r["basis"] for r in history() if r["unit"] != "全市"} == {"split"}


def test_split_accepts_chinese_punctuation(ledger):
    target("set", "全市", "10亿", "--year", YEAR)
    target(
        "allocate",
        "全市",
        "--year",
        YEAR,
        "--split",
        "甲县＝4亿，乙县=3亿、经开区=2亿;市商务局=1亿",
    )
    assert tree()["全市"]["status"] == "balanced"


def test_partial_split_leaves_other_children_alone(ledger):
    target("set", "全市", "30亿", "--year", YEAR)
    target("set", "经开区", "7亿", "--year", YEAR)
    target("allocate", "全市", "--year", YEAR, "--split", "甲县=5亿,乙县=4亿", "--partial")
    nodes = tree()
    assert nodes["全市/经开区"]["must_wan"] == 70000
    assert nodes["全市/市商务局"]["must_wan"] is None
    assert nodes["全市"]["missing_must"] == 1
    assert nodes["全市"]["children_must_wan"] == 160000


@pytest.mark.parametrize(
    "split",
    [
        "甲县=5亿,乙县=4亿,经开区=6亿,市商务局=8000万,城关镇=1亿",  # not a child (a grandchild)
        "甲县=5亿,乙县=4亿,经开区=6亿,市商务局=8000万,丙县=1亿",  # no such unit
        "甲县=5亿,乙县=4亿",  # leaves children out, no --partial
        "甲县=5亿,甲县=4亿,经开区=6亿,市商务局=8000万",
        "甲县5亿,乙县=4亿,经开区=6亿,市商务局=8000万",
        "甲县=0,乙县=4亿,经开区=6亿,市商务局=8000万",
        "甲县=5亿,乙县=-4亿,经开区=6亿,市商务局=8000万",
        " , ",
    ],
)
def test_bad_split_changes_nothing(ledger, split):
    unit("城关镇", "town", "甲县")
    target("set", "全市", "30亿", "--year", YEAR)
    before = snapshot(ledger)
    fails("target", "allocate", "全市", "--year", YEAR, "--split", split)
    assert snapshot(ledger) == before


def test_count_split_with_a_fraction_changes_nothing(ledger):
    target("set", "全市", "120", "--year", YEAR, "--metric", "projects")
    before = snapshot(ledger)
    fails(
        "target", "allocate", "全市", "--year", YEAR, "--metric", "projects",
        "--split", "甲县=30.5,乙县=30,经开区=30,市商务局=29",
    )  # fmt: skip
    assert snapshot(ledger) == before


# --- allocation: equal and weighted, rounding --------------------------------------------


def test_equal_split_of_1yi_three_ways_adds_up_exactly(bureau):
    out = target("allocate", "市商务局", "--year", YEAR, "--equal")
    got = [yuan(f"全市/市商务局/{o}") for o in ("办公室", "招商科", "外资科")]
    assert got == [33_333_334, 33_333_333, 33_333_333]
    assert sum(got) == 100_000_000
    assert "办公室  3333.3334万元  (+1元 rounding remainder)" in out
    assert "left 1元 over; it went to 办公室" in out
    assert "exactly the parent's target" in out
    assert tree()["全市/市商务局"]["gap_must_wan"] == 0


def test_equal_split_rounded_to_wan_when_the_parent_is_not_a_multiple(bureau):
    target("set", "市商务局", "100000001元", "--year", YEAR)  # 1亿 and 1元
    out = target("allocate", "市商务局", "--year", YEAR, "--equal", "--round", "万")
    got = [yuan(f"全市/市商务局/{o}") for o in ("办公室", "招商科", "外资科")]
    assert got == [33_340_000, 33_330_001, 33_330_000]
    assert sum(got) == 100_000_001
    assert "rounded to whole 万元" in out
    assert "(+1万元 rounding remainder)" in out and "(+1元 rounding remainder)" in out


def test_equal_count_split_puts_the_remainder_first(ledger):
    target("set", "全市", "10", "--year", YEAR, "--metric", "projects")
    target("allocate", "全市", "--year", YEAR, "--metric", "projects", "--equal")
    nodes = tree("projects")
    got = [nodes[f"全市/{u}"]["must"] for u in ("甲县", "乙县", "经开区", "市商务局")]
    assert got == [3, 3, 2, 2]
    assert nodes["全市"]["gap_must"] == 0


def test_equal_fdi_split_rounds_to_whole_dollars(ledger):
    target("set", "全市", "5000", "--year", YEAR, "--metric", "fdi")
    out = target("allocate", "全市", "--year", YEAR, "--metric", "fdi", "--equal")
    nodes = tree("fdi")
    got = [
        int(nodes[f"全市/{u}"]["must_wan"] * 10_000) for u in ("甲县", "乙县", "经开区", "市商务局")
    ]
    assert got == [12_500_000] * 4
    target(
        "allocate",
        "全市",
        "--year",
        YEAR,
        "--metric",
        "fdi",
        "--weights",
        "甲县=1,乙县=1,经开区=1",
        "--partial",
    )
    nodes = tree("fdi")
    got = [int(nodes[f"全市/{u}"]["must_wan"] * 10_000) for u in ("甲县", "乙县", "经开区")]
    assert got == [16_666_667, 16_666_667, 16_666_666]
    assert "美元" in out


def test_weights_split_exactly(ledger):
    unit("城关镇", "town", "甲县")
    unit("河口镇", "town", "甲县")
    target("set", "甲县", "5亿", "--year", YEAR)
    target("allocate", "甲县", "--year", YEAR, "--weights", "城关镇=3,河口镇=2")
    assert yuan("全市/甲县/城关镇") == 300_000_000
    assert yuan("全市/甲县/河口镇") == 200_000_000
    assert {r["basis"] for r in history() if r["unit"].startswith("全市/甲县/")} == {"weights"}


def test_awkward_decimal_weights_go_to_the_largest_fraction(bureau):
    target("set", "市商务局", "1000元", "--year", YEAR)
    out = target(
        "allocate", "市商务局", "--year", YEAR, "--weights", "办公室=1.5,招商科=2.5,外资科=3"
    )
    # exact shares 214.29, 357.14, 428.57 元: the 1元 left over goes to 外资科 (.57)
    got = [yuan(f"全市/市商务局/{o}") for o in ("办公室", "招商科", "外资科")]
    assert got == [214, 357, 429]
    assert "it went to 外资科" in out


@pytest.mark.parametrize(
    "weights",
    [
        "办公室=0,招商科=1,外资科=1",
        "办公室=-1,招商科=1,外资科=1",
        "办公室=abc,招商科=1,外资科=1",
        "办公室=inf,招商科=1,外资科=1",
        "办公室=NaN,招商科=1,外资科=1",
        "办公室=1,招商科=1",  # leaves 外资科 out
        "办公室=1,招商科=1,外资科=1,甲县=1",  # not a child
    ],
)
def test_bad_weights_change_nothing(bureau, weights):
    before = snapshot(bureau)
    fails("target", "allocate", "市商务局", "--year", YEAR, "--weights", weights)
    assert snapshot(bureau) == before


# --- allocation: by rank ------------------------------------------------------------------


@pytest.fixture
def staffed(bureau, request: pytest.FixtureRequest):
    """市商务局: 张三 directly; 办公室 with 李四 and 王五; 招商科 with a 外联组 holding 赵六."""

    def build() -> None:
        unit("张三", "person", "市商务局", "副科级以上")
        unit("李四", "person", "办公室", "科员")
        unit("王五", "person", "办公室", "副科级以上")
        unit("外联组", "office", "招商科")
        unit("赵六", "person", "外联组", "科员")

    return built_once(request, bureau, "targets.staffed", build)


def test_by_rank_gives_persons_their_rank_and_offices_the_sum(staffed):
    out = target("allocate", "市商务局", "--year", YEAR, "--by-rank", "副科级以上=25万,科员=10万")
    nodes = tree()
    base = "全市/市商务局"
    assert nodes[f"{base}/张三"]["must_wan"] == 25
    assert nodes[f"{base}/办公室/李四"]["must_wan"] == 10
    assert nodes[f"{base}/办公室/王五"]["must_wan"] == 25
    assert nodes[f"{base}/办公室"]["must_wan"] == 35
    assert nodes[f"{base}/招商科"]["must_wan"] == 10
    assert nodes[f"{base}/招商科/外联组"]["must_wan"] == 10
    assert nodes[f"{base}/招商科/外联组/赵六"]["must_wan"] == 10
    assert nodes[f"{base}/外资科"]["must_wan"] is None
    assert nodes[f"{base}/办公室"]["status"] == "balanced"
    department = nodes[base]
    assert (department["children_must_wan"], department["gap_must_wan"]) == (70, 70 - 10000)
    assert department["missing_must"] == 1  # 外资科 has no persons
    assert "9930.00万元 less than the parent's target" in out
    assert {r["basis"] for r in history() if r["unit"].startswith(f"{base}/")} == {"rank"}


def test_by_rank_skips_persons_in_towns(ledger):
    unit("城关镇", "town", "甲县")
    unit("孙八", "person", "甲县", "科员")
    unit("钱七", "person", "城关镇", "科员")
    target("set", "甲县", "5亿", "--year", YEAR)
    target("allocate", "甲县", "--year", YEAR, "--by-rank", "科员=10万")
    nodes = tree()
    assert nodes["全市/甲县/孙八"]["must_wan"] == 10
    assert nodes["全市/甲县/城关镇/钱七"]["must_wan"] is None


def test_by_rank_with_an_unpriced_rank_needs_partial(staffed):
    before = snapshot(staffed)
    fails("target", "allocate", "市商务局", "--year", YEAR, "--by-rank", "副科级以上=25万")
    assert snapshot(staffed) == before
    result = zs(
        "target", "allocate", "市商务局", "--year", YEAR, "--by-rank", "副科级以上=25万,处级=50万",
        "--partial",
    )  # fmt: skip
    assert "Skipped 李四" in result.stderr and "has the rank 处级" in result.stderr
    nodes = tree()
    assert nodes["全市/市商务局/办公室"]["must_wan"] == 25
    assert nodes["全市/市商务局/办公室/李四"]["must_wan"] is None
    assert nodes["全市/市商务局/招商科"]["must_wan"] is None


def test_by_rank_without_persons_changes_nothing(bureau):
    before = snapshot(bureau)
    fails("target", "allocate", "市商务局", "--year", YEAR, "--by-rank", "科员=10万")
    assert snapshot(bureau) == before


def test_by_rank_counts_leads_per_person(staffed):
    target("set", "市商务局", "20", "--year", YEAR, "--metric", "leads")
    target(
        "allocate",
        "市商务局",
        "--year",
        YEAR,
        "--metric",
        "leads",
        "--by-rank",
        "副科级以上=2,科员=2",
    )
    nodes = tree("leads")
    assert nodes["全市/市商务局"]["children_must"] == 8  # 张三 2 + 办公室 4 + 招商科 2


# --- allocation: what it needs, and mid-year re-allocation -------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("全市",),  # no method
        ("全市", "--equal", "--split", "甲县=1亿"),  # two methods
        ("全市", "--split", "甲县=1亿", "--round", "万", "--partial"),
        ("全市", "--equal", "--metric", "projects", "--round", "万"),
        ("全市", "--equal", "--round", "半"),
        ("全市", "--equal", "--partial"),
        ("全市", "--equal", "--metric", "gdp"),
        ("全市", "--equal", "--level", "maybe"),
        ("丙县", "--equal"),
        ("乙县", "--equal"),  # no units under it (and no target)
        ("全市", "--equal", "--year", "2027"),  # no target that year
        ("全市", "--equal", "--from", "2027-01-01"),  # not in the year
        ("全市", "--equal", "--level", "strive"),  # no strive target
    ],
)
def test_allocation_refuses_and_changes_nothing(ledger, args):
    target("set", "全市", "30亿", "--year", YEAR)
    target("set", "全市", "12", "--year", YEAR, "--metric", "projects")
    before = snapshot(ledger)
    year = [] if "--year" in args else ["--year", YEAR]
    fails("target", "allocate", *args, *year)
    assert snapshot(ledger) == before


def test_allocation_needs_a_parent_target_in_force_on_the_from_date(ledger):
    target("set", "全市", "30亿", "--year", YEAR, "--from", "2026-07-01")
    before = snapshot(ledger)
    fails("target", "allocate", "全市", "--year", YEAR, "--equal")
    assert snapshot(ledger) == before
    target("allocate", "全市", "--year", YEAR, "--equal", "--from", "2026-07-01")
    assert tree(on="2026-07-01")["全市/甲县"]["must_wan"] == 75000


def test_leaf_unit_cannot_be_allocated(ledger):
    target("set", "乙县", "4亿", "--year", YEAR)
    before = snapshot(ledger)
    result = fails("target", "allocate", "乙县", "--year", YEAR, "--equal")
    assert "no units under it" in result.stderr
    assert snapshot(ledger) == before


def test_mid_year_reallocation_keeps_history(ledger):
    target("set", "全市", "30亿", "--year", YEAR)
    target(
        "allocate", "全市", "--year", YEAR, "--split", "甲县=12亿,乙县=9亿,经开区=8亿,市商务局=1亿"
    )
    target("set", "全市", "32亿", "--year", YEAR, "--from", "2026-07-01", "--reason", "年中调整")
    target(
        "allocate", "全市", "--year", YEAR, "--from", "2026-07-01", "--reason", "年中调整",
        "--split", "甲县=13亿,乙县=10亿,经开区=8亿,市商务局=1亿",
    )  # fmt: skip
    june, july = tree(on="2026-06-30"), tree(on="2026-07-01")
    assert (june["全市/甲县"]["must_wan"], july["全市/甲县"]["must_wan"]) == (120000, 130000)
    assert (june["全市"]["gap_must_wan"], july["全市"]["gap_must_wan"]) == (0, 0)
    rows = history("甲县")
    assert [(r["amount_wan"], r["effective_from"], r["basis"], r["reason"]) for r in rows] == [
        (120000, "2026-01-01", "split", None),
        (130000, "2026-07-01", "split", "年中调整"),
    ]


def test_allocation_uses_the_parent_target_in_force_on_the_from_date(bureau):
    target("set", "市商务局", "1.5亿", "--year", YEAR, "--from", "2026-07-01")
    target("allocate", "市商务局", "--year", YEAR, "--equal", "--from", "2026-06-30")
    target("allocate", "市商务局", "--year", YEAR, "--equal", "--from", "2026-07-01")
    assert yuan("全市/市商务局/外资科", on="2026-06-30") == 33_333_333
    assert yuan("全市/市商务局/外资科", on="2026-07-01") == 50_000_000


def test_allocation_warns_when_a_child_has_a_later_target(ledger):
    target("set", "全市", "30亿", "--year", YEAR)
    target("set", "甲县", "9亿", "--year", YEAR, "--from", "2026-09-01")
    result = zs("target", "allocate", "全市", "--year", YEAR, "--equal")
    assert "甲县 (2026-09-01)" in result.stderr
    assert tree(on="2026-09-01")["全市/甲县"]["must_wan"] == 90000


def test_allocation_is_in_the_audit_trail(ledger):
    target("set", "全市", "30亿", "--year", YEAR)
    target("allocate", "全市", "--year", YEAR, "--equal", *operator_option("王科长"))
    rows = json.loads(zs("history", "-f", "json").stdout)
    actions = [(r["action"], r["operator"]) for r in rows if r["action"].startswith("target")]
    chief = recorded_as("王科长")
    assert actions == [("target.set", recorded_as("tester"))] + [("target.set", chief)] * 4 + [
        ("target.allocate", chief)
    ]


# --- the tree and its gaps ------------------------------------------------------------------


def test_tree_gap_figures(ledger):
    unit("城关镇", "town", "甲县")
    unit("河口镇", "town", "甲县")
    unit("园区一", "town", "经开区")
    target("set", "全市", "30亿", "--year", YEAR)
    target("set", "全市", "33亿", "--year", YEAR, "--level", "strive")
    target(
        "allocate", "全市", "--year", YEAR, "--split", "甲县=12亿,乙县=9亿,经开区=9亿,市商务局=1亿"
    )
    target("allocate", "甲县", "--year", YEAR, "--split", "城关镇=7亿", "--partial")
    target("set", "甲县", "13亿", "--year", YEAR, "--level", "strive")
    nodes = tree()
    city, county, zone, town = (
        nodes["全市"],
        nodes["全市/甲县"],
        nodes["全市/经开区"],
        nodes["全市/甲县/城关镇"],
    )
    assert (city["children_must_wan"], city["gap_must_wan"], city["status"]) == (
        310000,
        10000,
        "over",
    )
    assert (city["children_strive_wan"], city["gap_strive_wan"]) == (130000, -200000)
    assert (county["children_must_wan"], county["gap_must_wan"], county["status"]) == (
        70000,
        -50000,
        "under",
    )
    assert county["missing_must"] == 1
    assert (zone["children_must_wan"], zone["gap_must_wan"], zone["status"]) == (
        0,
        -90000,
        "not allocated",
    )
    assert (town["children_must_wan"], town["gap_must_wan"], town["status"]) == (None, None, "")
    assert nodes["全市/乙县"]["children"] == 0


def test_tree_shows_a_parent_without_its_own_target(ledger):
    target("set", "甲县", "5亿", "--year", YEAR)
    city = tree()["全市"]
    assert (city["must_wan"], city["children_must_wan"], city["gap_must_wan"]) == (
        None,
        50000,
        None,
    )
    assert city["status"] == "no own target"


def test_flat_list_leaves_out_units_without_targets_and_tree_keeps_them(ledger):
    target("set", "甲县", "5亿", "--year", YEAR)
    flat = json.loads(zs("target", "list", "--year", YEAR, "-f", "json").stdout)
    assert [row["path"] for row in flat] == ["全市", "全市/甲县"]
    assert len(tree()) == 5
    csv_out = zs("target", "list", "--year", YEAR, "-f", "csv").stdout.splitlines()
    assert csv_out[0].startswith(
        "path,name,depth,children,kind,must_wan,children_must_wan,gap_must_wan"
    )
    table = zs("target", "list", "--year", YEAR, "--tree").stdout
    assert "  甲县" in table and "市商务局" in table


# --- the whole 任务分解表 ---------------------------------------------------------------------


def test_a_whole_city_breakdown_can_be_entered_and_checked(ledger):
    for town in ("城关镇", "河口镇"):
        unit(town, "town", "甲县")
    for town in ("东街道", "西街道", "南街道"):
        unit(town, "town", "乙县")
    unit("办公室", "office", "市商务局")
    unit("招商科", "office", "市商务局")
    unit("主任", "person", "办公室", "副科级以上")
    unit("办事员", "person", "办公室", "科员")
    for person in ("甲", "乙", "丙"):
        unit(f"招商员{person}", "person", "招商科", "科员")

    target("set", "全市", "30亿", "--year", YEAR)
    target("set", "全市", "33亿", "--year", YEAR, "--level", "strive")
    target(
        "allocate", "全市", "--year", YEAR, "--split", "甲县=12亿,乙县=9亿,经开区=8亿,市商务局=1亿"
    )
    target(
        "allocate", "全市", "--year", YEAR, "--level", "strive",
        "--split", "甲县=13亿,乙县=10亿,经开区=8.8亿,市商务局=1.2亿",
    )  # fmt: skip
    target("allocate", "甲县", "--year", YEAR, "--weights", "城关镇=3,河口镇=2")
    target("allocate", "乙县", "--year", YEAR, "--equal")
    target("allocate", "市商务局", "--year", YEAR, "--split", "办公室=2000万,招商科=8000万")
    target("allocate", "办公室", "--year", YEAR, "--by-rank", "副科级以上=1500万,科员=500万")
    target("allocate", "招商科", "--year", YEAR, "--equal", "--round", "万")

    nodes = tree()
    for path, node in nodes.items():
        assert node["must_wan"] is not None, path
        if node["children"]:
            assert (node["gap_must_wan"], node["status"], node["missing_must"]) == (
                0,
                "balanced",
                0,
            ), path
    assert nodes["全市/甲县/城关镇"]["must_wan"] == 72000
    assert nodes["全市/乙县/南街道"]["must_wan"] == 30000
    assert [nodes[f"全市/市商务局/招商科/招商员{p}"]["must_wan"] for p in "甲乙丙"] == [
        2667,
        2667,
        2666,
    ]
    assert nodes["全市"]["gap_strive_wan"] == 0


def test_a_province_target_past_one_wan_yi_is_kept_exactly(ledger):
    """Caps stop typos, not provinces: targets go to 100万亿, their subtotals exact to the fen
    in the JSON (a float would print 9999999999.999998)."""
    zs("target", "set", "全市", "100万亿", "--year", "2026")
    zs("target", "set", "甲县", "600000亿", "--year", "2026")
    zs("target", "set", "乙县", "399999.9999999999亿", "--year", "2026")
    err = fails("target", "set", "全市", "10000000000000000.01元", "--year", "2026").stderr
    assert "more than 100万亿" in err
    assert "more than 1万亿" in fails("arrive", "x", "1.01万亿", "--date", "2026-04-01").stderr
    text = zs("report", "--month", "4", "--format", "json").stdout
    assert '"target": 3999999999.999999,' in text and '"target": 9999999999.999999,' in text
    data = json.loads(text, parse_float=Decimal)
    county = next(group for group in data["groups"] if group["kind"] == "county")
    assert county["subtotal"]["target"] == Decimal("9999999999.999999")
    assert data["total"]["target"] == 10_000_000_000
