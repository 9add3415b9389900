"""The unread notifications in the header of every page, on every width: the desktop's link
with a count badge and, on a phone, a bell beside the menu button; the count is said in words
for screen readers. Anonymous pages ask nothing about notifications, and a signed-in page's
queries do not grow with the notices."""
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ideas.models import Status
from notify.models import Notice

from .conftest import STEPS, status_change

pytestmark = pytest.mark.django_db


def _signed_in(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _header(html: str) -> str:
    return html.split("<header")[1].split("</header>")[0]


def test_the_phone_header_has_a_bell_with_the_count_read_out_in_words(idea, staff, author):
    for step in STEPS[:3]:
        status_change(idea, staff, step)
    header = _header(_signed_in(author).get("/").content.decode())
    bell = re.search(r'<a class=" hoest-notifications-link hoest-notifications-compact"[^>]*>.*?</a>', header,
                     re.S).group(0)
    assert 'href="/account/notifications/"' in bell
    assert '<span class="sr-only">Notifications</span>' in bell, "the bell's name for screen readers"
    assert '<span aria-hidden="true">3</span><span class="sr-only">(3 unread)</span>' in bell
    # Outside the menu, so it is seen without opening it; the desktop link says the same.
    assert header.index("hoest-notifications-compact") < header.index('<details class="hoest-menu">')
    desktop = header.split('class="portal-user"')[1]
    assert ">Notifications <span class=\"hoest-unread-count\">" in desktop and "(3 unread)" in desktop


@pytest.mark.parametrize("language, one, many", [("da", "(1 ulæst)", "(2 ulæste)"),
                                                 ("nb", "(1 ulest)", "(2 uleste)")])
def test_the_count_is_said_in_the_persons_language_with_its_plural(idea, staff, author, language, one, many):
    author.preferred_language = language
    author.save()
    status_change(idea, staff, Status.UNDER_REVIEW)
    client = _signed_in(author, language)
    assert _header(client.get("/").content.decode()).count(one) == 3  # bell, menu, desktop
    status_change(idea, staff, Status.ACCEPTED)
    assert _header(client.get("/").content.decode()).count(many) == 3


def test_no_unread_shows_the_bell_without_a_badge(author):
    header = _header(_signed_in(author).get("/").content.decode())
    assert "hoest-notifications-compact" in header and "hoest-unread-count" not in header


def test_anonymous_pages_have_no_bell_and_ask_nothing_about_notifications(client, idea):
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
    assert "hoest-notifications" not in html
    assert not [q for q in queries.captured_queries if Notice._meta.db_table in q["sql"]]


def test_the_header_counts_once_a_page_however_many_notices(idea, staff, author, django_assert_max_num_queries):
    client = _signed_in(author)
    status_change(idea, staff, Status.UNDER_REVIEW)
    with CaptureQueriesContext(connection) as first:
        client.get("/")
    counts = [q for q in first.captured_queries if Notice._meta.db_table in q["sql"]]
    assert len(counts) == 1, "one count for the bell, the menu and the desktop link"
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get("/")  # then the cached count
    for step in STEPS[1:]:
        status_change(idea, staff, step)
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = client.get("/").content.decode()
    assert "(4 unread)" in html
