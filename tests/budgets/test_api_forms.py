"""One input definition per action (docs/ARCHITECTURE.md): the budgets API validates the set-up,
district budgets, the council's decision and a receipt check with the pages' own forms, so a
page and the API accept the same input and refuse it with the same words."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape
from rest_framework.test import APIClient

from accounts.models import Role
from budgets import phases, setup
from budgets.models import BudgetProcess, DistrictBudget, Phase
from tests.budgets.factories import BudgetProcessFactory, open_box
from tests.factories import (
    DistrictFactory,
    MembershipFactory,
    UserFactory,
    sign_in_recently,
    totp_code,
)

pytestmark = pytest.mark.django_db


def member(municipality, role: Role):
    user = UserFactory(municipality=municipality)
    MembershipFactory(user=user, municipality=municipality, role=role)
    return user


@pytest.fixture
def staff(municipality):
    return member(municipality, Role.STAFF)


@pytest.fixture
def api(staff):
    client = APIClient()
    client.force_authenticate(staff)
    client.credentials(HTTP_ACCEPT_LANGUAGE="da")
    return client


@pytest.fixture
def page(client, staff):
    sign_in_recently(client, staff)
    return client  # Danish, the default language, as the API above


@pytest.fixture
def draft(municipality, staff):
    now = timezone.now()
    process = setup.draft_create(municipality=municipality, actor=staff, title="Borgerbudget Nord",
                                 description="Til idéer i nord.", currency="DKK", citywide=True, total_budget=100_000)
    return setup.setup_update(process=process, data={
        "ballot_type": "approval", "proposals_start": now - timedelta(hours=1), "review_start": now + timedelta(days=20),
        "voting_start": now + timedelta(days=30), "voting_end": now + timedelta(days=40),
        "results_date": now + timedelta(days=50)})


def test_a_set_up_step_is_refused_with_the_pages_words(api, page, draft):
    for data in ({"voting_start": "ikke en dato"}, {"min_age": -1}, {"ballot_type": "lottery"}):
        name = next(iter(data))
        response = api.patch(f"/api/v1/budgets/{draft.pk}/", data, format="json")
        assert response.status_code == 400
        message = response.json()["fields"][name][0]
        step = setup.FIELD_STEP[name]
        html = page.post(f"/budgets/{draft.pk}/setup/{step}/", {**_step_values(draft, step), **data}).content.decode()
        assert escape(message) in html, (name, message)
    draft.refresh_from_db()
    assert draft.min_age == 0 and draft.ballot_type == "approval"


def _step_values(process, step: str) -> dict:
    values = {}
    for name in setup.STEP_FIELDS[step]:
        value = getattr(process, name)
        if value is None or value is False:
            continue
        values[name] = timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if hasattr(value, "tzinfo") else value
    return values


def test_the_api_sets_up_only_the_fields_it_sends(api, draft):
    before = {name: getattr(draft, name) for name in setup.FIELD_STEP}
    response = api.patch(f"/api/v1/budgets/{draft.pk}/", {"min_age": 16}, format="json")
    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert {name: getattr(draft, name) for name in setup.FIELD_STEP} == {**before, "min_age": 16}
    assert "eligibility" in draft.setup_done and "tally" not in draft.setup_done
    # Multipart, as a client sends an image: the same form reads the same fields.
    response = api.patch(f"/api/v1/budgets/{draft.pk}/", {"citywide": "false", "total_budget": "0"}, format="multipart")
    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert draft.citywide is False and draft.title == "Borgerbudget Nord"


def test_a_new_draft_from_the_api_starts_from_the_pages_defaults(api, municipality):
    response = api.post("/api/v1/budgets/", {"title": "Borgerbudget Syd", "total_budget": 5000}, format="json")
    assert response.status_code == 201, response.content
    process = BudgetProcess.objects.get(pk=response.json()["id"])
    assert process.draft and process.currency == "DKK" and process.citywide and process.setup_done == ["basics"]
    refused = api.post("/api/v1/budgets/", {"total_budget": 5000, "min_age": 16}, format="json")
    assert refused.status_code == 400 and set(refused.json()["fields"]) == {"title"}
    refused = api.post("/api/v1/budgets/", {"title": "X", "total_budget": 5000, "min_age": 16}, format="json")
    assert refused.status_code == 400 and set(refused.json()["fields"]) == {"min_age"}
    assert BudgetProcess.objects.count() == 1


def test_the_drafts_list_is_the_set_up_pages_list(api, municipality, draft):
    BudgetProcessFactory(municipality=municipality)  # published: not a draft
    response = api.get("/api/v1/budgets/drafts/?municipality=aarhus")
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["results"]] == [draft.pk]
    assert api.get("/api/v1/budgets/drafts/?municipality=nowhere").status_code == 404
    citizen = APIClient()
    citizen.force_authenticate(UserFactory(municipality=municipality))
    assert citizen.get("/api/v1/budgets/drafts/?municipality=aarhus").status_code == 403


def test_a_district_budget_by_its_slug_with_the_pages_checks(api, page, municipality, draft):
    north = DistrictFactory(municipality=municipality, name="Nord", slug="nord")
    DistrictFactory(slug="syd")  # another municipality's
    url = f"/api/v1/budgets/{draft.pk}/district-budgets/"
    for body, name in (({"district": "nord", "amount": 0}, "amount"), ({"district": "syd", "amount": 10}, "district"),
                       ({"district": north.pk, "amount": 10}, "district"),
                       ({"district": "nord", "amount": 10, "spending_limit": 0}, "spending_limit")):
        response = api.post(url, body, format="json")
        assert response.status_code == 400 and set(response.json()["fields"]) == {name}, body
        html = page.post(f"/budgets/{draft.pk}/setup/basics/", {f"district-{k}": v for k, v in body.items()}
                         ).content.decode()
        assert escape(response.json()["fields"][name][0]) in html, body
    assert not DistrictBudget.objects.exists()
    response = api.post(url, {"district": "nord", "amount": 10_000}, format="json")
    assert response.status_code == 201
    assert response.json() == {"key": "nord", "name": "Nord", "district": "nord", "budget": 10_000,
                               "knapsack_limit": 10_000}


def test_a_published_process_gets_district_budgets_until_voting_opens(api, municipality):
    DistrictFactory(municipality=municipality, name="Nord", slug="nord")
    process = BudgetProcessFactory(municipality=municipality, phase=Phase.REVIEW)
    url = f"/api/v1/budgets/{process.pk}/district-budgets/"
    assert api.post(url, {"district": "nord", "amount": 10_000}, format="json").status_code == 201
    citizen = APIClient()
    citizen.force_authenticate(UserFactory(municipality=municipality))
    assert citizen.post(url, {"district": "nord", "amount": 5}, format="json").status_code == 403
    BudgetProcess.objects.filter(pk=process.pk).update(phase=Phase.VOTING)
    refused = api.post(url, {"district": "nord", "name": "Nord 2", "amount": 10_000}, format="json")
    assert refused.status_code == 400 and DistrictBudget.objects.count() == 1


def test_the_council_and_a_receipt_check_are_refused_with_the_pages_words(client, municipality):
    council = member(municipality, Role.COUNCIL)
    process = BudgetProcessFactory(municipality=municipality)
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    open_box(process, council)
    api = APIClient()
    api.force_authenticate(council)
    response = api.post(f"/api/v1/budgets/{process.pk}/council/", {"decision": "maybe", "code": totp_code()},
                        format="json")
    assert response.status_code == 400
    message = response.json()["fields"]["decision"][0]
    assert "maybe" in message
    sign_in_recently(client, council)
    html = client.post(f"/budgets/{process.pk}/council/", {"decision": "maybe"}).content.decode()
    assert escape(message) in html
    receipt = api.post(f"/api/v1/budgets/{process.pk}/verify/", {"receipt": "R" * 41}, format="json")
    assert receipt.status_code == 400
    html = client.post(f"/budgets/{process.pk}/verify/", {"receipt": "R" * 41}).content.decode()
    assert escape(receipt.json()["fields"]["receipt"][0]) in html


def test_json_values_of_the_wrong_type_are_400_never_500(api, draft):
    for body in ({"results_date": False}, {"voting_start": 12}, {"min_age": True}, {"ballot_type": 1},
                 {"title": ["x"]}, {"citywide": {"a": 1}}):
        response = api.patch(f"/api/v1/budgets/{draft.pk}/", body, format="json")
        assert response.status_code == 400 and set(response.json()["fields"]) == set(body), (body, response.content)
    response = api.post("/api/v1/budgets/", {"title": "Ny", "total_budget": 10, "results_date": False},
                        format="json")
    assert response.status_code == 400 and "results_date" in response.json()["fields"]
