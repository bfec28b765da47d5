"""A project's whole life and the counting rules (统计口径), with figures worked out by hand:
增资 and 升格, 共同引进 with stated shares, 不重复统计, 作废, the state at the period's end,
leads, and the edits that change none of the counts."""

import json
from pathlib import Path

import pytest

from helpers import fails, snapshot, sql, zs
from sheets import read_xlsx


def report(*args: str, year: str = "2026") -> dict:
    return json.loads(zs("report", "--year", year, "--format", "json", *args).stdout)


def rows(data: dict) -> dict[str, dict]:
    return {row["unit"]: row for group in data["groups"] for row in group["rows"]}


def actual(data: dict) -> dict[str, object]:
    """Each unit's figure, each subtotal's, and the total's."""
    out: dict[str, object] = {row: r["actual"] for row, r in rows(data).items()}
    out |= {group["subtotal"]["unit"]: group["subtotal"]["actual"] for group in data["groups"]}
    out["total"] = data["total"]["actual"]
    return out


def tier(data: dict, key: str) -> dict:
    return next(row for row in data["breakdowns"]["tier"] if row["key"] == key)


def show(code: str) -> dict:
    return json.loads(zs("project", "show", code, "--format", "json").stdout)


# --- 增资 and 升格 ------------------------------------------------------------------------


@pytest.fixture
def increased(ledger: Path) -> Path:
    """2026-0001 甲县 8000万 signed in February, +3000万 on 10 April (so 1.1亿 from then);
    2025-0001 乙县 5000万 signed in 2025, +2000万 on 20 April 2026."""
    zs("add-project", "--name", "新材料", "--investor", "甲公司", "--unit", "甲县",
       "--signed", "2026-02-01", "--amount", "8000万", "--origin", "省外")  # fmt: skip
    zs("add-project", "--name", "食品", "--investor", "乙公司", "--unit", "乙县",
       "--signed", "2025-06-01", "--amount", "5000万", "--origin", "省外")  # fmt: skip
    zs("project", "increase", "2026-0001", "3000万", "--date", "2026-04-10", "--reason", "扩产")
    zs("project", "increase", "2025-0001", "2000万", "--date", "2026-04-20")
    return ledger


def test_an_increase_counts_in_its_period_contract_not_in_the_count(increased: Path) -> None:
    march, april = report("--month", "3"), report("--month", "4")
    assert march["projects"]["introduced"] == {"count": 1, "contract": 8000}
    # April: 2026-0001 whole (8000 + 3000) and 2025-0001's increase; still one new project.
    assert april["projects"]["introduced"] == {"count": 1, "contract": 13000}
    assert report("--month", "4", "--metric", "projects")["total"]["actual"] == 1
    # The 2025 report knows nothing of the 2026 increase.
    december = report("--month", "12", year="2025")
    assert december["projects"]["introduced"] == {"count": 1, "contract": 5000}


def test_an_increase_moves_the_project_into_a_bigger_tier_from_its_date(increased: Path) -> None:
    march, april = report("--month", "3"), report("--month", "4")
    assert (tier(march, "5000wan")["projects"], tier(march, "1yi")["projects"]) == (1, 0)
    assert (tier(april, "5000wan")["projects"], tier(april, "1yi")["projects"]) == (0, 1)
    assert tier(april, "1yi")["contract"] == 11000
    assert tier(april, "5000wan")["contract"] == 2000  # 2025-0001's increase, at 7000万 now
    assert april["projects"]["major_signed"] == {"count": 1, "contract": 11000}
    assert march["projects"]["major_signed"]["count"] == 0
    assert report("--month", "3", "--metric", "major")["total"]["actual"] == 0
    major = report("--month", "4", "--metric", "major")
    assert actual(major)["甲县"] == 1 and major["total"]["actual"] == 1


def test_show_lists_every_increase_and_history_names_it(increased: Path) -> None:
    (change,) = show("2026-0001")["changes"]
    assert (change["kind"], change["old"], change["new"], change["effective_on"]) == (
        "increase",
        8000,
        11000,
        "2026-04-10",
    )
    assert change["reason"] == "扩产" and show("2026-0001")["contract_wan"] == 11000
    table = zs("project", "show", "2026-0001").stdout
    assert "from 2026-04-10" in table and "8000.00万元 → 11000.00万元" in table
    trail = json.loads(zs("history", "--project", "2026-0001", "--format", "json").stdout)
    assert trail[-1]["action"] == "project.increase"
    assert trail[-1]["after"]["increase_wan"] == 3000


