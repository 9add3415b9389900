"""An attacker's tour of the census, letters and codes (issue 16; docs/THREAT_MODEL.md, "Who may
vote"): every endpoint and page of them, asked by every role with bodies that would make codes.
A voting code is answered only to staff of the process's municipality, and only in the file
made for it; a census person's identity number, and its keyed fingerprint, to nobody, not even
in the messages about a wrong census file."""
from __future__ import annotations

import io
import re

import pytest
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts import census
from accounts.models import CensusEntry, Role
from budgets import services, voting_codes
from budgets.models import Voters, VotingCode
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import (
    DistrictFactory,
    MembershipFactory,
    MunicipalityFactory,
    UserFactory,
    sign_in_recently,
)

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b")
EXAMPLE = "ABCD-EFGH-JKLM-NPQR"  # the returned letters form's help: how a code is printed
CPRS = [f"0{n}0{n}8{n}-{n}23{n}" for n in range(1, 8)]
ROLES = ["anonymous", "citizen", "outsider", "moderator", "council", "other_staff", "staff_without_2fa", "admin",
         "staff"]
MAY_SEE_CODES = {"staff", "admin"}


def census_csv(identifiers, extra: str = "") -> bytes:
    return ("person_id,birth_year,district\n" + "".join(f"{pid},1980,Viby\n" for pid in identifiers)
            + extra).encode()


def upload(data: bytes):
    file = io.BytesIO(data)
    file.name = "census.csv"
    return file


def text_of(response) -> str:
    """What an answer says, a PDF's text included."""
    body = response.content
    if response.get("Content-Type") == "application/pdf":
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", "replace")


def person(role: str, aarhus, bergen):
    if role == "anonymous":
        return None
    home = bergen if role in ("outsider", "other_staff") else aarhus
    user = UserFactory(municipality=home)
    held = {"other_staff": Role.STAFF, "staff_without_2fa": Role.STAFF}.get(role)
    if held is None and role not in ("citizen", "outsider"):
        held = Role(role)
    if held is not None:
        MembershipFactory(user=user, municipality=home, role=held, second_factor=role != "staff_without_2fa")
    return user


@pytest.fixture
def world(municipality):
    bergen = MunicipalityFactory(slug="bergen", name="Bergen kommune")
    DistrictFactory(municipality=municipality, name="Viby", slug="viby")
    process = BudgetProcessFactory(municipality=municipality, voters=Voters.CENSUS)
    ProjectFactory(process=process, code="A", cost=10_000)
    census.census_replace(municipality=municipality, data=census_csv(CPRS[:5]))
    codes = [code for code, _district in voting_codes.codes_for_census(process=process)]
    voting_codes.code_return(process=process, code=codes[1])
    services.ballot_cast(process=process, choice={"projects": ["A"]}, code=codes[2])
    return {"process": process, "codes": codes, "bergen": bergen}


def requests_of(process, codes):
    """Every census, letters and codes request, with bodies that would make or void codes."""
    base = f"/api/v1/budgets/{process.pk}/"
    return [
        ("GET", base + "census/", None),
        ("PUT", base + "census/", {"file": census_csv(CPRS)}),  # two new residents
        ("PUT", base + "census/", {"file": census_csv(CPRS[:2], extra=f"{CPRS[5]},1850,Viby\n{CPRS[6]},19x0,\n"
                                                              f"{CPRS[0]},1980,Viby\n")}),
        ("GET", base + "letter-text/", None),
        ("PUT", base + "letter-text/", {"letter_text": "Stem!"}),
        ("POST", base + "letters/", {"output": "pdf"}),
        ("POST", base + "letters/", {"output": "csv"}),
        ("GET", base + "codes/", None),
        ("POST", base + "codes/", {"count": 2, "batch": "x"}),
        ("POST", base + "returned-letters/", {"code": codes[0]}),
        ("POST", base + "returned-letters/", {"code": codes[2]}),  # has voted: refused
        ("POST", base + "returned-letters/undo/", {"code": codes[1]}),
        ("POST", base + "returned-letters/reissue/", {"code": codes[1]}),
        ("POST", base + "returned-letters/reissue/", {"code": codes[2]}),  # has voted: refused
        ("GET", base, None),
        ("GET", base + "turnout/", None),
        ("GET", f"/api/v1/budgets/?municipality={process.municipality.slug}", None),
    ]


def _ask(api, method: str, url: str, body):
    if method == "GET":
        return api.get(url)
    if body is not None and "file" in body:
        return api.put(url, {"file": upload(body["file"])}, format="multipart")
    return getattr(api, method.lower())(url, body, format="json")


def test_codes_only_to_staff_of_the_municipality_and_identity_numbers_to_nobody(client, municipality, world):
    process, codes = world["process"], world["codes"]
    fingerprints = set(CensusEntry.objects.values_list("person_key", flat=True)) | {
        census.person_key(pid) for pid in CPRS}
    spellings = {form for code in codes for form in (code, code.lower(), code.replace("-", ""),
                                                     code.replace("-", "").lower())}
    for role in ROLES:
        user = person(role, municipality, world["bergen"])
        api = APIClient()
        if user is not None:
            api.force_authenticate(user)
        answers = []
        # Each role meets the same world: what one makes or voids is undone before the next.
        with transaction.atomic():
            for method, url, body in requests_of(process, codes):
                response = _ask(api, method, url, body)
                assert response.status_code < 500, (role, url, response.content[:300])
                answers.append((f"{method} {url}", response, text_of(response)))
            for name in ("budgets:codes", "budgets:detail", "budgets:turnout"):
                if user is not None:
                    sign_in_recently(client, user)
                response = client.get(reverse(name, args=[process.pk]))
                answers.append((name, response, text_of(response)))
                client.logout()
            answers.append(("account-census", None, text_of(client.get(
                reverse("account-census", args=[municipality.slug])))))
            hashes = set(VotingCode.objects.values_list("code_hash", flat=True))
            made = len(hashes) - len(codes)
            residents = CensusEntry.objects.filter(municipality=municipality).count()
            transaction.set_rollback(True)

        files = set()
        for label, response, text in answers:
            assert not any(pid in text or pid.replace("-", "") in text for pid in CPRS), (role, label)
            assert not any(key in text for key in fingerprints | hashes), (role, label)
            is_file = response is not None and response.get("Content-Type", "").split(";")[0] in (
                "application/pdf", "text/csv")
            if role in MAY_SEE_CODES and is_file:
                files |= set(CODE.findall(text))
                continue
            # No code, old or new, in any other answer (a JSON message, a page, an error).
            assert not is_file and not CODE.findall(text.replace(EXAMPLE, "")), (role, label, text[:300])
            assert not any(form in text for form in spellings), (role, label, text[:300])
        if role in MAY_SEE_CODES:
            # The two new residents' letters (then none left for the printing house's file), a
            # batch of two and a reissued letter: every new code, each once, and only in a file.
            assert made == len(files) == 2 + 2 + 1, (role, made, files)
            assert residents == len(CPRS)
        else:
            assert made == 0 and not files and residents == 5, role
