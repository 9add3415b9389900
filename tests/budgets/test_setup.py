"""Staff set up a participatory budget as a draft, step by step, and publish it once the check
finds nothing to fix (budgets.setup): services, pages, API, and who may do what."""
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from PIL import Image
from rest_framework.test import APIClient

from accounts.models import Role
from budgets import phases, selectors, setup
from budgets.models import BudgetProcess, Phase
from tests.budgets.factories import BudgetProcessFactory
from tests.factories import (
    DistrictFactory,
    MembershipFactory,
    MunicipalityFactory,
    UserFactory,
    sign_in_recently,
)

ROLES = ["anonymous", "citizen", "moderator", "staff", "council", "admin", "other_staff"]
SET_UP = {"staff", "admin"}


def make(role, municipality):
    if role == "anonymous":
        return None
    if role == "other_staff":  # staff of another municipality
        other = MunicipalityFactory()
        user = UserFactory(municipality=other)
        MembershipFactory(user=user, municipality=other, role=Role.STAFF)
        return user
    user = UserFactory(municipality=municipality, birth_year=1980)
    if role != "citizen":
        MembershipFactory(user=user, municipality=municipality, role=Role(role))
    return user


def basics(**extra):
    return {"title": "Borgerbudget Nord", "description": "Til gode idéer i nord.", "currency": "DKK",
            "citywide": True, "total_budget": 500_000, **extra}


def dates(now=None):
    now = now or timezone.now()
    return {"proposals_start": now - timedelta(hours=1), "review_start": now + timedelta(days=20),
            "voting_start": now + timedelta(days=30), "voting_end": now + timedelta(days=40),
            "results_date": now + timedelta(days=50)}


def ready_draft(municipality, staff, **fields):
    """A draft with every step saved and nothing to fix."""
    process = setup.draft_create(municipality=municipality, actor=staff, **basics())
    return setup.setup_update(process=process, data={"ballot_type": "knapsack", "spending_limit": None,
                                                     "min_age": 15, "tally_rule": "greedy", **dates(), **fields})


def png(size=(40, 30)) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, "PNG")
    out.seek(0)
    out.name = "billede.png"
    return out


@pytest.fixture
def staff(municipality):
    return make("staff", municipality)


# --- Services -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_draft_is_hidden_from_every_public_list_until_published(municipality, staff):
    process = ready_draft(municipality, staff)
    assert process.draft and process.phase == Phase.PROPOSALS
    assert process not in selectors.process_list(municipality=municipality)
    assert process not in selectors.process_list_open(municipality=municipality)
    assert selectors.process_get(pk=process.pk, user=make("citizen", municipality)) is None
    assert selectors.process_get(pk=process.pk, user=staff) == process
    assert list(selectors.draft_list(municipality=municipality)) == [process]
    setup.process_publish(process=process, actor=staff)
    assert process in selectors.process_list(municipality=municipality)
    assert not selectors.draft_list(municipality=municipality).exists()


@pytest.mark.django_db
def test_each_step_says_what_is_wrong_in_plain_words(municipality, staff):
    process = setup.draft_create(municipality=municipality, actor=staff, **basics())
    with translation.override("en"):
        cases = [
            ({"ballot_type": "approval", "min_projects": 3, "max_projects": 2}, "max_projects", "cannot be fewer"),
            ({"ballot_type": "knapsack", "spending_limit": 600_000}, "spending_limit", "more than the citywide"),
            ({"ballot_type": "cumulative", "points": 5, "max_points_per_project": 6}, "max_points_per_project",
             "cannot be more than the points"),
            ({"ballot_type": "ranked", "max_projects": None}, "max_projects", "how many places"),
            ({"min_age": 130}, "min_age", "between 0 and 120"),
            ({**dates(), "voting_start": timezone.now() + timedelta(days=10)}, "voting_start",
             "cannot open before the review"),
            ({**dates(), "voting_end": dates()["voting_start"] - timedelta(days=1)}, "voting_end", "close after it opens"),
            ({"citywide": True, "total_budget": 0}, "total_budget", "amount above zero"),
        ]
        for data, field, words in cases:
            with pytest.raises(ValidationError) as caught:
                setup.setup_update(process=process, data=data)
            assert words in " ".join(caught.value.message_dict[field]), (data, caught.value.message_dict)
    process.refresh_from_db()
    assert process.setup_done == ["basics"], "a refused step is not saved"
    assert process.total_budget == 500_000


