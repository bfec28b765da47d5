"""The unit tree: adding units, listing them in every format, refusing bad ones."""

import csv
import io
import json
from pathlib import Path

import pytest

from helpers import fails, operator_option, recorded_as, snapshot, sql, zs


def unit_rows(*extra: str) -> list[dict]:
    return json.loads(zs("unit", "list", "--format", "json", *extra).stdout)


def test_unit_add_says_what_it_added(ledger_path: Path) -> None:
    zs("init")
    assert zs("unit", "add", "全市", "--kind", "city").stdout.strip() == "Added city 全市 (id 1)."
    out = zs("unit", "add", "甲县", "--kind", "county", "--parent", "全市").stdout
    assert out.strip() == "Added county 甲县 (id 2)."


def test_unit_list_json_orders_by_kind_and_gives_paths(ledger: Path) -> None:
    zs("unit", "add", "城关镇", "--kind", "town", "--parent", "甲县")
    zs("unit", "add", "李四", "--kind", "person", "--parent", "甲县/城关镇", "--rank", "科员")
    rows = unit_rows()
    assert [(r["path"], r["kind"]) for r in rows] == [
        ("全市", "city"),
        ("全市/甲县", "county"),
        ("全市/甲县/城关镇", "town"),
        ("全市/甲县/城关镇/李四", "person"),
        ("全市/乙县", "county"),
        ("全市/经开区", "zone"),
        ("全市/市商务局", "department"),
    ]
    li = rows[3]
    assert li == {
        "id": 7,
        "name": "李四",
        "kind": "person",
        "parent_id": 6,
        "rank": "科员",
        "path": "全市/甲县/城关镇/李四",
    }
    assert rows[0]["parent_id"] is None


def test_unit_list_orders_counties_zones_departments_whatever_the_entry_order(
    ledger_path: Path,
) -> None:
    zs("init")
    zs("unit", "add", "全市", "--kind", "city")
    zs("unit", "add", "市发改委", "--kind", "department", "--parent", "全市")
    zs("unit", "add", "高新区", "--kind", "zone", "--parent", "全市")
    zs("unit", "add", "丙区", "--kind", "county", "--parent", "全市")
    assert [r["name"] for r in unit_rows()] == ["全市", "丙区", "高新区", "市发改委"]


def test_unit_list_csv(ledger: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(zs("unit", "list", "--format", "csv").stdout)))
    assert list(rows[0]) == ["id", "name", "kind", "parent_id", "rank", "path"]
    assert [(r["id"], r["name"], r["parent_id"]) for r in rows] == [
        ("1", "全市", ""),
        ("2", "甲县", "1"),
        ("3", "乙县", "1"),
        ("4", "经开区", "1"),
        ("5", "市商务局", "1"),
    ]


