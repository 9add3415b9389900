"""The notification centre at /account/notifications/: a person's own notices, newest first,
each a line with a link to what it is about; unread ones marked, opened one by one or all
marked read with a form; the header counts the unread; another person's notice is not found."""
import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from dinners import services as dinner_services
from ideas import services as idea_services
from ideas.models import Status
from notify.models import Notice
from tests.dinners.conftest import make_dinner, make_programme
from tests.factories import DistrictFactory, UserFactory
from tests.ideas.factories import IdeaFactory

from .conftest import status_change

pytestmark = pytest.mark.django_db
CENTRE = "/account/notifications/"


def _signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_centre_lists_what_happened_to_my_idea_newest_first_and_only_mine(idea, staff, author):
    neighbour = UserFactory(municipality=idea.municipality)
    other_idea = IdeaFactory(campaign=idea.campaign, author=neighbour, title="Flere træer")
    idea_services.idea_follow(idea=other_idea, user=neighbour)
    status_change(idea, staff, Status.UNDER_REVIEW)
    status_change(other_idea, staff, Status.UNDER_REVIEW)
    status_change(idea, staff, Status.ACCEPTED)

    page = _signed_in(author).get(CENTRE)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("“Bænke ved åen” is now: Accepted") < html.index("“Bænke ved åen” is now: Under review"), \
        "newest first"
    assert "Flere træer" not in html, "another person's notices are not in my centre"
    assert html.count('class="badge badge-info">Unread<') == 2
    assert "You have 2 unread notifications." in html
    # The header of every page counts them, for screen readers too.
    front = _signed_in(author).get("/").content.decode()
    assert 'href="/account/notifications/"' in front and "(2 unread)" in front


def test_opening_a_notice_marks_it_read_and_goes_to_the_idea(idea, staff, author):
    status_change(idea, staff)
    notice = Notice.objects.get(recipient=author)
    client = _signed_in(author)
    html = client.get(CENTRE).content.decode()
    opened = f'href="/account/notifications/{notice.pk}/"'
    assert opened in html
    answer = client.get(f"{CENTRE}{notice.pk}/")
    assert answer.status_code == 302 and answer["Location"] == reverse("ideas:detail", args=[idea.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None
    html = client.get(CENTRE).content.decode()
    assert "badge-info" not in html and "You have 0 unread notifications." in html
    assert "(1 unread)" not in client.get("/").content.decode()


def test_another_persons_notice_is_not_found_and_stays_unread(idea, staff, author):
    status_change(idea, staff)
    notice = Notice.objects.get(recipient=author)
    stranger = _signed_in(UserFactory())
    assert stranger.get(f"{CENTRE}{notice.pk}/").status_code == 404
    assert "Bænke ved åen" not in stranger.get(CENTRE).content.decode()
    notice.refresh_from_db()
    assert notice.read_at is None


def test_signed_out_people_are_sent_to_sign_in():
    answer = Client().get(CENTRE)
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")


def test_mark_all_as_read_is_a_form_with_a_csrf_token(idea, staff, author):
    status_change(idea, staff, Status.UNDER_REVIEW)
    status_change(idea, staff, Status.ACCEPTED)
    neighbour = UserFactory()
    idea_services.idea_follow(idea=idea, user=neighbour)
    status_change(idea, staff, Status.IN_PROGRESS)
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(author)
    page = client.get(CENTRE)
    html = page.content.decode()
    assert 'action="/account/notifications/read/"' in html and "Mark all as read" in html
    assert client.get(f"{CENTRE}read/").status_code == 405
    assert client.post(f"{CENTRE}read/").status_code == 403, "no CSRF token, nothing marked"
    assert Notice.objects.filter(recipient=author, read_at__isnull=True).count() == 3
    token = client.cookies["csrftoken"].value
    answer = client.post(f"{CENTRE}read/", {"csrfmiddlewaretoken": token}, follow=True)
    html = answer.content.decode()
    assert "3 notifications marked as read." in html and "Mark all as read" not in html
    assert not Notice.objects.filter(recipient=author, read_at__isnull=True).exists()
    assert Notice.objects.filter(recipient=neighbour, read_at__isnull=True).count() == 1, "only mine"


def test_the_centre_is_paginated(idea, staff, author):
    for n in range(23):
        status_change(idea, staff, Status.NOT_PURSUED if n % 2 else Status.UNDER_REVIEW)
    client = _signed_in(author)
    first = client.get(CENTRE).content.decode()
    second = client.get(CENTRE + "?page=2").content.decode()
    assert first.count('class="hoest-notice ') == 20 and second.count('class="hoest-notice ') == 3
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    assert client.get(CENTRE + "?page=nonsense").status_code == 200


def _news_of_every_kind(idea, staff, author, programme, district):
    """One more round of news about the author's ideas and dinners: a status change, a merge,
    a hidden comment, and a dinner's confirmation and cancellation."""
    status_change(idea, staff, Status.NOT_PURSUED if idea.status == Status.UNDER_REVIEW else Status.UNDER_REVIEW)
    idea.refresh_from_db()
    duplicate = IdeaFactory(campaign=idea.campaign, author=author)
    with transaction.atomic():
        idea_services.idea_merge(actor=staff, duplicate=duplicate, into=idea)
    comment = idea_services.comment_add(idea=idea, author=author, body="Godt forslag.")
    idea_services.moderation_hide(actor=staff, reason="spam", comment=comment)
    dinner = make_dinner(programme, UserFactory(municipality=programme.municipality), district=district)
    dinner_services.seat_book(dinner=dinner, guest=author)
    dinner_services.dinner_cancel(dinner=dinner, actor=dinner.host, reason="Syg")


def test_the_centres_queries_do_not_grow_with_its_rows(idea, staff, author, municipality,
                                                       django_assert_max_num_queries):
    news = (idea, staff, author, make_programme(municipality), DistrictFactory(municipality=municipality))
    _news_of_every_kind(*news)
    client = _signed_in(author)
    client.get(CENTRE)
    with django_assert_max_num_queries(30) as few:
        page = client.get(CENTRE)
    queries = len(few.captured_queries)  # before the next request empties Django's query log
    assert page.status_code == 200
    kinds = set(Notice.objects.filter(recipient=author).values_list("kind", flat=True))
    assert {"ideas.status_changed", "ideas.merged", "ideas.hidden", "dinners.confirmed", "dinners.cancelled"} <= kinds
    html = page.content.decode()
    assert "Your comment on “Bænke ved åen” has been hidden" in html and "is cancelled" in html
    for _ in range(3):
        _news_of_every_kind(*news)
    client.get(CENTRE)  # the unread count cached again, as before the first count
    with django_assert_max_num_queries(queries):
        page = client.get(CENTRE)
    assert page.content.decode().count('class="hoest-notice ') == 20
