"""A verified resident's ballot in a census process costs what an account's costs in an
accounts process: the token read brings the e-ID verification along, and the census, the
letter code and the ballot are checked and written in one statement (budgets.services,
_census_ballot_cast). Every refusal still says why, and the rows are the ones the checks
one by one would have written."""
from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts import census
from accounts.models import Verification
from budgets import eligibility, paper_ballots, secrecy, selectors, services, voting_codes
from budgets.elections import BudgetElection
from budgets.models import Ballot, Channel, DistrictBudget, Participation, Voters
from restapi.authentication import user_for_token
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import DistrictFactory, UserFactory, api_token
from tests.services import need_postgres

pytestmark = pytest.mark.django_db
CPR, OTHER = "0101801234", "0202811234"


@pytest.fixture(autouse=True)
def _postgres():
    need_postgres()  # the one statement is PostgreSQL's; elsewhere the checks run one by one


@pytest.fixture
def viby(municipality):
    return DistrictFactory(municipality=municipality, name="Viby", slug="viby")


@pytest.fixture
def census_process(municipality, viby):
    DistrictFactory(municipality=municipality, name="Brabrand", slug="brabrand")
    census.census_replace(municipality=municipality, data=(
        "person_id,birth_year,district\n"
        f"{CPR},1980,Viby\n{OTHER},{timezone.localdate().year - 12},Brabrand\n").encode())
    process = BudgetProcessFactory(municipality=municipality, voters=Voters.CENSUS, min_age=16)
    budget = DistrictBudget.objects.create(process=process, district=viby, name="Viby", slug="viby", amount=50_000)
    ProjectFactory(process=process, code="A", cost=10_000)
    ProjectFactory(process=process, code="B", cost=10_000)
    ProjectFactory(process=process, code="V", cost=10_000, district_budget=budget)
    return process


def verified(municipality, person_id=CPR, **fields):
    user = UserFactory(municipality=municipality, birth_year=1980, **fields)
    Verification.objects.create(user=user, person_key=census.person_key(person_id), issuer="test",
                                birth_year=1980, verified_at=timezone.now())
    return user


def as_token_reads_it(user):
    """The user as a ballot through the API gets it: the token query's, verification included."""
    return user_for_token(api_token(user))


def test_the_token_read_brings_the_verification_without_a_query(municipality, django_assert_num_queries):
    resident, plain = verified(municipality), UserFactory(municipality=municipality)
    keys = api_token(resident), api_token(plain)
    with django_assert_num_queries(1):
        user = user_for_token(keys[0])
        assert user.verification.person_key == census.person_key(CPR)
    with django_assert_num_queries(1):
        assert getattr(user_for_token(keys[1]), "verification", None) is None


