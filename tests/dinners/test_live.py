"""Free seats update live on the programme and dinner pages; a promoted guest hears it."""
import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from dinners import services
from tests.asgi_server import serve_asgi
from tests.factories import UserFactory

from .conftest import make_dinner

pytestmark = pytest.mark.django_db(transaction=True)


def cookie_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def test_seats_taken_and_freed_are_heard_live_with_counts_only(programme, host, district, municipality):
    dinner = make_dinner(programme, host, district=district, seats=1)
    first, second = UserFactory(municipality=municipality), UserFactory(municipality=municipality)
    second_cookie = cookie_for(second)

    async def scenario(server):
        origin = {"Origin": f"http://{server}"}
        async with connect(f"ws://{server}/ws/dinners/{programme.pk}/", additional_headers=origin) as page, \
                connect(f"ws://{server}/ws/notifications/",
                        additional_headers={**origin, "Cookie": second_cookie}) as inbox:
            seat = await sync_to_async(services.seat_book)(dinner=dinner, guest=first)
            message = json.loads(await asyncio.wait_for(page.recv(), 3))
            assert message == {"event": "dinner.seats", "payload": {
                "dinner": dinner.pk, "seats": 1, "confirmed": 1, "free": 0, "waiting": 0, "status": "approved"}}
            await sync_to_async(services.seat_book)(dinner=dinner, guest=second)
            assert json.loads(await asyncio.wait_for(page.recv(), 3))["payload"]["waiting"] == 1
            await sync_to_async(services.seat_cancel)(seat=seat, actor=first)
            freed = json.loads(await asyncio.wait_for(page.recv(), 3))["payload"]
            assert (freed["confirmed"], freed["waiting"]) == (1, 0), "the waiting guest moved up"
            news = json.loads(await asyncio.wait_for(inbox.recv(), 3))
            assert news["event"] == "dinner.promoted" and news["payload"]["dinner"] == dinner.pk

    with serve_asgi() as server:
        asyncio.run(scenario(server))


def test_an_unknown_programme_cannot_be_listened_to(programme):
    async def scenario(server):
        with pytest.raises(InvalidStatus):
            async with connect(f"ws://{server}/ws/dinners/{programme.pk + 99}/",
                               additional_headers={"Origin": f"http://{server}"}):
                pass

    with serve_asgi() as server:
        asyncio.run(scenario(server))


@pytest.mark.django_db(transaction=True)
def test_a_rush_of_sign_ups_ends_with_the_right_free_seats_on_screen(dinner, guests, monkeypatch):
    """Counted and broadcast at most once a second per dinner, yet never stale at the end."""
    import realtime.broadcast
    import realtime.enqueue
    from config.celery import app
    from dinners import events, services
    from realtime import coalesce

    app.conf.task_always_eager = False  # as in production: a worker runs the booked send
    sent, booked = [], []
    monkeypatch.setattr(events, "send_now", lambda group, event, payload: sent.append(payload))
    monkeypatch.setattr(realtime.broadcast, "send_now", lambda *args: None)  # the guests' own news
    monkeypatch.setattr(realtime.enqueue, "enqueue_now", lambda *args, **kwargs: True)  # their e-mails
    monkeypatch.setattr(coalesce, "enqueue_now", lambda task, *args, countdown=None: booked.append((task, args)) or True)

    for guest in guests[:8]:  # 6 seats: 6 confirmed, 2 waiting
        services.seat_book(dinner=dinner, guest=guest)

    assert sent[0]["free"] == 5, "the first sign-up moves the number at once"
    assert len(sent) <= 4, "not a count and a broadcast per sign-up (8 take well under 3 s)"
    for task, args in booked:  # what the worker runs a second later
        task(*args)
    assert (sent[-1]["free"], sent[-1]["confirmed"], sent[-1]["waiting"]) == (0, 6, 2)
