"""Projects: adding with every option, joint credit, listing, showing, stage moves, privacy."""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from helpers import fails, operator_option, recorded_as, snapshot, zs

CONTACT = "张三 总经理 13800138000"
WAN = 1_000_000  # 分 in one 万元


def add_full_project() -> None:
    zs(
        "add-project",
        "--name",
        "年产10万吨新材料项目",
        "--unit",
        "甲县",
        "--amount",
        "2.5亿",
        "--investor",
        "某某新材料有限公司",
        "--origin",
        "省外",
        "--industry",
        "新材料",
        "--industrial",
        "--signed",
        "2026-03-18",
        "--total-investment",
        "3亿元",
        "--occasion",
        "投洽会",
        "--leader",
        "王副市长",
        "--recruiter",
        "赵科长",
        "--informant",
        "钱先生",
        "--contact",
        CONTACT,
    )


def show(code: str, *extra: str) -> dict:
    return json.loads(zs("project", "show", code, "--format", "json", *extra).stdout)


def listing(*extra: str) -> list[dict]:
    return json.loads(zs("project", "list", "--format", "json", *extra).stdout)


def test_add_project_with_every_option_round_trips(ledger: Path) -> None:
    add_full_project()
    detail = show("2026-0001")
    assert {k: detail[k] for k in detail if k not in ("created_at", "stages", "id")} == {
        "code": "2026-0001",
        "name": "年产10万吨新材料项目",
        "investor": "某某新材料有限公司",
        "origin": "outside_province",
        "industry": "新材料",
        "industrial": True,
        "contract_wan": 25_000,
        "total_investment_wan": 30_000,
        "stage": "signed",
        "signed_on": "2026-03-18",
        "started_on": None,
        "completed_on": None,
        "producing_on": None,
        "terminated_on": None,
        "termination_reason": None,
        "occasion": "投洽会",
        "leader": "王副市长",
        "recruiter": "赵科长",
        "informant": "钱先生",
        "units": [{"unit": "甲县", "share": 1}],
        "arrivals": [],
        "arrived_wan": 0,
        "contract_currency": None,
        "contract_original_wan": None,
        "voided_at": None,
        "void_reason": None,
        "note": None,
        "changes": [],
    }
    (event,) = detail["stages"]
    assert (event["stage"], event["on_date"], event["operator"]) == (
        "signed",
        "2026-03-18",
        recorded_as("tester"),
    )


def test_add_project_prints_code_and_stage(ledger: Path) -> None:
    out = zs("add-project", "--name", "线索项目", "--unit", "乙县").stdout
    assert out.strip() == "Added project 2026-0001 线索项目 (lead)."
    out = zs("add-project", "--name", "去年签约", "--unit", "乙县", "--signed", "2025-12-30").stdout
    assert out.strip() == "Added project 2025-0001 去年签约 (signed)."
    out = zs("add-project", "--name", "自编号", "--unit", "乙县", "--code", "JX-7").stdout
    assert "Added project JX-7 自编号 (lead)." in out
    assert zs("add-project", "--name", "再一个", "--unit", "乙县").stdout.startswith(
        "Added project 2026-0002"
    )


@pytest.mark.parametrize(
    ("units", "shares"),
    [
        (["甲县", "乙县"], [5000, 5000]),
        (["甲县", "乙县", "经开区"], [3333, 3333, 3334]),
    ],
)
def test_joint_credit_is_shared_evenly(ledger: Path, units: list[str], shares: list[int]) -> None:
    args = [a for unit in units for a in ("--unit", unit)]
    zs("add-project", "--name", "共同引进", *args, "--amount", "1亿", "--signed", "2026-05-01")
    detail = show("2026-0001")
    assert detail["units"] == [
        {"unit": u, "share": s / 10_000} for u, s in zip(units, shares, strict=True)
    ]
    assert sum(Decimal(str(u["share"])) for u in detail["units"]) == 1
    (row,) = listing()
    assert set(row["units"].split("、")) == set(units)
    # Each credited unit (and the city above them) finds the project.
    for unit in [*units, "全市"]:
        assert [r["code"] for r in listing("--unit", unit)] == ["2026-0001"]
    text = zs("project", "show", "2026-0001").stdout
    assert f"{units[0]} ({shares[0] / 100:g}%)" in text


