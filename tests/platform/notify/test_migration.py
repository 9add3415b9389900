"""The migration into the outbox keeps what was sent: ideas' `SentMail` keys and dinners'
`Notice` rows become notices with the same keys and states, what was still owed is queued,
and the first sweep after it sends exactly what was owed — nothing already sent again."""
import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from dinners import services as dinners
from notify.models import Notice, State
from notify.tasks import deliver_due
from tests.dinners.conftest import make_dinner, make_programme
from tests.factories import DistrictFactory, MunicipalityFactory, UserFactory
from tests.ideas.factories import IdeaFactory

BEFORE = [("ideas", "0011_merge_settings_log_contact"), ("dinners", "0002_mail_failed"),
          ("budgets", "0015_merge_setup_draft"), ("notify", None)]


def _migrate(targets=None):
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    state = MigrationExecutor(connection).loader.project_state([t for t in targets if t[1] is not None])
    return state.apps


@pytest.fixture
def back_to_the_latest_afterwards():
    yield
    _migrate()


@pytest.mark.django_db(transaction=True)
def test_sent_mail_and_dinner_notices_merge_into_the_outbox_and_nothing_is_sent_twice(back_to_the_latest_afterwards):
    municipality = MunicipalityFactory(slug="aarhus")
    district = DistrictFactory(municipality=municipality)
    host, author = UserFactory(municipality=municipality), UserFactory(municipality=municipality)
    followers = [UserFactory(preferred_language="nb"), UserFactory()]
    programme = make_programme(municipality)
    dinner = make_dinner(programme, host, district=district)
    seats = [dinners.seat_book(dinner=dinner, guest=UserFactory()) for _ in range(3)]
    idea = IdeaFactory(campaign__municipality=municipality, author=author)

    old = _migrate(BEFORE)  # the tables as they were, with the data above in them
    OldNotice, SentMail = old.get_model("dinners", "Notice"), old.get_model("ideas", "SentMail")
    StatusChange, ModerationEvent = old.get_model("ideas", "StatusChange"), old.get_model("ideas", "ModerationEvent")
    Follow = old.get_model("ideas", "Follow")
    now = timezone.now()
    for follower in followers:
        Follow.objects.create(idea_id=idea.pk, user_id=follower.pk)
    sent_seat, queued_seat, failed_seat = (OldNotice.objects.get(seat_id=seat.pk) for seat in seats)
    OldNotice.objects.filter(pk=queued_seat.pk).update(sent_at=None)
    OldNotice.objects.filter(pk=failed_seat.pk).update(sent_at=None, failed_at=now)
    change = dict(idea_id=idea.pk, from_status="published", to_status="under_review", answer="Ja",
                  author_id=author.pk)
    done = StatusChange.objects.create(**change, notified_at=now)
    half = StatusChange.objects.create(**change)  # its task died after the first follower's e-mail
    failed = StatusChange.objects.create(**change, mail_failed_at=now)
    hidden = ModerationEvent.objects.create(idea_id=idea.pk, action="hide", reason="Spam")
    recipients = [author, *followers]
    SentMail.objects.bulk_create(
        [SentMail(key=f"status:{done.pk}:{user.pk}") for user in recipients]
        + [SentMail(key=f"status:{half.pk}:{followers[0].pk}"), SentMail(key=f"result:99:{idea.pk}:{host.pk}"),
           SentMail(key="something:unknown")])

    _migrate()
    states = dict(Notice.objects.values_list("key", "state"))
    assert states == {
        f"confirmed:{sent_seat.seat_id}": State.SENT, f"confirmed:{queued_seat.seat_id}": State.QUEUED,
        f"confirmed:{failed_seat.seat_id}": State.FAILED,
        **{f"status:{done.pk}:{user.pk}": State.SENT for user in recipients},
        f"status:{half.pk}:{followers[0].pk}": State.SENT,
        f"status:{half.pk}:{author.pk}": State.QUEUED, f"status:{half.pk}:{followers[1].pk}": State.QUEUED,
        f"hidden:{hidden.pk}": State.QUEUED,
        f"result:99:{idea.pk}:{host.pk}": State.SENT,
    }, f"nothing owed for the change whose e-mail failed ({failed.pk})"
    moved = Notice.objects.get(key=f"confirmed:{queued_seat.seat_id}")
    assert (moved.kind, moved.context, moved.recipient_id) == (
        "dinners.confirmed", {"dinner": dinner.pk, "seat": queued_seat.seat_id, "programme": programme.pk},
        queued_seat.recipient_id)
    assert Notice.objects.get(key=f"status:{done.pk}:{followers[0].pk}").language == "nb"

    mail.outbox.clear()
    assert deliver_due(older_than_seconds=0) == 4, "what was owed goes out with the next sweep"
    assert sorted(m.extra_headers["X-Hoest-Idempotency-Key"] for m in mail.outbox) == sorted([
        f"confirmed:{queued_seat.seat_id}", f"status:{half.pk}:{author.pk}",
        f"status:{half.pk}:{followers[1].pk}", f"hidden:{hidden.pk}"])
    assert deliver_due(older_than_seconds=0) == 0
