"""Backup and restore as the README documents them: the demo data seeded into a fresh
PostgreSQL database, dumped with `pg_dump --format=custom`, restored with `pg_restore` into
another fresh database, holds the same number of rows for every model, and the restored
database takes new writes (its sequences came along)."""
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.services import DATABASE_URL, need_postgres

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.slow_tier]

COUNT_ROWS = """
import json, django
django.setup()
from django.apps import apps
print(json.dumps({m._meta.label: m._base_manager.count() for m in apps.get_models()}))
"""
WRITE_AFTER_RESTORE = """
import django
django.setup()
from accounts.models import User
user = User.objects.create_user(email="after-restore@example.dk", password="x" * 20)
print(user.pk)
"""


def database_url(name: str) -> str:
    parts = urlsplit(DATABASE_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def libpq_args() -> list[str]:
    parts = urlsplit(DATABASE_URL)
    return ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
            "-U", parts.username or "postgres"]


def libpq_env() -> dict:
    env = dict(os.environ)
    password = urlsplit(DATABASE_URL).password
    if password:
        env["PGPASSWORD"] = password
    return env


def psql(sql: str) -> None:
    subprocess.run(["psql", *libpq_args(), "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql],
                   check=True, env=libpq_env(), capture_output=True, text=True)


def manage(database: str, *args: str, code: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ENV", "REDIS_URL")}
    env.update(DATABASE_URL=database_url(database), DJANGO_SETTINGS_MODULE="config.settings",
               PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'platform'}")
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                            check=False, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture
def databases():
    need_postgres()
    tag = uuid.uuid4().hex[:10]
    source, target = f"hoest_backup_{tag}_source", f"hoest_backup_{tag}_restored"
    for name in (source, target):
        psql(f'CREATE DATABASE "{name}"')
    try:
        yield source, target
    finally:
        for name in (source, target):
            psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_dump_and_restore_keep_every_row(databases, tmp_path):
    source, target = databases
    manage(source, "migrate", "--noinput")
    manage(source, "seed_demo")
    before = json.loads(manage(source, code=COUNT_ROWS).strip().splitlines()[-1])
    # The demo has something in every part of the site worth restoring.
    for label in ("accounts.User", "accounts.Municipality", "ideas.Idea", "budgets.Project",
                  "budgets.Ballot"):
        assert before.get(label, 0) > 0, label

    dump = tmp_path / "hoest.dump"
    subprocess.run(["pg_dump", *libpq_args(), "--format=custom", "--no-owner",
                    f"--file={dump}", source], check=True, env=libpq_env())
    subprocess.run(["pg_restore", *libpq_args(), "--no-owner", "--exit-on-error",
                    f"--dbname={target}", str(dump)], check=True, env=libpq_env())

    after = json.loads(manage(target, code=COUNT_ROWS).strip().splitlines()[-1])
    assert after == before
    # Nothing left to migrate, and new rows get fresh ids (the sequences were restored).
    assert "No planned migration operations" in manage(target, "migrate", "--plan")
    new_id = int(manage(target, code=WRITE_AFTER_RESTORE).strip().splitlines()[-1])
    assert new_id > 0
