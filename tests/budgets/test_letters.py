"""Letters to the residents on the census (issue 16, step 7): staff choose a census vote in the
set-up, make one A4 letter per resident as a PDF (the municipality's name, their text, the
code, the district, where to vote; never a name or identity number), and void the code of a
letter that came back undeliverable."""
from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts import census
from accounts.models import Role
from budgets import letters, secrecy, services, setup, voting_codes
from budgets.models import DistrictBudget, Voters, VotingCode
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import DistrictFactory, MembershipFactory, UserFactory, sign_in_recently

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b")


def cpr(n: int) -> str:
    return f"0101{80 + n % 20:02d}-{1000 + n:04d}"


def upload_census(municipality, rows) -> None:
    lines = ["person_id,birth_year,district", *(f"{pid},{year},{district}" for pid, year, district in rows)]
    census.census_replace(municipality=municipality, data=("\n".join(lines) + "\n").encode())


@pytest.fixture
def viby(municipality):
    return DistrictFactory(municipality=municipality, name="Viby", slug="viby")


@pytest.fixture
def census_process(municipality, viby):
    process = BudgetProcessFactory(municipality=municipality, voters=Voters.CENSUS, min_age=16,
                                   title="Borgerbudget Viby")
    DistrictBudget.objects.create(process=process, district=viby, name="Viby", slug="viby", amount=50_000)
    for code in "AB":
        ProjectFactory(process=process, code=code, cost=20_000)
    return process


@pytest.fixture
def staff_client(client, municipality):
    staff = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF)
    sign_in_recently(client, staff)
    client.cookies["django_language"] = "en"
    return client


