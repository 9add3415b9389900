"""The staff pages for campaigns (with their frame) and moderation settings: role x action,
another municipality's staff kept out, bad input kept with translated errors, and the API
and the pages validating a campaign the same way."""
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from ideas.models import Campaign, IdeaSettings, SettingsChange
from tests.factories import MunicipalityFactory, UserFactory
from tests.ideas.conftest import member
from tests.ideas.factories import CampaignFactory

ROLES = ["anonymous", "citizen", "moderator", "staff", "council", "admin", "other_staff"]
ALLOWED = {
    "campaign_list": {"staff", "admin"},
    "campaign_new_form": {"staff", "admin"},
    "campaign_create": {"staff", "admin"},
    "campaign_edit_form": {"staff", "admin"},
    "campaign_edit": {"staff", "admin"},
    "campaign_close": {"staff", "admin"},
    "settings_form": {"staff", "admin"},
    "settings_save": {"staff", "admin"},
}


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def campaign_data(**overrides) -> dict:
    now = timezone.now()
    data = {
        "title": "Hvordan skal havnen bruges?", "description": "",
        "open_to_influence": "Hvad der skal være på kajen.", "fixed_frame": "Budgettet er 2 mio. kr.",
        "decided_by": "Teknisk udvalg", "answer_by": (now + timedelta(days=60)).date().isoformat(),
        "opens_at": local(now - timedelta(hours=1)), "closes_at": local(now + timedelta(days=30)),
    }
    data.update(overrides)
    return data


