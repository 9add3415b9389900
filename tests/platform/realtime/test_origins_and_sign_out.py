"""Who may hold a websocket: the page's origin on scheme, host and port, and only while its
session is signed in (an attacker found both missing: a page on another port of an allowed
host was let in, and an open socket kept hearing staff events after signing out)."""
import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from realtime.broadcast import send_now
from realtime.origins import origin_allowed
from realtime.sessions import SIGNED_OUT
from tests.factories import UserFactory

TRUSTED = "https://hoest.example.dk"


def scope(origin, host="testserver", scheme="ws", **headers):
    pairs = [(b"host", host.encode())] + ([(b"origin", origin.encode())] if origin is not None else [])
    pairs += [(name.encode(), value.encode()) for name, value in headers.items()]
    return {"type": "websocket", "scheme": scheme, "headers": pairs}


@pytest.mark.parametrize(("origin", "host", "scheme", "allowed"), [
    ("http://testserver", "testserver", "ws", True),
    ("http://testserver:80", "testserver", "ws", True),
    ("http://testserver:9999", "testserver", "ws", False),  # the finding: the port was ignored
    ("http://TestServer", "testserver", "ws", True),
    ("https://testserver", "testserver", "ws", False),  # the connection is not TLS
    ("https://testserver", "testserver", "wss", True),
    ("https://testserver:8443", "testserver", "wss", False),
    ("http://127.0.0.1:8000", "127.0.0.1:8000", "ws", True),
    ("http://127.0.0.1:9999", "127.0.0.1:8000", "ws", False),
    ("http://127.0.0.1", "127.0.0.1:8000", "ws", False),
    ("http://[::1]:8000", "[::1]:8000", "ws", True),
    ("http://evil.example", "testserver", "ws", False),
    ("http://evil.example", "evil.example", "ws", False),  # a Host outside ALLOWED_HOSTS
    ("http://testserver.evil.example", "testserver", "ws", False),
    ("null", "testserver", "ws", False),
    ("file://testserver", "testserver", "ws", False),
    ("http://testserver:abc", "testserver", "ws", False),
    (None, "testserver", "ws", False),
])
def test_the_origin_must_be_the_connections_own(settings, origin, host, scheme, allowed):
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "[::1]"]
    settings.CSRF_TRUSTED_ORIGINS = []
    assert origin_allowed(scope(origin, host, scheme)) is allowed


@pytest.mark.parametrize(("origin", "trusted", "allowed"), [
    (TRUSTED, [TRUSTED], True),
    (TRUSTED + ":443", [TRUSTED], True),
    (TRUSTED + ":8443", [TRUSTED], False),
    ("http://hoest.example.dk:9999", [TRUSTED], False),
    ("https://www.hoest.example.dk", [TRUSTED], False),
    ("https://www.hoest.example.dk", ["https://*.hoest.example.dk"], True),
    ("https://www.hoest.example.dk:8443", ["https://*.hoest.example.dk"], False),
    ("https://evilhoest.example.dk", ["https://*.hoest.example.dk"], False),
    ("https://hoest.example.dk:8443", ["https://hoest.example.dk:8443"], True),
])
def test_csrf_trusted_origins_are_compared_with_their_port(settings, origin, trusted, allowed):
    """Behind the proxy (docker-compose), uvicorn sees ws:// and the Host without a port;
    the site's https origin is then allowed as one of CSRF_TRUSTED_ORIGINS (README)."""
    settings.ALLOWED_HOSTS = ["hoest.example.dk", ".hoest.example.dk"]
    settings.CSRF_TRUSTED_ORIGINS = trusted
    assert origin_allowed(scope(origin, "hoest.example.dk", "ws")) is allowed


def test_the_proxy_header_makes_the_connection_secure(settings):
    settings.ALLOWED_HOSTS = ["hoest.example.dk"]
    settings.CSRF_TRUSTED_ORIGINS = []
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    forwarded = {"x-forwarded-proto": "https"}
    assert origin_allowed(scope(TRUSTED, "hoest.example.dk", "ws", **forwarded))
    assert not origin_allowed(scope("http://hoest.example.dk", "hoest.example.dk", "ws", **forwarded))
    assert not origin_allowed(scope(TRUSTED, "hoest.example.dk", "ws"))


# --- through the application (config.asgi), with channels' WebsocketCommunicator --------------

def communicator(path, origin="http://testserver", cookie=None):
    from config.asgi import application

    headers = [(b"host", b"testserver"), (b"origin", origin.encode())]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, path, headers=headers)


@pytest.fixture
def fresh_layer():
    """A channel layer belongs to one event loop; each test's asyncio.run gets its own."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.mark.django_db(transaction=True)
def test_a_page_on_another_port_of_an_allowed_host_cannot_open_a_socket(fresh_layer):
    from tests.ideas.factories import CampaignFactory

    campaign = CampaignFactory()

    async def scenario():
        other_port = communicator(f"/ws/campaigns/{campaign.pk}/", origin="http://testserver:9999")
        connected, _code = await other_port.connect()
        assert not connected
        own = communicator(f"/ws/campaigns/{campaign.pk}/")
        connected, _code = await own.connect()
        assert connected
        await own.disconnect()

    asyncio.run(scenario())


def sessionid(browser: Client, user) -> str:
    browser.force_login(user)
    return f"sessionid={browser.cookies['sessionid'].value}"


@pytest.mark.django_db(transaction=True)
def test_signing_out_closes_the_sockets_of_that_session_only(municipality, fresh_layer):
    from accounts.models import Role
    from ideas.services.events import moderation_group
    from tests.factories import MembershipFactory

    moderator = UserFactory(municipality=municipality)
    MembershipFactory(user=moderator, municipality=municipality, role=Role.MODERATOR)
    this_browser, other_browser = Client(), Client()
    path = f"/ws/moderation/{municipality.pk}/"
    event = {"event": "queue.changed", "payload": {"reason": "flag"}}

    cookies = sessionid(this_browser, moderator), sessionid(other_browser, moderator)

    async def scenario():
        mine, theirs = (communicator(path, cookie=cookie) for cookie in cookies)
        assert (await mine.connect())[0] and (await theirs.connect())[0]

        response = await sync_to_async(this_browser.post)(reverse("account_logout"))
        assert response.status_code == 302
        assert await mine.receive_output(timeout=3) == {"type": "websocket.close", "code": SIGNED_OUT}
        await mine.disconnect()

        assert await sync_to_async(send_now)(moderation_group(municipality.pk), event["event"], event["payload"])
        assert await theirs.receive_json_from(timeout=3) == event, "still signed in over there"
        assert await mine.receive_nothing(), "nothing more for the signed-out socket"
        await theirs.disconnect()

    asyncio.run(scenario())
