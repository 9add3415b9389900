"""Staff's actions of a participatory budget through the API (budgets.api_staff), as on the
pages: the same forms (and their words for what is wrong), rules and services."""
from __future__ import annotations

import pytest
from django.utils import timezone
from django.utils.html import escape
from rest_framework.test import APIClient

from accounts.models import Role
from budgets.models import BudgetProcess, Phase, Project
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def member(municipality, role: Role):
    user = UserFactory(municipality=municipality)
    MembershipFactory(user=user, municipality=municipality, role=role)
    return user


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="da")
    return client


@pytest.fixture
def staff(municipality):
    return member(municipality, Role.STAFF)


@pytest.fixture
def api(staff):
    return api_for(staff)


@pytest.fixture
def page(client, staff):
    client.force_login(staff)
    return client  # Danish, the default language, as the API above


def on_the_page(page, url: str, data: dict, message: str) -> bool:
    """The page's form, given the same input, says the same words."""
    return escape(message) in page.post(url, data).content.decode()


@pytest.fixture
def other_staff():
    return api_for(member(MunicipalityFactory(slug="bergen", name="Bergen"), Role.STAFF))


@pytest.fixture
def citizen_api(municipality):
    return api_for(UserFactory(municipality=municipality))


# --- The review ---------------------------------------------------------------------------------
@pytest.fixture
def reviewed(municipality):
    process = BudgetProcessFactory(municipality=municipality, phase=Phase.REVIEW)
    return ProjectFactory(process=process, code="R1", cost=10_000, feasibility="pending")


def review_url(project) -> str:
    return f"/api/v1/budgets/{project.process_id}/projects/{project.code}/review/"


def test_staff_review_a_project(api, reviewed):
    response = api.patch(review_url(reviewed), {"cost": 12_500, "feasibility": "not_feasible",
                                                "feasibility_reason": "Vejen er for smal."}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["feasibility_reason"] == "Vejen er for smal."
    reviewed.refresh_from_db()
    assert (reviewed.cost, reviewed.feasibility, reviewed.feasibility_reason) == (
        12_500, "not_feasible", "Vejen er for smal.")


def test_a_review_not_feasible_without_a_reason_is_refused_with_the_pages_words(api, page, reviewed):
    body = {"feasibility": "not_feasible", "cost": 1}
    response = api.patch(review_url(reviewed), body, format="json")
    assert response.status_code == 400
    [message] = response.json()["fields"]["feasibility_reason"]
    assert message == "Forklar offentligt, hvorfor projektet ikke er gennemførligt."
    assert on_the_page(page, f"/budgets/projects/{reviewed.pk}/review/", {**body, "feasibility_reason": ""}, message)
    for bad in ({"cost": "mange"}, {"latitude": [1]}, {"feasibility": "måske"}):
        response = api.patch(review_url(reviewed), bad, format="json")
        assert response.status_code == 400 and set(response.json()["fields"]) == set(bad)
    reviewed.refresh_from_db()
    assert (reviewed.cost, reviewed.feasibility) == (10_000, "pending")


def test_only_the_municipalitys_staff_review(other_staff, citizen_api, reviewed):
    body = {"cost": 1, "feasibility": "feasible"}
    assert other_staff.patch(review_url(reviewed), body, format="json").status_code == 403
    assert citizen_api.patch(review_url(reviewed), body, format="json").status_code == 403
    assert APIClient().patch(review_url(reviewed), body, format="json").status_code == 403
    reviewed.refresh_from_db()
    assert reviewed.cost == 10_000


# --- A project from an idea ---------------------------------------------------------------------
def test_staff_make_an_idea_a_project(api, municipality):
    process = BudgetProcessFactory(municipality=municipality, phase=Phase.REVIEW)
    idea = IdeaFactory(campaign__municipality=municipality, title="Delebus")
    url = f"/api/v1/budgets/{process.pk}/from-idea/"
    response = api.post(url, {"idea": idea.pk, "cost": 80_000}, format="json")
    assert response.status_code == 201, response.content
    project = process.projects.get()
    assert (project.idea, project.title, project.cost) == (idea, "Delebus", 80_000)
    assert response.json()["code"] == project.code
    again = api.post(url, {"idea": idea.pk, "cost": 1}, format="json")
    assert again.status_code == 400
    assert len(again.json()["fields"]["idea"]) == 1 and process.projects.count() == 1


def test_a_project_from_a_wrong_idea_is_refused(api, page, other_staff, citizen_api, municipality):
    process = BudgetProcessFactory(municipality=municipality, phase=Phase.REVIEW)
    elsewhere = IdeaFactory(campaign__municipality=MunicipalityFactory(slug="odense"))
    url = f"/api/v1/budgets/{process.pk}/from-idea/"
    response = api.post(url, {"idea": elsewhere.pk, "cost": 100}, format="json")
    assert response.status_code == 400
    [message] = response.json()["fields"]["idea"]
    assert on_the_page(page, f"/budgets/{process.pk}/from-idea/", {"idea": elsewhere.pk, "cost": 100}, message)
    assert api.post(url, {"idea": 10**30, "cost": 100}, format="json").status_code == 400
    bad = api.post(url, {"idea": "første", "cost": 0}, format="json")
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"idea", "cost"}
    idea = IdeaFactory(campaign__municipality=municipality)
    assert other_staff.post(url, {"idea": idea.pk, "cost": 100}, format="json").status_code == 403
    assert citizen_api.post(url, {"idea": idea.pk, "cost": 100}, format="json").status_code == 403
    assert not process.projects.exists()


