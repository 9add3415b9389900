"""Celery: tasks take ids, are idempotent, and really travel through the Redis broker."""
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import purge_expired_sessions
from config.celery import app
from tests.services import REDIS_URL, need_redis


def make_sessions():
    live, expired = SessionStore(), SessionStore()
    live.create()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - timedelta(days=1))
    return live.session_key, expired.session_key


@pytest.mark.django_db
def test_purge_task_is_idempotent():
    live, expired = make_sessions()
    purge_expired_sessions.delay()
    purge_expired_sessions.delay()  # redelivered after a crash: harmless
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]


def test_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_tasks_acknowledge_late_so_a_crashed_worker_does_not_lose_them():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


@pytest.mark.django_db(transaction=True)
def test_task_travels_through_the_real_redis_broker_to_a_worker():
    need_redis()
    from celery.contrib.testing.worker import start_worker

    app.conf.task_always_eager = False
    app.conf.broker_url = REDIS_URL
    live, expired = make_sessions()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            purge_expired_sessions.delay()
            deadline = time.monotonic() + 15
            while Session.objects.filter(session_key=expired).exists():
                assert time.monotonic() < deadline, "the worker never ran the task"
                time.sleep(0.1)
    finally:
        app.conf.task_always_eager = True
    assert Session.objects.filter(session_key=live).exists()
