"""The migrations are found one way, in the package's own ``migrations`` folder: in a checkout
a link to the top-level ``migrations/``, in the wheel the files themselves."""

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from zhaoshang_cli.store.migrate import migrations_dir

pytestmark = pytest.mark.one_backend  # not about the database

ROOT = Path(__file__).resolve().parents[1]


def migration_files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_a_checkout_finds_the_top_level_migrations() -> None:
    assert migrations_dir().resolve() == (ROOT / "migrations").resolve()


def test_the_wheel_carries_the_same_migrations(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("*.whl")
    prefix = "zhaoshang_cli/migrations/"
    with zipfile.ZipFile(wheel) as archive:
        packed = {
            name[len(prefix) :]: archive.read(name)
            for name in archive.namelist()
            if name.startswith(prefix)
        }
        names = set(archive.namelist())
    # The dashboard's assets travel in the wheel too: ECharts with its licence, the pages.
    web = "zhaoshang_cli/web/"
    for asset in ("echarts.min.js", "ECHARTS-LICENSE", "ECHARTS-NOTICE", "dashboard.js"):
        assert f"{web}static/{asset}" in names, asset
    assert f"{web}templates/dashboard.html" in names
    assert packed == migration_files(ROOT / "migrations")
    assert "env.py" in packed and any(name.startswith("versions/0001") for name in packed)


def test_the_pandas_extra_brings_pandas_alone() -> None:
    """An analyst's ``[pandas]`` install gets no linters or docs tools; those are the test extra's."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    assert [requirement.split(">")[0] for requirement in extras["pandas"]] == ["pandas"]
