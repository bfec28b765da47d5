"""zs score (一季一评比) computed by hand with a tie, the shipped and an office's own weights,
and zs occasion: the quota table and a cohort over two occasions with its lists."""

import json
from pathlib import Path

import openpyxl
import pytest

from helpers import fails, snapshot, zs
from test_report import set_target
from test_warn import project

WEIGHTS = """
[ranking]
red = 1
black = 1

[components.funds]
measure = "funds_progress"
weight = 50
cap = 60

[components.projects]
measure = "projects_signed"
weight = 3
cap = 12

[components.trips]
measure = "trip_days"
weight = 0.5
cap = 2
label = "外出天数"
"""


@pytest.fixture
def quarter(ledger: Path, tmp_path: Path) -> Path:
    """Q2 2026 (时序进度 3/12): 甲县 target 1000万, 250万 in Q2 (exactly on 时序进度), one
    project signed; 乙县 1000万, 500万 (twice 时序进度, capped), nothing signed in Q2, 4 trip days
    (also 1 in March, outside the quarter); 市商务局 400万, 100万 and one signed; 经开区 none."""
    for unit, wan in (("甲县", 1000), ("乙县", 1000), ("市商务局", 400)):
        set_target(ledger, unit, wan)
    project("J1", "甲县", "--amount", "2000万", "--signed", "2026-04-10")
    project("Y1", "乙县", "--amount", "2000万", "--signed", "2026-03-01")
    project("D1", "市商务局", "--amount", "2000万", "--signed", "2026-04-20")
    zs("arrive", "J1", "250万", "--date", "2026-05-01")
    zs("arrive", "Y1", "500万", "--date", "2026-05-01")
    zs("arrive", "D1", "100万", "--date", "2026-05-01")
    zs("activity", "add", "乙县", "--date", "2026-05-03", "--trip-days", "4")
    zs("activity", "add", "乙县", "--date", "2026-03-03", "--trip-days", "1")
    path = tmp_path / "评比.toml"
    path.write_text(WEIGHTS, encoding="utf-8")
    return path


def test_score_by_hand_with_a_tie(quarter):
    data = json.loads(
        zs(
            "score", "--quarter", "2", "--year", "2026", "--weights", str(quarter), "-f", "json"
        ).stdout
    )
    assert data["time_progress"] == 0.25
    assert data["weights"]["source"] == str(quarter) and data["weights"]["red"] == 1
    rows = {row["unit"]: row for row in data["rows"]}
    # 乙县: funds 2.0 × 50 = 100, capped at 60; no project in Q2; 4 days × 0.5 = 2 → 62.
    yi = rows["乙县"]
    assert yi["components"]["funds"] == {"measure": 2, "points": 60}
    assert yi["components"]["trips"] == {"measure": 4, "points": 2}
    assert (yi["total"], yi["rank"], yi["board"]) == (62, 1, "red")
    # 甲县 and 市商务局: 1.0 × 50 + 1 × 3 = 53 each: a tie, ranked alike.
    assert (rows["甲县"]["total"], rows["甲县"]["rank"]) == (53, 2)
    assert (rows["市商务局"]["total"], rows["市商务局"]["rank"]) == (53, 2)
    assert rows["甲县"]["board"] is None and rows["市商务局"]["board"] is None
    # 经开区: no target, nothing: 0, ranked after the tie (4, not 3), on the 黑榜.
    assert (rows["经开区"]["total"], rows["经开区"]["rank"], rows["经开区"]["board"]) == (
        0,
        4,
        "black",
    )
    assert rows["经开区"]["notes"] == ["no_target"]
    table = zs(
        "score", "--quarter", "2", "--year", "2026", "--weights", str(quarter), "--wide"
    ).stdout
    assert "funds: funds_progress × 50, at most 60 points" in table
    assert "trips: trip_days × 0.5, at most 2 points" in table
    assert "红榜: 乙县" in table and "黑榜: 经开区" in table
    assert "外出天数 points" in table  # the office's own name for the component


def test_level_group_has_no_lists_and_group_ranking(quarter, tmp_path):
    level = tmp_path / "level.toml"
    level.write_text(
        '[ranking]\nwithin = "group"\n\n[components.trips]\nmeasure = "visits"\nweight = 1\n',
        encoding="utf-8",
    )
    data = json.loads(zs("score", "--quarter", "2", "--weights", str(level), "-f", "json").stdout)
    # Nobody visited anyone: every total is 0, every rank 1, and nobody is on either list.
    assert {(row["rank"], row["board"]) for row in data["rows"]} == {(1, None)}
    assert data["weights"]["within"] == "group"