@pytest.mark.django_db
def test_publishing_is_refused_until_every_problem_is_fixed(municipality, staff):
    process = setup.draft_create(municipality=municipality, actor=staff, **basics(description="", citywide=False,
                                                                                   total_budget=0))
    with translation.override("en"):
        messages = [p.message for p in setup.problems(process)]
        with pytest.raises(ValidationError):
            setup.process_publish(process=process, actor=staff)
    assert any("not saved yet" in m and "Ballot" in m for m in messages)
    assert any("nothing to vote on" in m for m in messages)
    assert any("write a description" in m for m in messages)
    process.refresh_from_db()
    assert process.draft

    process = setup.setup_update(process=process, data={"description": "Til nord.", "ballot_type": "knapsack",
                                                        "min_age": 0, "tally_rule": "equalshares/add1",
                                                        **dates(timezone.now() + timedelta(days=3))})
    with translation.override("en"):
        messages = [p.message for p in setup.problems(process)]
    assert any("publishing opens them at once" in m for m in messages), messages
    north = DistrictFactory(municipality=municipality, slug="nord", name="Nord")
    setup.district_budget_add(process=process, district=north, amount=200_000)
    process = setup.setup_update(process=process, data=dates())
    assert setup.problems(process) == []
    setup.process_publish(process=process, actor=staff)
    process.refresh_from_db()
    assert not process.draft
    with pytest.raises(ValidationError):
        setup.setup_update(process=process, data={"title": "Ændret efter offentliggørelsen"})


@pytest.mark.django_db
def test_district_budgets_only_of_the_own_municipality(municipality, staff):
    process = setup.draft_create(municipality=municipality, actor=staff, **basics())
    elsewhere = DistrictFactory(municipality=MunicipalityFactory())
    with pytest.raises(ValidationError) as caught:
        setup.district_budget_add(process=process, district=elsewhere, amount=10_000)
    assert "district" in caught.value.message_dict
    assert not process.district_budgets.exists()


@pytest.mark.django_db
def test_a_draft_has_no_phase_changes_not_even_by_the_calendar(municipality, staff):
    process = ready_draft(municipality, staff)
    BudgetProcess.objects.filter(pk=process.pk).update(review_start=timezone.now() - timedelta(minutes=1),
                                                       proposals_start=timezone.now() - timedelta(days=1))
    assert phases.phases_advance() == 0
    with translation.override("en"), pytest.raises(ValidationError, match="draft"):
        phases.phase_set(process=process, phase=Phase.REVIEW, actor=staff, reason="Nu")
    process.refresh_from_db()
    assert process.phase == Phase.PROPOSALS


@pytest.mark.django_db
def test_the_image_is_checked_like_idea_images(municipality, staff):
    process = setup.draft_create(municipality=municipality, actor=staff, **basics())
    not_an_image = io.BytesIO(b"%PDF-1.4 not an image")
    not_an_image.name = "x.png"
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        setup.setup_update(process=process, data={"image_alt": "Grøn flade"}, image=not_an_image)
    assert "not an image we can read" in " ".join(caught.value.message_dict["image"])
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        setup.setup_update(process=process, data={"image_alt": ""}, image=png())
    assert "image_alt" in caught.value.message_dict
    process = setup.setup_update(process=process, data={"image_alt": "Grøn flade"}, image=png())
    assert process.image.name.endswith(".png")


@pytest.mark.django_db
def test_the_worked_example_is_counted_by_the_tally_engine():
    example = setup.tally_example()
    assert example["greedy"] == ["A", "B", "C"]
    assert example["equal_shares"] == ["A", "B", "D"]