def test_an_increase_needs_a_signed_contract(ledger: Path) -> None:
    zs("add-project", "--name", "线索", "--unit", "甲县")
    zs("add-project", "--name", "无额", "--unit", "甲县", "--signed", "2026-03-01")
    before = snapshot(ledger)
    assert "is not signed" in fails("project", "increase", "2026-0001", "1万", "--date",
                                    "2026-04-01").stderr  # fmt: skip
    assert "no contract amount" in fails("project", "increase", "2026-0002", "1万", "--date",
                                         "2026-04-01").stderr  # fmt: skip
    assert snapshot(ledger) == before


# --- 共同引进 -----------------------------------------------------------------------------


@pytest.fixture
def joint(ledger: Path) -> Path:
    """2026-0001 甲县 70% / 乙县 30%, 1亿, with 1000万 in April; 2026-0002 甲县 and 经开区
    evenly, 2000万."""
    zs("add-project", "--name", "光伏组件", "--investor", "某某新能源有限公司",
       "--unit", "甲县=70%", "--unit", "乙县=30%", "--signed", "2026-03-01",
       "--amount", "1亿", "--origin", "省外")  # fmt: skip
    zs("arrive", "2026-0001", "1000万", "--date", "2026-04-01")
    zs("add-project", "--name", "冷链", "--investor", "丙公司", "--unit", "甲县",
       "--unit", "经开区", "--signed", "2026-03-05", "--amount", "2000万")  # fmt: skip
    return ledger


def test_the_city_holds_every_project_whole_and_a_county_its_share(joint: Path) -> None:
    """The top of the tree takes each project whole without adding up credit; a county reads
    its share through its subtree. Both must give the figures worked out by hand."""
    zs("add-project", "--name", "无额项目", "--unit", "乙县", "--signed", "2026-04-02")
    city, jia = report("--month", "4"), report("--month", "4", "--unit", "甲县")
    yi = report("--month", "4", "--unit", "乙县")
    assert city["projects"]["introduced"] == {"count": 3, "contract": 12000}
    assert jia["projects"]["introduced"] == {
        "count": 2,
        "contract": 8000,
    }  # 70% of 1亿, 50% of 2000万
    assert yi["projects"]["introduced"] == {"count": 2, "contract": 3000}
    assert city["projects"]["arrived"] == 1000 and jia["projects"]["arrived"] == 700
    warned = {name: [w["project"] for w in data["warnings"]] for name, data in
              (("city", city), ("甲县", jia), ("乙县", yi))}  # fmt: skip
    assert warned == {"city": ["2026-0003"], "甲县": [], "乙县": ["2026-0003"]}


def test_money_is_credited_by_the_stated_shares(joint: Path) -> None:
    figures = actual(report("--month", "4"))
    assert (figures["甲县"], figures["乙县"], figures["县区小计"]) == (700, 300, 1000)
    assert figures["total"] == 1000
    assert [u["share"] for u in show("2026-0001")["units"]] == [0.7, 0.3]
    assert "甲县 (70%)、乙县 (30%)" in zs("project", "show", "2026-0001").stdout


def test_a_joint_project_counts_once_per_unit_row_and_once_in_a_total(joint: Path) -> None:
    counts = actual(report("--month", "4", "--metric", "projects"))
    assert (counts["甲县"], counts["乙县"], counts["县区小计"]) == (2, 1, 2)
    assert (counts["经开区"], counts["开发区小计"], counts["total"]) == (1, 1, 2)
    major = actual(report("--month", "4", "--metric", "major"))
    assert (major["甲县"], major["乙县"], major["县区小计"], major["total"]) == (1, 1, 1, 1)
    data = report("--month", "4")
    assert data["projects"]["introduced"] == {"count": 2, "contract": 12000}
    assert tier(data, "1yi")["projects"] == 1  # once, not 0.7 + 0.3


def test_shares_must_add_up_to_a_whole(joint: Path) -> None:
    before = snapshot(joint)
    err = fails("add-project", "--name", "x", "--unit", "甲县=60%", "--unit", "乙县=30%").stderr
    assert "add up to 90%, not 100%" in err
    err = fails("project", "edit", "2026-0001", "--unit", "甲县=70%", "--unit", "乙县").stderr
    assert "Give every unit its share" in err
    assert snapshot(joint) == before


