"""Chinese by default, English on request; the catalog covers every message and no more."""

import pytest

from conftest import zs
from zhaoshang_cli.i18n import resolve_language


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
    from zhaoshang_cli.catalog import problems

    assert problems() == []


def test_compiled_catalog_matches_the_po() -> None:
    pytest.importorskip("babel")
    import io

    from babel.messages.mofile import write_mo

    from zhaoshang_cli.catalog import MO_PATH, _read_catalog

    buffer = io.BytesIO()
    write_mo(buffer, _read_catalog())
    assert MO_PATH.read_bytes() == buffer.getvalue(), "run python -m zhaoshang_cli.catalog compile"


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