# --- Pages ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_staff_set_up_a_budget_through_the_pages(client, municipality, staff):
    sign_in_recently(client, staff)
    client.cookies["django_language"] = "en"
    response = client.post("/budgets/setup/new/", {**basics(), "citywide": "on"})
    process = BudgetProcess.objects.get(title="Borgerbudget Nord")
    assert response.status_code == 302 and response["Location"] == f"/budgets/{process.pk}/setup/basics/"
    north = DistrictFactory(municipality=municipality, slug="nord", name="Nord")
    client.post(f"/budgets/{process.pk}/setup/basics/",
                {"district-district": north.slug, "district-name": "", "district-amount": 100_000})
    assert process.district_budgets.get().name == "Nord"

    # Step 2: a bad ballot design is shown again with what was typed and why it is wrong.
    bad = {"ballot_type": "cumulative", "min_projects": 1, "points": 3, "max_points_per_project": 5,
           "allow_revote": "on"}
    page = client.post(f"/budgets/{process.pk}/setup/ballot/", bad).content.decode()
    assert "cannot be more than the points each voter has" in page and 'value="3"' in page
    # The preview shows the ballot as a citizen will see it, without saving.
    page = client.post(f"/budgets/{process.pk}/setup/ballot/",
                       {**bad, "max_points_per_project": 2, "preview": ""}).content.decode()
    assert "Spread up to 3 points over the projects, at most 2 on one project." in page
    process.refresh_from_db()
    assert process.ballot_type == "approval" and "ballot" not in process.setup_done
    response = client.post(f"/budgets/{process.pk}/setup/ballot/", {**bad, "max_points_per_project": 2,
                                                                    "save": ""})
    assert response["Location"] == f"/budgets/{process.pk}/setup/eligibility/"
    eligibility = {"voters": "accounts", "min_age": 16}
    assert client.post(f"/budgets/{process.pk}/setup/eligibility/", eligibility).status_code == 302
    page = client.get(f"/budgets/{process.pk}/setup/tally/").content.decode()
    assert "Greedy funds A, B, C" in page and "Equal Shares funds A, B, D" in page
    assert client.post(f"/budgets/{process.pk}/setup/tally/", {"tally_rule": "equalshares/add1"}).status_code == 302
    times = {k: timezone.localtime(v).strftime("%Y-%m-%dT%H:%M") for k, v in dates().items()}
    response = client.post(f"/budgets/{process.pk}/setup/timeline/", times)
    assert response["Location"] == f"/budgets/{process.pk}/setup/check/"
    page = client.get(f"/budgets/{process.pk}/setup/check/").content.decode()
    assert "Nothing to fix" in page

    # Invisible to citizens until published.
    citizen = UserFactory(municipality=municipality)
    other = APIClient()
    other.force_authenticate(citizen)
    assert other.get(f"/api/v1/budgets/{process.pk}/").status_code == 404
    assert "Borgerbudget Nord" not in APIClient().get("/api/v1/budgets/?municipality=aarhus").content.decode()
    assert "Borgerbudget Nord" not in client.get("/budgets/").content.decode().split("</h1>", 1)[1].split(
        "Set up a participatory budget")[-1]
    response = client.post(f"/budgets/{process.pk}/setup/check/")
    assert response["Location"] == f"/budgets/{process.pk}/"
    assert "Borgerbudget Nord" in APIClient().get("/api/v1/budgets/?municipality=aarhus").content.decode()
    assert other.get(f"/api/v1/budgets/{process.pk}/").status_code == 200