def test_shares_change_from_a_date_and_earlier_periods_keep_theirs(joint: Path) -> None:
    zs("project", "edit", "2026-0001", "--unit", "乙县=40%", "--unit", "经开区=60%",
       "--date", "2026-06-01", "--reason", "协议调整")  # fmt: skip
    zs("arrive", "2026-0001", "500万", "--date", "2026-06-10")
    april, june = actual(report("--month", "4")), actual(report("--month", "6"))
    assert (april["甲县"], april["乙县"], april["经开区"]) == (700, 300, 0)
    # June's view credits the project as it stands then: the April money too (统计口径).
    assert (june["甲县"], june["乙县"], june["经开区"]) == (0, 600, 900)
    counts = actual(report("--month", "6", "--metric", "projects"))
    assert (counts["甲县"], counts["乙县"], counts["经开区"], counts["total"]) == (1, 1, 2, 2)
    (change,) = show("2026-0001")["changes"]
    assert (change["old"], change["new"]) == ("甲县=70%、乙县=30%", "乙县=40%、经开区=60%")
    assert "earlier credit" in fails("unit", "remove", "甲县").stderr


# --- 作废 versus 终止 ----------------------------------------------------------------------


@pytest.fixture
def voidable(ledger: Path) -> Path:
    """2025-0001 甲县 2亿, money in 2025 and 2026 (to be voided); 2026-0001 乙县 1000万."""
    zs("add-project", "--name", "录错的项目", "--unit", "甲县", "--signed", "2025-05-01",
       "--amount", "2亿")  # fmt: skip
    zs("arrive", "2025-0001", "500万", "--date", "2025-06-01")
    zs("arrive", "2025-0001", "300万", "--date", "2026-03-01")
    zs("add-project", "--name", "真项目", "--unit", "乙县", "--signed", "2026-02-01",
       "--amount", "1000万")  # fmt: skip
    zs("arrive", "2026-0001", "100万", "--date", "2026-04-01")
    return ledger


def test_a_voided_project_leaves_every_figure_of_every_period(voidable: Path) -> None:
    assert report("--month", "12", year="2025")["total"]["actual"] == 500
    assert report("--month", "4")["total"]["actual"] == 400
    zs("project", "void", "2025-0001", "--reason", "重复录入")
    dec = report("--month", "12", year="2025")
    assert dec["total"]["actual"] == 0 and dec["projects"]["introduced"]["count"] == 0
    for metric in ("projects", "major"):
        assert report("--month", "12", "--metric", metric, year="2025")["total"]["actual"] == 0
    april = report("--month", "4")
    assert (april["total"]["actual"], april["total"]["last_year"]) == (100, 0)
    assert actual(april)["甲县"] == 0 and april["breakdowns"]["status"][-1]["arrived"] == 100
    assert report("--month", "3", "--metric", "projects")["total"]["actual"] == 1
    # It stays in the ledger: shown, listed when asked, its arrivals kept, in the trail.
    assert show("2025-0001")["void_reason"] == "重复录入"
    codes = [p["code"] for p in json.loads(zs("project", "list", "-f", "json").stdout)]
    assert codes == ["2026-0001"]
    listed = json.loads(zs("project", "list", "--voided", "-f", "json").stdout)
    assert [p["code"] for p in listed] == ["2025-0001", "2026-0001"]
    assert len(json.loads(zs("arrival", "list", "-f", "json").stdout)) == 3
    assert "was voided" in fails("arrive", "2025-0001", "1万", "--date", "2026-04-02").stderr
    assert "was voided" in fails("project", "edit", "2025-0001", "--industry", "x").stderr


def test_a_report_as_of_a_day_before_the_void_still_counts_it(voidable: Path) -> None:
    for table, column in (("project", "created_at"), ("arrival", "entered_at")):
        sql(voidable, f"UPDATE {table} SET {column} = '2026-04-05 08:00:00'")
    zs("project", "void", "2025-0001", "--reason", "重复录入")
    assert report("--month", "4")["total"]["actual"] == 100
    assert report("--month", "4", "--as-of", "2026-04-06")["total"]["actual"] == 400


def test_a_terminated_project_stays_counted_and_lowers_the_rates(voidable: Path) -> None:
    zs("project", "stage", "2026-0001", "terminated", "--date", "2026-05-01", "--reason", "撤资")
    data = report("--month", "6")
    assert data["projects"]["introduced"]["count"] == 1
    assert report("--month", "6", "--metric", "projects")["total"]["actual"] == 1
    assert data["rates"]["signed"] == 1 and data["rates"]["start_rate"] == 0


# --- 不重复统计 ----------------------------------------------------------------------------


