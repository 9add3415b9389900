"""The count of an opened ballot box runs in the background (budgets.counting): the council's
page, the comparison API and the approval wait for it without waiting in a request, and a
count never answers for ballots, costs or rules it was not made from."""
import logging
import threading
import time

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from budgets import comparison, counting, phases, results, services
from budgets.models import CountState, ElectionCount, Phase, Project, Result
from budgets.tasks import count_election
from notify.selectors import unread_key
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory, open_box, process_outcome
from tests.factories import UserFactory, sign_in_recently
from tests.services import REDIS_URL, need_postgres, need_redis

BALLOTS = (["A"], ["A", "C"], ["B", "C"], ["C", "D"], ["D"])


@pytest.fixture
def voted(process, municipality):
    for codes in BALLOTS:
        services.ballot_cast(process=process, user=UserFactory(municipality=municipality), choice={"projects": codes})
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    process.refresh_from_db()
    return process


@pytest.fixture
def worker(monkeypatch):
    """Celery as in production: the count is queued to a worker once the transaction commits.
    The queued count ids are collected here; the test runs them as the worker would."""
    monkeypatch.setitem(count_election.app.conf, "task_always_eager", False)
    queued = []

    def enqueue_now(task, *args, countdown=None):
        assert task is count_election
        queued.append(args[0])
        return True

    monkeypatch.setattr(counting, "enqueue_now", enqueue_now)
    return queued


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user=user)
    return api


def test_the_council_sees_the_count_running_then_the_comparison_and_approves_only_when_it_is_done(
        client, voted, council, worker, django_capture_on_commit_callbacks):
    process = voted
    open_box(process, council)
    sign_in_recently(client, council)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(reverse("budgets:council", args=[process.pk]))
    assert len(worker) == 1, "the council's first look queued the count of the one election"
    assert ElectionCount.objects.get(process=process).state == CountState.COUNTING
    with translation.override("da"):
        running = translation.gettext("The ballots are being counted")
        table = translation.gettext("The rules side by side")
    assert running in page.content.decode() and table not in page.content.decode()
    answer = api_for(council).get(f"/api/v1/budgets/{process.pk}/comparison/")
    assert answer.status_code == 202 and answer["Retry-After"] == "30"
    assert answer.json()["code"] == "counting" and answer.json()["started_at"]

    # Approving now is refused with the reason, and nothing is decided.
    refused = client.post(reverse("budgets:council", args=[process.pk]), {"decision": "approved"})
    assert refused.status_code == 200
    with translation.override("da"):
        still = translation.gettext("The ballots of %(election)s are still being counted (a large election takes a "
                                    "few minutes). Approve when the comparison is shown.") % {
            "election": translation.gettext("Citywide")}
    assert still in refused.content.decode()
    assert not Result.objects.filter(process=process).exists()
    process.refresh_from_db()
    assert process.phase == Phase.COUNCIL_REVIEW
    assert len(worker) == 1, "looking again did not queue the count again"

    assert count_election.run(worker[0]) == "done"  # the worker
    page = client.get(reverse("budgets:council", args=[process.pk])).content.decode()
    assert table in page and running not in page
    comparison = api_for(council).get(f"/api/v1/budgets/{process.pk}/comparison/").json()
    expected, chosen = process_outcome(process=process)
    assert comparison["rules"][0]["rule"] == expected.rule
    assert comparison["rules"][0]["selected"] == sorted(chosen)

    approved = client.post(reverse("budgets:council", args=[process.pk]), {"decision": "approved"})
    assert approved.status_code == 302
    result = Result.objects.get(process=process)
    assert result.selected_codes == chosen and result.spent == expected.spent
    assert results.result_check(process).state == "verified"
    assert len(worker) == 1


def test_a_count_is_made_again_when_what_it_counted_changes_but_not_for_a_title(voted, council):
    process = voted
    open_box(process, council)
    api = api_for(council)
    api.get(f"/api/v1/budgets/{process.pk}/comparison/")  # the embedded defaults: counted at once
    row = ElectionCount.objects.get(process=process)
    assert row.state == CountState.DONE
    greedy = next(r for r in row.comparison["rules"] if r["rule"] == "greedy")
    assert set(greedy["selected"]) == {"C", "D", "B"}

    Project.objects.filter(process=process, code="A").update(title="Et nyt navn")
    comparison = api.get(f"/api/v1/budgets/{process.pk}/comparison/").json()
    assert {"code": "A", "title": "Et nyt navn"}.items() <= comparison["projects"][0].items()
    assert ElectionCount.objects.get(process=process).started_at == row.started_at, "a title is not counted again"

    # B becomes too dear to fit next to C and D: the count is made again, never served stale.
    Project.objects.filter(process=process, code="B").update(cost=90_000)
    comparison = api.get(f"/api/v1/budgets/{process.pk}/comparison/").json()
    greedy = next(r for r in comparison["rules"] if r["rule"] == "greedy")
    assert greedy["selected"] == ["C", "D"]
    again = ElectionCount.objects.get(process=process)
    assert again.started_at > row.started_at and again.inputs != row.inputs