# --- Progress during the implementation ---------------------------------------------------------
@pytest.fixture
def built(municipality):
    process = BudgetProcessFactory(municipality=municipality, phase=Phase.IMPLEMENTATION, box=False)
    return ProjectFactory(process=process, code="B1", selected=True)


def progress_url(project) -> str:
    return f"/api/v1/budgets/{project.process_id}/projects/{project.code}/progress/"


def test_staff_post_progress_on_a_funded_project(api, built):
    response = api.post(progress_url(built), {"milestone": "Legepladsen er åbnet", "text": "Tak til alle."},
                        format="json")
    assert response.status_code == 201, response.content
    update = built.updates.get()
    assert (update.milestone, update.text, update.happened_on) == (
        "Legepladsen er åbnet", "Tak til alle.", timezone.localdate())
    page = APIClient().get(f"/budgets/{built.process_id}/").content.decode()
    assert "Legepladsen er åbnet" in page


def test_progress_is_refused_on_bad_input_and_unfunded_projects(api, page, other_staff, citizen_api, built):
    body = {"text": "", "happened_on": "i går"}
    bad = api.post(progress_url(built), body, format="json")
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"text", "happened_on"}
    [message] = bad.json()["fields"]["happened_on"]
    assert on_the_page(page, f"/budgets/projects/{built.pk}/progress/", body, message)
    unfunded = ProjectFactory(process=built.process, code="U1", selected=False)
    refused = api.post(progress_url(unfunded), {"text": "x"}, format="json")
    assert refused.status_code == 400
    [message] = refused.json()["fields"]["non_field_errors"]
    assert on_the_page(page, f"/budgets/projects/{unfunded.pk}/progress/", {"text": "x", "happened_on": "2027-05-01"},
                       message)
    assert other_staff.post(progress_url(built), {"text": "x"}, format="json").status_code == 403
    assert citizen_api.post(progress_url(built), {"text": "x"}, format="json").status_code == 403
    assert not Project.objects.filter(updates__isnull=False).exists()


# --- Paper ballots: one types in, another confirms ----------------------------------------------
@pytest.fixture
def colleague(municipality):
    return member(municipality, Role.STAFF)


def test_a_paper_ballot_counts_once_a_colleague_confirms_it(api, colleague, process):
    url = f"/api/v1/budgets/{process.pk}/paper-ballots/"
    response = api.post(url, {"projects": ["A", "C"]}, format="json")
    assert response.status_code == 201, response.content
    paper = response.json()
    assert paper["election"] == ""
    [waiting] = api.get(url).json()["waiting"]
    assert (waiting["id"], waiting["entered_by_you"], waiting["content"]) == (paper["id"], True,
                                                                              {"projects": ["A", "C"]})
    confirm = f"{url}{paper['id']}/confirm/"
    refused = api.post(confirm)
    assert refused.status_code == 400
    assert refused.json()["fields"]["non_field_errors"] == [
        "En anden medarbejder skal bekræfte den stemmeseddel, du har indtastet."]
    assert process.ballots.count() == 0
    assert api_for(colleague).post(confirm).status_code == 204
    assert process.ballots.count() == 1
    assert api_for(colleague).get(url).json() == {"waiting": [], "confirmed": 1}
    again = api.post(confirm)
    assert again.status_code == 400 and process.ballots.count() == 1


def test_a_wrong_paper_ballot_is_refused_with_the_pages_words(api, page, process):
    url = f"/api/v1/budgets/{process.pk}/paper-ballots/"
    response = api.post(url, {"projects": ["A", "Z"]}, format="json")
    assert response.status_code == 400
    [message] = response.json()["fields"]["projects"]
    assert on_the_page(page, f"/budgets/{process.pk}/paper/", {"projects": ["A", "Z"]}, message)
    for bad in ({"projects": "A"}, {"projects": [["A"]]}, {"points": {"A": 3}}, {"district": ["x"]}):
        assert api.post(url, bad, format="json").status_code == 400, bad
    assert api.post(url, {"projects": ["A"], "district": "nowhere"}, format="json").status_code == 404
    assert not process.paper_ballots.exists()


