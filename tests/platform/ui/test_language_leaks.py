"""Language leaks: a municipality's pages speak its language until the visitor picks one;
counts agree with their number; dates are written the language's way; the platform's own
log lines are in the reader's language."""
import re
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Country, Language
from ideas import services
from tests.factories import MunicipalityFactory, UserFactory
from tests.ideas.factories import CampaignFactory, IdeaFactory

pytestmark = pytest.mark.django_db


def lang(response) -> str:
    return re.search(r'<html lang="([a-z-]+)"', response.content.decode()).group(1)


@pytest.fixture
def bergen(db):
    return MunicipalityFactory(slug="bergen", name="Bergen kommune", country=Country.NORWAY,
                               default_language=Language.NORWEGIAN_BOKMAL)


def test_a_municipality_opens_in_its_own_language_until_the_visitor_chooses(client, municipality, bergen):
    first = client.get(reverse("municipality-home", args=["bergen"]))
    assert lang(first) == "nb" and first["Content-Language"] == "nb"
    assert lang(client.get(reverse("ideas:list"))) == "nb", "the municipality is remembered, and its language"
    assert lang(client.get(reverse("municipality-home", args=["aarhus"]))) == "da"
    client.cookies["django_language"] = "en"
    assert lang(client.get(reverse("municipality-home", args=["bergen"]))) == "en", "a choice wins"


def test_a_signed_in_persons_own_language_wins_over_the_municipalitys(client, bergen):
    client.force_login(UserFactory(municipality=bergen, preferred_language="en"))
    assert lang(client.get(reverse("municipality-home", args=["bergen"]))) == "en"


@pytest.mark.parametrize("language, one, many", [
    ("en", ["1 supporter", "1 comment"], ["2 supporters", "2 comments"]),
    ("da", ["1 støtter", "1 kommentar"], ["2 støttere", "2 kommentarer"]),
    ("nb", ["1 støttespiller", "1 kommentar"], ["2 støttespillere", "2 kommentarer"]),
])
def test_counts_agree_with_their_number(client, municipality, language, one, many):
    campaign = CampaignFactory(municipality=municipality)
    single = IdeaFactory(campaign=campaign, support_count=1, comment_count=1)
    double = IdeaFactory(campaign=campaign, support_count=2, comment_count=2)
    client.cookies["django_language"] = language
    html = re.sub(r"<[^>]+>", "", client.get(reverse("ideas:list")).content.decode())
    html = re.sub(r"\s+", " ", html)
    for text in one + many:
        assert text in html, text
    assert f"1 {many[0].split()[1]}" not in html and f"1 {many[1].split()[1]}" not in html
    detail = re.sub(r"<[^>]+>", "", client.get(reverse("ideas:detail", args=[single.pk])).content.decode())
    assert one[0] in re.sub(r"\s+", " ", detail)
    assert double.support_count == 2


def test_dates_are_written_the_languages_way(client, municipality):
    campaign = CampaignFactory(municipality=municipality)
    IdeaFactory(campaign=campaign, created_at=timezone.make_aware(datetime(2027, 1, 31, 12, 0)))
    client.cookies["django_language"] = "en"
    html = client.get(reverse("ideas:list")).content.decode()
    assert "31 January 2027" in html and "31. January" not in html
    client.cookies["django_language"] = "da"
    assert "31. januar 2027" in client.get(reverse("ideas:list")).content.decode()


def test_the_roles_log_reads_in_the_moderators_language(client, municipality):
    from accounts.models import Role
    from tests.factories import MembershipFactory

    staff = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF)
    idea = IdeaFactory(campaign=CampaignFactory(municipality=municipality))
    from django.utils import translation

    with translation.override("en"):  # recorded from an English page (or the demo, seeded in English)
        services.idea_roles_record(actor=staff, idea=idea, citizens_cocreated=True)
    client.force_login(staff)
    client.cookies["django_language"] = "da"
    html = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert "co-created it: yes" not in html
    with translation.override("da"):
        from ideas.models import Idea

        label = str(Idea._meta.get_field("citizens_cocreated").verbose_name)
        assert f"{label}: {translation.gettext('yes')}" in html
    client.cookies["django_language"] = "en"
    assert "citizens co-created it: yes" in client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
