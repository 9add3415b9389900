"""Headers that make an e-mail recognisable when it is sent twice.

Tasks mark each e-mail sent by an idempotency key in the same transaction that sends it, so
a redelivered or swept task skips what went out. Only a crash in the instant between the
mail server accepting a message and that commit can send it again; the message then carries
the same key and Message-ID, so the mail relay (and mail clients) recognise the duplicate.
"""
from __future__ import annotations

import hashlib

from django.conf import settings

IDEMPOTENCY_HEADER = "X-Hoest-Idempotency-Key"


def idempotency_headers(key: str) -> dict[str, str]:
    domain = settings.SITE_URL.split("://")[-1].split("/")[0].split(":")[0] or "hoest"
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return {IDEMPOTENCY_HEADER: key, "Message-ID": f"<{digest}@{domain}>"}
