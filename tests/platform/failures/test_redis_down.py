"""Redis stopped under a running site: pages, idea submission, ballots and seat sign-ups go
on; caching and live updates degrade, logged once; /healthz names what is missing; when
Redis is back everything recovers in the same application process."""
from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

import pytest
from websockets.sync.client import connect

from .conftest import AppServer, Browser, _wait, api_token, app_env, run_python

pytestmark = [pytest.mark.redis, pytest.mark.slow_tier]

REQUEST_ROUNDS = 8


@pytest.fixture(scope="module")
def site(demo_database, private_redis, tmp_path_factory):
    folder = tmp_path_factory.mktemp("redis-down")
    env = app_env(demo_database, private_redis, HOEST_TEST_MAILBOX=str(folder / "mailbox"))
    server = AppServer(env, folder / "server.log")
    server.start()
    yield server
    server.stop()
    if private_redis.process is None:  # a failed test must not leave Redis down for the next
        private_redis.start()


def first(browser: Browser, path: str, **match):
    status, body = browser.api("GET", path)
    assert status == 200, body
    items = body["results"] if isinstance(body, dict) and "results" in body else body
    return next(item for item in items if all(item.get(k) == v for k, v in match.items()))


def expect(answer, *statuses):
    assert answer[0] in statuses, answer
    return answer[1]


def websocket_event(site: AppServer, path: str, trigger, timeout: float = 10) -> dict:
    """Connect to `path`, run `trigger()`, return the first event that arrives."""
    host = site.url.removeprefix("http://")
    with connect(f"ws://{host}{path}", origin=site.url, open_timeout=10) as ws:
        trigger()
        return json.loads(ws.recv(timeout=timeout))


def _live_event_or_none(site, path, trigger):
    try:
        return websocket_event(site, path, trigger, timeout=5)
    except Exception:  # noqa: BLE001 - refused or closed: try again
        return None