def test_the_same_unit_twice_is_refused(ledger: Path) -> None:
    before = snapshot(ledger)
    err = fails("add-project", "--name", "x", "--unit", "甲县", "--unit", "甲县").stderr
    assert "same unit is named twice" in err
    assert snapshot(ledger) == before


@pytest.fixture
def projects(ledger: Path) -> Path:
    """Four projects across the tree, signed in two years, at several stages."""
    zs("unit", "add", "城关镇", "--kind", "town", "--parent", "甲县")
    zs(
        "add-project",
        "--name",
        "A",
        "--unit",
        "城关镇",
        "--amount",
        "1亿",
        "--signed",
        "2026-03-01",
    )
    zs(
        "add-project",
        "--name",
        "B",
        "--unit",
        "乙县",
        "--amount",
        "5000万",
        "--signed",
        "2025-06-01",
    )
    zs("add-project", "--name", "C", "--unit", "经开区", "--industry", "食品")
    zs(
        "add-project",
        "--name",
        "D",
        "--unit",
        "甲县",
        "--signed",
        "2026-07-01",
        "--stage",
        "started",
    )
    return ledger


def test_project_list_filters(projects: Path) -> None:
    assert [r["code"] for r in listing()] == ["2025-0001", "2026-0001", "2026-0002", "2026-0003"]
    assert [r["name"] for r in listing("--unit", "甲县")] == ["A", "D"]  # 城关镇 is below 甲县
    assert [r["name"] for r in listing("--unit", "城关镇")] == ["A"]
    assert [r["name"] for r in listing("--unit", "全市")] == ["B", "A", "C", "D"]
    assert [r["name"] for r in listing("--stage", "signed")] == ["B", "A"]
    assert [r["name"] for r in listing("--stage", "lead")] == ["C"]
    assert [r["name"] for r in listing("--year", "2026")] == ["A", "D"]
    assert [r["name"] for r in listing("--year", "2025")] == ["B"]
    assert [r["name"] for r in listing("--unit", "甲县", "--stage", "started")] == ["D"]
    assert listing("--unit", "市商务局") == []


def test_project_list_json_has_exact_values(projects: Path) -> None:
    zs("arrive", "2026-0001", "4700万", "--date", "2026-04-10")
    zs("arrive", "2026-0001", "0.01元", "--date", "2026-04-11")
    row = next(r for r in listing() if r["name"] == "A")
    assert row == {
        "id": 1,
        "code": "2026-0001",
        "name": "A",
        "units": "城关镇",
        "industry": None,
        "industrial": False,
        "stage": "signed",
        "signed_on": "2026-03-01",
        "contract_wan": 10_000,
        "arrived_wan": 4700.000001,
    }


def test_project_list_csv(projects: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(zs("project", "list", "--format", "csv").stdout)))
    assert list(rows[0]) == [
        "id",
        "code",
        "name",
        "units",
        "industry",
        "industrial",
        "stage",
        "signed_on",
        "contract_wan",
        "arrived_wan",
    ]
    b = rows[0]
    assert (b["code"], b["units"], b["contract_wan"], b["arrived_wan"]) == (
        "2025-0001",
        "乙县",
        "5000",
        "0",
    )


def test_project_list_table(projects: Path) -> None:
    out = zs("project", "list", "--unit", "甲县").stdout
    assert "10000.00" in out and "2026-0003" in out and "started" in out
    assert "2025-0001" not in out


def test_project_list_refuses_bad_filters(projects: Path) -> None:
    assert "no unit named '丁县'" in fails("project", "list", "--unit", "丁县").stderr
    assert "Unknown stage 'built'" in fails("project", "list", "--stage", "built").stderr
    fails("project", "list", "--year", "twenty", code=2)