def test_a_second_project_with_the_same_investor_and_name_is_refused(ledger: Path) -> None:
    zs(
        "add-project",
        "--name",
        "光伏组件项目",
        "--investor",
        "某某新能源有限公司",
        "--unit",
        "甲县",
    )
    before = snapshot(ledger)
    for name, investor in (
        ("光伏组件", "某某新能源有限公司"),
        ("光伏 组件项目", "某某新能源有限责任公司"),
        ("光伏组件", "某某新能源　股份有限公司"),  # an ideographic space
        ("光伏组件（一期）", "某某新能源有限公司"),
    ):
        if "一期" in name:
            continue
        err = fails("add-project", "--name", name, "--investor", investor, "--unit", "经开区")
        assert "Project 2026-0001 (光伏组件项目" in err.stderr and "--duplicate-ok" in err.stderr
    assert snapshot(ledger) == before
    assert "needs a --reason" in fails("add-project", "--name", "光伏组件", "--investor",
                                       "某某新能源", "--unit", "经开区", "--duplicate-ok").stderr  # fmt: skip
    zs("add-project", "--name", "光伏组件", "--investor", "某某新能源", "--unit", "经开区",
       "--duplicate-ok", "--reason", "经开区另签的二期")  # fmt: skip
    entry = json.loads(zs("history", "--project", "2026-0002", "-f", "json").stdout)[0]
    assert entry["after"]["duplicate_of"] == "2026-0001"
    assert entry["after"]["reason"] == "经开区另签的二期"
    # Another name is another project; a voided one blocks nothing.
    zs("add-project", "--name", "光伏组件（一期）", "--investor", "某某新能源", "--unit", "甲县")
    zs("project", "void", "2026-0001", "--reason", "录错")
    zs("project", "void", "2026-0002", "--reason", "录错")
    zs("add-project", "--name", "光伏组件项目", "--investor", "某某新能源", "--unit", "甲县")


def test_an_edit_into_a_duplicate_is_refused(ledger: Path) -> None:
    zs("add-project", "--name", "A", "--investor", "甲公司", "--unit", "甲县")
    zs("add-project", "--name", "B", "--investor", "甲公司", "--unit", "甲县")
    before = snapshot(ledger)
    assert "Project 2026-0001 (A" in fails("project", "edit", "2026-0002", "--name", "A").stderr
    assert snapshot(ledger) == before


def test_a_second_arrival_of_the_same_day_and_amount_warns(ledger: Path) -> None:
    zs("add-project", "--name", "A", "--unit", "甲县", "--signed", "2026-03-01")
    assert "warning" not in zs("arrive", "2026-0001", "100万", "--date", "2026-04-01").stderr
    second = zs("arrive", "2026-0001", "100万", "--date", "2026-04-01", "--ref", "回单2").stderr
    assert "arrival 2: the same project, date and amount as arrival 1" in second
    assert "zs arrival reverse" in second
    zs("arrival", "reverse", "1", "--reason", "重复录入")
    third = zs("arrive", "2026-0001", "100万", "--date", "2026-04-01").stderr
    assert "as arrival 2" in third  # 1 was reversed: 2 is the one in force
    (recorded,) = sql(ledger, "SELECT warnings FROM arrival WHERE id = 2")
    assert "as arrival 1" in recorded[0]


# --- edits -------------------------------------------------------------------------------


def test_every_field_can_be_corrected_and_each_change_is_kept(ledger: Path) -> None:
    zs("rate", "set", "USD", "7.10", "--month", "2026-03")
    zs("add-project", "--name", "新材料", "--investor", "甲公司", "--unit", "甲县",
       "--signed", "2026-03-01", "--amount", "1亿", "--contact", "张三 138")  # fmt: skip
    zs("project", "edit", "2026-0001", "--name", "新材料二期", "--investor", "乙公司",
       "--origin", "境外", "--industry", "新材料", "--industrial", "--amount", "1500万",
       "--currency", "USD", "--total-investment", "3亿", "--leader", "李副县长",
       "--recruiter", "王科长", "--informant", "钱先生", "--occasion", "投洽会",
       "--contact", "李四 139", "--reason", "按合同更正")  # fmt: skip
    detail = show("2026-0001")
    assert (detail["name"], detail["investor"], detail["origin"]) == (
        "新材料二期",
        "乙公司",
        "foreign",
    )
    assert (detail["industry"], detail["industrial"], detail["occasion"]) == (
        "新材料",
        True,
        "投洽会",
    )
    assert (detail["contract_wan"], detail["contract_currency"]) == (10650, "USD")
    assert detail["contract_original_wan"] == 1500 and detail["total_investment_wan"] == 30000
    fields = {change["field"]: change for change in detail["changes"]}
    assert fields["name"]["old"] == "新材料" and fields["name"]["reason"] == "按合同更正"
    assert fields["contract_fen"]["old"] == 10000 and fields["contract_fen"]["new"] == 10650
    assert fields["contact"]["old"] is None and fields["contact"]["new"] is None  # private
    assert all(change["effective_on"] is None for change in detail["changes"])
    march = report("--month", "3")
    assert march["projects"]["introduced"] == {"count": 1, "contract": 10650}
    assert march["breakdowns"]["foreign"]["contract_usd"] == 1500  # its own USD amount
    trail = json.loads(zs("history", "--project", "2026-0001", "-f", "json").stdout)
    assert trail[-1]["action"] == "project.owner"  # the investor changed: 更换业主
    assert "李四" not in json.dumps(trail, ensure_ascii=False)
    assert (
        "Nothing to change" in fails("project", "edit", "2026-0001", "--leader", "李副县长").stderr
    )