def api_campaign_create(municipality, **dates):
    """A staff member of `municipality` creates a campaign through the API, in English."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(member(municipality, Role.STAFF))
    return api.post("/api/v1/campaigns/", {
        "municipality": municipality.slug, "title": "Spørgsmål", "open_to_influence": "Alt",
        "fixed_frame": "Intet", "decided_by": "Byrådet", **dates}, format="json", HTTP_ACCEPT_LANGUAGE="en")


def make_user(role, municipality):
    if role == "anonymous":
        return None
    if role == "citizen":
        return UserFactory(municipality=municipality)
    if role == "other_staff":
        bergen = MunicipalityFactory(slug="bergen", name="Bergen kommune")
        return member(bergen, Role.STAFF)
    return member(municipality, {"moderator": Role.MODERATOR, "staff": Role.STAFF, "council": Role.COUNCIL,
                                 "admin": Role.ADMIN}[role])


def perform(client, action, municipality, campaign):
    slug = municipality.slug
    if action == "campaign_list":
        return client.get(reverse("ideas:staff-campaigns", args=[slug]))
    if action == "campaign_new_form":
        return client.get(reverse("ideas:campaign-new", args=[slug]))
    if action == "campaign_create":
        return client.post(reverse("ideas:campaign-new", args=[slug]), campaign_data())
    if action == "campaign_edit_form":
        return client.get(reverse("ideas:campaign-edit", args=[campaign.pk]))
    if action == "campaign_edit":
        return client.post(reverse("ideas:campaign-edit", args=[campaign.pk]),
                           campaign_data(title="Ny formulering af spørgsmålet"))
    if action == "campaign_close":
        return client.post(reverse("ideas:campaign-close", args=[campaign.pk]))
    if action == "settings_form":
        return client.get(reverse("ideas:settings", args=[slug]))
    if action == "settings_save":
        return client.post(reverse("ideas:settings", args=[slug]), {"moderation_mode": "pre", "flag_threshold": 5})
    raise AssertionError(action)


def effect_happened(action, municipality, campaign) -> bool:
    campaign.refresh_from_db()
    return {
        "campaign_create": Campaign.objects.filter(title="Hvordan skal havnen bruges?").exists(),
        "campaign_edit": campaign.title == "Ny formulering af spørgsmålet",
        "campaign_close": not campaign.is_open(),
        "settings_save": IdeaSettings.objects.filter(municipality=municipality, moderation_mode="pre",
                                                     flag_threshold=5).exists(),
    }.get(action, True)


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_role_action_matrix(client, municipality, role, action):
    campaign = CampaignFactory(municipality=municipality)
    user = make_user(role, municipality)
    if user:
        client.force_login(user)
    response = perform(client, action, municipality, campaign)
    if role in ALLOWED[action]:
        assert response.status_code in (200, 302), (role, action, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"], (role, action)
        assert effect_happened(action, municipality, campaign), (role, action)
    else:
        refused = response.status_code in (403, 404) or (
            response.status_code == 302 and "/accounts/login/" in response["Location"])
        assert refused, (role, action, response.status_code)
        if action in ("campaign_create", "campaign_edit", "campaign_close", "settings_save"):
            assert not effect_happened(action, municipality, campaign), (role, action)


@pytest.fixture
def staff_client(client, municipality):
    client.force_login(member(municipality, Role.STAFF))
    return client


@pytest.mark.django_db
def test_another_municipalitys_staff_neither_see_nor_edit_its_campaigns(client, municipality):
    bergen = MunicipalityFactory(slug="bergen", name="Bergen kommune")
    theirs = CampaignFactory(municipality=bergen, title="Bergens spørsmål")
    ours = CampaignFactory(municipality=municipality, title="Aarhus spørgsmål")
    client.force_login(member(municipality, Role.STAFF))
    listing = client.get(reverse("ideas:staff-campaigns", args=[municipality.slug]))
    assert "Aarhus spørgsmål" in listing.content.decode()
    assert "Bergens spørsmål" not in listing.content.decode()
    assert client.get(reverse("ideas:staff-campaigns", args=["bergen"])).status_code == 403
    assert client.get(reverse("ideas:campaign-edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("ideas:campaign-close", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("ideas:settings", args=["bergen"]),
                       {"moderation_mode": "pre", "flag_threshold": 1}).status_code == 403
    theirs.refresh_from_db()
    assert theirs.is_open()
    assert not IdeaSettings.objects.filter(municipality=bergen).exists()
    assert ours.is_open()


@pytest.mark.django_db
def test_a_new_campaign_is_public_with_its_frame_and_closes(staff_client, municipality):
    response = staff_client.post(reverse("ideas:campaign-new", args=[municipality.slug]),
                                 campaign_data(description="Havnen *skal* bruges."))
    assert response.status_code == 302
    campaign = Campaign.objects.get(title="Hvordan skal havnen bruges?")
    assert campaign.municipality == municipality and campaign.slug == "hvordan-skal-havnen-bruges"
    public = staff_client.get(reverse("ideas:campaign", args=[campaign.pk])).content.decode()
    for text in ("Hvad der skal være på kajen.", "Budgettet er 2 mio. kr.", "Teknisk udvalg"):
        assert text in public
    # The same title again gets an address of its own.
    staff_client.post(reverse("ideas:campaign-new", args=[municipality.slug]), campaign_data())
    assert Campaign.objects.filter(slug="hvordan-skal-havnen-bruges-2").exists()

    staff_client.post(reverse("ideas:campaign-close", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert not campaign.is_open() and campaign.has_closed()
    staff_client.cookies["django_language"] = "en"
    page = staff_client.get(reverse("ideas:campaign", args=[campaign.pk]))
    assert "This campaign is closed for new ideas." in page.content.decode()
    # Closing it again says so instead of failing.
    again = staff_client.post(reverse("ideas:campaign-close", args=[campaign.pk]), follow=True)
    assert "already closed" in again.content.decode()


@pytest.mark.django_db
def test_bad_campaign_input_keeps_what_was_typed_with_translated_errors(staff_client, municipality):
    staff_client.cookies["django_language"] = "en"
    now = timezone.now()
    data = campaign_data(title="Et spørgsmål vi gerne vil stille", decided_by="",
                         opens_at=local(now + timedelta(days=5)), closes_at=local(now + timedelta(days=1)))
    response = staff_client.post(reverse("ideas:campaign-new", args=[municipality.slug]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert "This field is required." in html
    assert "The campaign must close after it opens." in html
    assert 'value="Et spørgsmål vi gerne vil stille"' in html
    assert "Budgettet er 2 mio. kr." in html
    assert not Campaign.objects.exists()
    staff_client.cookies["django_language"] = "da"
    response = staff_client.post(reverse("ideas:campaign-new", args=[municipality.slug]), data)
    assert "Kampagnen skal lukke, efter at den åbner." in response.content.decode()


@pytest.mark.django_db
def test_editing_keeps_the_address_and_refuses_a_frame_without_who_decides(staff_client, municipality):
    campaign = CampaignFactory(municipality=municipality, slug="havnen")
    staff_client.cookies["django_language"] = "en"
    url = reverse("ideas:campaign-edit", args=[campaign.pk])
    form = staff_client.get(url).content.decode()
    assert campaign.fixed_frame in form
    bad = staff_client.post(url, campaign_data(title="Nyt spørgsmål", decided_by=""))
    assert bad.status_code == 400 and 'value="Nyt spørgsmål"' in bad.content.decode()
    campaign.refresh_from_db()
    assert campaign.title != "Nyt spørgsmål"
    staff_client.post(url, campaign_data(title="Nyt spørgsmål", decided_by="Byrådet"))
    campaign.refresh_from_db()
    assert (campaign.title, campaign.decided_by, campaign.slug) == ("Nyt spørgsmål", "Byrådet", "havnen")


@pytest.mark.django_db
def test_the_api_gives_the_same_error_for_a_campaign_closing_before_it_opens(municipality):
    response = api_campaign_create(municipality, answer_by="2027-01-01", opens_at="2026-06-01T00:00:00Z",
                                   closes_at="2026-01-01T00:00:00Z")
    assert response.status_code == 400
    assert response.json()["fields"]["closes_at"] == ["The campaign must close after it opens."]


@pytest.mark.django_db
def test_a_campaign_in_the_year_429_is_refused_on_the_page_and_in_the_api(staff_client, municipality):
    """Found by the API fuzzing as staff: a campaign opening in 0429 was stored, and the API then
    wrote its time with Copenhagen's 1429 offset (+00:50:20), which is no RFC 3339 date-time."""
    staff_client.cookies["django_language"] = "da"
    data = campaign_data(title="Et spørgsmål", opens_at="0429-02-25T11:25", closes_at="2029-03-01T12:00")
    response = staff_client.post(reverse("ideas:campaign-new", args=[municipality.slug]), data)
    assert response.status_code == 400
    assert "Angiv en dato mellem årene 2000 og 2100." in response.content.decode()
    assert 'value="Et spørgsmål"' in response.content.decode()
    response = api_campaign_create(municipality, answer_by="2029-04-01", opens_at="0429-02-25T11:25:55Z",
                                   closes_at="2029-03-01T00:00:00Z")
    assert response.status_code == 400
    assert response.json()["fields"]["opens_at"] == ["Enter a date between the years 2000 and 2100."]
    assert not Campaign.objects.exists()


