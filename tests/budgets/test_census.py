"""The census decides who may vote in a census process, once, whatever the channel: staff
upload it (checked line by line, nothing stored on error), letters' codes are made from it
one per person, a paper ballot is typed in against it, and a profile cannot stand in for it."""
from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from accounts import census
from accounts.models import CensusEntry, Role
from budgets import paper_ballots, secrecy, services, voting_codes
from budgets.elections import BudgetElection
from budgets.models import DistrictBudget, Participation, Voters, VotingCode
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import DistrictFactory, MembershipFactory, UserFactory, sign_in_recently

pytestmark = pytest.mark.django_db


def census_file(rows, header="person_id,birth_year,district", delimiter=","):
    lines = [header] + [delimiter.join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def cpr(n: int) -> str:
    return f"0101{80 + n % 20:02d}-{1000 + n:04d}"


@pytest.fixture
def districts(municipality):
    return DistrictFactory(municipality=municipality, name="Viby", slug="viby"), \
        DistrictFactory(municipality=municipality, name="Brabrand", slug="brabrand")


@pytest.fixture
def census_process(municipality, districts):
    process = BudgetProcessFactory(municipality=municipality, voters=Voters.CENSUS, min_age=16)
    viby = DistrictBudget.objects.create(process=process, district=districts[0], name="Viby", slug="viby",
                                         amount=50_000)
    ProjectFactory(process=process, code="V", cost=20_000, district_budget=viby)
    for code in "AB":
        ProjectFactory(process=process, code=code, cost=20_000)
    return process


def test_a_census_of_fifty_is_stored_as_keyed_fingerprints_only(municipality, districts):
    rows = [(cpr(n), 1950 + n, ("Viby", "brabrand", "")[n % 3]) for n in range(50)]
    assert census.census_replace(municipality=municipality, data=census_file(rows)) == 50
    assert CensusEntry.objects.filter(municipality=municipality).count() == 50
    assert CensusEntry.objects.filter(district=districts[0]).count() == 17
    with connection.cursor() as cursor:  # what a reader of the database sees
        cursor.execute("SELECT * FROM accounts_censusentry")
        dump = repr(cursor.fetchall())
    assert not any(cpr(n) in dump or cpr(n).replace("-", "") in dump for n in range(50))


def test_every_wrong_line_is_named_and_nothing_is_stored(municipality, districts):
    rows = [(cpr(1), 1980, "Viby"), ("12345", 1980, ""), (cpr(3), 1850, ""), (cpr(4), 1990, "Grabówka"),
            (cpr(1), 1980, "Viby")]
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        census.census_replace(municipality=municipality, data=census_file(rows))
    messages = refused.value.messages
    assert [m.split(":")[0] for m in messages] == ["Line 3", "Line 4", "Line 5", "Line 6"]
    assert "Grabówka" in messages[2] and "line 2" in messages[3]
    assert not CensusEntry.objects.exists()


@pytest.mark.parametrize("data, expected", [
    (b"person_id,birth_year,district\n0101801234,19\x0080,\n", "binary"),
    ("person_id,birth_year,district\n0101801234,1980,Ærø\n".encode("latin-1"), "UTF-8"),
    (b"cpr;year\n0101801234;1980\n", "first line"),
    (b"person_id,birth_year,district\n", "nobody"),
])
def test_a_broken_file_gets_a_clear_message(municipality, data, expected):
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        census.census_replace(municipality=municipality, data=data)
    assert expected in " ".join(refused.value.messages)


def test_excel_semicolons_and_a_new_upload_replaces_the_census(municipality, districts):
    census.census_replace(municipality=municipality,
                          data=census_file([(cpr(1), 1980, "Viby"), (cpr(2), 1981, "")], delimiter=";")
                          .replace(b"person_id,birth_year,district", b"person_id;birth_year;district"))
    census.census_replace(municipality=municipality, data=census_file([(cpr(2), 1981, "Brabrand")]))
    assert list(CensusEntry.objects.values_list("birth_year", "district__name")) == [(1981, "Brabrand")]


def test_only_staff_of_the_municipality_upload_its_census(client, municipality, districts):
    other_staff = UserFactory()
    MembershipFactory(user=other_staff, role=Role.STAFF)  # staff of another municipality
    citizen = UserFactory(municipality=municipality)
    url = reverse("account-census", args=[municipality.slug])
    for person in (citizen, other_staff):
        sign_in_recently(client, person)
        assert client.get(url).status_code in (403, 302)
    staff = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF)
    sign_in_recently(client, staff)
    client.cookies["django_language"] = "en"
    upload = io.BytesIO(census_file([(cpr(1), 1980, "Viby"), ("nonsense", 1980, "")]))
    upload.name = "census.csv"
    refused = client.post(url, {"file": upload})
    assert refused.status_code == 200 and "Line 3" in refused.content.decode()
    upload = io.BytesIO(census_file([(cpr(1), 1980, "Viby")]))
    upload.name = "census.csv"
    assert client.post(url, {"file": upload}).status_code == 302
    page = client.get(url).content.decode()
    assert "1 resident on the census" in page