def test_shipped_weights(quarter, tmp_path):
    shipped = zs("score", "--show-weights").stdout
    assert "一季一评比" in shipped and 'measure = "funds_progress"' in shipped
    data = json.loads(zs("score", "--quarter", "2", "--year", "2026", "-f", "json").stdout)
    assert data["weights"]["source"] == "default"
    assert [c["name"] for c in data["weights"]["components"]] == [
        "funds", "projects", "major", "started", "trips", "visits",
    ]  # fmt: skip
    jia = next(row for row in data["rows"] if row["unit"] == "甲县")
    # 50 + 3 (one project) + 0 (not 亿元以上) + 0 (not started) + 0 + 0.
    assert jia["total"] == 53 and jia["components"]["started"] == {"measure": 0, "points": 0}
    path = tmp_path / "评比.xlsx"
    zs("score", "--quarter", "2", "--year", "2026", "--xlsx", str(path))
    sheet = openpyxl.load_workbook(path).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert "funds_progress points" in cells[2] and "Total" in cells[2]
    assert any(row[0] and row[0].startswith("红榜") for row in cells)
    # The default period is the last complete quarter: Q3 on 23 November.
    assert json.loads(zs("score", "-f", "json").stdout)["period"]["start"] == "2026-07-01"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[components.x]\nmeasure = 'luck'\nweight = 1\n", "measure 'luck' is not one of"),
        ("[components.x]\nmeasure = 'visits'\n", "the weight is missing"),
        ("[components.x]\nmeasure = 'visits'\nweight = -1\n", "is not between 0 and"),
        ("[components.x]\nmeasure = 'visits'\nweight = 'a'\n", "a number is needed"),
        ("[components.x]\nmeasure = 'visits'\nweight = 1\nbonus = 2\n", "unknown key 'bonus'"),
        ("[ranking]\nred = 1\n", "no [components.NAME] table"),
        (
            "[ranking]\nwithin = 'city'\n[components.x]\nmeasure='visits'\nweight=1\n",
            "all or group",
        ),
        ("[components\n", "is not TOML"),
    ],
)
def test_a_wrong_weights_file_is_one_sentence(quarter, ledger_path, tmp_path, text, says):
    path = tmp_path / "w.toml"
    path.write_text(text, encoding="utf-8")
    before = snapshot(ledger_path)
    assert says in fails("score", "--weights", str(path)).stderr
    assert "could not be read" in fails("score", "--weights", str(tmp_path / "no.toml")).stderr
    assert snapshot(ledger_path) == before


def test_occasion_quota_and_cohort(ledger):
    """投洽会2025: 甲县 1, 经开区 2 (one of them started and producing), 乙县 none. 投洽会2026:
    甲县 1, joint with 乙县, money arrived, not started."""
    project(
        "A1", "甲县", "--amount", "1000万", "--signed", "2025-06-01", "--occasion", "投洽会2025"
    )
    project(
        "B1", "经开区", "--amount", "3000万", "--signed", "2025-06-01", "--occasion", "投洽会2025"
    )
    project(
        "B2", "经开区", "--amount", "1000万", "--signed", "2025-06-02", "--occasion", "投洽会2025"
    )
    zs("project", "stage", "B1", "started", "--date", "2025-08-01")
    zs("project", "stage", "B2", "started", "--date", "2025-09-01")
    zs("project", "stage", "B2", "producing", "--date", "2026-03-01")
    project("C1", "甲县", "--unit", "乙县", "--amount", "5000万", "--signed", "2026-06-01",
            "--occasion", "投洽会2026")  # fmt: skip
    zs("arrive", "C1", "500万", "--date", "2026-07-01")
    zs("arrive", "B1", "1000万", "--date", "2025-10-01")
    data = json.loads(
        zs("occasion", "--occasion", "投洽会2025", "--occasion", "投洽会2026", "-f", "json").stdout
    )
    rows = {row["unit"]: row for row in data["rows"]}
    assert rows["甲县"]["signed"] == [
        {"occasion": "投洽会2025", "count": 1},
        {"occasion": "投洽会2026", "count": 1},
    ]
    assert (rows["甲县"]["quota"], rows["甲县"]["met"]) == (1, True)
    assert (rows["乙县"]["total"], rows["乙县"]["met"]) == (1, False)  # none at 投洽会2025
    assert (rows["经开区"]["total"], rows["经开区"]["met"]) == (2, False)  # none at 投洽会2026
    assert (rows["市商务局"]["quota"], rows["市商务局"]["met"]) == (None, None)
    assert rows["全市"]["total"] == 4  # C1 once
    cohort = data["cohort"]
    assert (cohort["signed"], cohort["carried_out"], cohort["started"], cohort["producing"]) == (
        4,
        3,
        2,
        1,
    )
    assert cohort["performance_rate"] == 0.75 and cohort["funds_rate"] == 0.15
    lists = {name: [row["code"] for row in rows] for name, rows in data["lists"].items()}
    assert lists == {"unfulfilled": ["A1"], "not_started": ["C1"], "not_producing": ["B1"]}
    alone = json.loads(
        zs("occasion", "--occasion", "投洽会2025", "--list", "unfulfilled", "-f", "json").stdout
    )
    assert [row["code"] for row in alone["rows"]] == ["A1"] and alone["rows"][0]["days"] == 540
    zs("config", "set", "warn.occasion_quota", "2")
    again = json.loads(zs("occasion", "--occasion", "投洽会2025", "-f", "json").stdout)
    assert {row["unit"]: row["met"] for row in again["rows"]}["经开区"] is True
    fails("occasion", "--occasion", "兰洽会")
    fails("occasion", "--occasion", "投洽会2025", "--list", "late")
