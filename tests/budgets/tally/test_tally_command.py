"""The ``pb_tally`` management command (no database needed)."""

from __future__ import annotations

import json
from io import StringIO

import pytest

django = pytest.importorskip("django")


@pytest.fixture
def run():
    from django.conf import settings

    if not settings.configured:
        pytest.skip("Django settings are not configured (pytest-django disabled)")
    from django.core.management import call_command

    def _run(*args):
        out = StringIO()
        call_command("pb_tally", *args, stdout=out)
        return out.getvalue()

    return _run


def test_json_output_is_exactly_the_contract(run, named, pabulib):
    e = named("Netherlands_Assen_2024")
    doc = json.loads(
        run(str(pabulib / "Netherlands_Assen_2024.pb"), "--rule", "official", "--json")
    )
    assert set(doc) == {"selected", "spent", "scores"}
    assert set(doc["selected"]) == {p.project_id for p in e.projects if p.selected == "1"}
    assert doc["spent"] == sum(p.cost for p in e.projects if p.selected == "1")
    assert doc["scores"] == {p.project_id: p.votes for p in e.projects}


def test_table_output_names_rule_and_projects(run, pabulib):
    text = run(str(pabulib / "Poland_Gdynia_2021_Babie_Doly__large.pb"), "--rule", "greedy-no-skip")
    assert "Rule: greedy-no-skip" in text
    assert "Spent: 205,000 PLN on 1 projects" in text
    assert "BAD/0018" in text


def test_broken_file_is_a_command_error_with_the_line(run, tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.pb"
    bad.write_text(
        "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\na;ten\n"
        "VOTES\nvoter_id;vote\n",
        encoding="utf-8",
    )
    with pytest.raises(
        CommandError, match=r"bad\.pb: line 7: cost of project 'a': 'ten' is not a number"
    ):
        run(str(bad), "--rule", "greedy")


def test_unknown_rule_is_a_clear_command_error(run, pabulib):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown rule 'best'; choose one of: official, greedy"):
        run(str(pabulib / "Netherlands_Assen_2024.pb"), "--rule", "best")


@pytest.mark.slow_tier  # starts a process
def test_command_line_exit_status_and_no_traceback(tmp_path):
    """Run as a person would: exit code 1 and one line on stderr, no traceback."""
    import subprocess
    import sys

    from tests.budgets.tally.pabulib_files import REPO_ROOT

    bad = tmp_path / "bad.pb"
    bad.write_text("hello\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "manage.py"), "pb_tally", str(bad), "--rule", "greedy"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "line 1: expected the section line 'META'" in proc.stderr


def test_json_spent_is_in_currency_units_for_a_file_with_grosze(run, tmp_path):
    from tests.budgets.tally.test_tally_money import KRAKOW_LIKE

    path = tmp_path / "krakow_like.pb"
    path.write_text(KRAKOW_LIKE, encoding="utf-8")
    doc = json.loads(run(str(path), "--rule", "greedy", "--json"))
    assert doc["selected"] == ["C", "B", "E"]
    assert doc["spent"] == 1593158.15