def test_pages_and_writes_work_without_redis_and_recover_when_it_returns(site, private_redis, demo_database):
    citizen = Browser(site.url)  # the pages, signed in with a session
    citizen.sign_in("borger@example.dk")
    app = Browser(site.url)  # an API client with a token (no session: no CSRF)
    token = api_token(app, "borger@example.dk")
    campaign = first(citizen, "/api/v1/campaigns/")
    idea = first(citizen, "/api/v1/ideas/")
    process = first(citizen, "/api/v1/budgets/", phase="voting")
    _status, projects = citizen.api("GET", f"/api/v1/budgets/{process['id']}/projects/")
    cheapest = min((p for p in projects if not p.get("election")), key=lambda p: p["cost"])  # citywide ballot
    dinner_id = run_python(site.env, (
        "from dinners.models import Dinner\n"
        "print(next(d.pk for d in Dinner.objects.filter(programme__municipality__slug='aarhus')"
        ".exclude(host__email='borger@example.dk').order_by('pk') if d.is_bookable))"))
    status, body = citizen.api("GET", "/healthz")
    assert status == 200, body
    # Live updates work while Redis runs: a support reaches the idea's websocket.
    event = websocket_event(site, f"/ws/ideas/{idea['id']}/",
                            lambda: expect(app.api("POST", f"/api/v1/ideas/{idea['id']}/support/", token), 200, 201))
    assert event["event"] == "idea.counts"
    # A page left open through the outage: its socket stays open (the pub/sub layer keeps
    # the group in the process) and must hear events again once Redis is back.
    host = site.url.removeprefix("http://")
    sockets = contextlib.ExitStack()
    kept = sockets.enter_context(connect(f"ws://{host}/ws/ideas/{idea['id']}/", origin=site.url, open_timeout=10))
    expect(app.api("DELETE", f"/api/v1/ideas/{idea['id']}/support/", token), 200, 204)
    assert json.loads(kept.recv(timeout=5))["event"] == "idea.counts"

    private_redis.stop()
    submitted, receipts, slowest = [], [], 0.0
    for n in range(REQUEST_ROUNDS):
        started = time.monotonic()
        for path in ("/", "/ideas/", f"/ideas/{idea['id']}/", f"/ideas/campaigns/{campaign['id']}/"):
            status, _headers, page = citizen.get(path)
            assert status == 200, (path, status, page[:300])
        # Signed in (the session is read through the cache) with the page form and CSRF.
        title = f"Bænke ved åen, forslag {n}"
        status, headers, page = citizen.post("/ideas/new/", {
            "campaign": campaign["id"], "title": title,
            "body": "Flere bænke langs åen, så ældre kan hvile sig på turen."})
        assert status == 302, page[:500]
        submitted.append(title)
        # Through the API with a token (throttles count in the cache).
        status, body = app.api("POST", "/api/v1/ideas/", token, {
            "campaign": campaign["id"], "title": f"API {title}", "body": "Skrevet gennem API'et under udfaldet."})
        assert status == 201, body
        submitted.append(f"API {title}")
        status, body = app.api("POST", f"/api/v1/budgets/{process['id']}/ballot/", token,
                                   {"projects": [cheapest["code"]]})
        assert status == 201, body
        receipts.append(body["receipt"])
        slowest = max(slowest, time.monotonic() - started)
    assert slowest < 10, f"a round of requests took {slowest:.1f} s without Redis"
    # Signing in works too (failed-login counters and the session cache are in Redis).
    newcomer = Browser(site.url)
    newcomer.sign_in("staff@example.dk")
    status, _headers, page = newcomer.get("/account/")
    assert status == 200, (status, page[:300])  # signed in: no redirect to the login page
    # A seat sign-up owes an e-mail: the broker is down, so the notice waits in the database.
    status, seat = app.api("POST", f"/api/v1/dinners/dinners/{dinner_id}/seats/", token, {"diet": ""})
    assert status == 201, seat

    status, health = citizen.api("GET", "/healthz")
    assert status == 503
    assert set(health["failing"]) == {"cache", "channel_layer", "broker"}, health
    assert health["checks"]["database"] == "ok"
    # A websocket cannot join its group without the channel layer: refused, not hanging.
    with pytest.raises(Exception):  # noqa: B017 - any refusal of the handshake will do
        websocket_event(site, f"/ws/ideas/{idea['id']}/", lambda: None, timeout=3)

    # Logged once per outage, not per request; nothing turned into a server error.
    log = site.log()
    assert log.count("Redis cache unavailable") == 1, log
    assert log.count("Internal Server Error") == 0, log

    private_redis.start()
    _wait(lambda: citizen.api("GET", "/healthz")[0] == 200, 15, "/healthz to recover")
    # The socket opened before the outage hears the next event, without reconnecting: the
    # process's subscriber connection came back and subscribed to the group again.
    expect(app.api("POST", f"/api/v1/ideas/{idea['id']}/support/", token), 200, 201)
    event = json.loads(kept.recv(timeout=10))
    assert event["event"] == "idea.counts", event
    expect(app.api("DELETE", f"/api/v1/ideas/{idea['id']}/support/", token), 200, 204)
    assert json.loads(kept.recv(timeout=10))["event"] == "idea.counts"
    sockets.close()
    # The page's script reconnects with a pause, as this loop does; the socket gets live
    # updates again from the same application process.
    event = _wait(lambda: _live_event_or_none(
        site, f"/ws/ideas/{idea['id']}/",
        lambda: expect(app.api("POST", f"/api/v1/ideas/{idea['id']}/support/", token), 200, 201)),
        15, "a websocket to connect again", interval=1)
    assert event["event"] == "idea.counts"
    log = site.log()
    for service in ("Redis cache", "channel layer", "Celery broker"):
        assert log.count(f"{service} unavailable") == 1, log
    for service in ("Redis cache", "channel layer"):
        assert log.count(f"{service} available again") == 1, log
    assert "Traceback" not in log and "Internal Server Error" not in log, log
    # A declined socket is no error either (not "ASGI callable returned without ..."); the
    # only errors logged are /healthz's 503 answers.
    errors = [line for line in log.splitlines() if " ERROR " in line or line.startswith("ERROR")]
    assert all("Service Unavailable: /healthz" in line for line in errors), errors
    assert "ASGI callable" not in log, log

    # Everything written during the outage is there: every idea, and the last ballot counted.
    found = run_python(site.env, (
        "import json; from ideas.models import Idea\n"
        f"print(json.dumps(sorted(Idea.objects.filter(title__in={submitted!r}).values_list('title', flat=True))))"))
    assert found == sorted(submitted)
    status, verified = app.api("POST", f"/api/v1/budgets/{process['id']}/verify/", token,
                                   {"receipt": receipts[-1]})
    assert status == 200 and verified["counted"] is True, verified
    # The sign-up's e-mail was not lost with the broker: the sweep sends it, once.
    mailbox = site.env["HOEST_TEST_MAILBOX"]
    assert run_python(site.env, (
        "from notify.tasks import deliver_due\n"
        "print(deliver_due(older_than_seconds=0))")) >= 1
    assert run_python(site.env, "from notify.tasks import deliver_due\nprint(deliver_due(older_than_seconds=0))") == 0
    keys = [line.split("\t")[0] for line in Path(mailbox).read_text().splitlines()]
    assert f"{'confirmed' if seat['status'] == 'confirmed' else 'waiting'}:{seat['id']}" in keys, keys
    assert len(keys) == len(set(keys)), keys