def test_an_edit_changes_no_count(joint: Path) -> None:
    before = report("--month", "4", "--metric", "projects")
    zs("project", "edit", "2026-0001", "--name", "光伏组件(更名)", "--industry", "新能源")
    after = report("--month", "4", "--metric", "projects")
    assert actual(after) == actual(before)


def test_a_new_investor_keeps_the_code_the_money_and_the_credit(joint: Path) -> None:
    zs("project", "edit", "2026-0001", "--investor", "某某光伏有限公司", "--date", "2026-05-01",
       "--reason", "股权转让")  # fmt: skip
    detail = show("2026-0001")
    assert detail["investor"] == "某某光伏有限公司" and detail["arrived_wan"] == 1000
    assert [u["unit"] for u in detail["units"]] == ["甲县", "乙县"]
    (change,) = detail["changes"]
    assert (change["old"], change["effective_on"]) == ("某某新能源有限公司", "2026-05-01")
    assert actual(report("--month", "4")) == actual(report("--month", "5")) | {}
    # A change dated before the field's latest one is refused: correct the value instead.
    before = snapshot(joint)
    err = fails("project", "edit", "2026-0001", "--investor", "丁公司", "--date", "2026-04-01")
    assert "last changed on 2026-05-01" in err.stderr
    assert snapshot(joint) == before


def test_history_names_the_new_actions_in_chinese(joint: Path, monkeypatch) -> None:
    zs("project", "edit", "2026-0001", "--leader", "李副县长")
    zs("project", "edit", "2026-0001", "--investor", "某某光伏", "--date", "2026-05-01")
    zs("project", "increase", "2026-0001", "1000万", "--date", "2026-05-02")
    zs("project", "void", "2026-0002", "--reason", "录错")
    monkeypatch.setenv("ZS_LANG", "zh_CN")
    table = zs("history", "--wide").stdout
    for action in ("修改项目", "更换业主", "增资", "作废项目"):
        assert action in table


# --- signing with an amount ----------------------------------------------------------------


def test_a_signed_project_without_an_amount_is_named_in_the_warnings(ledger: Path) -> None:
    zs("add-project", "--name", "光伏", "--unit", "甲县", "--stage", "negotiating")
    zs("project", "stage", "2026-0001", "signed", "--date", "2026-03-01")
    result = zs("report", "--year", "2026", "--month", "4", "--format", "json")
    assert json.loads(result.stdout)["warnings"] == [
        {"project": "2026-0001", "name": "光伏", "problem": "no_contract_amount"}
    ]
    assert "2026-0001 光伏 is signed but has no contract amount" in result.stderr
    zs("project", "stage", "2026-0001", "signed", "--date", "2026-03-01", "--correct",
       "--amount", "2.5亿", "--reason", "补录签约金额")  # fmt: skip
    assert show("2026-0001")["contract_wan"] == 25000
    assert report("--month", "4")["warnings"] == []
    zs("add-project", "--name", "风电", "--unit", "乙县", "--stage", "negotiating")
    zs("project", "stage", "2026-0002", "signed", "--date", "2026-04-01", "--amount", "1亿")
    assert report("--month", "4")["projects"]["introduced"] == {"count": 2, "contract": 35000}


# --- the state at the period's end ---------------------------------------------------------


@pytest.fixture
def later_changes(ledger: Path) -> Path:
    """2026-0001 甲县 1亿 signed in March with 500万 in April; in June it starts, its credit
    moves to 乙县 and its contract becomes 2亿 (each from 1 June)."""
    zs("add-project", "--name", "新材料", "--investor", "甲公司", "--unit", "甲县",
       "--signed", "2026-03-01", "--amount", "1亿")  # fmt: skip
    zs("arrive", "2026-0001", "500万", "--date", "2026-04-10")
    zs("project", "stage", "2026-0001", "started", "--date", "2026-06-10")
    zs("project", "edit", "2026-0001", "--unit", "乙县", "--amount", "2亿",
       "--date", "2026-06-01")  # fmt: skip
    return ledger


