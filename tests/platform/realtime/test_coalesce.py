"""Coalesced live updates (realtime.coalesce), on the local cache and on real Redis: one
send now, one booked for later, nothing in between, the last change never left out."""
import time

import pytest

from realtime import coalesce
from tests.services import REDIS_URL, need_redis


class FakeTask:
    """Stands in for a Celery task: records direct calls and bookings."""

    class app:  # noqa: N801 - mirrors task.app.conf.task_always_eager
        class conf:  # noqa: N801
            task_always_eager = False

    def __init__(self):
        self.calls, self.booked = 0, []

    def __call__(self, *args):
        self.calls += 1


@pytest.fixture(params=["local", "redis"])
def shared_cache(request, monkeypatch):
    if request.param == "redis":
        need_redis()
        from health.cache import ResilientRedisCache

        cache = ResilientRedisCache(REDIS_URL, {"KEY_PREFIX": "coalesce-test"})
    else:
        from django.core.cache.backends.locmem import LocMemCache

        cache = LocMemCache("coalesce-test", {})
    cache.clear()
    monkeypatch.setattr(coalesce, "cache", cache)
    yield cache
    cache.clear()


@pytest.fixture
def task(monkeypatch):
    task = FakeTask()
    monkeypatch.setattr(coalesce, "enqueue_now",
                        lambda t, *args, countdown=None: t.booked.append((args, countdown)) or True)
    return task


def test_one_send_now_and_one_booked_however_many_changes(shared_cache, task):
    for _ in range(50):
        coalesce.send_coalesced("s.1", task, 1, interval=0.5)
    assert task.calls == 1
    assert task.booked == [((1,), 0.5)]


def test_another_process_learns_the_booking_instead_of_sending(shared_cache, task):
    coalesce.send_coalesced("s.2", task, 2, interval=5)
    coalesce._covered_until.clear()  # as if the next change came to another web process
    coalesce.send_coalesced("s.2", task, 2, interval=5)
    assert (task.calls, len(task.booked)) == (1, 1)
    assert coalesce._covered_until["s.2"] > time.time() + 4


def test_after_the_interval_the_next_change_sends_at_once(shared_cache, task):
    coalesce.send_coalesced("s.3", task, 3, interval=0.2)
    time.sleep(0.3)
    coalesce.send_coalesced("s.3", task, 3, interval=0.2)
    assert (task.calls, len(task.booked)) == (2, 2)


def test_changes_just_before_the_booked_send_book_the_next_round_once(shared_cache, task):
    """A change within MARGIN of the booked send cannot count on it; it books the next
    round, and the changes after it wait for that one (not one send each)."""
    interval = 0.4
    coalesce.send_coalesced("s.6", task, 6, interval=interval)
    time.sleep(interval - coalesce.MARGIN / 2)
    coalesce._covered_until.clear()  # and in another web process, which learnt the booking
    for _ in range(20):
        coalesce.send_coalesced("s.6", task, 6, interval=interval)
    assert task.calls == 2
    assert task.booked == [((6,), interval), ((6,), interval)]


def test_without_a_broker_every_change_sends_for_itself(shared_cache, monkeypatch):
    task = FakeTask()
    monkeypatch.setattr(coalesce, "enqueue_now", lambda t, *args, countdown=None: False)
    for _ in range(3):
        coalesce.send_coalesced("s.4", task, 4, interval=5)
    assert task.calls == 3, "no booking will run, so no change may wait for one"


def test_in_the_embedded_mode_every_change_sends(task, monkeypatch):
    monkeypatch.setattr(FakeTask.app.conf, "task_always_eager", True)
    for _ in range(3):
        coalesce.send_coalesced("s.5", task, 5)
    assert (task.calls, task.booked) == (3, [])