def test_unit_list_table_shows_the_tree(ledger: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    zs("unit", "add", "王科长", "--kind", "person", "--parent", "市商务局", "--rank", "副科级以上")
    out = zs("unit", "list").stdout
    for text in (
        "全市  city",
        "甲县  county",
        "经开区  zone",
        "市商务局  department",
        "副科级以上",
    ):
        assert text in out
    assert out.index("甲县") < out.index("经开区") < out.index("市商务局") < out.index("王科长")
    monkeypatch.setenv("ZS_LANG", "zh_CN")
    out = zs("unit", "list").stdout
    for text in ("全市  市", "甲县  县区", "经开区  开发区", "市商务局  市直部门", "王科长  人"):
        assert text in out


def test_unit_list_on_an_empty_ledger_says_how_to_start(ledger_path: Path) -> None:
    zs("init")
    assert "zs unit add 全市 --kind city" in zs("unit", "list").stdout
    assert unit_rows() == []


def test_same_name_under_another_parent_is_allowed_and_found_by_path(ledger: Path) -> None:
    zs("unit", "add", "城关镇", "--kind", "town", "--parent", "甲县")
    zs("unit", "add", "城关镇", "--kind", "town", "--parent", "乙县")
    paths = [r["path"] for r in unit_rows() if r["name"] == "城关镇"]
    assert paths == ["全市/甲县/城关镇", "全市/乙县/城关镇"]
    err = fails("unit", "add", "张三", "--kind", "person", "--parent", "城关镇").stderr
    assert "Several units are named '城关镇'" in err and "give the path" in err
    zs("unit", "add", "张三", "--kind", "person", "--parent", "乙县/城关镇")
    (zhang,) = [r for r in unit_rows() if r["name"] == "张三"]
    assert zhang["path"] == "全市/乙县/城关镇/张三"


def test_duplicate_name_under_the_same_parent_is_refused(ledger: Path) -> None:
    before = snapshot(ledger)
    err = fails("unit", "add", "甲县", "--kind", "county", "--parent", "全市").stderr
    assert "'甲县' already exists under 全市" in err
    err = fails("unit", "add", "全市", "--kind", "city").stderr
    assert "'全市' already exists at the top of the tree" in err
    assert snapshot(ledger) == before


def test_bad_units_are_refused_and_change_nothing(ledger: Path) -> None:
    before = snapshot(ledger)
    cases = [
        (("丙县", "--kind", "county", "--parent", "丁市"), "no unit named '丁市'"),
        (("丙县", "--kind", "province", "--parent", "全市"), "Unknown unit kind 'province'"),
        (("丙县", "--kind", "county"), "needs a --parent"),
        (("甲/乙", "--kind", "county", "--parent", "全市"), "may not contain '/'"),
        (("丙县", "--kind", "county", "--parent", "全市", "--rank", "科员"), "Only persons"),
    ]
    for args, message in cases:
        assert message in fails("unit", "add", *args).stderr
    assert snapshot(ledger) == before


def test_unit_add_without_kind_is_a_usage_error(ledger: Path) -> None:
    before = snapshot(ledger)
    result = fails("unit", "add", "丙县", "--parent", "全市", code=2)
    assert "Missing option '--kind'" in result.stderr
    assert snapshot(ledger) == before


def test_unit_add_is_audited_with_the_operator(ledger: Path) -> None:
    zs("unit", "add", "丙县", "--kind", "county", "--parent", "全市", *operator_option("李主任"))
    entries = json.loads(zs("history", "--format", "json").stdout)
    assert [e["operator"] for e in entries] == [recorded_as("tester")] * 5 + [recorded_as("李主任")]
    last = entries[-1]
    assert (last["action"], last["entity"], last["entity_id"]) == ("unit.add", "unit", 6)
    assert last["before"] is None
    assert last["after"] == {
        "name": "丙县",
        "kind": "county",
        "parent": "全市",
        "rank": None,
    }


# --- the tree's rules: one top unit, kinds in order -------------------------------------

ORDER = "the order is city > county > zone, department, group > town, office > person"


def test_the_tree_has_one_top_unit(ledger: Path) -> None:
    before = snapshot(ledger)
    err = fails("unit", "add", "乙市", "--kind", "city").stderr
    assert err == (
        "zs: The ledger already has its top unit, 全市, and a city can stand only there.\n"
    )
    err = fails("unit", "add", "丙县", "--kind", "county").stderr
    assert err == "zs: A county needs a --parent; the top of the tree is 全市.\n"
    assert snapshot(ledger) == before


def test_a_county_may_be_the_top_of_its_own_ledger(ledger_path: Path) -> None:
    zs("init")
    before = snapshot(ledger_path)
    assert "needs a --parent" in fails("unit", "add", "张三", "--kind", "person").stderr
    assert snapshot(ledger_path) == before
    zs("unit", "add", "甲县", "--kind", "county")
    zs("unit", "add", "县经开区", "--kind", "zone", "--parent", "甲县")
    zs("unit", "add", "县商务局", "--kind", "department", "--parent", "甲县")
    zs("unit", "add", "城关镇", "--kind", "town", "--parent", "甲县")
    assert "its top unit, 甲县" in fails("unit", "add", "全市", "--kind", "city").stderr
    zs(
        "add-project",
        "--name",
        "P",
        "--unit",
        "城关镇",
        "--amount",
        "1亿",
        "--signed",
        "2026-03-01",
    )
    zs("arrive", "2026-0001", "300万", "--date", "2026-03-05")
    report = json.loads(zs("report", "--month", "4", "--year", "2026", "-f", "json").stdout)
    assert report["parent"] == "甲县" and report["total"]["actual"] == 300
    assert [g["kind"] for g in report["groups"]] == ["zone", "department", "town"]


def test_kinds_stand_in_order(ledger: Path) -> None:
    zs("unit", "add", "城关镇", "--kind", "town", "--parent", "甲县")
    zs("unit", "add", "张三", "--kind", "person", "--parent", "甲县/城关镇")
    before = snapshot(ledger)
    refused = [
        ("全市二", "city", "甲县", "A city cannot sit under 甲县, a county"),
        ("丙县", "county", "甲县", "A county cannot sit under 甲县, a county"),
        ("丙县", "county", "经开区", "A county cannot sit under 经开区, a zone"),
        ("某镇", "town", "城关镇", "A town cannot sit under 城关镇, a town"),
        ("某镇", "town", "张三", "A town cannot sit under 张三, a person"),
        ("招商科", "office", "城关镇", "An office cannot sit under 城关镇, a town"),
        ("李四", "person", "张三", "A person cannot sit under 张三, a person"),
        (
            "甲县",
            "zone",
            "甲县",
            "A unit cannot sit under a unit of its own name (甲县 under 甲县)",
        ),
    ]
    for name, kind, parent, message in refused:
        err = fails("unit", "add", name, "--kind", kind, "--parent", parent).stderr
        assert message in err and (ORDER in err or "own name" in err), err
    assert snapshot(ledger) == before
    accepted = [
        ("县经开区", "zone", "甲县"),  # a county's own zone
        ("县商务局", "department", "甲县"),
        ("驻沪招商组", "group", "全市"),
        ("招商科", "office", "市商务局"),
        ("外联组", "office", "招商科"),  # sections inside sections (科 → 组)
        ("新区街道", "town", "经开区"),  # a zone that runs streets
        ("王局长", "person", "市商务局"),  # a person under any unit but a person
        ("李市长", "person", "全市"),
        ("赵组长", "person", "驻沪招商组"),
    ]
    for name, kind, parent in accepted:
        zs("unit", "add", name, "--kind", kind, "--parent", parent)


# --- rename, move, remove ---------------------------------------------------------------


def last_audit() -> dict:
    entry = json.loads(zs("history", "--format", "json").stdout)[-1]
    return entry


def test_rename_keeps_everything_attached(ledger: Path) -> None:
    zs("add-project", "--name", "P", "--unit", "经开区", "--signed", "2026-03-01", "--code", "P-1")
    out = zs("unit", "rename", "经开区", "高新区", *operator_option("李主任")).stdout
    assert out == "Renamed 经开区 to 高新区 (id 4).\n"
    assert [r["name"] for r in unit_rows() if r["id"] == 4] == ["高新区"]
    assert json.loads(zs("project", "show", "P-1", "-f", "json").stdout)["units"] == [
        {"unit": "高新区", "share": 1}
    ]
    entry = last_audit()
    assert (entry["action"], entry["entity_id"], entry["operator"]) == (
        "unit.rename",
        4,
        recorded_as("李主任"),
    )
    assert entry["before"] == {"name": "经开区", "path": "全市/经开区"}
    assert entry["after"] == {"name": "高新区", "path": "全市/高新区"}


def test_bad_renames_are_refused(ledger: Path) -> None:
    zs("unit", "add", "城关镇", "--kind", "town", "--parent", "甲县")
    before = snapshot(ledger)
    cases = [
        (("甲县", "乙县"), "A unit named '乙县' already exists under 全市."),
        (("甲县", "甲县"), "甲县 already has that name."),
        (("甲县", "甲/乙"), "may not contain '/'"),
        (("甲县", " "), "may not be empty"),
        (("城关镇", "甲县"), "own name (甲县 under 甲县)"),
        (("甲县", "城关镇"), "甲县 has a unit named 城关镇 under it"),
        (("丙县", "丁县"), "There is no unit named '丙县'"),
    ]
    for args, message in cases:
        assert message in fails("unit", "rename", *args).stderr
    assert snapshot(ledger) == before


def test_move_takes_the_subtree_and_its_figures(ledger: Path) -> None:
    zs("unit", "add", "城关镇", "--kind", "town", "--parent", "甲县")
    zs("unit", "add", "张三", "--kind", "person", "--parent", "城关镇")
    zs("add-project", "--name", "P", "--unit", "甲县/城关镇/张三", "--signed", "2026-03-01",
       "--code", "P-1")  # fmt: skip
    zs("arrive", "P-1", "300万", "--date", "2026-03-05")
    out = zs("unit", "move", "城关镇", "--parent", "乙县").stdout
    assert out == "Moved 城关镇: now town 全市/乙县/城关镇 (id 6).\n"
    assert "全市/乙县/城关镇/张三" in [r["path"] for r in unit_rows()]
    report = json.loads(zs("report", "--month", "4", "--year", "2026", "-f", "json").stdout)
    actual = {row["unit"]: row["actual"] for g in report["groups"] for row in g["rows"]}
    assert (actual["甲县"], actual["乙县"]) == (0, 300)
    entry = last_audit()
    assert (entry["action"], entry["entity_id"]) == ("unit.move", 6)
    assert entry["before"] == {"path": "全市/甲县/城关镇", "kind": "town"}
    assert entry["after"] == {"path": "全市/乙县/城关镇", "kind": "town"}


def test_move_corrects_a_kind(ledger: Path) -> None:
    zs("unit", "add", "高新区", "--kind", "county", "--parent", "全市")  # entered wrong
    zs("unit", "move", "高新区", "--kind", "zone")
    assert [r["kind"] for r in unit_rows() if r["name"] == "高新区"] == ["zone"]
    assert last_audit()["before"] == {"path": "全市/高新区", "kind": "county"}


def test_bad_moves_are_refused(ledger: Path) -> None:
    zs("unit", "add", "城关镇", "--kind", "town", "--parent", "甲县")
    zs("unit", "add", "城关镇", "--kind", "town", "--parent", "乙县")
    zs("unit", "add", "张三", "--kind", "person", "--parent", "甲县/城关镇")
    zs("unit", "add", "开发区", "--kind", "zone", "--parent", "甲县")
    before = snapshot(ledger)
    cases = [
        (("甲县", "--parent", "甲县/城关镇"), "城关镇 is inside 甲县; moving 甲县 under it would make a loop."),
        (("全市", "--parent", "甲县"), "甲县 is inside 全市; moving 全市 under it would make a loop."),
        (("甲县", "--parent", "甲县"), "甲县 cannot sit under itself."),
        (("甲县", "--parent", "乙县"), "A county cannot sit under 乙县, a county"),
        (("甲县/城关镇", "--parent", "丁区"), "There is no unit named '丁区'"),
        (("甲县/城关镇", "--parent", "乙县"), "A unit named '城关镇' already exists under 乙县."),
        (("甲县/城关镇", "--parent", "甲县"), "城关镇 is already a town under 甲县; nothing to move."),
        (("张三", "--parent", "乙县/城关镇", "--kind", "office"), "张三 is a person and cannot become an office"),
        (("经开区", "--kind", "person"), "经开区 is a zone and cannot become a person"),
        (("甲县", "--kind", "department"), "开发区, a zone under 甲县, cannot sit under a department"),
        (("甲县",), "Say where to move the unit with --parent, or what it is with --kind."),
        (("甲县", "--kind", "province"), "Unknown unit kind 'province'"),
    ]  # fmt: skip
    for args, message in cases:
        assert message in fails("unit", "move", *args).stderr
    assert snapshot(ledger) == before


def test_remove_only_an_empty_unit(ledger: Path) -> None:
    zs("unit", "add", "城关镇", "--kind", "town", "--parent", "甲县")
    zs("unit", "add", "错录镇", "--kind", "town", "--parent", "乙县")
    zs("add-project", "--name", "P", "--unit", "经开区")
    zs("target", "set", "市商务局", "1亿", "--year", "2026")
    zs("activity", "add", "乙县", "--date", "2026-04-14", "--visits", "1")
    before = snapshot(ledger)
    cases = [
        ("甲县", "全市/甲县 holds 1 unit under it; only a unit with nothing in it can be removed."),
        ("经开区", "全市/经开区 holds 1 project;"),
        ("市商务局", "全市/市商务局 holds 1 target;"),
        ("乙县", "全市/乙县 holds 1 unit under it, 1 effort record;"),
        ("全市", "全市 holds 4 units under it;"),
        ("丙县", "There is no unit named '丙县'"),
    ]
    for name, message in cases:
        assert message in fails("unit", "remove", name).stderr
    assert snapshot(ledger) == before
    assert zs("unit", "remove", "错录镇").stdout == "Removed town 错录镇 (id 7).\n"
    assert "错录镇" not in [r["name"] for r in unit_rows()]
    entry = last_audit()
    assert (entry["action"], entry["entity_id"], entry["after"]) == ("unit.remove", 7, None)
    assert entry["before"] == {"path": "全市/乙县/错录镇", "kind": "town", "rank": None}


# --- an old ledger with two top units ---------------------------------------------------


def test_a_ledger_with_two_top_units_is_named_and_fixed(ledger: Path, tmp_path: Path) -> None:
    """Made before the rule: a second city with a county and a project under it."""
    sql(ledger, "INSERT INTO unit (name, kind, parent_id, created_at) VALUES "
        "('新市', 'city', NULL, '2026-01-01 00:00:00')")  # fmt: skip
    sql(ledger, "INSERT INTO unit (name, kind, parent_id, created_at) VALUES "
        "('丙县', 'county', 6, '2026-01-01 00:00:00')")  # fmt: skip
    zs("add-project", "--name", "P", "--unit", "新市", "--signed", "2026-03-01")
    out = tmp_path / "out"
    out.mkdir()
    before = snapshot(ledger)
    sentence = (
        "zs: The unit tree has 2 top units (全市、新市) where it needs one; put the others under "
        "it with `zs unit move` or delete the spare with `zs unit remove`.\n"
    )
    assert fails("report", "--month", "4", "--year", "2026").stderr == sentence
    assert fails("bulletin", "--week", "2026-W16", "--out", out).stderr == sentence
    assert [p.name for p in out.iterdir() if p.name != ".zs-bulletin.lock"] == []
    assert snapshot(ledger) == before
    # A city cannot go under a city: its county moves first, then it becomes a department.
    assert "丙县, a county under 新市" in fails("unit", "move", "新市", "--parent", "全市",
                                             "--kind", "department").stderr  # fmt: skip
    zs("unit", "move", "丙县", "--parent", "全市")
    assert (
        "A city cannot sit under 全市" in fails("unit", "move", "新市", "--parent", "全市").stderr
    )
    zs("unit", "move", "新市", "--parent", "全市", "--kind", "department")
    report = json.loads(zs("report", "--month", "4", "--year", "2026", "-f", "json").stdout)
    assert report["parent"] == "全市"
    assert {row["unit"] for g in report["groups"] for row in g["rows"]} >= {"丙县", "新市"}
    zs("bulletin", "--week", "2026-W16", "--out", out)


def test_a_spare_empty_top_unit_is_removed(ledger: Path) -> None:
    sql(ledger, "INSERT INTO unit (name, kind, parent_id, created_at) VALUES "
        "('全市2', 'city', NULL, '2026-01-01 00:00:00')")  # fmt: skip
    fails("report", "--month", "4", "--year", "2026")
    zs("unit", "remove", "全市2")
    zs("report", "--month", "4", "--year", "2026")


# --- the same rules for spreadsheets ----------------------------------------------------


def test_import_units_keeps_the_tree_rules(ledger: Path, tmp_path: Path) -> None:
    from sheets import write_xlsx

    path = write_xlsx(
        tmp_path / "units.xlsx",
        {
            "单位": [
                ["单位名称", "类型", "上级单位"],
                ["新市", "市", None],
                ["某镇", "乡镇", "城关镇"],
                ["城关镇", "乡镇", "甲县"],
                ["李四", "人", "张三"],
                ["张三", "人", "城关镇"],
                ["甲镇", "乡镇", "乙镇"],
                ["乙镇", "乡镇", "甲镇"],
            ]
        },
    )
    before = snapshot(ledger)
    lines = zs("import", "units", path, code=1).stderr.splitlines()
    assert "nothing was imported" in lines[-1]
    where = "units.xlsx, sheet 单位, row"
    assert lines[:-1] == [
        f"{where} 2: The ledger already has its top unit, 全市, and a city can stand only there.",
        f"{where} 3: A town cannot sit under 城关镇, a town; {ORDER}.",
        f"{where} 5: A person cannot sit under 张三, a person; {ORDER}.",
        f"{where} 7, column 上级单位: There is no unit named '乙镇'; see `zs unit list`.",
        f"{where} 8, column 上级单位: There is no unit named '甲镇'; see `zs unit list`.",
    ]
    assert snapshot(ledger) == before


def test_import_units_takes_parents_listed_further_down(ledger: Path, tmp_path: Path) -> None:
    from sheets import write_xlsx

    path = write_xlsx(
        tmp_path / "units.xlsx",
        {
            "单位": [
                ["单位名称", "类型", "上级单位", "职级"],
                ["张科长", "人", "甲县/县商务局/招商科", "科员"],
                ["招商科", "科室", "甲县/县商务局"],
                ["县商务局", "部门", "甲县"],
                ["丙区", "县区", "全市"],
            ]
        },
    )
    zs("import", "units", path)
    assert {r["path"] for r in unit_rows()} >= {"全市/甲县/县商务局/招商科/张科长", "全市/丙区"}


def test_a_moved_tree_survives_export_and_import_ledger(
    ledger: Path, tmp_path: Path, monkeypatch
) -> None:
    """After a move a parent may have a larger id than its child; the export still reads back."""
    zs("unit", "add", "城关镇", "--kind", "town", "--parent", "甲县")
    zs("unit", "add", "张三", "--kind", "person", "--parent", "甲县/城关镇")
    zs("unit", "add", "丙县", "--kind", "county", "--parent", "全市")
    zs("unit", "move", "城关镇", "--parent", "丙县")
    zs("add-project", "--name", "P", "--unit", "张三", "--signed", "2026-03-01")
    tree = [(r["path"], r["kind"]) for r in unit_rows()]
    zs("export", "-o", tmp_path / "台账.xlsx")
    monkeypatch.setenv("ZS_DB", str(tmp_path / "copy.db"))
    zs("init")
    zs("import", "ledger", tmp_path / "台账.xlsx")
    assert [(r["path"], r["kind"]) for r in unit_rows()] == tree
