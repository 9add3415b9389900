"""platform/ is a plain folder: it must never shadow the standard library's `platform`."""
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow_tier  # starts servers or processes

ROOT = Path(__file__).resolve().parents[2]


def test_platform_folder_is_not_a_package():
    assert (ROOT / "platform").is_dir()
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_import_platform_from_repository_root_is_the_standard_library():
    # Run from the repository root with the root first on sys.path, as `python manage.py`
    # and `python -c` do; uuid imports platform on Linux, so it must import cleanly too.
    code = (
        "import platform, uuid, sysconfig, pathlib;"
        "stdlib = pathlib.Path(sysconfig.get_paths()['stdlib']).resolve();"
        "assert pathlib.Path(platform.__file__).resolve().parent == stdlib, platform.__file__;"
        "print(platform.python_version(), uuid.uuid4().version)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "4"


def test_site_packages_import_by_their_own_names():
    result = subprocess.run(
        [sys.executable, "-c", "import config, accounts, realtime, health, ideas, budgets, dinners"],
        cwd=ROOT / "tests", capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
