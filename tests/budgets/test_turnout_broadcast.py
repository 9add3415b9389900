"""Live turnout during a surge: at most one count and broadcast a second, yet the number on
staff's screen always ends at the real turnout."""
import pytest

import realtime.broadcast
from realtime import coalesce
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_ballots_ends_with_the_full_turnout_on_screen(process, municipality, monkeypatch):
    from budgets import services
    from config.celery import app

    app.conf.task_always_eager = False  # as in production: a worker runs the booked send
    sent, booked = [], []
    monkeypatch.setattr(realtime.broadcast, "send_now", lambda group, event, payload: sent.append(payload["voters"]))
    monkeypatch.setattr(coalesce, "enqueue_now", lambda task, *args, countdown=None: booked.append((task, args, countdown)) or True)
    voters = [UserFactory(municipality=municipality, birth_year=1980) for _ in range(10)]

    for voter in voters:
        services.ballot_cast(process=process, user=voter, choice={"projects": ["A"]})

    assert sent[0] == 1, "the first ballot moves the number at once"
    assert len(sent) <= 5, "not a count and a broadcast per ballot (10 ballots take well under 4 s)"
    for task, args, countdown in booked:  # what the worker runs a second later
        assert countdown == 1
        task(*args)
    assert sent[-1] == 10, "the last ballot of the burst reaches the screen"
