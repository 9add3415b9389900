"""PostgreSQL restarted while people read and write: requests during the outage get a clear
503 (a page, or the API's JSON error), never a 500; nothing is half written; the same
application process serves normally again once PostgreSQL is back.

Run against both ways Høst serves HTTP: uvicorn (ASGI, the psycopg pool) and granian
(WSGI, persistent connections per thread), each checking a connection before using it."""
from __future__ import annotations

import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import redis
from django.utils import translation

from .conftest import AppServer, Browser, _wait, api_token, app_env, run_python

pytestmark = pytest.mark.slow_tier  # starts servers or processes

CLIENTS = 3
# Longer than the pool waits for a connection under ASGI (10 s): such requests answer 503 too.
OUTAGE_SECONDS = 12


def log_errors(log: str) -> str:
    """The server log's error records, each with its traceback (the log is long; its tail
    may not hold them)."""
    lines = log.splitlines()
    starts = [n for n, line in enumerate(lines) if " ERROR " in line and "Service Unavailable:" not in line]
    records = []
    for n in starts[:3]:
        end = next((k for k in range(n + 1, len(lines)) if lines[k][:2] == "20"), len(lines))  # the next record
        record = lines[n:end]
        # a template's traceback is deep: its head says where, its tail says what was raised
        records.append("\n".join(record if len(record) <= 50 else [*record[:10], "...", *record[-30:]]))
    return "\n".join(records) or log[-3000:]


@dataclass
class Answer:
    kind: str
    marker: str
    status: int
    content_type: str
    body: bytes
    sent_at: float


