"""Danish is the default; English and Norwegian Bokmål are complete."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from tests.services import need

ROOT = Path(__file__).resolve().parents[3]
TRANSLATED = ["da", "nb"]  # English is the source language


def catalogue(language: str, root: Path = ROOT / "locale") -> polib.POFile:
    return polib.pofile(str(root / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language):
    po = catalogue(language)
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogue_matches_its_source(language):
    po = catalogue(language)
    mo = polib.mofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.mo"))
    compiled = {e.msgid: e.msgstr for e in mo}
    source = {e.msgid: e.msgstr for e in po.translated_entries() if not e.obsolete}
    assert compiled == source, "run ./hoest i18n (makemessages + compilemessages)"


@pytest.mark.slow_tier  # starts a process
def test_catalogues_contain_every_string_in_the_code(tmp_path):
    need(bool(shutil.which("xgettext")), "needs GNU gettext (xgettext) to extract messages")
    # Extract from a copy of the sources, so the repository's catalogues stay untouched.
    for folder in ("platform", "ideas", "budgets", "dinners", "templates"):
        shutil.copytree(ROOT / folder, tmp_path / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "tally", "migrations"))
    (tmp_path / "locale").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "da", "-v", "0"],
                   cwd=tmp_path, env=env, check=True)
    extracted = {e.msgid for e in catalogue("da", tmp_path / "locale")}
    known = {e.msgid for e in catalogue("da")}
    assert sorted(extracted - known) == [], "new strings: run ./hoest i18n and translate them"
