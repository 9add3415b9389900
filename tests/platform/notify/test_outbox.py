"""notify's outbox on its own: queued once per key inside the change's transaction, written
in the recipient's language with a one-line subject, and a sweep that one bad notice cannot
stop (it is logged by id, marked failed, and the notices after it go out)."""
import smtplib

import pytest
from django.core import mail
from django.db import OperationalError, transaction
from django.urls import reverse
from django.utils import translation

from notify import delivery, registry
from notify.counters import counter_changed
from notify.models import Notice, State
from notify.outbox import queue, queue_all
from notify.tasks import deliver_due, deliver_notices
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def test_kinds():
    """Two kinds of e-mail only these tests send: a note (its title in the subject, line
    breaks and all, and the language it was written in) and one whose writing always fails."""
    def note(notice):
        return registry.Letter(subject=f"Note: {notice.context['title']}",
                               body=f"{notice.context['title']} ({translation.get_language()})")

    def broken(notice):
        raise ValueError(f"cannot write to {notice.recipient.email}")

    registry._renderers.update({"tests.note": note, "tests.broken": broken})
    yield
    for kind in ("tests.note", "tests.broken"):
        registry._renderers.pop(kind, None)


def _queue(kind, key, user, **context):
    with transaction.atomic():
        return queue(kind, key, user, **context)


def test_a_notice_is_queued_once_per_key_and_sent_once(django_capture_on_commit_callbacks):
    user = UserFactory(preferred_language="nb")
    with django_capture_on_commit_callbacks(execute=True):
        first = _queue("tests.note", "note:1", user, title="Hei")
        again = _queue("tests.note", "note:1", user, title="Hei igjen")
    assert first is not None and again is None, "the same key twice is one notice"
    [message] = mail.outbox
    assert message.to == [user.email] and message.body == "Hei (nb)", "written in the recipient's language"
    first.refresh_from_db()
    assert (first.state, first.attempts, first.language) == (State.SENT, 1, "nb") and first.sent_at
    assert deliver_notices([first.pk]) == 0 and deliver_due(older_than_seconds=0) == 0
    assert len(mail.outbox) == 1


def test_a_line_break_in_a_title_never_reaches_the_subject():
    notice = _queue("tests.note", "note:2", UserFactory(), title="Suppe\r\nog\u2028snak")
    assert deliver_notices([notice.pk]) == 1
    [message] = mail.outbox
    message.message()  # what the mail backend builds: BadHeaderError on a line break
    assert message.subject == "Note: Suppe og snak"


def test_a_sweep_with_one_bad_notice_delivers_the_notices_after_it(caplog):
    users = [UserFactory() for _ in range(4)]
    _queue("tests.note", "note:a", users[0], title="A")
    bad = _queue("tests.broken", "broken:b", users[1])
    _queue("tests.note", "note:c", users[2], title="C")
    unknown = _queue("tests.nobody-renders-this", "unknown:d", users[3])
    _queue("tests.note", "note:e", users[3], title="E")
    with caplog.at_level("ERROR", logger="hoest.mail"):
        assert deliver_due(older_than_seconds=0) == 3
    assert sorted(m.body for m in mail.outbox) == ["A (da)", "C (da)", "E (da)"]
    for failed, error in ((bad, "ValueError"), (unknown, "LookupError")):
        failed.refresh_from_db()
        assert (failed.state, failed.error, failed.sent_at) == (State.FAILED, error, None) and failed.failed_at
        assert f"notice {failed.pk} ({failed.key}) could not be sent ({error})" in caplog.text
    assert users[1].email not in caplog.text, "ids only: the exception's text may hold an address"
    assert deliver_due(older_than_seconds=0) == 0, "a failed notice is not tried again and again"
    assert len(mail.outbox) == 3


def test_the_sweep_goes_on_past_a_notice_whose_delivery_raises_outside_the_email(monkeypatch):
    first = _queue("tests.note", "note:f", UserFactory(), title="F")
    second = _queue("tests.note", "note:g", UserFactory(), title="G")
    real = delivery.deliver
    monkeypatch.setattr(delivery, "deliver", lambda pk: (_ for _ in ()).throw(RuntimeError) if pk == first.pk
                        else real(pk))
    assert deliver_due(older_than_seconds=0) == 1
    assert Notice.objects.get(pk=first.pk).state == State.FAILED
    assert Notice.objects.get(pk=second.pk).state == State.SENT