class Traffic:
    """A steady stream of reads and writes from a few people, until stopped."""

    def __init__(self, site: AppServer, *, campaign: int, idea: int, tag: str):
        self.site, self.campaign, self.idea, self.tag = site, campaign, idea, tag
        self.answers: list[Answer] = []
        self.stop = threading.Event()
        self.counter = itertools.count()
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []

    def signed_in(self) -> tuple[Browser, Browser, str]:
        page = Browser(self.site.url)
        page.sign_in("borger@example.dk")
        api = Browser(self.site.url)
        return page, api, api_token(api, "borger@example.dk")

    def person(self, number: int, page: Browser, api: Browser, token: str) -> None:
        kinds = itertools.cycle(["page", "api_read", "api_idea", "form_idea", "api_comment"])
        while not self.stop.is_set():
            kind, n = next(kinds), next(self.counter)
            marker = f"{self.tag}-{number}-{n}"
            sent_at = time.monotonic()
            if kind == "page":
                status, headers, body = page.get("/ideas/")
            elif kind == "api_read":
                status, headers, body = api.request("GET", f"/api/v1/ideas/{self.idea}/",
                                                    headers={"Authorization": f"Token {token}"})
            elif kind == "api_idea":
                status, headers, body = api.request(
                    "POST", "/api/v1/ideas/", headers={"Authorization": f"Token {token}"},
                    json_body={"campaign": self.campaign, "title": marker, "body": f"Idé {marker} om cykelstier."})
            elif kind == "form_idea":
                status, headers, body = page.post("/ideas/new/", {
                    "campaign": self.campaign, "title": marker, "body": f"Idé {marker} om bænke ved åen."})
            else:
                status, headers, body = api.request(
                    "POST", f"/api/v1/ideas/{self.idea}/comments/", headers={"Authorization": f"Token {token}"},
                    json_body={"body": f"Kommentar {marker}"})
            with self.lock:
                self.answers.append(Answer(kind, marker, status, headers.get("content-type", ""), body, sent_at))
            time.sleep(0.05)

    def __enter__(self):
        # Signed in one after another: a process checks one password at a time on this
        # machine and refuses a second at once (accounts.passwords), which is not what this
        # test is about.
        people = [self.signed_in() for _ in range(CLIENTS)]
        self.threads = [threading.Thread(target=self.person, args=(n, *people[n]), daemon=True)
                        for n in range(CLIENTS)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


@pytest.mark.parametrize("interface", ["asgi", "wsgi"])
def test_requests_during_a_postgres_restart_fail_cleanly_and_the_site_recovers(
        interface, demo_database, private_redis, tmp_path):
    # The same demo citizen signs in a dozen times per run: the first run's login counters
    # (per account, in the private Redis) would refuse the second run's traffic.
    redis.Redis(port=private_redis.port).flushall()
    site = AppServer(app_env(demo_database, private_redis, HOEST_TEST_MAILBOX=str(tmp_path / "mailbox")),
                     tmp_path / "server.log", interface=interface)
    site.start()
    try:
        reader = Browser(site.url)
        person = Browser(site.url)
        person.sign_in("borger@example.dk")
        campaign = next(c for c in reader.api("GET", "/api/v1/campaigns/")[1]["results"])
        idea = reader.api("GET", "/api/v1/ideas/")[1]["results"][0]
        with Traffic(site, campaign=campaign["id"], idea=idea["id"], tag=f"pg-{interface}") as traffic:
            _wait(lambda: len(traffic.answers) >= 20, 60, "traffic to flow")
            demo_database.stop()
            down_at = time.monotonic()
            # A person opening a page and an app reading the API while it is down.
            with ThreadPoolExecutor(2) as pool:
                page_during = pool.submit(person.get, "/ideas/")
                api_during = pool.submit(reader.api, "GET", "/api/v1/ideas/")
                page_during, api_during = page_during.result(), api_during.result()
            time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down_at)))
            demo_database.start()
            up_at = time.monotonic()
            # The same process recovers by itself: keep the traffic going a while.
            _wait(lambda: sum(a.sent_at > up_at + 2 for a in traffic.answers) >= 20, 90,
                  "traffic after the restart")
        log = site.log()
    finally:
        site.stop()

    status, headers, page = page_during
    assert status == 503 and headers["content-type"].startswith("text/html"), (status, page[:500])
    with translation.override("da"):  # the site's default language, as the page is served
        assert translation.gettext("Høst is briefly unavailable").encode() in page, page[:500]
    assert headers["retry-after"] == "30"
    with translation.override("da"):  # the API answers in Danish unless asked otherwise
        expected_detail = translation.gettext("The service is briefly unavailable. Please try again in a minute.")
    assert api_during == (503, {"detail": expected_detail,
                                "code": "service_unavailable", "fields": {}}), api_during
    answers = traffic.answers
    assert {a.marker.split("-")[-2] for a in answers} == {str(n) for n in range(CLIENTS)}, \
        "every person of the traffic signed in and sent requests"
    statuses = {a.status for a in answers}
    # On failure: which requests answered otherwise, and the server's errors in full.
    assert statuses <= {200, 201, 302, 503}, "\n".join(
        [f"{a.kind} {a.marker} at {a.sent_at - down_at:+.1f} s of the outage: {a.status} {a.body[:300]!r}"
         for a in answers if a.status not in {200, 201, 302, 503}] + [log_errors(log)])
    # Requests cut off by the shutdown or sent while it is down answer 503; under ASGI a
    # request sent near the end of the outage may instead wait for the pool and succeed.
    assert any(a.status == 503 for a in answers), "the outage was seen by the traffic"
    for answer in answers:
        if answer.status != 503:
            continue
        if answer.kind.startswith("api"):
            assert answer.content_type.startswith("application/json"), answer
            assert b'"code": "service_unavailable"' in answer.body or b'"code":"service_unavailable"' in answer.body
        else:
            assert answer.content_type.startswith("text/html"), answer
            assert b"<h1>" in answer.body and b"Traceback" not in answer.body
    after = [a for a in answers if a.sent_at > up_at + 2]
    assert after and all(a.status in {200, 201, 302} for a in after), \
        [(a.kind, a.status, a.body[:200]) for a in after if a.status not in {200, 201, 302}]
    assert "Internal Server Error" not in log, log[-3000:]
    # Logged once per process when it starts (granian runs two workers), not per request.
    assert 1 <= log.count("database unavailable") <= 2 and "Traceback" not in log, log[-3000:]

    # Nothing half written: each idea that exists is whole, and each 2xx/3xx write made
    # exactly its object; the comment counter matches the comments.
    made = run_python(site.env, (
        "import json\n"
        "from ideas.models import Comment, Follow, Idea\n"
        f"tag = 'pg-{interface}-'\n"
        "ideas = {i.title: [bool(i.body), bool(i.body_html), i.search_vector is not None,"
        "  Follow.objects.filter(idea=i, user=i.author).exists()] for i in Idea.objects.filter(title__startswith=tag)}\n"
        "comments = list(Comment.objects.filter(body__startswith='Kommentar ' + tag).values_list('body', flat=True))\n"
        f"idea = Idea.objects.get(pk={idea['id']})\n"
        "counted = [idea.comment_count, Comment.objects.filter(idea=idea, visibility='visible').count()]\n"
        "print(json.dumps({'ideas': ideas, 'comments': comments, 'counted': counted}))"))
    for title, parts in made["ideas"].items():
        assert all(parts), f"idea {title} is half written: {parts}"
    for answer in answers:
        if answer.kind in {"api_idea", "form_idea"} and answer.status in {201, 302}:
            assert answer.marker in made["ideas"], answer
        if answer.kind == "api_comment" and answer.status == 201:
            assert made["comments"].count(f"Kommentar {answer.marker}") == 1, answer
    assert len(made["comments"]) == len(set(made["comments"]))
    assert made["counted"][0] == made["counted"][1], made["counted"]