def test_only_the_municipalitys_staff_handle_paper_ballots(api, other_staff, citizen_api, colleague, process):
    url = f"/api/v1/budgets/{process.pk}/paper-ballots/"
    for client in (other_staff, citizen_api, APIClient()):
        assert client.get(url).status_code == 403
        assert client.post(url, {"projects": ["A"]}, format="json").status_code == 403
    paper = api.post(url, {"projects": ["A"]}, format="json").json()
    for client in (other_staff, citizen_api):
        assert client.post(f"{url}{paper['id']}/confirm/").status_code == 403
    assert api_for(colleague).post(f"{url}999999/confirm/").status_code == 404
    assert api_for(colleague).post(f"{url}{10**30}/confirm/").status_code == 404
    assert process.ballots.count() == 0


# --- The ballot box's preparation ---------------------------------------------------------------
@pytest.fixture
def before_voting(municipality):
    return BudgetProcessFactory(municipality=municipality, phase=Phase.PROPOSALS)


def test_staff_prepare_the_ballot_box(api, municipality, before_voting):
    members = [member(municipality, Role.COUNCIL) for _n in range(3)]
    url = f"/api/v1/budgets/{before_voting.pk}/ballot-box/prepare/"
    response = api.post(url, {"members": [m.pk for m in members], "threshold": 2}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["threshold"] == 2
    assert sorted(h["member"] for h in body["holders"]) == sorted(m.pk for m in members)
    assert not any(h["collected"] for h in body["holders"])
    box = before_voting.ballot_box
    assert box.threshold == 2 and box.holders.count() == 3


def test_a_wrong_preparation_is_refused_with_the_pages_words(api, page, municipality, before_voting):
    members = [member(municipality, Role.COUNCIL) for _n in range(3)]
    url = f"/api/v1/budgets/{before_voting.pk}/ballot-box/prepare/"
    body = {"members": [m.pk for m in members[:2]], "threshold": 2}
    response = api.post(url, body, format="json")
    assert response.status_code == 400
    [message] = response.json()["fields"]["members"]
    assert on_the_page(page, f"/budgets/{before_voting.pk}/ballot-box/prepare/", body, message)
    too_many = api.post(url, {"members": [m.pk for m in members], "threshold": 4}, format="json")
    assert too_many.status_code == 400 and list(too_many.json()["fields"]) == ["threshold"]
    citizen = UserFactory(municipality=municipality)
    stranger = api.post(url, {"members": [citizen.pk, *[m.pk for m in members]], "threshold": 2}, format="json")
    assert stranger.status_code == 400 and list(stranger.json()["fields"]) == ["members"]
    assert api.post(url, {"members": "alle", "threshold": "to"}, format="json").status_code == 400
    assert not hasattr(type(before_voting).objects.get(pk=before_voting.pk), "ballot_box")


def test_only_the_municipalitys_staff_prepare_the_box_before_voting(api, other_staff, citizen_api, municipality,
                                                                    before_voting, process):
    members = [member(municipality, Role.COUNCIL) for _n in range(3)]
    body = {"members": [m.pk for m in members], "threshold": 2}
    url = f"/api/v1/budgets/{before_voting.pk}/ballot-box/prepare/"
    assert other_staff.post(url, body, format="json").status_code == 403
    assert citizen_api.post(url, body, format="json").status_code == 403
    assert not hasattr(type(before_voting).objects.get(pk=before_voting.pk), "ballot_box")
    voting = api.post(f"/api/v1/budgets/{process.pk}/ballot-box/prepare/", body, format="json")
    assert voting.status_code == 403


def test_paper_ballots_with_points_and_ranks_are_read_as_the_page_reads_them(api, process):
    url = f"/api/v1/budgets/{process.pk}/paper-ballots/"
    BudgetProcess.objects.filter(pk=process.pk).update(ballot_type="cumulative", points=10, max_points_per_project=6)
    too_many = api.post(url, {"points": {"A": 7}}, format="json")
    assert too_many.status_code == 400 and list(too_many.json()["fields"]) == ["points"]
    unknown = api.post(url, {"points": {"A": 3, "Z": 1}}, format="json")
    assert unknown.status_code == 400 and "Z" in unknown.json()["fields"]["points"][0]
    assert api.post(url, {"points": {"A": 4, "C": 6}}, format="json").status_code == 201
    BudgetProcess.objects.filter(pk=process.pk).update(ballot_type="ranked", max_projects=2)
    longer = api.post(url, {"ranking": ["A", "B", "C"]}, format="json")
    assert longer.status_code == 400 and list(longer.json()["fields"]) == ["ranking"]
    wrong = api.post(url, {"ranking": ["A", "Z"]}, format="json")
    assert wrong.status_code == 400 and list(wrong.json()["fields"]) == ["ranking"]
    assert api.post(url, {"ranking": ["C", "A"]}, format="json").status_code == 201
    assert [paper["content"] for paper in api.get(url).json()["waiting"]] == [
        {"points": {"A": 4, "C": 6}}, {"ranking": ["C", "A"]}]