def list_rows(path: Path, sheet: str) -> list[dict]:
    table = read_xlsx(path)[sheet]
    top = next(i for i, row in enumerate(table) if row and row[0] == "项目编号")
    return [dict(zip(table[top], row, strict=False)) for row in table[top + 1 :] if row[0]]


def test_a_list_for_april_shows_the_project_as_it_stood_in_april(
    later_changes: Path, tmp_path: Path, chinese: None
) -> None:
    april, june = tmp_path / "4.xlsx", tmp_path / "6.xlsx"
    zs("report", "--year", "2026", "--month", "4", "--xlsx", april)
    zs("report", "--year", "2026", "--month", "6", "--xlsx", june)
    (row,) = list_rows(april, "新签约项目")
    assert (row["阶段"], row["开工日期"], row["责任单位"], row["合同引资额(万元)"]) == (
        "签约",
        None,
        "甲县",
        10000,
    )
    (row,) = list_rows(june, "新签约项目")
    assert (row["阶段"], row["责任单位"], row["合同引资额(万元)"]) == ("开工", "乙县", 20000)
    assert row["开工日期"].date().isoformat() == "2026-06-10"
    status = {r["key"]: r for r in report("--month", "4")["breakdowns"]["status"]}
    assert status["not_started"]["arrived"] == 500 and status["new"]["count"] == 0
    assert actual(report("--month", "4"))["甲县"] == 500
    assert actual(report("--month", "6"))["乙县"] == 500


def test_as_of_ignores_changes_and_targets_entered_after_the_day(later_changes: Path) -> None:
    zs("target", "set", "甲县", "1000万", "--year", "2026")
    for table, column in (
        ("project", "created_at"),
        ("arrival", "entered_at"),
        ("stage_event", "entered_at"),
        ("project_change", "entered_at"),
        ("target", "set_at"),
    ):
        sql(later_changes, f"UPDATE {table} SET {column} = '2026-07-01 08:00:00'")
    then = report("--month", "7", "--as-of", "2026-07-02")
    # Entered today, after 2 July: a new target, a correction of the credit, an increase.
    zs("target", "set", "甲县", "2000万", "--year", "2026")
    zs("project", "edit", "2026-0001", "--unit", "经开区")
    zs("project", "increase", "2026-0001", "1亿", "--date", "2026-07-05")
    zs("project", "stage", "2026-0001", "completed", "--date", "2026-07-20")
    now = report("--month", "7")
    assert (actual(now)["经开区"], now["projects"]["introduced"]["contract"]) == (500, 30000)
    assert report("--month", "7", "--as-of", "2026-07-02") == then
    assert (
        rows(then)["乙县"]["actual"] == 500 and then["projects"]["introduced"]["contract"] == 20000
    )
    status = {r["key"]: r["count"] for r in then["breakdowns"]["status"]}
    assert status["new"] == 1  # started in June, not yet completed as of 2 July
    targeted = report("--month", "7", "--metric", "funds", "--as-of", "2026-07-02")
    assert rows(targeted)["甲县"]["target"] == 1000


# --- leads -------------------------------------------------------------------------------


@pytest.fixture
def leads(ledger: Path) -> Path:
    """Under 市商务局: 张三 and 李四. Leads: 张三 10 March and 2 May, 李四 (在谈) 1 April,
    both of them jointly 1 February; a project 张三 entered as signed in April is no lead."""
    zs("unit", "add", "张三", "--kind", "person", "--parent", "市商务局", "--rank", "科员")
    zs("unit", "add", "李四", "--kind", "person", "--parent", "市商务局", "--rank", "科员")
    for name, units, extra in (
        ("线索一", ["张三"], ("--date", "2026-03-10")),
        ("线索二", ["张三"], ("--date", "2026-05-02")),
        ("在谈一", ["李四"], ("--date", "2026-04-01", "--stage", "negotiating")),
        ("共同线索", ["张三", "李四"], ("--date", "2026-02-01")),
        ("签约项目", ["张三"], ("--signed", "2026-04-05")),
    ):
        units_args = [arg for unit in units for arg in ("--unit", unit)]
        zs("add-project", "--name", name, *units_args, *extra)
    zs("target", "set", "张三", "2", "--year", "2026", "--metric", "leads")
    return ledger


