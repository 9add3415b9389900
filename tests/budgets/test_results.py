"""The council's result: one approval, a signed document anyone can verify, frozen data, and
a loud warning when the database no longer says what the council approved."""
import hashlib
import json
from datetime import UTC

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from budgets import phases, results, services, signing
from budgets.models import CouncilReview, Phase, Result
from tests.budgets.factories import open_box
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BALLOTS = (["A"], ["A", "C"], ["B", "C"], ["C", "D"])


def vote_and_open(process, council, municipality, ballots=BALLOTS):
    for codes in ballots:
        services.ballot_cast(process=process, user=UserFactory(municipality=municipality), choice={"projects": codes})
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    open_box(process, council)
    process.refresh_from_db()


@pytest.fixture
def approved(process, council, municipality):
    vote_and_open(process, council, municipality)
    results.council_review(process=process, member=council, decision="approved")
    process.refresh_from_db()
    return Result.objects.get(process=process)


def independent_verify(document: bytes, signature_hex: str, public_key_hex: str) -> None:
    """The `cryptography` package's Ed25519, not the PyNaCl that signed: raises InvalidSignature."""
    Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex)).verify(bytes.fromhex(signature_hex), document)


def test_the_approval_signs_a_document_an_independent_implementation_verifies(approved, process, council):
    data = approved.document.encode("utf-8")
    independent_verify(data, approved.signature, approved.public_key)
    assert approved.public_key == signing.public_key_hex()
    assert approved.fingerprint == hashlib.sha256(data).hexdigest()
    document = json.loads(data)
    assert data == json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(), \
        "canonical: sorted keys, no whitespace, UTF-8"
    assert document["process"] == {
        "id": process.pk, "title": process.title, "currency": "DKK", "tally_rule": "greedy",
        "ballot_type": "approval", "municipality": {"slug": process.municipality.slug,
                                                    "name": process.municipality.name}}
    (citywide,) = document["elections"]
    assert citywide["key"] == "" and citywide["name"] == "Citywide" and citywide["budget"] == 100_000
    assert citywide["projects"] == [
        {"code": "A", "title": "Projekt A", "cost": 60_000, "on_ballot": True},
        {"code": "B", "title": "Projekt B", "cost": 50_000, "on_ballot": True},
        {"code": "C", "title": "Projekt C", "cost": 30_000, "on_ballot": True},
        {"code": "D", "title": "Projekt D", "cost": 20_000, "on_ballot": True}]
    lines = sorted(",".join(b) for b in BALLOTS)
    assert citywide["ballots"] == {"count": 4, "sha256": hashlib.sha256("\n".join(lines).encode()).hexdigest()}
    assert citywide["ballots"]["sha256"] == results.ballots_fingerprint(process)[0]
    # greedy: C (3 votes), A (2) = 90,000; B and D do not fit. Listed in the projects' order.
    assert citywide["selected"] == ["A", "C"] and citywide["spent"] == 90_000
    assert document["approved_by"] == council.public_name
    assert document["approved_at"] == approved.approved_at.astimezone(UTC).isoformat(timespec="seconds")


@pytest.mark.parametrize("change", ["cost", "ballots", "ballot count", "selected", "spent", "approver"])
def test_a_changed_document_no_longer_verifies(approved, change):
    document = json.loads(approved.document)
    citywide = document["elections"][0]
    if change == "cost":
        citywide["projects"][1]["cost"] = 1
    elif change == "ballots":
        citywide["ballots"]["sha256"] = hashlib.sha256(b"other ballots").hexdigest()
    elif change == "ballot count":
        citywide["ballots"]["count"] += 30
    elif change == "selected":
        citywide["selected"] = ["B", "C"]
    elif change == "spent":
        citywide["spent"] = 80_000
    else:
        document["approved_by"] = "Someone else"
    changed = results.canonical(document)
    with pytest.raises(InvalidSignature):
        independent_verify(changed, approved.signature, approved.public_key)
    independent_verify(approved.document.encode(), approved.signature, approved.public_key)


def test_the_signing_key_comes_from_the_settings_when_given():
    from nacl.signing import SigningKey

    seed = bytes(range(32))
    with override_settings(RESULT_SIGNING_KEY=seed.hex()):
        assert signing.public_key_hex() == bytes(SigningKey(seed).verify_key).hex()
    with override_settings(RESULT_SIGNING_KEY="", RESULT_SIGNING_KEY_FILE=""):
        derived = signing.public_key_hex()
    assert derived != bytes(SigningKey(seed).verify_key).hex()
    with override_settings(RESULT_SIGNING_KEY="", SECRET_KEY="another development secret " * 3):
        assert signing.public_key_hex() != derived, "derived from SECRET_KEY"


