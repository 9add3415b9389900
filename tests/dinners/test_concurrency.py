"""Real simultaneous requests against PostgreSQL: never more confirmed guests than seats."""
import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from dinners import services
from dinners.models import Seat, SeatStatus
from tests.factories import UserFactory, api_token
from tests.services import need_postgres
from tests.wsgi_server import serve_wsgi

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow_tier]


@pytest.fixture(autouse=True)
def _no_throttles(monkeypatch):
    need_postgres()
    from restapi.throttling import WriteRateThrottle

    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {**WriteRateThrottle.THROTTLE_RATES,
                                                              "write": "100000/min"})


def hammer(url: str, tokens: list[str]) -> list[tuple[int, dict]]:
    start = threading.Barrier(len(tokens))

    def post(token):
        request = urllib.request.Request(url, method="POST", data=json.dumps({"diet": ""}).encode(),
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": f"Token {token}"})
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, {}

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        return list(pool.map(post, tokens))


def test_a_hundred_simultaneous_sign_ups_for_the_last_three_seats(dinner, municipality):
    for _ in range(dinner.seats - 3):
        services.seat_book(dinner=dinner, guest=UserFactory(municipality=municipality))
    people = [UserFactory(municipality=municipality) for _ in range(100)]
    tokens = [api_token(p) for p in people]
    with serve_wsgi() as server:
        answers = hammer(f"{server}/api/v1/dinners/dinners/{dinner.pk}/seats/", tokens)
    assert {status for status, _body in answers} == {201}, "every request answered, none failed"
    assert sum(body["status"] == "confirmed" for _s, body in answers) == 3
    assert sum(body["status"] == "waiting" for _s, body in answers) == 97
    assert Seat.objects.filter(dinner=dinner, status=SeatStatus.CONFIRMED).count() == dinner.seats
    assert Seat.objects.filter(dinner=dinner, status=SeatStatus.WAITING).count() == 97


def test_one_persons_simultaneous_sign_ups_give_one_place(dinner, municipality):
    token = api_token(UserFactory(municipality=municipality))
    with serve_wsgi() as server:
        answers = hammer(f"{server}/api/v1/dinners/dinners/{dinner.pk}/seats/", [token] * 30)
    assert {status for status, _body in answers} == {201}
    assert len({body["id"] for _s, body in answers}) == 1
    assert Seat.objects.filter(dinner=dinner).count() == 1