def test_project_show_text(ledger: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add_full_project()
    zs("arrive", "2026-0001", "4700万", "--date", "2026-04-10", "--ref", "回单0042")
    out = zs("project", "show", "2026-0001").stdout
    for text in (
        "2026-0001 年产10万吨新材料项目",
        "Responsible units: 甲县",
        "Investor: 某某新材料有限公司",
        "Investor origin: outside_province",
        "Stage: signed",
        "Contract amount: 25000.00 万元",
        "Arrived so far: 4700.00 万元",
        "Leader in charge: 王副市长",
        "Stage history:",
        "2026-03-18  signed",
        "#1  2026-04-10  4700.00万元",
        "回单0042",
    ):
        assert text in out, text
    monkeypatch.setenv("ZS_LANG", "zh_CN")
    out = zs("project", "show", "2026-0001").stdout
    for text in (
        "责任单位：甲县",
        "投资方：某某新材料有限公司",
        "客商来源：省外",
        "阶段：签约",
        "合同额：25000.00 万元",
        "累计到位：4700.00 万元",
        "包保领导：王副市长",
        "阶段记录：",
        "2026-03-18  签约",
    ):
        assert text in out, text


def test_contact_is_hidden_unless_asked_for(ledger: Path) -> None:
    add_full_project()
    assert "13800138000" not in zs("project", "show", "2026-0001").stdout
    assert "13800138000" not in zs("project", "show", "2026-0001", "--format", "json").stdout
    assert "contact" not in show("2026-0001")
    assert "13800138000" not in zs("project", "list", "--format", "csv").stdout
    assert show("2026-0001", "--with-contacts")["contact"] == CONTACT
    text = zs("project", "show", "2026-0001", "--with-contacts").stdout
    assert f"Contact: {CONTACT}" in text


def test_contact_is_private_in_the_audit_trail(ledger: Path) -> None:
    add_full_project()
    trail = zs("history", "--format", "json").stdout
    assert "13800138000" not in trail and "张三" not in trail
    entry = json.loads(trail)[-1]
    assert entry["action"] == "project.add"
    after = entry["after"]
    assert after["contact"] == "«private»"
    assert after["contract_wan"] == 25_000
    assert after["units"] == ["甲县"]
    assert "13800138000" not in zs("history").stdout


def test_bad_projects_are_refused_and_change_nothing(ledger: Path) -> None:
    zs("add-project", "--name", "已有", "--unit", "甲县", "--code", "2026-0001")
    before = snapshot(ledger)
    cases = [
        (("--name", "x", "--unit", "丙县"), "no unit named '丙县'"),
        (("--name", "x", "--unit", "甲县", "--code", "2026-0001"), "code '2026-0001' already"),
        (("--name", "x", "--unit", "甲县", "--amount", "-5万"), "negative"),
        (("--name", "x", "--unit", "甲县", "--amount", "0"), "zero"),
        (("--name", "x", "--unit", "甲县", "--amount", "很多"), "not readable"),
        (("--name", "x", "--unit", "甲县", "--amount", "2亿美元"), "--currency"),
        (("--name", "x", "--unit", "甲县", "--signed", "2026-02-30"), "does not exist"),
        (("--name", "x", "--unit", "甲县", "--signed", "March 3"), "not a date"),
        (("--name", "x", "--unit", "甲县", "--stage", "built"), "Unknown stage 'built'"),
        (("--name", "x", "--unit", "甲县", "--stage", "terminated"), "cannot start as terminated"),
        (("--name", "x", "--unit", "甲县", "--stage", "started"), "needs its --signed date"),
        (("--name", "x", "--unit", "甲县", "--origin", "火星"), "Unknown investor origin"),
        (("--name", " ", "--unit", "甲县"), "needs a --name"),
    ]
    for args, message in cases:
        assert message in fails("add-project", *args).stderr, args
    assert snapshot(ledger) == before


def test_add_project_without_unit_is_a_usage_error(ledger: Path) -> None:
    before = snapshot(ledger)
    assert "Missing option '--unit'" in fails("add-project", "--name", "x", code=2).stderr
    assert snapshot(ledger) == before


def test_a_failing_second_unit_leaves_nothing_behind(ledger: Path) -> None:
    before = snapshot(ledger)
    err = fails("add-project", "--name", "x", "--unit", "甲县", "--unit", "丙县").stderr
    assert "丙县" in err
    assert snapshot(ledger) == before
    assert listing() == []


def test_unknown_project_is_refused(ledger: Path) -> None:
    before = snapshot(ledger)
    assert "no project with code '2026-0404'" in fails("project", "show", "2026-0404").stderr
    err = fails("project", "stage", "2026-0404", "signed", "--date", "2026-03-01").stderr
    assert "no project with code" in err
    assert snapshot(ledger) == before


def stages(code: str) -> list[tuple]:
    return [
        (e["stage"], e["previous_stage"], e["on_date"], e["correction"], e["reason"])
        for e in show(code)["stages"]
    ]


def test_forward_stage_moves_set_their_dates(ledger: Path) -> None:
    zs("add-project", "--name", "x", "--unit", "甲县")
    moves = [
        ("negotiating", "2026-01-10"),
        ("signed", "2026-02-01"),
        ("started", "2026-03-01"),
        ("completed", "2026-08-01"),
        ("producing", "2026-10-01"),
    ]
    for stage, on in moves:
        out = zs("project", "stage", "2026-0001", stage, "--date", on).stdout
        assert out.strip() == f"Project 2026-0001 is now {stage} ({on})."
    detail = show("2026-0001")
    assert detail["stage"] == "producing"
    assert (detail["signed_on"], detail["started_on"], detail["completed_on"]) == (
        "2026-02-01",
        "2026-03-01",
        "2026-08-01",
    )
    assert detail["producing_on"] == "2026-10-01"
    assert [s[:3] for s in stages("2026-0001")] == [
        ("lead", None, "2026-11-23"),
        ("negotiating", "lead", "2026-01-10"),
        ("signed", "negotiating", "2026-02-01"),
        ("started", "signed", "2026-03-01"),
        ("completed", "started", "2026-08-01"),
        ("producing", "completed", "2026-10-01"),
    ]


def test_backward_move_needs_correct_and_clears_later_dates(ledger: Path) -> None:
    zs("add-project", "--name", "x", "--unit", "甲县", "--signed", "2026-02-01")
    zs("project", "stage", "2026-0001", "started", "--date", "2026-03-01")
    zs("project", "stage", "2026-0001", "completed", "--date", "2026-08-01")
    before = snapshot(ledger)
    err = fails("project", "stage", "2026-0001", "signed", "--date", "2026-02-01").stderr
    assert "at stage completed" in err and "--correct" in err
    err = fails("project", "stage", "2026-0001", "completed", "--date", "2026-08-02").stderr
    assert "already at stage completed" in err
    assert snapshot(ledger) == before

    zs(
        "project",
        "stage",
        "2026-0001",
        "signed",
        "--date",
        "2026-02-01",
        "--correct",
        "--reason",
        "开工录错",
        *operator_option("李主任"),
    )
    detail = show("2026-0001")
    assert detail["stage"] == "signed"
    assert detail["signed_on"] == "2026-02-01"
    assert (detail["started_on"], detail["completed_on"]) == (None, None)
    assert stages("2026-0001")[-1] == ("signed", "completed", "2026-02-01", True, "开工录错")
    assert "signed (correction) — 开工录错" in zs("project", "show", "2026-0001").stdout

    entry = json.loads(zs("history", "--project", "2026-0001", "--format", "json").stdout)[-1]
    assert (entry["action"], entry["operator"]) == ("project.stage.correct", recorded_as("李主任"))
    assert entry["before"]["completed_on"] == "2026-08-01"
    after = entry["after"]
    assert (after["stage"], after["completed_on"], after["correction"]) == ("signed", None, True)


def test_terminate_needs_a_reason_and_leaving_it_is_a_correction(ledger: Path) -> None:
    zs("add-project", "--name", "x", "--unit", "甲县", "--signed", "2026-02-01")
    before = snapshot(ledger)
    err = fails("project", "stage", "2026-0001", "terminated", "--date", "2026-06-01").stderr
    assert "needs a --reason" in err
    assert snapshot(ledger) == before
    zs(
        "project",
        "stage",
        "2026-0001",
        "terminated",
        "--date",
        "2026-06-01",
        "--reason",
        "资金链断裂",
    )
    detail = show("2026-0001")
    assert (detail["stage"], detail["terminated_on"], detail["termination_reason"]) == (
        "terminated",
        "2026-06-01",
        "资金链断裂",
    )
    assert "Termination reason: 资金链断裂" in zs("project", "show", "2026-0001").stdout
    err = fails("project", "stage", "2026-0001", "started", "--date", "2026-07-01").stderr
    assert "at stage terminated" in err and "--correct" in err
    zs("project", "stage", "2026-0001", "signed", "--date", "2026-02-01", "--correct")
    detail = show("2026-0001")
    assert (detail["stage"], detail["terminated_on"], detail["termination_reason"]) == (
        "signed",
        None,
        None,
    )


def test_stage_refusals(ledger: Path) -> None:
    zs("add-project", "--name", "x", "--unit", "甲县")
    before = snapshot(ledger)
    assert (
        "Unknown stage 'built'"
        in fails("project", "stage", "2026-0001", "built", "--date", "2026-03-01").stderr
    )
    assert (
        "no signing date"
        in fails("project", "stage", "2026-0001", "started", "--date", "2026-03-01").stderr
    )
    assert (
        "does not exist"
        in fails("project", "stage", "2026-0001", "signed", "--date", "2026-02-30").stderr
    )
    fails("project", "stage", "2026-0001", "signed", code=2)  # --date is required
    assert snapshot(ledger) == before


def test_history_of_one_project(ledger: Path) -> None:
    zs("add-project", "--name", "x", "--unit", "甲县", "--signed", "2026-02-01")
    zs("add-project", "--name", "y", "--unit", "乙县", "--signed", "2026-02-02")
    zs("project", "stage", "2026-0002", "started", "--date", "2026-03-01")
    entries = json.loads(zs("history", "--project", "2026-0002", "--format", "json").stdout)
    assert [(e["action"], e["entity_id"]) for e in entries] == [
        ("project.add", 2),
        ("project.stage", 2),
    ]
    assert entries[1]["before"]["stage"] == "signed"
    assert entries[1]["after"]["started_on"] == "2026-03-01"
    latest = json.loads(zs("history", "--limit", "2", "--format", "json").stdout)
    assert [e["action"] for e in latest] == ["project.add", "project.stage"]
    assert "no project with code 'nope'" in fails("history", "--project", "nope").stderr


def test_a_list_names_a_town_by_its_county_where_the_name_is_not_unique(ledger: Path) -> None:
    """`project list` names credited units as the report's lists do: 乙县城关镇, not 城关镇."""
    for county in ("甲县", "乙县"):
        zs("unit", "add", "城关镇", "--kind", "town", "--parent", county)
    zs("unit", "add", "东关街道", "--kind", "town", "--parent", "乙县")
    zs("add-project", "--name", "镇上", "--unit", "乙县/城关镇", "--unit", "东关街道",
       "--code", "T-1")  # fmt: skip
    (row,) = [r for r in json.loads(zs("project", "list", "--format", "json").stdout)
              if r["code"] == "T-1"]  # fmt: skip
    assert row["units"] == "乙县城关镇、东关街道"