@pytest.mark.django_db
def test_the_chosen_image_is_kept_when_the_basics_have_an_error(client, municipality, staff, settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the kept pictures' folder (ideas.upload_stash)
    settings.MEDIA_ROOT = tmp_path / "media"
    sign_in_recently(client, staff)
    client.cookies["django_language"] = "en"
    response = client.post("/budgets/setup/new/", {**basics(title=""), "citywide": "on", "image": png(),
                                                   "image_alt": "Grøn flade"})
    kept = response.context["kept_picture"]
    assert response.status_code == 200 and kept["name"] == "billede.png"
    assert "The image you chose" in response.content.decode()
    response = client.post("/budgets/setup/new/", {**basics(), "citywide": "on", "image_alt": "Grøn flade",
                                                   "keep_picture": kept["token"]})
    assert response.status_code == 302
    process = BudgetProcess.objects.get(title="Borgerbudget Nord")
    assert process.image.name.endswith(".png")
    # A saved draft's basics keep a new image the same way.
    response = client.post(f"/budgets/{process.pk}/setup/basics/", {**basics(total_budget=-5), "citywide": "on",
                                                                    "image": png((50, 20)), "image_alt": "Ny"})
    kept = response.context["kept_picture"]
    assert response.status_code == 200 and kept["name"] == "billede.png"
    response = client.post(f"/budgets/{process.pk}/setup/basics/", {**basics(), "citywide": "on", "image_alt": "Ny",
                                                                    "keep_picture": kept["token"]})
    assert response.status_code == 302
    process.refresh_from_db()
    assert (process.image_alt, process.image.width) == ("Ny", 50)


@pytest.mark.django_db
def test_the_check_page_lists_problems_and_refuses_to_publish(client, municipality, staff,
                                                             django_assert_max_num_queries):
    process = setup.draft_create(municipality=municipality, actor=staff, **basics(description=""))
    for n in range(3):
        setup.district_budget_add(process=process, district=DistrictFactory(municipality=municipality),
                                  amount=10_000 + n)
    sign_in_recently(client, staff)
    client.cookies["django_language"] = "en"
    # Constant in the number of district budgets (they are read with their districts at once).
    with django_assert_max_num_queries(20):
        page = client.get(f"/budgets/{process.pk}/setup/check/").content.decode()
    with django_assert_max_num_queries(20):
        assert client.get(f"/budgets/{process.pk}/setup/basics/").status_code == 200
    assert "write a description" in page and "is not saved yet" in page
    response = client.post(f"/budgets/{process.pk}/setup/check/", follow=True)
    assert "The budget is not published" in response.content.decode()
    process.refresh_from_db()
    assert process.draft


@pytest.mark.django_db
def test_a_published_budget_cannot_be_set_up_again(client, municipality, staff):
    process = BudgetProcessFactory(municipality=municipality, phase=Phase.PROPOSALS)
    sign_in_recently(client, staff)
    assert client.get(f"/budgets/{process.pk}/setup/basics/").status_code == 403


# --- Who may do what ------------------------------------------------------------------------
PAGE_ACTIONS = {
    "list": lambda c, p: c.get("/budgets/setup/"),
    "new": lambda c, p: c.post("/budgets/setup/new/", {**basics(), "citywide": "on"}),
    "step": lambda c, p: c.get(f"/budgets/{p.pk}/setup/ballot/"),
    "save_step": lambda c, p: c.post(f"/budgets/{p.pk}/setup/eligibility/", {"voters": "census", "min_age": 16}),
    "check": lambda c, p: c.get(f"/budgets/{p.pk}/setup/check/"),
    "publish": lambda c, p: c.post(f"/budgets/{p.pk}/setup/check/"),
    "view_draft": lambda c, p: c.get(f"/budgets/{p.pk}/"),
}
API_ACTIONS = {
    "new": lambda a, p: a.post("/api/v1/budgets/", {**basics(), "municipality": "aarhus"}, format="json"),
    "save_step": lambda a, p: a.patch(f"/api/v1/budgets/{p.pk}/", {"min_age": 16}, format="json"),
    "check": lambda a, p: a.get(f"/api/v1/budgets/{p.pk}/check/"),
    "district_add": lambda a, p: a.post(f"/api/v1/budgets/{p.pk}/district-budgets/",
                                        {"district": "nord", "amount": 1000}, format="json"),
    "district_remove": lambda a, p: a.delete(f"/api/v1/budgets/{p.pk}/district-budgets/syd/"),
    "publish": lambda a, p: a.post(f"/api/v1/budgets/{p.pk}/publish/"),
    "view_draft": lambda a, p: a.get(f"/api/v1/budgets/{p.pk}/"),
}


def world(municipality):
    staff = make("staff", municipality)
    process = ready_draft(municipality, staff)
    municipality.districts.get_or_create(slug="nord", defaults={"name": "Nord"})
    south = municipality.districts.get_or_create(slug="syd", defaults={"name": "Syd"})[0]
    setup.district_budget_add(process=process, district=south, amount=5000, name="Syd")
    return process


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_pages_role_matrix(client, municipality, role):
    user = make(role, municipality)
    if user:
        sign_in_recently(client, user)
    for action, call in PAGE_ACTIONS.items():
        process = world(municipality)
        response = call(client, process)
        ok = response.status_code in (200, 302) and "/accounts/login/" not in response.get("Location", "")
        if action in ("new", "save_step", "publish"):
            ok = response.status_code == 302 and "/accounts/login/" not in response["Location"]
        assert ok == (role in SET_UP), (role, action, response.status_code)
        if not ok and user is not None:
            # Someone else's draft is not found; a role of this municipality without the right is refused.
            assert response.status_code in (403, 404), (role, action, response.status_code)
            if role == "other_staff" and action not in ("list", "new"):
                assert response.status_code == 404
        process.refresh_from_db()
        assert process.draft == (action != "publish" or role not in SET_UP)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_role_matrix(municipality, role):
    api = APIClient()
    user = make(role, municipality)
    if user:
        api.force_authenticate(user)
    expected = {"new": 201, "save_step": 200, "check": 200, "district_add": 201, "district_remove": 204,
                "publish": 200, "view_draft": 200}
    for action, call in API_ACTIONS.items():
        process = world(municipality)
        response = call(api, process)
        if role in SET_UP:
            assert response.status_code == expected[action], (role, action, response.content)
        else:
            assert response.status_code in (403, 404), (role, action, response.status_code)
            assert set(response.json()) == {"detail", "code", "fields"}
            if role == "other_staff" and action != "new":
                assert response.status_code == 404, "another municipality's draft is not found"
    assert BudgetProcess.objects.filter(draft=False).exists() == (role in SET_UP)


@pytest.mark.django_db
def test_api_bad_input_is_400_with_field_messages(municipality, staff):
    api = APIClient()
    api.force_authenticate(staff)
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    response = api.post("/api/v1/budgets/", {"municipality": "aarhus", "title": "", "total_budget": -5,
                                             "currency": "XXX"}, format="json")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert {"title", "total_budget"} <= set(fields)
    response = api.post("/api/v1/budgets/", {"municipality": "aarhus", **basics(currency="XXX")}, format="json")
    assert response.status_code == 400 and "currency" in response.json()["fields"]
    response = api.post("/api/v1/budgets/", {"municipality": "aarhus", **basics(), "min_age": 3}, format="json")
    assert response.status_code == 400 and "min_age" in response.json()["fields"]
    process = BudgetProcess.objects.get(pk=api.post("/api/v1/budgets/", {"municipality": "aarhus", **basics()},
                                                    format="json").json()["id"])
    response = api.patch(f"/api/v1/budgets/{process.pk}/", {"ballot_type": "cumulative", "points": 2,
                                                           "max_points_per_project": 3}, format="json")
    assert response.status_code == 400
    assert "cannot be more than the points" in response.json()["fields"]["max_points_per_project"][0]
    response = api.patch(f"/api/v1/budgets/{process.pk}/", {"voting_start": "not a date"}, format="json")
    assert response.status_code == 400 and "voting_start" in response.json()["fields"]
    response = api.post(f"/api/v1/budgets/{process.pk}/district-budgets/",
                        {"district": DistrictFactory(municipality=MunicipalityFactory()).slug, "amount": 5},
                        format="json")
    assert response.status_code == 400 and "district" in response.json()["fields"]
    response = api.post(f"/api/v1/budgets/{process.pk}/publish/")
    assert response.status_code == 400
    assert any("not saved yet" in m for messages in response.json()["fields"].values() for m in messages)
    check = api.get(f"/api/v1/budgets/{process.pk}/check/").json()
    assert check["ready"] is False and {p["step"] for p in check["problems"]} >= {"ballot", "timeline"}
