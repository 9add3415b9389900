"""Two digest runs at the same moment against PostgreSQL (a beat job started twice, a
scheduler in two processes): each person still gets exactly one digest, carrying all their
waiting notices, and every notice goes out once."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection, transaction

from ideas import services as idea_services
from notify import digest, services
from notify.models import DIGEST_KIND, Notice, State
from notify.tasks import deliver_due
from tests.factories import UserFactory
from tests.services import need_postgres

from .conftest import STEPS, status_change

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow_tier]


def test_two_digest_runs_at_once_send_one_digest_per_person(idea, staff, author):
    need_postgres()
    readers = [author, *(UserFactory() for _ in range(5))]
    for reader in readers:
        idea_services.idea_follow(idea=idea, user=reader)
        with transaction.atomic():
            services.mail_choices_set(user=reader, choices={"ideas.status_changed": "digest"})
    for step in STEPS[:3]:
        status_change(idea, staff, step)
    # Delivery decides what waits for the digest (as the task after each commit does).
    assert deliver_due(older_than_seconds=0) == 0
    assert Notice.objects.filter(state=State.DIGEST).count() == 3 * len(readers)
    start = threading.Barrier(2)

    def run(_):
        start.wait()
        try:
            return digest.digests_send()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        sent = list(pool.map(run, range(2)))
    assert sum(sent) == len(readers), sent
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers), "one digest each"
    for message in mail.outbox:
        assert ": 3 " in message.subject, "every waiting notice in it (in the person's language)"
    digests = Notice.objects.filter(kind=DIGEST_KIND)
    assert digests.count() == len(readers) and set(digests.values_list("state", flat=True)) == {State.SENT}
    assert sorted(d.bundled.count() for d in digests) == [3] * len(readers), "no notice in two digests"
    assert not Notice.objects.filter(kind="ideas.status_changed").exclude(state=State.SENT).exists()
    assert digest.digests_send() == 0 and len(mail.outbox) == len(readers)
