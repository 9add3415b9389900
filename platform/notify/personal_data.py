"""What the outbox holds about a person, for their data download: which e-mails Høst owed
them, in which language, whether and when each went out and when they read it in their
notification centre; and their e-mail choices per kind. Never the key or the context (ids of
the rows an e-mail is about; those rows are in the other sections where they are the
person's own). The notices and the choices go with the account."""
from __future__ import annotations

from .models import MailChoice, Notice


def collect(user) -> list[dict]:
    return [{"kind": n.kind, "language": n.language, "state": n.state, "queued": n.created_at.isoformat(),
             "sent": n.sent_at.isoformat() if n.sent_at else None,
             "read": n.read_at.isoformat() if n.read_at else None}
            for n in Notice.objects.filter(recipient=user).order_by("created_at", "pk")]


def collect_choices(user) -> list[dict]:
    return [{"kind": c.kind, "delivery": c.delivery, "changed": c.updated_at.isoformat()}
            for c in MailChoice.objects.filter(user=user).order_by("kind")]
