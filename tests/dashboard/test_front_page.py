import pytest
from django.urls import reverse

from tests.factories import MunicipalityFactory


@pytest.mark.django_db
def test_front_page_is_danish_by_default_even_if_the_browser_prefers_english(client, municipality):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="da">' in html
    assert "Gå til indhold" in html
    assert municipality.name in html
    for section in ("campaigns-title", "budgets-title", "dinners-title"):
        assert f'id="{section}"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language, skip_link", [("en", "Go to content"), ("nb", "Gå til innhold"),
                                                 ("da", "Gå til indhold")])
def test_language_switcher_changes_the_language(client, municipality, language, skip_link):
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert f'<html lang="{language}">' in html
    assert skip_link in html


@pytest.mark.django_db
def test_signed_in_person_sees_their_preferred_language(client, citizen):
    citizen.preferred_language = "nb"
    citizen.save()
    client.force_login(citizen)
    assert '<html lang="nb">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_page_has_landmarks_skip_link_and_language_switcher(client, municipality):
    html = client.get("/").content.decode()
    assert html.index('class="skipnav" href="#main-content"') < html.index("<header")
    for landmark in ('<header', '<main id="main-content"', '<footer', '<nav'):
        assert landmark in html
    assert 'name="language" value="en"' in html and 'lang="nb"' in html


@pytest.mark.django_db
def test_municipality_page_is_remembered(client, municipality):
    bergen = MunicipalityFactory(slug="bergen", name="Bergen kommune")
    assert client.get(reverse("municipality-home", args=["bergen"])).status_code == 200
    assert bergen.name in client.get("/").content.decode().split("<main")[0]
    assert client.get(reverse("municipality-home", args=["nowhere"])).status_code == 404


@pytest.mark.django_db
def test_front_page_queries_do_not_grow_with_municipalities(client, municipality,
                                                             django_assert_max_num_queries):
    for _ in range(30):
        MunicipalityFactory()
    # The headline figures are counted by the reports (five queries) and cached there.
    with django_assert_max_num_queries(11):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_signed_in_persons_language_choice_is_kept_on_the_account(client, citizen):
    client.force_login(citizen)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    citizen.refresh_from_db()
    assert citizen.preferred_language == "en"
    fresh_device = client.__class__()
    fresh_device.force_login(citizen)
    assert '<html lang="en">' in fresh_device.get("/").content.decode()


@pytest.mark.django_db
def test_front_page_leads_with_the_open_vote_and_its_deadline(client, municipality):
    from datetime import timedelta

    from django.utils import timezone, translation

    from budgets.models import Phase
    from tests.budgets.factories import BudgetProcessFactory

    closes = timezone.localtime(timezone.now() + timedelta(days=9)).replace(hour=20, minute=0)
    vote = BudgetProcessFactory(municipality=municipality, phase=Phase.VOTING, voting_end=closes,
                                title="Borgerbudget for Midtbyen")
    BudgetProcessFactory(municipality=municipality, phase=Phase.PROPOSALS, title="Forslag til Viby")
    with translation.override("en"):
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        html = client.get("/").content.decode()
    call = html.split('class="hoest-cta"')[1].split("</section>")[0]
    assert "Vote now: Borgerbudget for Midtbyen" in call
    assert f"Voting closes on {closes.day} {closes:%B %Y} at 20:00." in call
    assert reverse("budgets:detail", args=[vote.pk]) in call
    assert html.count('class="hoest-cta"') == 1  # the process taking proposals is no vote
