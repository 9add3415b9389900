"""Scaling out: two ASGI server processes and a Celery worker share one PostgreSQL and one
Redis (cache, channel layer, broker), and behave as one site.

Nothing a person does may depend on which process served them: a support given through
process A reaches a websocket connected to process B, a ballot cast on A is counted once in
the turnout B reports, and a task queued by A runs on the worker."""
from __future__ import annotations

import asyncio
import json
import time
import urllib.request

import pytest
from asgiref.sync import sync_to_async
from websockets.asyncio.client import connect

from tests.platform.scaling.processes import (
    celery_spec,
    database_url,
    running,
    server_env,
    uvicorn_spec,
)
from tests.services import REDIS_URL, need_postgres, need_redis

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow_tier]


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker):
    """Started once for the module (three processes take ~10 s to boot on this machine);
    each test still gets an emptied database."""
    from django.conf import settings

    need_postgres()
    need_redis()
    with django_db_blocker.unblock():
        url = database_url()
    env = server_env(database_url=url, redis_url=REDIS_URL, SECRET_KEY=settings.SECRET_KEY,
                     API_WRITE_RATE="1000/min")
    with running([uvicorn_spec("web-a", env), uvicorn_spec("web-b", env),
                  celery_spec("worker", {**env, "LOG_LEVEL": "INFO"})]) as processes:
        yield processes


def token_for(user) -> str:
    from tests.factories import api_token

    return api_token(user)


def session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def http(host: str, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://{host}{path}", method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json",
                 "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


async def next_event(ws, name: str, timeout: float = 10.0) -> dict:
    """The next event called `name` (other events on the same group are skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), max(0.1, deadline - time.monotonic())))
        if message["event"] == name:
            return message["payload"]


def test_a_support_through_process_a_reaches_a_websocket_on_process_b(cluster, municipality, citizen):
    from tests.ideas.factories import IdeaFactory

    idea = IdeaFactory(campaign__municipality=municipality)
    token = token_for(citizen)
    a, b = cluster["web-a"].host, cluster["web-b"].host
    assert a != b

    async def scenario():
        async with connect(f"ws://{b}/ws/ideas/{idea.pk}/", additional_headers={"Origin": f"http://{b}"}) as ws:
            status, body = await sync_to_async(http)(a, "POST", f"/api/v1/ideas/{idea.pk}/support/", token)
            assert status in (200, 201), body
            payload = await next_event(ws, "idea.counts")
            assert payload == {"idea": idea.pk, "support_count": 1, "comment_count": 0}
            # The page served by B shows it too (its cache is shared, not per process).
            status, body = await sync_to_async(http)(b, "GET", f"/api/v1/ideas/{idea.pk}/", token)
            assert status == 200 and body["support_count"] == 1

    asyncio.run(scenario())
    idea.refresh_from_db()
    assert idea.support_count == 1


def test_a_ballot_cast_on_a_is_counted_once_in_the_turnout_seen_on_b(cluster, municipality):
    from accounts.models import Role
    from budgets.models import Ballot, Participation
    from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
    from tests.factories import MembershipFactory, UserFactory

    process = BudgetProcessFactory(municipality=municipality)
    for code in ("A", "B", "C"):
        ProjectFactory(process=process, code=code, cost=30_000)
    voter = UserFactory(municipality=municipality, birth_year=1980)
    staff = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF)
    voter_token, staff_token = token_for(voter), token_for(staff)
    a, b = cluster["web-a"].host, cluster["web-b"].host
    ballot_path = f"/api/v1/budgets/{process.pk}/ballot/"
    cookie = session_cookie(staff)

    async def scenario():
        async with connect(f"ws://{b}/ws/budgets/{process.pk}/turnout/",
                           additional_headers={"Origin": f"http://{b}", "Cookie": cookie}) as ws:
            status, body = await sync_to_async(http)(a, "POST", ballot_path, voter_token, {"projects": ["A", "C"]})
            assert status == 201, body
            assert await next_event(ws, "turnout.changed") == {"process": process.pk, "voters": 1}
        # The same voter's request retried through the other process adds no voter.
        await sync_to_async(http)(b, "POST", ballot_path, voter_token, {"projects": ["A", "C"]})
        status, turnout = await sync_to_async(http)(b, "GET", f"/api/v1/budgets/{process.pk}/turnout/", staff_token)
        assert status == 200, turnout
        assert (turnout["voters"], turnout["ballots"]) == (1, 1)

    asyncio.run(scenario())
    assert Ballot.objects.filter(process=process).count() == 1
    assert Participation.objects.filter(process=process).count() == 1


def test_a_task_queued_by_process_a_is_run_by_the_worker(cluster, municipality, citizen):
    from accounts.models import Role
    from ideas.models import StatusChange
    from notify.models import Notice, State
    from tests.ideas.conftest import member
    from tests.ideas.factories import IdeaFactory

    idea = IdeaFactory(campaign__municipality=municipality, author=citizen)
    staff = member(municipality, Role.STAFF)
    a = cluster["web-a"].host
    status, body = http(a, "POST", f"/api/v1/ideas/{idea.pk}/status/", token_for(staff),
                        {"to_status": "accepted", "answer": "Vi gør det."})
    assert status == 200, body
    change = StatusChange.objects.get(idea=idea, to_status="accepted")
    notice = Notice.objects.get(kind="ideas.status_changed", context__change=change.pk)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        notice.refresh_from_db()
        if notice.state != State.QUEUED:
            break
        time.sleep(0.2)
    worker = cluster["worker"]
    assert notice.state == State.SENT, f"the worker did not run the task:\n{worker.output()[-3000:]}"
    # The e-mail went out from the worker (console backend), to the idea's author.
    deadline = time.monotonic() + 10
    while citizen.email not in worker.output() and time.monotonic() < deadline:
        time.sleep(0.2)
    log = worker.output()
    assert "notify.tasks.deliver_notices" in log and "succeeded" in log
    assert citizen.email in log
    assert citizen.email not in cluster["web-a"].output(), "A queued the task, it did not send it"