def test_leads_count_leads_by_who_brought_them(leads: Path) -> None:
    april = report("--month", "4", "--metric", "leads", "--unit", "市商务局")
    counts = actual(april)
    assert (counts["张三"], counts["李四"], counts["total"]) == (2, 2, 3)
    assert rows(april)["张三"]["completion"] == 1 and april["unit"] == "条"
    city = actual(report("--month", "4", "--metric", "leads"))
    assert city["市商务局"] == 3 and city["total"] == 3
    # A lead signed later stays one lead of its own period, and becomes a signed project.
    zs("project", "stage", "2026-0001", "signed", "--date", "2026-06-01")
    assert actual(report("--month", "4", "--metric", "leads", "--unit", "市商务局"))["张三"] == 2
    june = actual(report("--month", "6", "--metric", "leads", "--unit", "市商务局"))
    assert (june["张三"], june["total"]) == (3, 4)
    signed = actual(report("--month", "6", "--metric", "projects", "--unit", "市商务局"))
    assert signed["张三"] == 2
    assert "1-4月份全市录入有价值招商信息3条" in zs("report", "--year", "2026", "--month", "4",
                                                  "--metric", "leads").stdout  # fmt: skip


# --- the schema upgrade -------------------------------------------------------------------


def test_an_upgraded_ledger_finds_its_old_projects_duplicates(ledger_path: Path) -> None:
    from test_ledger import build_previous_revision

    build_previous_revision(ledger_path)
    zs("init")
    err = fails("add-project", "--name", "新材料 项目", "--unit", "甲县").stderr
    assert "Project 2026-0001 (新材料项目" in err
    zs("project", "increase", "2026-0001", "5000万", "--date", "2026-04-01")
    assert report("--month", "4")["projects"]["introduced"] == {"count": 1, "contract": 7500}
    assert report("--month", "3")["projects"]["introduced"] == {"count": 1, "contract": 2500}


# --- export → import ledger ------------------------------------------------------------------


def build_a_life(tmp_path: Path) -> None:
    """Every kind of change these commands make, and arrivals entered twice and reversed."""
    zs("unit", "add", "张三", "--kind", "person", "--parent", "市商务局", "--rank", "科员")
    zs("rate", "set", "USD", "7.10", "--month", "2026-03")
    zs("add-project", "--name", "光伏组件", "--investor", "某某新能源有限公司",
       "--unit", "甲县=70%", "--unit", "乙县=30%", "--signed", "2026-02-01",
       "--amount", "8000万", "--origin", "省外", "--industrial")  # fmt: skip
    zs("project", "increase", "2026-0001", "3000万", "--date", "2026-04-10", "--reason", "扩产")
    zs("project", "edit", "2026-0001", "--investor", "某某光伏有限公司", "--date", "2026-05-01")
    zs("project", "edit", "2026-0001", "--unit", "乙县", "--unit", "经开区", "--date",
       "2026-06-01", "--reason", "调整")  # fmt: skip
    zs("project", "stage", "2026-0001", "started", "--date", "2026-06-15")
    zs("add-project", "--name", "光伏组件", "--investor", "某某新能源", "--unit", "经开区",
       "--signed", "2026-03-02", "--amount", "1000万", "--duplicate-ok", "--reason", "二期")  # fmt: skip
    zs("add-project", "--name", "录错", "--unit", "甲县", "--signed", "2026-03-03",
       "--amount", "1亿")  # fmt: skip
    zs("arrive", "2026-0003", "200万", "--date", "2026-03-20")
    zs("project", "void", "2026-0003", "--reason", "录错")
    zs("add-project", "--name", "外资", "--investor", "HK", "--unit", "乙县", "--signed",
       "2026-03-05", "--amount", "100万", "--currency", "USD", "--origin", "境外")  # fmt: skip
    zs("project", "edit", "2026-0004", "--industry", "新材料", "--leader", "李副县长")
    zs("project", "stage", "2026-0004", "started", "--date", "2026-04-02")
    zs("project", "stage", "2026-0004", "signed", "--date", "2026-03-05", "--correct",
       "--reason", "开工录错")  # fmt: skip
    zs("add-project", "--name", "线索", "--unit", "张三", "--date", "2026-03-15")
    zs("add-project", "--name", "无额", "--unit", "甲县", "--signed", "2026-04-03")
    for _ in range(2):  # entered twice, the first one reversed
        zs("arrive", "2026-0001", "500万", "--date", "2026-04-20")
        zs("arrive", "2026-0002", "50万", "--date", "2026-04-21", "--ref", "回单7")
    zs("arrival", "reverse", "2", "--reason", "重复录入")
    zs("arrival", "reverse", "3", "--reason", "重复录入")
    zs("arrive", "2026-0001", "500万", "--date", "2026-04-20")
    zs("project", "stage", "2026-0002", "terminated", "--date", "2026-07-01", "--reason", "撤资")
    zs("target", "set", "全市", "10亿", "--year", "2026")
    zs("target", "set", "张三", "2", "--year", "2026", "--metric", "leads")