def test_a_stale_count_is_not_approved(voted, council, worker, django_capture_on_commit_callbacks):
    """Costs changed after the count: the approval refuses, and the new count is queued."""
    process = voted
    open_box(process, council)
    with django_capture_on_commit_callbacks(execute=True):
        counting.election_count(process, counting.BudgetElection(process))
    count_election.run(worker[0])
    Project.objects.filter(process=process, code="B").update(cost=90_000)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as refused:
        results.council_review(process=process, member=council, decision="approved")
    assert "decision" in refused.value.message_dict
    assert not Result.objects.filter(process=process).exists()
    assert len(worker) == 2, "the approval's look queued the new count"
    count_election.run(worker[1])
    results.council_review(process=process, member=council, decision="approved")
    assert Result.objects.get(process=process).selected_codes == process_outcome(process=process)[1]


def test_a_failed_count_is_logged_shown_and_blocks_the_approval(
        client, voted, council, monkeypatch, caplog):
    process = voted

    def broken(**kwargs):
        raise ZeroDivisionError("a bug in a rule")

    monkeypatch.setattr(comparison, "rule_comparison", broken)
    open_box(process, council)
    with caplog.at_level(logging.ERROR, logger="budgets.comparison"):
        answer = api_for(council).get(f"/api/v1/budgets/{process.pk}/comparison/")
    assert ElectionCount.objects.get(process=process).state == CountState.FAILED
    assert "ZeroDivisionError" in caplog.text, "the developers are told"
    assert answer.status_code == 500 and answer.json()["code"] == "count_failed"
    sign_in_recently(client, council)
    page = client.get(reverse("budgets:council", args=[process.pk])).content.decode()
    with translation.override("da"):
        assert translation.gettext("The count of this election failed, so the result cannot be approved. "
                                   "The site's developers have been told.") in page
    with pytest.raises(ValidationError):
        results.council_review(process=process, member=council, decision="approved")


def test_with_the_broker_away_the_next_look_starts_the_count(
        voted, council, monkeypatch, django_capture_on_commit_callbacks):
    process = voted
    monkeypatch.setitem(count_election.app.conf, "task_always_eager", False)
    monkeypatch.setattr(counting, "enqueue_now", lambda task, *args, countdown=None: False)
    open_box(process, council)
    with django_capture_on_commit_callbacks(execute=True):
        assert counting.election_count(process, counting.BudgetElection(process)).state == CountState.COUNTING
    assert not ElectionCount.objects.filter(process=process).exists(), "no count says it runs when none does"
    queued = []
    monkeypatch.setattr(counting, "enqueue_now", lambda task, *args, countdown=None: queued.append(args) or True)
    with django_capture_on_commit_callbacks(execute=True):
        assert counting.election_count(process, counting.BudgetElection(process)).state == CountState.COUNTING
    assert len(queued) == 1