def ballot_statements(client, process, token, body) -> list[str]:
    path = f"/api/v1/budgets/{process.pk}/ballot/"
    with CaptureQueriesContext(connection) as queries:
        response = client.post(path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 201, response.content
    return [q["sql"] for q in queries.captured_queries]


def test_a_verified_residents_ballot_through_the_api_is_as_many_statements_as_an_accounts_ballot(
        client, municipality, census_process):
    accounts_process = BudgetProcessFactory(municipality=municipality, voters=Voters.ACCOUNTS)
    ProjectFactory(process=accounts_process, code="A", cost=10_000)
    for process in (census_process, accounts_process):  # each web process's copy of the ballot context
        selectors.ballot_context(pk=process.pk)
    resident = verified(municipality)
    census_sql = ballot_statements(client, census_process, api_token(resident), {"projects": ["A"]})
    accounts_sql = ballot_statements(client, accounts_process, api_token(UserFactory(municipality=municipality,
                                                                                  birth_year=1980)),
                                     {"projects": ["A"]})
    assert len(census_sql) == len(accounts_sql), (census_sql, accounts_sql)
    assert sum("accounts_censusentry" in sql for sql in census_sql) == 1
    assert Ballot.objects.filter(process=census_process).count() == 1


def test_the_one_statement_writes_what_the_checks_one_by_one_write(municipality, viby, census_process):
    resident = as_token_reads_it(verified(municipality))
    city = services.ballot_cast(process=census_process, choice={"projects": ["A"]}, user=resident)
    election = BudgetElection(census_process, census_process.district_budgets.get())
    district = services.ballot_cast(process=census_process, choice={"projects": ["V"]}, user=resident,
                                    election=election)
    assert not city.replaced and not district.replaced
    identity = eligibility.census_identity(census.person_key(CPR))
    assert set(Ballot.objects.filter(process=census_process).values_list("voter_hash", "district_budget")) == {
        (secrecy.voter_hash(census_process.pk, identity), None),
        (secrecy.voter_hash(census_process.pk, identity, election.hash_scope), election.district_budget.pk)}
    rows = Participation.objects.filter(process=census_process).order_by("district_budget")
    assert [(p.user_id, p.channel, p.district_id, p.age_band) for p in rows] == [
        (resident.pk, Channel.ONLINE, viby.pk, services._age_band(1980, timezone.localdate()))] * 2
    # A second e-ID ballot replaces the person's own, and only it.
    again = services.ballot_cast(process=census_process, choice={"projects": ["B"]}, user=resident)
    assert again.replaced and again.receipt != city.receipt
    assert Ballot.objects.filter(process=census_process).count() == 2
    assert Participation.objects.filter(process=census_process).count() == 2


@pytest.mark.parametrize("who, election, message", [
    ("not on the census", "", "You are not on the census of"),
    ("too young", "", "You must be at least 16 to vote."),
    ("in another district", "viby", "the census lists you elsewhere"),
])
def test_a_refusal_of_the_statement_says_why_and_stores_nothing(municipality, census_process, who, election,
                                                                message):
    person = {"not on the census": "3112991234", "too young": OTHER, "in another district": OTHER}[who]
    if who == "in another district":  # old enough, but registered in Brabrand
        census.census_replace(municipality=municipality, data=(
            f"person_id,birth_year,district\n{CPR},1980,Viby\n{OTHER},1981,Brabrand\n").encode())
    resident = as_token_reads_it(verified(municipality, person))
    chosen = BudgetElection(census_process, census_process.district_budgets.get()) if election else None
    with pytest.raises(PermissionDenied) as refused, translation.override("en"):
        services.ballot_cast(process=census_process, choice={"projects": ["V" if election else "A"]}, user=resident,
                             election=chosen)
    assert message in str(refused.value)
    assert not Ballot.objects.filter(process=census_process).exists()
    assert not Participation.objects.filter(process=census_process).exists()


def test_one_who_may_not_vote_hears_that_before_what_is_wrong_with_the_ballot(municipality, census_process):
    resident = as_token_reads_it(verified(municipality, "3112991234"))
    with pytest.raises(PermissionDenied), translation.override("en"):
        services.ballot_cast(process=census_process, choice={"projects": ["NO-SUCH"]}, user=resident)


def test_after_the_letter_code_or_paper_the_e_id_ballot_is_refused_and_nothing_replaced(municipality,
                                                                                        census_process):
    [(code, _d)] = voting_codes.codes_for_census(process=census_process)  # the twelve-year-old gets none
    services.ballot_cast(process=census_process, choice={"projects": ["A"]}, code=code)
    stored = set(Ballot.objects.values_list("receipt", flat=True))
    resident = as_token_reads_it(verified(municipality))
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.ballot_cast(process=census_process, choice={"projects": ["B"]}, user=resident)
    assert "code in your letter" in " ".join(refused.value.messages)
    # On paper in Viby's budget, then the e-ID there: refused, the paper ballot stays.
    election = BudgetElection(census_process, census_process.district_budgets.get())
    paper = paper_ballots.paper_ballot_enter(process=census_process, staff=UserFactory(), election=election,
                                             choice={"projects": ["V"]}, person_id=CPR)
    paper_ballots.paper_ballot_confirm(paper=paper, staff=UserFactory())
    stored = set(Ballot.objects.values_list("receipt", flat=True))
    with pytest.raises(ValidationError), translation.override("en"):
        services.ballot_cast(process=census_process, choice={"projects": ["V"]}, user=resident, election=election)
    assert set(Ballot.objects.values_list("receipt", flat=True)) == stored
    assert not Participation.objects.filter(user=resident).exists()


def test_without_re_voting_a_second_e_id_ballot_is_refused(municipality, census_process):
    census_process.allow_revote = False
    census_process.save(update_fields=["allow_revote"])
    resident = as_token_reads_it(verified(municipality))
    services.ballot_cast(process=census_process, choice={"projects": ["A"]}, user=resident)
    with pytest.raises(ValidationError), translation.override("en"):
        services.ballot_cast(process=census_process, choice={"projects": ["B"]}, user=resident)
    assert Ballot.objects.filter(process=census_process).count() == 1