def test_letters_codes_are_made_once_per_eligible_resident_with_their_census_district(
        municipality, districts, census_process):
    this_year = census_process.voting_end.year
    census.census_replace(municipality=municipality, data=census_file(
        [(cpr(1), 1980, "Viby"), (cpr(2), 1981, ""), (cpr(3), this_year - 10, "Viby")]))
    letters = voting_codes.codes_for_census(process=census_process)
    assert sorted(d for _c, d in letters) == ["", "Viby"]  # the ten-year-old gets no code
    assert voting_codes.codes_for_census(process=census_process) == []  # once per person
    assert VotingCode.objects.filter(process=census_process).count() == 2


def test_an_account_cannot_vote_in_a_census_process_whatever_its_profile_says(municipality, districts,
                                                                             census_process):
    resident = UserFactory(municipality=municipality, district=districts[0], birth_year=1980)
    with pytest.raises(PermissionDenied):
        services.ballot_cast(process=census_process, choice={"projects": ["A"]}, user=resident)
    assert not resident.has_perm("budgets.vote", census_process)


def test_one_person_one_ballot_per_election_across_letter_code_and_paper(municipality, districts, census_process):
    census.census_replace(municipality=municipality, data=census_file([(cpr(1), 1980, "Viby"),
                                                                      (cpr(2), 1981, "Viby")]))
    letters = dict((d + str(i), c) for i, (c, d) in enumerate(voting_codes.codes_for_census(process=census_process)))
    code_of_someone = next(iter(letters.values()))
    staff, colleague = UserFactory(), UserFactory()
    viby = BudgetElection(census_process, census_process.district_budgets.get())

    # Person 1 votes by letter code; then staff try to take their paper ballot: refused.
    services.ballot_cast(process=census_process, choice={"projects": ["A"]}, code=code_of_someone)
    person_of_code = VotingCode.objects.get(code_hash=services.secrecy.code_hash(code_of_someone)).person_key
    person_id = cpr(1) if census.person_key(cpr(1)) == person_of_code else cpr(2)
    other_id = cpr(2) if person_id == cpr(1) else cpr(1)
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        paper_ballots.paper_ballot_enter(process=census_process, staff=staff, choice={"projects": ["B"]},
                                    person_id=person_id)
    assert "already voted" in " ".join(refused.value.messages)

    # Person 2 votes on paper in Viby's budget: their code then refuses a second Viby ballot.
    paper = paper_ballots.paper_ballot_enter(process=census_process, staff=staff, choice={"projects": ["V"]},
                                        election=viby, person_id=other_id)
    paper_ballots.paper_ballot_confirm(paper=paper, staff=colleague)
    other_code = next(c for c in letters.values() if c != code_of_someone)
    with pytest.raises(ValidationError):
        services.ballot_cast(process=census_process, choice={"projects": ["V"]}, code=other_code, election=viby)
    # ... and a paper ballot for someone not on the census, or too young, is refused.
    for wrong in ("3112991234", "abc"):
        with pytest.raises(ValidationError):
            paper_ballots.paper_ballot_enter(process=census_process, staff=staff, choice={"projects": ["A"]},
                                        person_id=wrong)


