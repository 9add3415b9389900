"""The census, the letters and the voting codes through the API (issue 16): the same forms,
services, messages and permissions as the eligibility step and the codes page. Bad input is a
400 naming the field (a census file's wrong lines by number) and stores nothing; never a 500.
Returned letters are marked, unmarked and reissued on the page and in the API alike, and a
person never holds two codes they can vote with."""
from __future__ import annotations

import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts import census
from accounts.models import CensusEntry, Role
from budgets import secrecy, services, voting_codes
from budgets.models import DistrictBudget, Phase, Voters, VotingCode
from restapi.throttling import WriteRateThrottle
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


def cpr(n: int) -> str:
    return f"0101{80 + n % 20:02d}-{1000 + n:04d}"


def census_csv(rows) -> bytes:
    return ("person_id,birth_year,district\n" + "".join(f"{p},{y},{d}\n" for p, y, d in rows)).encode()


def upload(data: bytes, name: str = "census.csv") -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


def pages_of(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def member(municipality, role: Role):
    user = UserFactory(municipality=municipality)
    MembershipFactory(user=user, municipality=municipality, role=role)
    return user


@pytest.fixture
def viby(municipality):
    return DistrictFactory(municipality=municipality, name="Viby", slug="viby")


@pytest.fixture
def process(municipality, viby):
    process = BudgetProcessFactory(municipality=municipality, voters=Voters.CENSUS, min_age=16,
                                   title="Borgerbudget Viby")
    DistrictBudget.objects.create(process=process, district=viby, name="Viby", slug="viby", amount=50_000)
    for code in "AB":
        ProjectFactory(process=process, code=code, cost=20_000)
    return process


@pytest.fixture
def staff(municipality):
    return member(municipality, Role.STAFF)


@pytest.fixture
def api(staff):
    client = APIClient()
    client.force_authenticate(staff)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def url(process, path: str) -> str:
    return f"/api/v1/budgets/{process.pk}/{path}"


def put_census(api, process, data: bytes):
    return api.put(url(process, "census/"), {"file": upload(data)}, format="multipart")


def letter_codes(municipality, process, n: int = 2) -> list[str]:
    census.census_replace(municipality=municipality, data=census_csv([(cpr(k), 1980, "Viby") for k in range(n)]))
    return [code for code, _district in voting_codes.codes_for_census(process=process)]


def vote(process, code: str):
    return services.ballot_cast(process=process, choice={"projects": ["A"]}, code=code)


# --- The census ---------------------------------------------------------------------------------
def test_staff_upload_the_census_and_read_it_back_as_numbers_only(api, municipality, process):
    rows = [(cpr(n), 1960 + n, "Viby" if n % 2 else "") for n in range(5)]
    response = put_census(api, process, census_csv(rows))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"] == 5 and body["voters"] == "census" and body["uploaded_at"]
    assert sorted(body["by_district"], key=lambda r: r["residents"]) == [
        {"district": "Viby", "residents": 2}, {"district": None, "residents": 3}]
    assert api.get(url(process, "census/")).json() == body
    text = response.content.decode()
    for entry in CensusEntry.objects.all():
        assert entry.person_key not in text
    assert not any(pid in text or pid.replace("-", "") in text for pid, _y, _d in rows)


def test_a_wrong_census_is_refused_line_by_line_with_the_pages_messages_and_nothing_changes(
        api, client, staff, municipality, process):
    assert put_census(api, process, census_csv([(cpr(1), 1980, "Viby")])).status_code == 200
    before = list(CensusEntry.objects.values_list("person_key", "birth_year", "district_id", "uploaded_at"))
    wrong = census_csv([(cpr(2), 1980, "Viby"), ("12345", 1980, ""), (cpr(3), 1850, ""), (cpr(4), 1990, "Grabówka")])

    response = put_census(api, process, wrong)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and list(body["fields"]) == ["file"]
    messages = body["fields"]["file"]
    assert [m.split(":")[0] for m in messages] == ["Line 3", "Line 4", "Line 5"]
    assert "Grabówka" in messages[2]
    assert list(CensusEntry.objects.values_list("person_key", "birth_year", "district_id", "uploaded_at")) == before
    # The census page says the same, word for word.
    sign_in_recently(client, staff)
    client.cookies["django_language"] = "en"
    page = client.post(reverse("account-census", args=[municipality.slug]), {"file": upload(wrong)})
    html = page.content.decode()
    assert all(escape(message) in html for message in messages)


@pytest.mark.parametrize("data, expected", [
    (b"person_id,birth_year,district\n0101801234,19\x0080,\n", "binary data"),
    ("person_id,birth_year,district\n0101801234,1980,Ærø\n".encode("latin-1"), "UTF-8"),
    ("person_id,birth_year,district\n0101801234,1980,\n".encode("utf-16"), "binary data"),
    (b"\xff\xfe\x00\x00garbage", "binary data"),
    (b"cpr;year\n0101801234;1980\n", "first line"),
    (b"person_id,birth_year,district\n", "nobody"),
    (b"", "empty"),
    (b'person_id,birth_year,district\n"0101801234,1980\n', "three columns"),
])
def test_broken_census_files_are_400_naming_the_file(api, process, data, expected):
    response = put_census(api, process, data)
    assert response.status_code == 400, response.content
    assert expected in " ".join(response.json()["fields"]["file"])
    assert not CensusEntry.objects.exists()


def test_a_huge_census_file_is_refused_by_its_size_before_it_is_read(api, process, monkeypatch):
    monkeypatch.setattr(census, "MAX_BYTES", 1024)
    read = []
    monkeypatch.setattr(census, "parse", lambda *args: read.append(args) or [])
    response = put_census(api, process, census_csv([(cpr(n), 1980, "") for n in range(100)]))
    assert response.status_code == 400
    assert response.json()["fields"]["file"] == ["The file is larger than 50 MB."]
    assert not read and not CensusEntry.objects.exists()


def test_a_census_in_the_wrong_shape_of_request_is_a_400_or_415(api, process):
    as_json = api.put(url(process, "census/"), {"file": "person_id,birth_year,district\n0101801234,1980,\n"},
                      format="json")
    assert as_json.status_code == 400 and as_json.json()["fields"]["file"] == ["This field is required."]
    nothing = api.put(url(process, "census/"), {}, format="multipart")
    assert nothing.status_code == 400 and "file" in nothing.json()["fields"]
    raw = api.generic("PUT", url(process, "census/"), b"person_id,birth_year,district\n", content_type="text/csv")
    assert raw.status_code == 415 and set(raw.json()) == {"detail", "code", "fields"}
    broken = api.generic("PUT", url(process, "census/"), b"--x\r\nnot multipart", content_type="multipart/form-data")
    assert 400 <= broken.status_code < 500
    assert not CensusEntry.objects.exists()


# --- The letters ----------------------------------------------------------------------------------
def test_the_letters_pdf_and_the_printing_house_file(api, municipality, process):
    census.census_replace(municipality=municipality, data=census_csv(
        [(cpr(n), 1980, "Viby") for n in range(3)] + [(cpr(9), process.voting_end.year - 10, "Viby")]))

    response = api.post(url(process, "letters/"), {}, format="json")

    assert response.status_code == 201 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    pages = pages_of(response.content)
    assert len(pages) == 3  # the child gets none
    codes = {CODE.search(page).group() for page in pages}
    assert {secrecy.code_hash(c) for c in codes} == set(VotingCode.objects.values_list("code_hash", flat=True))
    assert api.post(url(process, "letters/"), {"output": "pdf"}, format="json").status_code == 204
    census.census_replace(municipality=municipality, data=census_csv([(cpr(n), 1980, "Viby") for n in range(4)]))
    as_csv = api.post(url(process, "letters/"), {"output": "csv"}, format="json")
    assert as_csv.status_code == 201 and as_csv["Content-Type"] == "text/csv; charset=utf-8"
    lines = as_csv.content.decode().splitlines()
    assert lines[0] == "code,district" and len(lines) == 2 and lines[1].endswith(",Viby")


def test_letters_refuse_bad_input_and_a_process_without_the_census(api, municipality, process):
    census.census_replace(municipality=municipality, data=census_csv([(cpr(1), 1980, "Viby")]))
    for body, field in (({"output": "docx"}, "output"), ({"output": ["pdf"]}, "output")):
        response = api.post(url(process, "letters/"), body, format="json")
        assert response.status_code == 400 and field in response.json()["fields"], response.content
    assert not VotingCode.objects.exists()
    accounts_vote = BudgetProcessFactory(municipality=municipality)
    response = api.post(url(accounts_vote, "letters/"), {}, format="json")
    assert response.status_code == 400
    assert "does not use the census" in response.json()["fields"]["non_field_errors"][0]


def test_the_letter_text_is_read_and_written_with_the_pages_checks(api, process):
    default = api.get(url(process, "letter-text/")).json()
    assert default["is_default"] and "You can help decide which projects" in default["letter_text"]
    saved = api.put(url(process, "letter-text/"), {"letter_text": "Stem om legepladsen før 1. juni."}, format="json")
    assert saved.status_code == 200 and saved.json() == {"letter_text": "Stem om legepladsen før 1. juni.",
                                                         "is_default": False}
    for text, message in (("\n".join(f"Linje {n}" for n in range(40)), "at most 25 fit on a letter"),
                          ("x" * 1501, "at most 1500 characters")):
        response = api.put(url(process, "letter-text/"), {"letter_text": text}, format="json")
        assert response.status_code == 400 and message in response.json()["fields"]["letter_text"][0]
    assert api.put(url(process, "letter-text/"), {"letter_text": {"a": 1}}, format="json").status_code == 400
    process.refresh_from_db()
    assert process.letter_text == "Stem om legepladsen før 1. juni."
    assert api.put(url(process, "letter-text/"), {"letter_text": ""}, format="json").json()["is_default"]


# --- Codes without the census -------------------------------------------------------------------
def test_a_batch_of_codes_and_the_counts(api, process, viby):
    response = api.post(url(process, "codes/"), {"count": 3, "batch": "=HYPERLINK(1)", "district": "viby"},
                        format="json")
    assert response.status_code == 201 and response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert len(lines) == 4 and all(line.endswith(",'=HYPERLINK(1),Viby") for line in lines[1:])
    assert VotingCode.objects.filter(district=viby, batch="=HYPERLINK(1)").count() == 3
    for body, field in (({"count": 0}, "count"), ({"count": 100_001}, "count"), ({}, "count"),
                        ({"count": 1, "district": "aarhus-c"}, "district"), ({"count": 1, "batch": "x" * 41}, "batch")):
        refused = api.post(url(process, "codes/"), body, format="json")
        assert refused.status_code == 400 and field in refused.json()["fields"], body
    assert VotingCode.objects.count() == 3
    assert api.get(url(process, "codes/")).json() == {"made": 3, "used": 0, "returned": 0, "reissued": 0,
                                                      "census": 0}


# --- Returned letters -----------------------------------------------------------------------------
def test_mark_undo_and_reissue_a_returned_letter(api, municipality, process):
    returned, kept = letter_codes(municipality, process)

    assert api.post(url(process, "returned-letters/"), {"code": returned}, format="json").status_code == 204
    with pytest.raises(ValidationError):
        vote(process, returned)
    assert api.post(url(process, "returned-letters/undo/"), {"code": returned.lower()}, format="json"
                    ).status_code == 204
    assert VotingCode.objects.get(code_hash=secrecy.code_hash(returned)).returned_at is None

    # Reissued (not marked first: the reissue voids it): one letter with a new code.
    response = api.post(url(process, "returned-letters/reissue/"), {"code": returned}, format="json")
    assert response.status_code == 201 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    [page] = pages_of(response.content)
    new = CODE.search(page).group()
    assert new not in (returned, kept) and "District: Viby" in page
    old = VotingCode.objects.get(code_hash=secrecy.code_hash(returned))
    fresh = VotingCode.objects.get(code_hash=secrecy.code_hash(new))
    assert old.returned_at is not None and fresh.reissue_of == old and fresh.person_key == old.person_key
    assert api.get(url(process, "codes/")).json() == {"made": 3, "used": 0, "returned": 1, "reissued": 1,
                                                      "census": 3}
    with pytest.raises(ValidationError):
        vote(process, returned)
    vote(process, new)

    with translation.override("en"):
        for path, code, message in (
                ("returned-letters/undo/", returned, "has been reissued"),
                ("returned-letters/reissue/", returned, "already been reissued"),
                ("returned-letters/undo/", kept, "not marked as returned"),
                ("returned-letters/", new, "already been used to vote"),
                ("returned-letters/reissue/", new, "already been used to vote"),
                ("returned-letters/reissue/", "AAAA-BBBB-CCCC-DDDD", "No letter of this budget")):
            response = api.post(url(process, path), {"code": code}, format="json")
            assert response.status_code == 400, (path, response.content)
            assert message in response.json()["fields"]["code"][0], (path, response.json())
    assert VotingCode.objects.count() == 3


def test_returned_letters_refuse_bad_input_with_field_messages(api, process):
    for body in ({}, {"code": ""}, {"code": "A" * 41}, {"code": ["ABCD"]}, {"code": {"x": 1}}, []):
        for path in ("returned-letters/", "returned-letters/undo/", "returned-letters/reissue/"):
            response = api.post(url(process, path), body, format="json")
            assert response.status_code == 400, (path, body, response.content)
            fields = response.json()["fields"]
            assert "code" in fields or "non_field_errors" in fields
    nul = api.post(url(process, "returned-letters/"), {"code": "ABCD\x00"}, format="json")
    assert nul.status_code == 400
    form = api.post(url(process, "returned-letters/"), "code=ABCD", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 400 and "No letter of this budget" in form.json()["fields"]["code"][0]


def test_a_resident_who_left_the_census_gets_no_new_letter(api, municipality, process):
    returned, _kept = letter_codes(municipality, process)
    gone = VotingCode.objects.get(code_hash=secrecy.code_hash(returned)).person_key
    staying = next(cpr(k) for k in range(2) if census.person_key(cpr(k)) != gone)
    census.census_replace(municipality=municipality, data=census_csv([(staying, 1980, "Viby")]))
    response = api.post(url(process, "returned-letters/reissue/"), {"code": returned}, format="json")
    assert response.status_code == 400 and "no longer on the census" in response.json()["fields"]["code"][0]
    assert VotingCode.objects.get(code_hash=secrecy.code_hash(returned)).returned_at is None


def test_a_reissue_follows_todays_census_district(api, municipality, process, viby):
    [code] = letter_codes(municipality, process, n=1)
    DistrictFactory(municipality=municipality, name="Brabrand", slug="brabrand")
    census.census_replace(municipality=municipality, data=census_csv([(cpr(0), 1980, "Brabrand")]))
    [page] = pages_of(api.post(url(process, "returned-letters/reissue/"), {"code": code}, format="json").content)
    assert "District: Brabrand" in page


def test_a_person_never_holds_two_codes_to_vote_with(municipality, process):
    """The database's own guard behind the services: one valid code per census person."""
    [code] = letter_codes(municipality, process, n=1)
    person = VotingCode.objects.get().person_key
    with pytest.raises(IntegrityError), transaction.atomic():
        VotingCode.objects.create(process=process, code_hash=secrecy.code_hash("X"), person_key=person)
    new, _district = voting_codes.code_reissue(process=process, code=code)
    # The old code cannot come back while the new one is valid, even past the service's checks.
    with pytest.raises(IntegrityError), transaction.atomic():
        VotingCode.objects.filter(code_hash=secrecy.code_hash(code)).update(returned_at=None)
    voting_codes.code_return(process=process, code=new)
    with pytest.raises(ValidationError):  # reissued: it stays void
        voting_codes.code_return_undo(process=process, code=code)


def test_the_codes_page_undoes_and_reissues_returned_letters(client, staff, municipality, process):
    returned, _kept = letter_codes(municipality, process)
    sign_in_recently(client, staff)
    client.cookies["django_language"] = "en"
    page_url = reverse("budgets:codes", args=[process.pk])
    html = client.get(page_url).content.decode()
    assert 'value="undo"' in html and 'value="reissue"' in html

    client.post(page_url, {"returned-code": returned, "returned": "return"})
    undone = client.post(page_url, {"returned-code": returned, "returned": "undo"}, follow=True).content.decode()
    assert "can be used to vote again" in undone
    assert VotingCode.objects.get(code_hash=secrecy.code_hash(returned)).returned_at is None
    letter = client.post(page_url, {"returned-code": returned, "returned": "reissue"})
    assert letter["Content-Type"] == "application/pdf" and letter["Cache-Control"] == "no-store"
    [text] = pages_of(letter.content)
    assert CODE.search(text).group() != returned
    html = client.get(page_url).content.decode()
    assert "1 letter returned." in html and "1 letter reissued." in html
    refused = client.post(page_url, {"returned-code": returned, "returned": "undo"}).content.decode()
    assert "has been reissued" in refused and f'value="{returned}"' in refused


# --- Who may ---------------------------------------------------------------------------------------
ACTIONS = {
    "census_read": lambda a, p: a.get(url(p, "census/")),
    "census_upload": lambda a, p: a.put(url(p, "census/"), {"file": upload(census_csv([(cpr(7), 1980, "")]))},
                                        format="multipart"),
    "letter_text_read": lambda a, p: a.get(url(p, "letter-text/")),
    "letter_text_write": lambda a, p: a.put(url(p, "letter-text/"), {"letter_text": "Stem!"}, format="json"),
    "letters": lambda a, p: a.post(url(p, "letters/"), {}, format="json"),
    "codes_read": lambda a, p: a.get(url(p, "codes/")),
    "codes_make": lambda a, p: a.post(url(p, "codes/"), {"count": 1}, format="json"),
    "returned": lambda a, p: a.post(url(p, "returned-letters/"), {"code": p.codes[0]}, format="json"),
    "undo": lambda a, p: a.post(url(p, "returned-letters/undo/"), {"code": p.codes[1]}, format="json"),
    "reissue": lambda a, p: a.post(url(p, "returned-letters/reissue/"), {"code": p.codes[2]}, format="json"),
}
EXPECTED = {"census_read": 200, "census_upload": 200, "letter_text_read": 200, "letter_text_write": 200,
            "letters": 201, "codes_read": 200, "codes_make": 201, "returned": 204, "undo": 204, "reissue": 201}


def _world(municipality):
    process = BudgetProcessFactory(municipality=municipality, voters=Voters.CENSUS)
    census.census_replace(municipality=municipality, data=census_csv([(cpr(k), 1980, "") for k in range(3)]))
    process.codes = [code for code, _d in voting_codes.codes_for_census(process=process)]
    voting_codes.code_return(process=process, code=process.codes[1])
    census.census_replace(municipality=municipality, data=census_csv([(cpr(k), 1980, "") for k in range(4)]))
    return process


@pytest.mark.parametrize("role", ["anonymous", "citizen", "moderator", "council", "other_staff",
                                  "staff_without_2fa", "staff", "admin"])
def test_who_may_use_the_census_letters_and_codes(municipality, role):
    api = APIClient()
    if role == "other_staff":
        other = MunicipalityFactory(slug="bergen")
        user = UserFactory(municipality=other)
        MembershipFactory(user=user, municipality=other, role=Role.STAFF)
    elif role == "staff_without_2fa":
        user = UserFactory(municipality=municipality)
        MembershipFactory(user=user, municipality=municipality, role=Role.STAFF, second_factor=False)
    elif role != "anonymous":
        user = UserFactory(municipality=municipality)
        if role != "citizen":
            MembershipFactory(user=user, municipality=municipality, role=Role(role))
    if role != "anonymous":
        api.force_authenticate(user)
    for action, call in ACTIONS.items():
        with transaction.atomic():
            process = _world(municipality)
            before = (list(VotingCode.objects.order_by("pk").values_list("code_hash", "returned_at")),
                      list(CensusEntry.objects.order_by("pk").values_list("person_key", "uploaded_at")))
            response = call(api, process)
            if role in ("staff", "admin"):
                assert response.status_code == EXPECTED[action], (action, response.content)
            else:
                assert response.status_code == 403, (role, action, response.status_code)
                assert set(response.json()) == {"detail", "code", "fields"}
                if role == "staff_without_2fa":
                    assert response.json()["code"] == "second_factor_required"
                assert (list(VotingCode.objects.order_by("pk").values_list("code_hash", "returned_at")),
                        list(CensusEntry.objects.order_by("pk").values_list("person_key", "uploaded_at"))) == before
            transaction.set_rollback(True)


def test_after_the_results_no_codes_are_made_or_voided(api, municipality, process):
    codes = letter_codes(municipality, process)
    process.phase = Phase.RESULTS
    process.save(update_fields=["phase"])
    for path, body in (("letters/", {}), ("codes/", {"count": 1}), ("returned-letters/reissue/", {"code": codes[0]})):
        assert api.post(url(process, path), body, format="json").status_code == 403
    assert VotingCode.objects.count() == 2


def test_writes_are_throttled_like_other_writes(api, process, monkeypatch):
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {**WriteRateThrottle.THROTTLE_RATES, "write": "3/min"})
    writes = [lambda: api.post(url(process, "returned-letters/"), {"code": "AAAA"}, format="json"),
              lambda: put_census(api, process, b"nonsense"),
              lambda: api.put(url(process, "letter-text/"), {"letter_text": "x" * 2000}, format="json"),
              lambda: api.post(url(process, "letters/"), {"output": "docx"}, format="json")]
    assert [write().status_code for write in writes] == [400, 400, 400, 429]
    assert api.get(url(process, "codes/")).status_code == 200, "reading goes on"


def test_the_schema_documents_every_new_action(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path, methods in {"census/": {"get", "put"}, "letter-text/": {"get", "put"}, "letters/": {"post"},
                          "codes/": {"get", "post"}, "returned-letters/": {"post"},
                          "returned-letters/undo/": {"post"}, "returned-letters/reissue/": {"post"}}.items():
        assert methods <= set(paths[f"/api/v1/budgets/{{id}}/{path}"]), path
    upload_body = paths["/api/v1/budgets/{id}/census/"]["put"]["requestBody"]["content"]
    assert "multipart/form-data" in upload_body
    letters = paths["/api/v1/budgets/{id}/letters/"]["post"]["responses"]
    assert "application/pdf" in letters["201"]["content"] and "204" in letters
    assert json.dumps(schema).count("returned-letters") >= 3
