"""What search engines and browser tabs show: a description on every page (the idea's own
text on an idea), the site's icon, and headings in order on the idea list."""
import re

import pytest
from django.urls import reverse

from tests.ideas.factories import CampaignFactory, IdeaFactory

pytestmark = pytest.mark.django_db


def description(html: str) -> str:
    return re.search(r'<meta name="description" content="([^"]*)">', html).group(1)


def test_every_page_describes_itself_in_the_visitors_language(client, municipality):
    client.cookies["django_language"] = "nb"
    html = client.get(reverse("ideas:list")).content.decode()
    assert description(html) == ("Aarhus Kommune: del ideene dine, stem over innbyggerbudsjettet og bli med på "
                                 "en middagsdialog.")
    assert re.search(r'<link rel="icon" href="/static/img/favicon\.svg" type="image/svg\+xml">', html)
    assert client.get("/static/img/favicon.svg").status_code == 200


def test_an_idea_is_described_by_its_own_text(client, municipality):
    idea = IdeaFactory(campaign=CampaignFactory(municipality=municipality), title="Bænke",
                       body="Flere bænke langs åen, så ældre kan hvile sig på vej til byen. " * 5)
    text = description(client.get(reverse("ideas:detail", args=[idea.pk])).content.decode())
    assert text.startswith("Flere bænke langs åen") and len(text) <= 160


def test_idea_cards_on_the_list_are_headed_right_under_the_pages_heading(client, municipality):
    IdeaFactory(campaign=CampaignFactory(municipality=municipality), title="Bænke")
    html = client.get(reverse("ideas:list")).content.decode()
    levels = [int(n) for n in re.findall(r"<h([1-6])", html.split('id="main-content"', 1)[1])]
    assert levels[0] == 1
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:], strict=False)), levels
