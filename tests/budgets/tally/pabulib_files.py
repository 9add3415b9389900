"""Where the shared pabulib reference elections are, and what to do when they are missing.

``HOEST_PABULIB_DIR`` overrides the default ``<repo>/../shared/pabulib``. Without the folder the
tests that need it are skipped with the reason, except in CI (``CI=true``), where a missing
folder is a failure: CI must never pass by not looking at the data.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from budgets.tally import Prepared, read_pb

REPO_ROOT = Path(__file__).resolve().parents[3]


def pabulib_dir() -> Path:
    return Path(os.environ.get("HOEST_PABULIB_DIR", REPO_ROOT.parent / "shared" / "pabulib"))


def pb_files() -> list[Path]:
    """The ``.pb`` files, smallest first ([] when the folder is missing)."""
    folder = pabulib_dir()
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.pb"), key=lambda p: (p.stat().st_size, p.name))


def require_pabulib() -> Path:
    folder = pabulib_dir()
    if folder.is_dir() and any(folder.glob("*.pb")):
        return folder
    reason = (
        f"pabulib reference files not found in {folder} "
        "(set HOEST_PABULIB_DIR to the folder holding the shared .pb files)"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


_ELECTIONS: dict[Path, object] = {}
_PREPARED: dict[Path, Prepared] = {}


def load(path: Path):
    """Parse a shared file once per test session (Lodz takes ~0.2 s)."""
    if path not in _ELECTIONS:
        _ELECTIONS[path] = read_pb(path)
    return _ELECTIONS[path]


def prepared(path: Path) -> Prepared:
    """The shared ``Prepared`` (scores, tie order, MES data) for a file."""
    if path not in _PREPARED:
        _PREPARED[path] = Prepared(load(path))
    return _PREPARED[path]