def pages_of(pdf: bytes) -> list[str]:
    """Each page's text, its lines joined as a reader reads them."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_letters_pdf_has_one_page_per_resident_with_their_code_and_no_identity_number(
        staff_client, municipality, census_process):
    this_year = census_process.voting_end.year
    residents = [(cpr(n), 1960 + n, "Viby" if n % 2 else "") for n in range(11)]
    upload_census(municipality, [*residents, (cpr(99), this_year - 10, "Viby")])  # the child gets no letter
    url = reverse("budgets:codes", args=[census_process.pk])

    response = staff_client.post(url, {"output": "pdf"})

    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == f'attachment; filename="census-letters-{census_process.pk}.pdf"'
    pages = pages_of(response.content)
    assert len(pages) == 11
    codes = [CODE.findall(text) for text in pages]
    assert all(len(found) == 1 for found in codes), codes
    codes = [found[0] for found in codes]
    assert len(set(codes)) == 11
    stored = set(VotingCode.objects.filter(process=census_process).values_list("code_hash", flat=True))
    assert {secrecy.code_hash(code) for code in codes} == stored
    text = "\n".join(pages)
    for pid, _year, _district in [*residents, (cpr(99), 0, "")]:
        assert pid not in text and pid.replace("-", "") not in text
    assert all("Aarhus Kommune" in page and "Borgerbudget Viby" in page and "personal" in page for page in pages)
    assert sum("District: Viby" in page for page in pages) == 5
    assert all(letters.vote_address(census_process) in page for page in pages)
    assert all("Vote by" in page for page in pages)  # the default text, with the deadline

    # A second time: nobody who has a letter gets another, and nothing is downloaded.
    again = staff_client.post(url, {"output": "pdf"}, follow=True)
    assert again["Content-Type"].startswith("text/html")
    assert "already has a letter" in again.content.decode()
    assert VotingCode.objects.filter(process=census_process).count() == 11
    # One new resident: one new letter.
    upload_census(municipality, [*residents, (cpr(42), 1990, "Viby")])
    assert len(pages_of(staff_client.post(url, {"output": "pdf"}).content)) == 1


def test_staff_write_the_letters_text_and_it_is_printed(staff_client, municipality, census_process):
    upload_census(municipality, [(cpr(1), 1980, "Viby")])
    url = reverse("budgets:codes", args=[census_process.pk])
    page = staff_client.get(url).content.decode()
    assert "You can help decide which projects Aarhus Kommune carries out" in page  # the default, to edit
    assert "There is a problem" not in page  # no form is judged before it is sent

    response = staff_client.post(url, {"letter-letter_text": "Stem om legepladsen i Viby før 1. juni.",
                                       "letter_text": "1"})
    assert response.status_code == 302
    census_process.refresh_from_db()
    assert census_process.letter_text == "Stem om legepladsen i Viby før 1. juni."
    [text] = pages_of(staff_client.post(url, {"output": "pdf"}).content)
    assert "Stem om legepladsen i Viby før 1. juni." in text and "You can help decide" not in text

    # Too long for one page: said in plain words, and what was typed stays.
    long_text = "\n".join(f"Linje {n}" for n in range(40))
    page = staff_client.post(url, {"letter-letter_text": long_text, "letter_text": "1"}).content.decode()
    assert "at most 25 fit on a letter" in page and "Linje 39" in page
    # Emptied: the default again.
    staff_client.post(url, {"letter-letter_text": "", "letter_text": "1"})
    census_process.refresh_from_db()
    assert census_process.letter_text == ""


def test_the_longest_text_allowed_still_makes_one_page_per_letter(municipality, census_process):
    longest = "\n".join(["Et langt brev med mange linjer om afstemningen."] * letters.MAX_TEXT_LINES)
    letters.letter_text_set(process=census_process, text=longest)
    with pytest.raises(ValidationError):
        letters.letter_text_set(process=census_process, text=longest + "\nEn linje for meget.")
    made = [(secrecy.new_voting_code(), "Viby"), (secrecy.new_voting_code(), "")]
    assert len(pages_of(letters.letters_pdf(process=census_process, letters=made))) == 2


def test_the_default_text_is_in_the_language_of_the_staff_member(census_process):
    for language, words in (("da", "Sådan stemmer du"), ("nb", "Slik stemmer du"), ("en", "How to vote")):
        with translation.override(language):
            assert words in letters.letter_text_default(census_process), language


def test_a_returned_letters_code_is_void(municipality, census_process):
    upload_census(municipality, [(cpr(1), 1980, "Viby"), (cpr(2), 1981, "Viby")])
    (returned, _d), (kept, _d2) = voting_codes.codes_for_census(process=census_process)

    voting_codes.code_return(process=census_process, code=returned.lower().replace("-", " "))

    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.ballot_cast(process=census_process, choice={"projects": ["A"]}, code=returned)
    assert "letter was returned" in " ".join(refused.value.messages)
    services.ballot_cast(process=census_process, choice={"projects": ["A"]}, code=kept)
    with translation.override("en"):
        for code, message in ((returned, "already marked as returned"), (kept, "already been used"),
                              ("AAAA-BBBB-CCCC-DDDD", "No letter of this budget")):
            with pytest.raises(ValidationError) as refused:
                voting_codes.code_return(process=census_process, code=code)
            assert message in refused.value.message_dict["code"][0]
    # No new letter for a resident whose letter came back: the address is wrong.
    assert voting_codes.codes_for_census(process=census_process) == []


def test_staff_mark_a_returned_letter_on_the_codes_page(staff_client, municipality, census_process):
    upload_census(municipality, [(cpr(1), 1980, "Viby")])
    [(code, _district)] = voting_codes.codes_for_census(process=census_process)
    url = reverse("budgets:codes", args=[census_process.pk])
    page = staff_client.post(url, {"returned-code": "NOPE", "returned": "1"}).content.decode()
    assert "No letter of this budget has this code" in page and 'value="NOPE"' in page
    response = staff_client.post(url, {"returned-code": code, "returned": "1"}, follow=True)
    assert "its code can no longer be used to vote" in response.content.decode()
    assert "1 letter returned." in response.content.decode()
    assert VotingCode.objects.get(process=census_process).returned_at is not None


def test_the_codes_page_asks_a_constant_number_of_queries(staff_client, municipality, census_process,
                                                         django_assert_max_num_queries):
    upload_census(municipality, [(cpr(n), 1980, "Viby") for n in range(30)])
    voting_codes.codes_for_census(process=census_process)
    with django_assert_max_num_queries(12):
        assert staff_client.get(reverse("budgets:codes", args=[census_process.pk])).status_code == 200


# --- The eligibility step of the set-up ---------------------------------------------------------
def draft(municipality, staff):
    return setup.draft_create(municipality=municipality, actor=staff, title="Borgerbudget Syd",
                              description="Til idéer i syd.", currency="DKK", citywide=True, total_budget=100_000)


def test_the_eligibility_step_chooses_the_census_and_shows_its_status(staff_client, municipality, viby):
    staff = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF)
    process = draft(municipality, staff)
    url = f"/budgets/{process.pk}/setup/eligibility/"
    page = staff_client.get(url).content.decode()
    assert "The residents on the municipality&#x27;s census" in page
    assert "No census has been uploaded yet." in page
    assert f'href="/account/census/{municipality.slug}/"' in page

    assert staff_client.post(url, {"voters": "census", "min_age": 16}).status_code == 302
    process.refresh_from_db()
    assert process.voters == Voters.CENSUS and process.min_age == 16
    page = staff_client.get(url).content.decode()
    assert "Nobody can vote yet: upload the census" in page

    upload_census(municipality, [(cpr(1), 1980, "Viby"), (cpr(2), 1980, ""), (cpr(3), 1990, "Viby")])
    page = staff_client.get(url).content.decode()
    assert "3 residents on the census" in page and "Nobody can vote yet" not in page
    assert re.search(r"<td>Viby</td><td>2</td>", page) and re.search(r"<td>No district</td><td>1</td>", page)

    page = staff_client.post(url, {"voters": "everyone", "min_age": 16}).content.decode()
    assert "Select a valid choice" in page


def test_the_api_sets_who_may_vote_with_the_same_checks(municipality):
    staff = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF)
    process = draft(municipality, staff)
    api = APIClient()
    api.force_authenticate(staff)
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    response = api.patch(f"/api/v1/budgets/{process.pk}/", {"voters": "everyone"}, format="json")
    assert response.status_code == 400 and "voters" in response.json()["fields"]
    response = api.patch(f"/api/v1/budgets/{process.pk}/", {"voters": "census", "min_age": 18}, format="json")
    assert response.status_code == 200 and response.json()["voters"] == "census"
    process.refresh_from_db()
    assert process.voters == Voters.CENSUS and "eligibility" in process.setup_done
