"""What works the same on Linux, macOS and Windows desktops: where the ledger lives by default.
(The bulletin's folder lock is tested in test_bulletin.py.)"""

import sys
from pathlib import Path

import platformdirs
import pytest

from helpers import zs
from zhaoshang_cli.store.ledger import default_db_path


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("ZS_DB", raising=False)
    return tmp_path


@pytest.mark.sqlite_only
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux default")
def test_on_linux_the_ledger_is_where_it_always_was(home: Path, monkeypatch) -> None:
    assert default_db_path() == home / ".local" / "share" / "zs" / "ledger.db"
    zs("init")
    assert (home / ".local" / "share" / "zs" / "ledger.db").is_file()
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    assert default_db_path() == home / "data" / "zs" / "ledger.db"


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_elsewhere_the_platforms_folder_for_user_data(
    home: Path, monkeypatch: pytest.MonkeyPatch, platform: str
) -> None:
    local = home / "AppData" / "Local"  # what platformdirs gives on Windows

    def user_data_path(appname: str, appauthor: object, roaming: bool) -> Path:
        assert (appname, appauthor, roaming) == ("zs", False, False)  # not zs\zs, not Roaming
        return local / appname

    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(platformdirs, "user_data_path", user_data_path)
    assert default_db_path() == local / "zs" / "ledger.db"
    # A ledger an earlier zs made at the XDG place stays the default there.
    legacy = home / ".local" / "share" / "zs" / "ledger.db"
    legacy.parent.mkdir(parents=True)
    legacy.touch()
    assert default_db_path() == legacy