def test_a_code_vote_after_the_paper_was_typed_makes_the_paper_void(municipality, districts, census_process):
    census.census_replace(municipality=municipality, data=census_file([(cpr(1), 1980, "Viby")]))
    [(code, _district)] = voting_codes.codes_for_census(process=census_process)
    paper = paper_ballots.paper_ballot_enter(process=census_process, staff=UserFactory(), choice={"projects": ["B"]},
                                        person_id=cpr(1))
    services.ballot_cast(process=census_process, choice={"projects": ["A"]}, code=code)
    with pytest.raises(ValidationError):
        paper_ballots.paper_ballot_confirm(paper=paper, staff=UserFactory())


def test_the_process_page_says_who_may_vote(client, census_process):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("budgets:detail", args=[census_process.pk]))
    text = page.content.decode()
    assert "residents on the municipality&#x27;s census" in text or "residents on the municipality's census" in text
    assert "from the age of 16" in text


def test_the_letters_file_lists_codes_and_districts(client, municipality, districts, census_process):
    census.census_replace(municipality=municipality, data=census_file([(cpr(1), 1980, "Viby")]))
    staff = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF)
    sign_in_recently(client, staff)
    response = client.post(reverse("budgets:codes", args=[census_process.pk]), {"output": "csv"})
    assert response["Content-Disposition"].endswith(f'census-voting-codes-{census_process.pk}.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["code", "district"] and rows[1][1] == "Viby" and len(rows) == 2


def test_a_letter_code_follows_the_census_of_the_day_it_is_used(municipality, districts, census_process):
    """Letters are printed once; people move and leave. The census when the code is used
    decides: a resident who left cannot vote with their letter, one who moved votes where
    they live now."""
    viby_district, brabrand_district = districts
    census.census_replace(municipality=municipality, data=census_file(
        [(cpr(1), 1980, "Viby"), (cpr(2), 1980, "Viby"), (cpr(3), 1980, "Viby")]))
    letters = voting_codes.codes_for_census(process=census_process)
    keys = {entry.person_key: entry for entry in CensusEntry.objects.filter(municipality=municipality)}
    code_of = {VotingCode.objects.get(process=census_process, code_hash=secrecy.code_hash(code)).person_key: code
               for code, _district in letters}
    code_left, code_moved, code_stayed = (code_of[census.person_key(cpr(n))] for n in (1, 2, 3))
    assert set(code_of) == set(keys)
    # Person 1 leaves the municipality, person 2 moves to Brabrand.
    census.census_replace(municipality=municipality, data=census_file(
        [(cpr(2), 1980, "Brabrand"), (cpr(3), 1980, "Viby")]))
    viby = BudgetElection(census_process, DistrictBudget.objects.get(process=census_process, slug="viby"))
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.ballot_cast(process=census_process, choice={"projects": ["A"]}, code=code_left)
    assert "no longer on the census" in " ".join(refused.value.messages)
    assert not VotingCode.objects.filter(process=census_process, used=True).exists()
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.ballot_cast(process=census_process, choice={"projects": ["V"]}, code=code_moved, election=viby)
    assert "another district" in " ".join(refused.value.messages)
    services.ballot_cast(process=census_process, choice={"projects": ["A"]}, code=code_moved)
    services.ballot_cast(process=census_process, choice={"projects": ["V"]}, code=code_stayed, election=viby)
    assert sorted(Participation.objects.filter(process=census_process).values_list("district_id", flat=True)) \
        == sorted([brabrand_district.pk, viby_district.pk])
