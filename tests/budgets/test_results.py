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
    assert response.status_code == 400
    assert response.json()["fields"]["decision"] == [results.approved_message(approved)]
    assert Result.objects.filter(process=process).count() == 1
    # Others still get no further than before.
    api.force_authenticate(UserFactory(municipality=process.municipality))
    assert api.post(f"/api/v1/budgets/{process.pk}/council/", {"decision": "approved"},
                    format="json").status_code == 403
