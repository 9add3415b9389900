"""Someone with full SQL read access (staff with a database login, a leaked backup) tries to
learn how a person voted, during voting and after the opening: from row order and `xmin`,
sessions, the voting codes and their CSV, the logs and the bulletin board. Against real
PostgreSQL, with ballots cast through the pages as citizens cast them.

During voting the tables hold sealed ballots only: no content, no key. After the opening
the contents are one shuffled list per election, written in one transaction; every link the
attacker can draw (participation order, `xmin` order, code order, session order) predicts
a voter's ballot no better than chance."""
import json
import logging
import re
from itertools import combinations

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client

from budgets import ballotbox, phases, sealing, voting_codes
from budgets.models import Ballot, BallotBox, Participation, Phase, VotingCode
from tests.budgets.factories import BOX_SHARES, BudgetProcessFactory, ProjectFactory, share_texts
from tests.factories import UserFactory
from tests.services import need_postgres

pytestmark = pytest.mark.django_db(transaction=True)

VOTERS = 12  # signed-in citizens; as many again vote with a letter code
PROJECTS = "123456"


def _database_text() -> str:
    """Every row of every table of the database as text (bytea as hex), as a dump would show."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        parts = []
        for table in tables:
            cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" t')  # noqa: S608 - names from pg_tables
            parts += [row[0] for row in cursor.fetchall()]
    return "\n".join(parts)


def _rows_by_xmin(table: str, columns: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT xmin::text::bigint, {columns} FROM "{table}" ORDER BY 1, ctid')  # noqa: S608
        return cursor.fetchall()


def _choices() -> list[list[str]]:
    """2 × VOTERS different ballots, so a correct link would be recognisable."""
    subsets = [sorted(c) for size in (1, 2, 3) for c in combinations(PROJECTS, size)]
    return subsets[: 2 * VOTERS]


def _correct(predicted: list[list[str]], truth: list[list[str]]) -> int:
    return sum(sorted(p) == sorted(t) for p, t in zip(predicted, truth, strict=True))


@pytest.fixture
def election(municipality):
    need_postgres()
    process = BudgetProcessFactory(municipality=municipality, ballot_type="approval", allow_revote=True)
    for code in PROJECTS:
        ProjectFactory(process=process, code=code, cost=10_000)
    return process


def test_full_sql_read_access_links_no_voter_code_or_session_to_a_ballot(election, municipality, caplog, mailoutbox):
    caplog.set_level(logging.DEBUG)
    process = election
    choices = _choices()
    codes = voting_codes.codes_generate(process=process, count=VOTERS, batch="Brev")
    truth_by_user: dict[int, list[str]] = {}
    truth_by_code: dict[str, list[str]] = {}
    receipts = []
    # Interleaved, one request each, as a quiet morning of voting would come.
    for n in range(VOTERS):
        citizen = UserFactory(municipality=municipality, birth_year=1970 + n)
        browser = Client()
        browser.force_login(citizen)
        answer = browser.post(f"/budgets/{process.pk}/vote/", {"projects": choices[2 * n]})
        assert answer.status_code == 200
        receipts.append(re.search(rb'id="receipt-code"><strong>([0-9A-Z-]{19})<', answer.content).group(1).decode())
        truth_by_user[citizen.pk] = choices[2 * n]
        answer = Client().post(f"/budgets/{process.pk}/vote/code/", {"code": codes[n],
                                                                       "projects": choices[2 * n + 1]})
        assert answer.status_code == 200, answer.content[:500]
        receipts.append(re.search(rb'id="receipt-code"><strong>([0-9A-Z-]{19})<', answer.content).group(1).decode())
        truth_by_code[codes[n]] = choices[2 * n + 1]

    # --- During voting -------------------------------------------------------------------
    dump = _database_text()
    assert '"projects"' not in dump, "no ballot content is readable anywhere in the database"
    box = BallotBox.objects.get(process=process)
    private = sealing.key_combine(BOX_SHARES[process.pk][: box.threshold], bytes(box.public_key))
    for secret in [bytes(private), *(s.secret for s in BOX_SHARES[process.pk])]:
        assert secret.hex() not in dump, "no key and no key share is in the database"
    sealed = list(Ballot.objects.filter(process=process))
    assert len(sealed) == 2 * VOTERS
    assert len({len(bytes(b.ciphertext)) for b in sealed}) == 1, "every sealed ballot has the same size"
    # The receipt is in the answer only: not in any session, log line or e-mail.
    sessions = [json.dumps(s.get_decoded()) for s in Session.objects.all()]
    kept = "\n".join(sessions) + caplog.text + "".join(m.body for m in mailoutbox)
    for receipt in receipts:
        assert receipt not in kept and receipt.replace("-", "") not in kept
    assert '"projects"' not in caplog.text

    # --- Voting closes: the bulletin board ------------------------------------------------
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    box.refresh_from_db()
    assert box.board[""] == sorted(r.replace("-", "") for r in receipts), \
        "every receipt is on the board, in receipt order (not casting order)"

    # --- The opening ------------------------------------------------------------------------
    council = UserFactory(municipality=municipality)
    process.refresh_from_db()
    ballotbox.box_open(process=process, member=council, shares=share_texts(process, box.threshold))
    assert not Ballot.objects.filter(process=process).exists()
    counted = _rows_by_xmin("budgets_countedballots", "contents::text")
    assert len(counted) == 1, "one anonymous list for the election, not one row per ballot"
    contents = [sorted(c["projects"]) for c in json.loads(counted[0][1])]
    everyone = list(truth_by_user.values()) + list(truth_by_code.values())
    assert sorted(contents) == sorted(everyone), "every ballot is counted, once"

    # The attacker lines up everything they know about the voters with the list's order.
    # Rows written by one cast share its transaction id: a participation names its user, a
    # used code's row (id order = the CSV's order = the letters) names its letter.
    letter_of_xmin = {xmin: codes[n] for n, (xmin, _pk, used) in
                      enumerate(_rows_by_xmin("budgets_votingcode", "id, used")) if used}
    by_xmin = [truth_by_user[user] if user else truth_by_code[letter_of_xmin[xmin]]
               for xmin, user in _rows_by_xmin("budgets_participation", "user_id")]
    by_id = [truth_by_user[user] if user else None
             for user in Participation.objects.filter(process=process).order_by("pk").values_list("user_id", flat=True)]
    sessions = [truth_by_user[int(s.get_decoded()["_auth_user_id"])]
                for s in Session.objects.order_by("expire_date", "session_key") if "_auth_user_id" in s.get_decoded()]
    attempts = {
        "casting order (participation and code xmin)": by_xmin,
        "participation id order": [c or [] for c in by_id],
        "code order (the CSV), then voters": [truth_by_code[c] for c in codes] + list(truth_by_user.values()),
        "session order, then codes": sessions + [truth_by_code[c] for c in codes],
    }
    for name, predicted in attempts.items():
        assert len(predicted) == len(contents)
        for guess in (predicted, predicted[::-1]):
            # A random order of 24 ballots puts 1 in place on average; 12 or more in place
            # happen by chance with a probability below 1e-8.
            assert _correct(guess, contents) < VOTERS, f"{name} links voters to ballots"
    # Each signed-in voter is in the anonymity set of the whole election.
    assert Participation.objects.filter(process=process).count() == 2 * VOTERS
    assert VotingCode.objects.filter(process=process, used=True).count() == VOTERS


def test_a_receipt_shows_no_choice_and_the_same_choice_again_never_brings_it_back(election, municipality):
    process = election
    citizen = UserFactory(municipality=municipality, birth_year=1980)
    browser = Client()
    browser.force_login(citizen)
    coerced = browser.post(f"/budgets/{process.pk}/vote/", {"projects": ["1"]})
    receipt = re.search(rb'id="receipt-code"><strong>([0-9A-Z-]{19})<', coerced.content).group(1).decode()
    public = Client()
    shown = public.post(f"/budgets/{process.pk}/verify/", {"receipt": receipt}).content.decode()
    assert "Projekt" not in shown and 'value="1"' not in shown
    # The voter votes again, freely; then, under pressure, the coerced choice once more.
    browser.post(f"/budgets/{process.pk}/vote/", {"projects": ["2", "3"]})
    again = browser.post(f"/budgets/{process.pk}/vote/", {"projects": ["1"]})
    new_receipt = re.search(rb'id="receipt-code"><strong>([0-9A-Z-]{19})<', again.content).group(1).decode()
    assert new_receipt != receipt, "the same choice again never brings the coerced receipt back"
    api = public.post(f"/api/v1/budgets/{process.pk}/verify/", {"receipt": receipt}, content_type="application/json")
    assert api.status_code == 200 and api.json() == {"status": "absent", "counted": False, "election": None}
