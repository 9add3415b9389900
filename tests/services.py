"""Which real services this test run has, and how a test that needs one gets skipped.

Locally, a missing PostgreSQL, Redis or chromium skips the tests that need it, with the
reason. Under CI=true a missing service fails those tests instead: CI must prove them.
"""
from __future__ import annotations

import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def need(condition: bool, reason: str) -> None:
    """Skip (locally) or fail (in CI) when a real service a test needs is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def need_postgres() -> None:
    need(DATABASE_URL.startswith(("postgres://", "postgresql://")),
         "needs PostgreSQL: set DATABASE_URL=postgres://... to run it")


def need_redis() -> None:
    need(bool(REDIS_URL), "needs Redis: set REDIS_URL=redis://... to run it")


def need_chromium() -> None:
    need(bool(CHROMIUM), "needs Debian's chromium for browser tests (apt-get install chromium)")


def need_oidc_provider() -> None:
    """The e-ID tests' OpenID Connect provider: Node and npm's oidc-provider (`./hoest setup`)."""
    from pathlib import Path

    installed = (Path(__file__).resolve().parent.parent / "node_modules" / "oidc-provider").is_dir()
    need(bool(shutil.which("node")) and installed,
         "needs Node 20 and npm's oidc-provider (./hoest setup installs it) for the e-ID tests")
