"""What a voter reads: rules in plain words, amounts without a double full stop, only the
budgets they vote in, that they have voted (never what), and no offer to vote again in a
budget they voted in."""
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from budgets.models import BudgetProcess, DistrictBudget
from budgets.templatetags.budgets_tags import rule_label
from tests.budgets.factories import ProjectFactory
from tests.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def north_budget(process, municipality):
    BudgetProcess.objects.filter(pk=process.pk).update(ballot_type="knapsack", total_budget=1_000_000,
                                                       tally_rule="equalshares/add1")
    process.refresh_from_db()
    north = DistrictFactory(municipality=municipality, name="Nordby", slug="nordby")
    budget = DistrictBudget.objects.create(process=process, district=north, name="Nordby", slug="nordby",
                                           amount=40_000)
    ProjectFactory(process=process, district_budget=budget, district=north, code="N1", cost=30_000)
    return budget


def test_tally_rules_read_in_plain_words():
    for code in ("equalshares/add1", "greedy", "mes"):
        label = rule_label(code)
        assert label != code and "/" not in label and "add1" not in label and "mes" not in label.split()


def test_the_process_page_names_its_rule_in_plain_words(client, process, north_budget):
    page = client.get(reverse("budgets:detail", args=[process.pk]), HTTP_COOKIE="django_language=en")
    html = page.content.decode()
    assert "Equal shares: every voter gets an equal part of the budget" in html
    assert "add1" not in html and "equalshares" not in html


def test_amounts_end_a_sentence_with_one_full_stop(client, process, north_budget, municipality):
    ProjectFactory(process=process, district_budget=north_budget, district=north_budget.district, code="N2",
                   cost=20_000)
    voter = UserFactory(municipality=municipality, district=north_budget.district, birth_year=1980)
    client.force_login(voter)
    html = client.get(reverse("budgets:vote", args=[process.pk])).content.decode()
    assert "1.000.000 kr." in html
    assert "kr.." not in html
    over = client.post(reverse("budgets:vote-district", args=[process.pk, "nordby"]), {"projects": ["N1", "N2"]})
    html = over.content.decode()
    assert over.status_code == 200 and "50.000 kr." in html and "40.000 kr." in html
    assert "kr.." not in html


def test_a_resident_of_a_district_without_a_budget_is_not_promised_one(client, process, north_budget, municipality):
    elsewhere = DistrictFactory(municipality=municipality, name="Aarhus N", slug="aarhus-n")
    voter = UserFactory(municipality=municipality, district=elsewhere, birth_year=1980)
    client.force_login(voter)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("budgets:vote", args=[process.pk])).content.decode()
    assert "your district" not in html and "you also vote in" not in html
    neighbour = UserFactory(municipality=municipality, district=north_budget.district, birth_year=1980)
    client.force_login(neighbour)
    html = client.get(reverse("budgets:vote", args=[process.pk])).content.decode()
    assert "you also vote in “Nordby”" in html


def test_after_voting_the_process_page_says_so_with_the_date_and_how_to_change_it(
        client, process, north_budget, municipality):
    neighbour = UserFactory(municipality=municipality, district=north_budget.district, birth_year=1980)
    client.force_login(neighbour)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("budgets:detail", args=[process.pk])).content.decode()
    assert "You have voted" not in page
    receipt = client.post(reverse("budgets:vote", args=[process.pk]), {"projects": ["A", "D"]}).content.decode()
    assert reverse("budgets:vote-district", args=[process.pk, "nordby"]) in receipt, "Nordby is still to vote in"
    page = client.get(reverse("budgets:detail", args=[process.pk])).content.decode()
    citywide = page.split('id="voted-citywide"')[1].split("</div></div>")[0]
    assert "You have voted" in citywide
    assert date_format(timezone.localdate(), "DATE_FORMAT") in citywide
    assert "You can change your vote until" in citywide
    assert "Projekt A" not in citywide, "only that they voted, never what"
    assert 'id="voted-nordby"' not in page
    # The district ballot's receipt offers no more budgets: both are cast.
    receipt = client.post(reverse("budgets:vote-district", args=[process.pk, "nordby"]),
                          {"projects": ["N1"]}).content.decode()
    assert re.search(r'id="receipt-code"', receipt)
    assert "You can vote in one more budget" not in receipt
    assert reverse("budgets:vote", args=[process.pk]) + '"' not in receipt
    page = client.get(reverse("budgets:detail", args=[process.pk])).content.decode()
    assert 'id="voted-nordby"' in page and "Change your vote: Nordby" in page
