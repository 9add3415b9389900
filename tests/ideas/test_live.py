"""Live groups of ideas: who may listen, and what they hear after a commit."""
import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from ideas import services
from ideas.models import Idea, Visibility
from tests.asgi_server import serve_asgi
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def cookie_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


async def can_connect(host, path, cookie=None) -> bool:
    headers = {"Origin": f"http://{host}", **({"Cookie": cookie} if cookie else {})}
    try:
        async with connect(f"ws://{host}{path}", additional_headers=headers):
            return True
    except InvalidStatus:
        return False


def test_who_may_join_which_group(idea, citizen, moderator, municipality):
    hidden = Idea.objects.create(municipality=municipality, campaign=idea.campaign, author=citizen,
                                 title="Skjult", body="x", visibility=Visibility.HIDDEN)
    others_hidden = Idea.objects.create(municipality=municipality, campaign=idea.campaign, author=moderator,
                                        title="Også skjult", body="x", visibility=Visibility.HIDDEN)
    citizen_cookie, moderator_cookie = cookie_for(citizen), cookie_for(moderator)

    async def scenario(host):
        assert await can_connect(host, f"/ws/ideas/{idea.pk}/")
        assert await can_connect(host, f"/ws/campaigns/{idea.campaign_id}/")
        assert not await can_connect(host, f"/ws/ideas/{hidden.pk + 100}/")
        assert not await can_connect(host, f"/ws/ideas/{others_hidden.pk}/", citizen_cookie)
        assert await can_connect(host, f"/ws/ideas/{others_hidden.pk}/", moderator_cookie)
        assert await can_connect(host, f"/ws/ideas/{hidden.pk}/", citizen_cookie), "authors see their own"
        assert not await can_connect(host, f"/ws/moderation/{municipality.pk}/")
        assert not await can_connect(host, f"/ws/moderation/{municipality.pk}/", citizen_cookie)
        assert await can_connect(host, f"/ws/moderation/{municipality.pk}/", moderator_cookie)

    with serve_asgi() as host:
        asyncio.run(scenario(host))


def test_support_and_comment_are_heard_on_the_idea_page(idea, citizen):
    async def scenario(host):
        async with connect(f"ws://{host}/ws/ideas/{idea.pk}/",
                           additional_headers={"Origin": f"http://{host}"}) as ws:
            await sync_to_async(services.idea_support)(idea=idea, user=citizen)
            counts = json.loads(await asyncio.wait_for(ws.recv(), 3))
            assert counts == {"event": "idea.counts",
                              "payload": {"idea": idea.pk, "support_count": 1, "comment_count": 0}}
            comment = await sync_to_async(services.comment_add)(idea=idea, author=citizen, body="Hej")
            events = {json.loads(await asyncio.wait_for(ws.recv(), 3))["event"] for _ in range(2)}
            assert events == {"idea.counts", "comment.new"}
            assert comment.pk

    with serve_asgi() as host:
        asyncio.run(scenario(host))


def test_moderation_queue_hears_new_pending_ideas(idea, moderator, municipality, pre_moderated):
    author = UserFactory(municipality=municipality)
    cookie = cookie_for(moderator)

    async def scenario(host):
        async with connect(f"ws://{host}/ws/moderation/{municipality.pk}/",
                           additional_headers={"Origin": f"http://{host}", "Cookie": cookie}) as ws:
            await sync_to_async(services.idea_submit)(author=author, campaign=idea.campaign, title="Ny",
                                                      body="Tekst")
            message = json.loads(await asyncio.wait_for(ws.recv(), 3))
            assert message == {"event": "queue.changed", "payload": {"reason": "idea.submitted"}}

    with serve_asgi() as host:
        asyncio.run(scenario(host))


def test_followers_hear_a_status_change_in_their_own_language(idea, staff):
    follower = UserFactory(preferred_language="en")
    services.idea_follow(idea=idea, user=follower)
    cookie = cookie_for(follower)

    async def scenario(host):
        async with connect(f"ws://{host}/ws/notifications/",
                           additional_headers={"Origin": f"http://{host}", "Cookie": cookie}) as ws:
            await sync_to_async(services.idea_status_change)(actor=staff, idea=idea, to_status="accepted",
                                                             answer="Ja")
            message = json.loads(await asyncio.wait_for(ws.recv(), 3))
            assert message["event"] == "idea.status"
            assert message["payload"]["message"] == f"“{idea.title}” is now: Accepted"
            assert message["payload"]["url"] == f"/ideas/{idea.pk}/"

    with serve_asgi() as host:
        asyncio.run(scenario(host))