def figures() -> dict[str, str]:
    """The JSON reports, byte for byte, and every project as `show` gives it."""
    out = {}
    for month in (3, 4, 5, 6, 12):  # every metric at April, money and counts at the others
        metrics = (
            ("funds", "fdi", "projects", "major", "leads") if month == 4 else ("funds", "projects")
        )
        for metric in metrics:
            args = ("report", "--year", "2026", "--month", str(month), "--metric", metric)
            out[f"{month} {metric}"] = zs(*args, "--format", "json").stdout
    out["unit"] = zs("report", "--year", "2026", "--month", "6", "--unit", "市商务局",
                     "--metric", "leads", "--format", "json").stdout  # fmt: skip
    out["as of"] = zs("report", "--year", "2026", "--month", "6", "--as-of", "2026-01-01",
                      "--format", "json").stdout  # fmt: skip
    out["arrivals"] = zs("arrival", "list", "--format", "json").stdout
    listed = json.loads(zs("project", "list", "--voided", "--format", "json").stdout)
    for project in listed:
        detail = show(project["code"])
        for stage in detail["stages"]:
            del stage["id"]  # stage moves are replayed project by project
        out[project["code"]] = json.dumps(detail, ensure_ascii=False)
    return out


def test_export_then_import_reproduces_every_report_byte_for_byte(
    ledger: Path, tmp_path: Path, monkeypatch, new_location, chinese: None
) -> None:
    build_a_life(tmp_path)
    path = tmp_path / "台账.xlsx"
    zs("export", "-o", path)
    original = figures()
    assert json.loads(original["4 funds"])["total"]["actual"] == 1050
    monkeypatch.setenv("ZS_DB", str(new_location("copy.db")))
    zs("init")
    zs("import", "ledger", path)
    assert figures() == original
    again = tmp_path / "again.xlsx"
    zs("export", "-o", again)
    assert read_xlsx(again)["项目变更"] == read_xlsx(path)["项目变更"]


def test_check_finds_an_earlier_credit_that_is_not_whole(joint: Path) -> None:
    zs("project", "edit", "2026-0001", "--unit", "乙县", "--date", "2026-06-01")
    assert "is sound" in zs("check").stdout
    sql(joint, "UPDATE credit_before SET share_bp = 5000 WHERE unit_id = 2")
    result = fails("check")
    assert "Project 2026-0001: the credit kept before change 1 adds up to 80%, not 100%." in (
        result.stdout
    )


def test_shares_come_in_from_a_sheet_and_go_out_in_the_export(
    ledger: Path, tmp_path: Path, chinese: None
) -> None:
    from sheets import write_csv

    sheet = write_csv(
        tmp_path / "项目.csv",
        [
            ["项目名称", "责任单位", "投资方", "签约日期", "合同金额(万元)"],
            ["光伏组件", "甲县=70%、经开区=30%", "某某新能源", "2026-03-01", "1000"],
            ["冷链", "甲县、乙县", "某某冷链", "2026-03-02", "500"],
            ["错份额", "甲县=70%、乙县=20%", "某某", "2026-03-03", "10"],
        ],
    )
    before = snapshot(ledger)
    result = zs("import", "projects", sheet, code=1)
    assert "各单位份额合计为 90%，不是 100%" in result.stderr
    assert snapshot(ledger) == before  # all rows or none
    write_csv(sheet, [row for row in read_csv_rows(sheet) if row[0] != "错份额"])
    zs("import", "projects", sheet)
    assert [u["share"] for u in show("2026-0001")["units"]] == [0.7, 0.3]
    twin = write_csv(tmp_path / "再录.csv", [["项目名称", "责任单位", "投资方"],
                                            ["光伏 组件项目", "乙县", "某某新能源有限公司"]])  # fmt: skip
    plan = zs("import", "projects", twin, "--dry-run").stdout  # the same project: a change
    assert "项目：拟新增 0 个，变更 1 个；0 个未变。" in plan and "2026-0001 光伏组件" in plan
    assert "甲县=70%、经开区=30% → 乙县" in plan
    zs("export", "-o", tmp_path / "台账.xlsx")
    exported = {row[1]: row[2] for row in read_xlsx(tmp_path / "台账.xlsx")["项目"][1:]}
    assert exported == {"光伏组件": "经开区=30%、甲县=70%", "冷链": "甲县、乙县"}  # largest last


def read_csv_rows(path: Path) -> list[list[str]]:
    import csv

    with path.open(encoding="utf-8") as handle:
        return list(csv.reader(handle))
