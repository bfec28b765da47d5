import json

from conftest import fails, snapshot, zs


def test_round_trip(ledger):
    zs(
        "add-project",
        "--name",
        "新材料项目",
        "--unit",
        "甲县",
        "--amount",
        "2.5亿",
        "--signed",
        "2026-03-18",
        "--contact",
        "张三 13800138000",
    )
    zs("arrive", "2026-0001", "4700万", "--date", "2026-04-10", "--ref", "回单 0042")
    rows = json.loads(zs("arrival", "list", "--format", "json").stdout)
    assert rows[0]["cny_wan"] == 4700


def test_unknown_unit_changes_nothing(ledger):
    before = snapshot(ledger)
    fails("add-project", "--name", "x", "--unit", "丙县", "--amount", "1亿")
    assert snapshot(ledger) == before
