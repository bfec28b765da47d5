"""The unit tree: adding units, listing them in every format, refusing bad ones."""

import csv
import io
import json
from pathlib import Path

from conftest import fails, snapshot, zs


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


def test_unit_list_table_shows_the_tree(ledger: Path) -> None:
    zs("unit", "add", "王科长", "--kind", "person", "--parent", "市商务局", "--rank", "副科级以上")
    out = zs("unit", "list").stdout
    for text in ("全市", "甲县", "县区", "经开区", "开发区", "市商务局", "市直部门", "副科级以上"):
        assert text in out
    assert out.index("甲县") < out.index("经开区") < out.index("市商务局") < out.index("王科长")


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
    zs("unit", "add", "丙县", "--kind", "county", "--parent", "全市", "--operator", "李主任")
    entries = json.loads(zs("history", "--format", "json").stdout)
    assert [e["operator"] for e in entries] == ["tester"] * 5 + ["李主任"]
    last = entries[-1]
    assert (last["action"], last["entity"], last["entity_id"]) == ("unit.add", "unit", 6)
    assert last["before"] is None
    assert last["after"] == {
        "name": "丙县",
        "kind": "county",
        "parent": "全市",
        "rank": None,
    }