@pytest.mark.django_db
def test_moderation_settings_are_saved_logged_and_bad_input_kept(staff_client, municipality):
    staff_client.cookies["django_language"] = "en"
    url = reverse("ideas:settings", args=[municipality.slug])
    page = staff_client.get(url).content.decode()
    assert "Post-moderation" in page and 'value="3"' in page  # the defaults
    bad = staff_client.post(url, {"moderation_mode": "pre", "flag_threshold": "0"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Ensure this value is greater than or equal to 1." in html
    assert re.search(r'<input type="radio"[^>]*value="pre"[^>]*checked', html)  # kept as chosen
    assert not SettingsChange.objects.exists()
    staff_client.post(url, {"moderation_mode": "pre", "flag_threshold": "2"})
    settings = IdeaSettings.objects.get(municipality=municipality)
    assert (settings.moderation_mode, settings.flag_threshold) == ("pre", 2)
    change = SettingsChange.objects.get()
    assert change.changes == {"moderation_mode": ["post", "pre"], "flag_threshold": [3, 2]}
    assert change.actor.email.endswith("@example.org")
    page = staff_client.get(url).content.decode()
    assert "reports before hiding 3 → 2" in page
    # Saving without a change logs nothing.
    staff_client.post(url, {"moderation_mode": "pre", "flag_threshold": "2"})
    assert SettingsChange.objects.count() == 1


@pytest.mark.django_db
def test_pre_moderation_chosen_on_the_page_holds_back_a_new_idea(staff_client, municipality, citizen):
    from ideas import services

    campaign = CampaignFactory(municipality=municipality)
    staff_client.post(reverse("ideas:settings", args=[municipality.slug]),
                      {"moderation_mode": "pre", "flag_threshold": "3"})
    idea = services.idea_submit(author=citizen, campaign=campaign, title="Bænke", body="Flere bænke")
    assert not idea.is_public
