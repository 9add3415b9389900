"""Fixtures for the tally engine's tests (pure: no database).

``pb_path`` is parametrised over every shared pabulib file (ids = file stems); ``election``
parses it once per session.
"""

from __future__ import annotations

import pytest

from budgets.tally import Prepared
from tests.budgets.tally.pabulib_files import load, pb_files, prepared, require_pabulib


def pytest_generate_tests(metafunc):
    if "pb_path" in metafunc.fixturenames:
        files = pb_files()
        metafunc.parametrize(
            "pb_path",
            files or [None],
            ids=[p.stem for p in files] or ["pabulib-folder-missing"],
            indirect=True,
        )


@pytest.fixture
def pb_path(request):
    if request.param is None:
        require_pabulib()
    return request.param


@pytest.fixture
def election(pb_path):
    return load(pb_path)


@pytest.fixture
def prep(pb_path) -> Prepared:
    return prepared(pb_path)


@pytest.fixture
def pabulib():
    """The folder of shared files (skips, or fails in CI, when it is missing)."""
    return require_pabulib()


@pytest.fixture
def named():
    """``named("Poland_Wieliczka_2023_Green_Budget")`` -> that shared election (parsed once)."""

    def get(stem: str):
        path = require_pabulib() / f"{stem}.pb"
        if not path.exists():
            pytest.fail(f"{path.name} is missing from the shared pabulib folder", pytrace=False)
        return load(path)

    return get


@pytest.fixture
def named_prep(named):
    """Like ``named`` but returns the shared ``Prepared`` (scores, order, MES data)."""

    def get(stem: str) -> Prepared:
        path = require_pabulib() / f"{stem}.pb"
        named(stem)
        return prepared(path)

    return get