@pytest.mark.slow_tier
@pytest.mark.django_db(transaction=True)
def test_council_members_looking_at_once_start_one_count(process, municipality, council, monkeypatch):
    """Real concurrent looks on their own PostgreSQL connections: one count is queued."""
    need_postgres()
    for codes in BALLOTS:
        services.ballot_cast(process=process, user=UserFactory(municipality=municipality), choice={"projects": codes})
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    monkeypatch.setitem(count_election.app.conf, "task_always_eager", False)
    queued = []
    monkeypatch.setattr(counting, "enqueue_now", lambda task, *args, countdown=None: queued.append(args) or True)
    process.refresh_from_db()
    open_box(process, council)
    looks = 6
    barrier = threading.Barrier(looks)
    states, errors = [], []

    def look():
        try:
            barrier.wait()
            states.append(counting.election_count(process, counting.BudgetElection(process)).state)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=look) for _ in range(looks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert states == [CountState.COUNTING] * looks
    assert len(queued) == 1 and ElectionCount.objects.filter(process=process).count() == 1


def test_the_council_page_shows_a_done_count_in_queries_that_do_not_grow_with_ballots_or_projects(
        client, municipality, council, django_assert_max_num_queries, settings):
    # The session and the header's unread count are cached: in this process only, so that
    # nothing else using the Redis database changes what the two requests find there.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    def counted(projects: int, voters: int) -> str:
        process = BudgetProcessFactory(municipality=municipality)
        for n in range(projects):
            ProjectFactory(process=process, code=f"P{n}", cost=10_000, title=f"Projekt {n}")
        for n in range(voters):
            services.ballot_cast(process=process, user=UserFactory(municipality=municipality),
                                 choice={"projects": [f"P{n % projects}", f"P{(n + 1) % projects}"]})
        phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
        open_box(process, council)
        url = reverse("budgets:council", args=[process.pk])
        assert client.get(url).status_code == 200  # counted at this first look
        return url

    sign_in_recently(client, council)
    small = counted(projects=2, voters=2)
    cache.delete(unread_key(council.pk))  # both requests count it
    with django_assert_max_num_queries(60) as first:
        page = client.get(small).content.decode()
    assert "Projekt 1" in page
    queries = len(first.captured_queries)  # the next request clears Django's query log
    large = counted(projects=12, voters=30)
    cache.delete(unread_key(council.pk))
    with django_assert_max_num_queries(queries):
        page = client.get(large).content.decode()
    assert "Projekt 11" in page


@pytest.mark.slow_tier
@pytest.mark.django_db(transaction=True)
def test_the_count_travels_through_the_real_broker_to_a_worker(client, process, municipality, council, monkeypatch):
    """As in production: the council's look queues the count in Redis, a worker makes it."""
    need_postgres()
    need_redis()
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    for codes in BALLOTS:
        services.ballot_cast(process=process, user=UserFactory(municipality=municipality), choice={"projects": codes})
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    open_box(process, council)
    sign_in_recently(client, council)
    url = reverse("budgets:council", args=[process.pk])
    with translation.override("da"):
        table = translation.gettext("The rules side by side")
    app.conf.task_always_eager = False
    app.conf.broker_url = REDIS_URL

    def in_the_request(count_id):
        raise AssertionError("counted in the request, not by the worker")

    monkeypatch.setattr(counting, "count_run", in_the_request)  # the worker's task calls its own
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            client.get(url)  # the first look queues the count
            deadline = time.monotonic() + 30
            while ElectionCount.objects.get(process=process).state == CountState.COUNTING:
                assert time.monotonic() < deadline, "the worker never made the count"
                time.sleep(0.1)
    finally:
        app.conf.task_always_eager = True
    assert ElectionCount.objects.get(process=process).state == CountState.DONE
    assert table in client.get(url).content.decode()


def test_the_preferences_read_one_row_per_pair_of_rules():
    comparison = {
        "rules": [{"rule": "greedy", "selected": ["C", "D", "B"]}, {"rule": "mes", "selected": ["C", "A"]},
                  {"rule": "equalshares/add1", "selected": ["A", "C"]}],
        "pairwise": [{"a": "greedy", "b": "mes", "voters": 3}, {"a": "mes", "b": "greedy", "voters": 2},
                     {"a": "greedy", "b": "equalshares/add1", "voters": 3},
                     {"a": "equalshares/add1", "b": "greedy", "voters": 2},
                     {"a": "mes", "b": "equalshares/add1", "voters": 0},
                     {"a": "equalshares/add1", "b": "mes", "voters": 0}]}
    assert counting.preference_pairs(comparison) == [
        {"a": "greedy", "b": "mes", "prefer_a": 3, "prefer_b": 2, "same": False},
        {"a": "greedy", "b": "equalshares/add1", "prefer_a": 3, "prefer_b": 2, "same": False},
        {"a": "mes", "b": "equalshares/add1", "prefer_a": 0, "prefer_b": 0, "same": True},
    ]


def test_the_council_page_shows_the_preferences_in_plain_words(client, voted, council):
    open_box(voted, council)
    sign_in_recently(client, council)
    page = client.get(reverse("budgets:council", args=[voted.pk])).content.decode()
    with translation.override("da"):
        heading = translation.gettext("Which outcome do voters prefer?")
        compared = translation.gettext("Compared with")
    assert heading in page and compared in page
    section = page[page.index(heading):]
    assert section.count("<tr>") == 1 + 3, "a header and one row per pair of the three rules"
