"""A double-click or a retried request of the page's sign-up form: real simultaneous
requests of one signed-in person against PostgreSQL give one seat and one e-mail."""
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.test import Client

from dinners.models import Seat
from notify.models import Notice
from tests.factories import UserFactory
from tests.services import need_postgres
from tests.wsgi_server import serve_wsgi

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow_tier]
CSRF_SECRET = "a" * 32  # a well-formed CSRF secret; Django checks the form's token against it


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_a_double_clicked_sign_up_form_gives_one_seat(dinner, municipality):
    need_postgres()
    guest = UserFactory(municipality=municipality)
    client = Client()
    client.force_login(guest)
    cookies = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; " \
              f"{settings.CSRF_COOKIE_NAME}={CSRF_SECRET}"
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": CSRF_SECRET, "diet": "", "needs": ""}).encode()
    opener = urllib.request.build_opener(_NoRedirect())
    clicks = 12
    start = threading.Barrier(clicks)

    def click(url):
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"})
        start.wait()
        try:
            with opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with serve_wsgi() as server, ThreadPoolExecutor(clicks) as pool:
        statuses = list(pool.map(click, [f"{server}/dinners/dinner/{dinner.pk}/book/"] * clicks))
    assert statuses == [302] * clicks, "every click answered with the dinner page"
    seats = Seat.objects.filter(dinner=dinner, guest=guest)
    assert seats.count() == 1
    assert Notice.objects.filter(recipient=guest, context__seat=seats.get().pk).count() == 1, "one confirmation e-mail"
