"""Chinese by default, English on request; the catalog covers every message and no more."""

import gettext

import pytest

from helpers import zs
from zhaoshang_cli.core.i18n import resolve_language

pytestmark = pytest.mark.one_backend  # not about the database


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "zh_CN"),
        ({"LANG": "C"}, "zh_CN"),
        ({"LANG": "C.UTF-8"}, "zh_CN"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANG": "en_US.UTF-8", "ZS_LANG": "zh"}, "zh_CN"),
        ({"LANG": "zh_CN.UTF-8", "ZS_LANG": "en"}, "en"),
    ],
)
def test_language_from_the_environment(environ: dict[str, str], expected: str) -> None:
    assert resolve_language(environ) == expected


def test_catalog_translates_every_message_and_holds_no_stale_ones() -> None:
    pytest.importorskip("babel")
    from catalog import problems

    assert problems() == []


def test_compiled_catalog_matches_the_po() -> None:
    pytest.importorskip("babel")
    import io

    from babel.messages.mofile import write_mo
    from catalog import MO_PATH, _read_catalog

    def translations(compiled: bytes) -> dict[object, str]:
        """What gettext reads from a compiled catalog, without its header (whose
        Generated-By names the Babel release that compiled it)."""
        catalog = gettext.GNUTranslations(io.BytesIO(compiled))._catalog  # type: ignore[attr-defined]
        return {key: value for key, value in catalog.items() if key != ""}

    buffer = io.BytesIO()
    write_mo(buffer, _read_catalog())
    assert translations(MO_PATH.read_bytes()) == translations(buffer.getvalue()), (
        "run python tools/catalog.py compile"
    )


def test_help_is_chinese_by_default_and_english_on_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ZS_LANG", raising=False)
    monkeypatch.setenv("LANG", "C")
    chinese = zs("--help").stdout
    assert "用法" in chinese and "显示本帮助并退出" in chinese
    monkeypatch.setenv("ZS_LANG", "en")
    english = zs("--help").stdout
    assert "Usage:" in english and "Show this message and exit." in english


def test_usage_errors_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZS_LANG", "zh_CN")
    result = zs("frob", code=2)
    assert "错误：没有命令 'frob'。" in result.stderr


def test_a_clerks_session_reads_in_chinese_by_default(
    ledger_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ZS_LANG (LANG=C, as cron has it) every line the clerk reads is Chinese; the same
    commands in English say the msgids the other tests assert."""
    from helpers import fails

    monkeypatch.delenv("ZS_LANG", raising=False)
    monkeypatch.setenv("LANG", "C")
    assert zs("init").stdout.startswith("已在 ")
    from helpers import ON_POSTGRES

    assert ("备份方法：pg_dump" if ON_POSTGRES else "上次备份：从未备份") in zs("info").stdout
    assert zs("unit", "add", "全市", "--kind", "市").stdout == "已添加市 全市（id 1）。\n"
    zs("unit", "add", "甲县", "--kind", "县区", "--parent", "全市")
    added = zs("add-project", "--name", "新能源电池", "--unit", "甲县", "--signed", "2026-03-01")
    assert added.stdout == "已添加项目 2026-0001 新能源电池（签约）。\n"
    moved = zs("project", "stage", "2026-0001", "开工", "--date", "2026-04-01")
    assert moved.stdout == "项目 2026-0001 已进入开工阶段（2026-04-01）。\n"
    arrived = zs("arrive", "2026-0001", "500万", "--date", "2026-05-01")
    assert arrived.stdout.startswith("已录入到位资金 1：项目 2026-0001")
    refused = fails("project", "stage", "2026-0001", "开工", "--date", "2026-04-02")
    assert refused.stderr == "zs: 项目 2026-0001 已处于开工阶段。\n"
    assert fails("unit", "add", "乙县", "--kind", "县区").stderr == (
        "zs: 县区需要 --parent（上级单位）；最上级是 全市。\n"
    )
    assert "不是日期" in fails("arrive", "2026-0001", "5万", "--date", "五月").stderr
    assert "用法" in zs("--help").stdout
    monkeypatch.setenv("ZS_LANG", "en")
    again = zs("project", "stage", "2026-0001", "竣工", "--date", "2026-06-01")
    assert again.stdout == "Project 2026-0001 is now completed (2026-06-01).\n"