@pytest.mark.parametrize("gone", [smtplib.SMTPServerDisconnected("gone"), OperationalError("server closed")],
                         ids=["mail server", "database"])
def test_nobodys_fault_stops_the_sweep_and_marks_nothing(monkeypatch, gone):
    for n in range(3):
        _queue("tests.note", f"note:h{n}", UserFactory(), title="H")
    tries = []

    def fail(pk):
        tries.append(pk)
        raise gone

    monkeypatch.setattr(delivery, "deliver", fail)
    assert deliver_due(older_than_seconds=0) == 0
    assert len(tries) == 1, "every notice would fail alike: the rest waits for the next sweep"
    assert not Notice.objects.exclude(state=State.QUEUED).exists()
    monkeypatch.undo()
    assert deliver_due(older_than_seconds=0) == 3


def test_the_sweep_leaves_notices_whose_task_may_still_run():
    _queue("tests.note", "note:i", UserFactory(), title="I")
    assert deliver_due() == 0, "queued a moment ago: its own task sends it"
    assert deliver_due(older_than_seconds=0) == 1


def test_nobody_without_an_address_gets_an_email():
    gone = UserFactory(is_active=False)
    notice = _queue("tests.note", "note:j", gone, title="J")
    assert deliver_notices([notice.pk]) == 0 and mail.outbox == []
    notice.refresh_from_db()
    assert notice.state == State.SKIPPED


def test_many_recipients_are_queued_in_one_go(django_assert_max_num_queries):
    users = [UserFactory() for _ in range(30)]
    with django_assert_max_num_queries(6), transaction.atomic():
        assert queue_all("tests.note", [(f"note:k:{u.pk}", u) for u in users], title="K") == 30
    with transaction.atomic():
        assert queue_all("tests.note", [(f"note:k:{u.pk}", u) for u in users], title="K") == 0
    assert deliver_due(older_than_seconds=0) == 30


@pytest.mark.django_db(transaction=True)
def test_a_notice_is_queued_only_inside_the_transaction_of_its_change():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        queue("tests.note", "note:l", UserFactory(), title="L")
    assert not Notice.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_live_counter_is_sent_after_the_commit_and_not_on_rollback():
    sent = []
    registry._counters["tests.counter"] = lambda *args: sent.append(args)
    try:
        with transaction.atomic():
            counter_changed("tests.counter", 7, 8)
            assert sent == [], "not before the commit"
        assert sent == [(7, 8)]
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            counter_changed("tests.counter", 9)
            1 / 0  # noqa: B018
        assert sent == [(7, 8)], "a change rolled back is not counted"
    finally:
        registry._counters.pop("tests.counter")


def test_every_kind_queued_by_the_apps_has_a_renderer():
    assert {"ideas.status_changed", "ideas.hidden", "ideas.merged", "budgets.result",
            *(f"dinners.{kind}" for kind in ("confirmed", "waiting", "promoted", "changed", "cancelled",
                                             "approved", "declined", "reminder", "guest_list", "unplaced"))
            } <= set(registry.kinds())
    assert {"budgets.turnout", "dinners.seats"} <= set(registry._counters)


def test_operators_see_the_outbox_and_queue_a_failed_notice_again(client):
    operator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(operator)
    bad = _queue("tests.broken", "broken:m", UserFactory(), title="M")
    deliver_notices([bad.pk])
    page = client.get(reverse("admin:notify_notice_changelist") + "?state=failed")
    assert page.status_code == 200 and "broken:m" in page.content.decode()
    assert client.get(reverse("admin:notify_notice_add")).status_code == 403
    registry._renderers["tests.broken"] = registry._renderers["tests.note"]  # the cause is fixed
    response = client.post(reverse("admin:notify_notice_changelist"),
                           {"action": "queue_again", "_selected_action": [bad.pk]})
    assert response.status_code == 302
    bad.refresh_from_db()
    assert bad.state == State.QUEUED and bad.error == ""
    assert deliver_due(older_than_seconds=0) == 1