def test_a_second_approval_is_refused_with_the_reason(approved, process, council, municipality):
    colleague = UserFactory(municipality=municipality)
    from accounts.models import Role
    from tests.factories import MembershipFactory

    MembershipFactory(user=colleague, municipality=municipality, role=Role.COUNCIL)
    for member, decision, comment in ((council, "approved", ""), (colleague, "approved", ""),
                                      (colleague, "sent_back", "For sent")):
        with pytest.raises(ValidationError) as refused:
            results.council_review(process=process, member=member, decision=decision, comment=comment)
        assert set(refused.value.message_dict) == {"decision"}
    assert Result.objects.filter(process=process).count() == 1
    assert CouncilReview.objects.filter(process=process).count() == 1


def test_a_second_approval_through_the_page_and_the_api_is_a_clear_refusal(client, approved, process, council):
    client.force_login(council)
    page = client.post(reverse("budgets:council", args=[process.pk]), {"decision": "approved"})
    assert page.status_code == 200
    html = page.content.decode()
    assert results.approved_message(approved) in html.replace("&#x27;", "'")
    assert 'name="decision"' not in html, "no form to decide again"
    assert client.get(reverse("budgets:council", args=[process.pk])).status_code == 200
    api = APIClient()
    api.force_authenticate(council)
    response = api.post(f"/api/v1/budgets/{process.pk}/council/", {"decision": "approved"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert body["detail"] == results.approved_message(approved)
    assert body["fields"]["decision"] == [results.approved_message(approved)]
    assert Result.objects.filter(process=process).count() == 1
    # Others still get no further than before.
    api.force_authenticate(UserFactory(municipality=process.municipality))
    assert api.post(f"/api/v1/budgets/{process.pk}/council/", {"decision": "approved"},
                    format="json").status_code == 403


# -- downloads and offline verification -----------------------------------------------------

def test_the_signed_result_is_downloaded_once_published_and_verifies(client, process, council, municipality):
    vote_and_open(process, council, municipality)
    client.force_login(council)
    assert client.get(reverse("budgets:result-json", args=[process.pk])).status_code == 404, "not before approval"
    results.council_review(process=process, member=council, decision="approved")
    result = Result.objects.get(process=process)
    response = APIClient().get(reverse("budgets:result-json", args=[process.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    downloaded = json.loads(response.content)
    assert downloaded["document"] == json.loads(result.document)
    assert (downloaded["signature"], downloaded["public_key"], downloaded["fingerprint"]) == (
        result.signature, result.public_key, result.fingerprint)
    assert downloaded["key_url"].endswith(reverse("budgets:result-key"))
    # What anyone does with the file, with another implementation than the site's:
    data = json.dumps(downloaded["document"], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert hashlib.sha256(data).hexdigest() == downloaded["fingerprint"]
    independent_verify(data, downloaded["signature"], downloaded["public_key"])
    assert results.verify_file(response.content).ok
    # The published key, and the API's copy of the result.
    key = APIClient().get(reverse("budgets:result-key")).json()
    assert key["public_key"] == result.public_key and key["algorithm"] == "Ed25519"
    api = APIClient().get(f"/api/v1/budgets/{process.pk}/result/").json()
    assert api["document"] == downloaded["document"] and api["signature"] == result.signature
    assert api["public_key"] == result.public_key and api["fingerprint"] == result.fingerprint


def _write(tmp_path, content: dict | bytes, name="result.json"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    return str(path)


def test_verify_result_command(approved, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    good = json.loads(results.result_file(approved))
    out = StringIO()
    call_command("verify_result", _write(tmp_path, good), "--public-key", approved.public_key, stdout=out)
    assert out.getvalue().startswith("VERIFIED") and "4 ballots" in out.getvalue()
    out = StringIO()
    call_command("verify_result", _write(tmp_path, good), stdout=out)
    assert "compare it with the key the municipality publishes" in out.getvalue()

    def refused(path, *extra) -> int:
        with pytest.raises(CommandError) as caught:
            call_command("verify_result", path, *extra, stdout=StringIO())
        return caught.value.returncode

    changed = json.loads(json.dumps(good))
    changed["document"]["elections"][0]["projects"][0]["cost"] -= 1
    assert refused(_write(tmp_path, changed)) == 1
    resigned = json.loads(json.dumps(changed))  # changed, and its fingerprint made to match
    resigned["fingerprint"] = hashlib.sha256(results.canonical(resigned["document"])).hexdigest()
    assert refused(_write(tmp_path, resigned)) == 1
    from nacl.signing import SigningKey

    other = SigningKey.generate()  # a forger's own key, put in the file
    forged = json.loads(json.dumps(resigned))
    forged["signature"] = other.sign(results.canonical(forged["document"])).signature.hex()
    forged["public_key"] = bytes(other.verify_key).hex()
    call_command("verify_result", _write(tmp_path, forged), stdout=StringIO())  # consistent in itself...
    assert refused(_write(tmp_path, forged), "--public-key", approved.public_key) == 1  # ...not the site's key
    assert refused(_write(tmp_path, b"not json")) == 2
    assert refused(_write(tmp_path, {"document": {"format": "other"}, "fingerprint": "", "signature": "",
                                     "public_key": ""})) == 2
    assert refused(str(tmp_path / "absent.json")) == 2
    assert refused(_write(tmp_path, good), "--public-key", "xyz") == 2


@pytest.mark.slow_tier  # starts a process
def test_verify_result_exit_status_from_the_shell(approved, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    good = json.loads(results.result_file(approved))
    changed = json.loads(json.dumps(good))
    changed["document"]["elections"][0]["selected"] = ["B", "C"]
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL")}
    env["PYTHONPATH"] = f"{root}{os.pathsep}{root / 'platform'}"
    codes = []
    for path in (_write(tmp_path, good, "good.json"), _write(tmp_path, changed, "changed.json"),
                 _write(tmp_path, b"{}", "empty.json")):
        run = subprocess.run([sys.executable, "manage.py", "verify_result", path, "--public-key", approved.public_key],
                             cwd=root, env=env, capture_output=True, text=True, check=False, timeout=120)
        codes.append(run.returncode)
    assert codes == [0, 1, 2]


# -- the check on the process page ----------------------------------------------------------

def _page(client, process) -> str:
    from django.conf import settings
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # override() puts the test's language back afterwards: the language middleware leaves the
    # request's language active in the thread, and later tests here expect Danish.
    with translation.override("en"):
        response = client.get(reverse("budgets:detail", args=[process.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _sql(statement: str, params: list) -> None:
    """A change made behind the services' and the models' back, as someone with SQL access would."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _json_param() -> str:
    from django.db import connection

    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


def test_the_page_says_verified_until_the_data_changes(client, approved, process):
    from budgets.models import Project

    page = _page(client, process)
    assert "Verified" in page and "alert-error" not in page and approved.public_key in page
    assert reverse("budgets:result-json", args=[process.pk]) in page
    _sql(f"UPDATE {Project._meta.db_table} SET cost = %s WHERE process_id = %s AND code = %s",  # noqa: S608
         [55_000, process.pk, "C"])
    page = _page(client, process)
    assert "Warning: this result no longer matches what the council approved" in page
    assert "Citywide: the projects or their costs differ from the approved ones." in page
    assert ">Verified<" not in page


def test_a_ballot_added_to_the_counted_ballots_with_sql_shows(client, approved, process):
    from budgets.models import CountedBallots

    row = CountedBallots.objects.get(process=process)
    extra = [*row.contents, *[{"projects": ["B", "D"]}] * 30]
    _sql(f"UPDATE {CountedBallots._meta.db_table} SET contents = {_json_param()} WHERE id = %s",  # noqa: S608
         [json.dumps(extra), row.pk])
    page = _page(client, process)
    assert "Citywide: the counted ballots differ from the approved ones (34 ballots now, 4 approved)." in page
    assert results.result_check(process).state == "altered"


def test_changed_funded_projects_figures_or_document_show(client, approved, process):
    from budgets.models import Project

    Project.objects.filter(process=process, code="D").update(selected=True)  # update(): no model checks
    assert "Citywide: the funded projects differ from the approved ones." in _page(client, process)
    Project.objects.filter(process=process, code="D").update(selected=False)
    assert results.result_check(process).verified
    _sql(f"UPDATE {Result._meta.db_table} SET ballots = %s WHERE id = %s", [114, approved.pk])  # noqa: S608
    assert "The figures shown with the result (ballots, amount spent, funded projects) differ" in _page(client, process)
    _sql(f"UPDATE {Result._meta.db_table} SET ballots = %s WHERE id = %s", [4, approved.pk])  # noqa: S608
    assert results.result_check(process).verified
    # The document itself rewritten to match other data: its signature no longer fits.
    document = json.loads(approved.document)
    document["elections"][0]["projects"][2]["cost"] = 55_000
    document["elections"][0]["spent"] = 115_000  # C is funded: what it costs is spent
    data = results.canonical(document)
    elections = [{**approved.elections[0], "spent": 115_000}]
    _sql(f"UPDATE {Result._meta.db_table} SET document = %s, fingerprint = %s, spent = %s, "  # noqa: S608
         f"elections = {_json_param()} WHERE id = %s",
         [data.decode(), hashlib.sha256(data).hexdigest(), 115_000, json.dumps(elections), approved.pk])
    _sql(f"UPDATE {Project._meta.db_table} SET cost = %s WHERE process_id = %s AND code = %s",  # noqa: S608
         [55_000, process.pk, "C"])
    with translation.override("en"):  # the problems are sentences for people, in their language
        check = results.result_check(process)
    assert check.state == "altered" and check.problems == [
        "The stored result does not match its signature: it was changed after the council approved it."]
    # ... and re-signed with a key of the forger's own, stored beside it: not this site's key.
    from nacl.signing import SigningKey

    other = SigningKey.generate()
    _sql(f"UPDATE {Result._meta.db_table} SET signature = %s, public_key = %s WHERE id = %s",  # noqa: S608
         [other.sign(data).signature.hex(), bytes(other.verify_key).hex(), approved.pk])
    with translation.override("en"):
        problems = results.result_check(process).problems
    assert problems == ["The stored result is signed with a key that is not this site's result key."]


def test_a_stored_document_that_is_no_longer_json_is_a_warning_not_an_error(client, approved, process):
    _sql(f"UPDATE {Result._meta.db_table} SET document = %s WHERE id = %s",  # noqa: S608
         [approved.document[:-1], approved.pk])
    page = _page(client, process)
    assert "The stored result cannot be read." in page and "does not match its signature" in page
    download = APIClient().get(reverse("budgets:result-json", args=[process.pk]))
    assert download.status_code == 200 and json.loads(download.content)["document"] is None
    with pytest.raises(ValueError):
        results.verify_file(download.content)
    assert APIClient().get(f"/api/v1/budgets/{process.pk}/result/").json()["document"] is None


def test_an_earlier_key_still_verifies_its_results(approved, process):
    with override_settings(RESULT_SIGNING_KEY=bytes(range(32)).hex()):
        assert results.result_check(process).state == "altered", "another key signs now"
        with override_settings(RESULT_SIGNING_OLD_PUBLIC_KEYS=[approved.public_key]):
            assert results.result_check(process).verified


def test_the_check_costs_the_same_queries_for_more_ballots_and_projects(client, municipality, council):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.budgets.factories import BudgetProcessFactory, ProjectFactory

    counts = []
    for projects, voters in ((3, 2), (12, 25)):
        process = BudgetProcessFactory(municipality=municipality, total_budget=10**6)
        for n in range(projects):
            ProjectFactory(process=process, code=f"P{n}", cost=10_000 + n)
        vote_and_open(process, council, municipality,
                      ballots=[[f"P{(v + k) % projects}" for k in range(2)] for v in range(voters)])
        results.council_review(process=process, member=council, decision="approved")
        _page(client, process)  # warm: the session, the language
        with CaptureQueriesContext(connection) as queries:
            page = _page(client, process)
        assert "Verified" in page
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_readme_recipe_verifies_a_download(approved, process, tmp_path, monkeypatch):
    """The `cryptography` snippet in README ("The council's result") run as it is written."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("**The council's result**"):]
    snippet = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    (tmp_path / "result.json").write_bytes(APIClient().get(reverse("budgets:result-json", args=[process.pk])).content)
    monkeypatch.chdir(tmp_path)
    exec(snippet, {"KEY": approved.public_key})  # noqa: S102 - our own README's code
    with pytest.raises(InvalidSignature):
        exec(snippet, {"KEY": _other_public_key()})  # noqa: S102


def _other_public_key() -> str:
    from nacl.signing import SigningKey

    return bytes(SigningKey.generate().verify_key).hex()
