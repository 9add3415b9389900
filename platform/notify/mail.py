"""What every e-mail of Høst shares: the idempotency headers, one-line subjects, and telling
an unreachable mail server (everyone's problem) from one e-mail's own failure.

The outbox marks each notice sent in the transaction that sends it, so a redelivered task or
a sweep skips what went out. Only a crash in the instant between the mail server accepting
a message and that commit can send it again; the message then carries the same key and
Message-ID, so the mail relay (and mail clients) recognise the duplicate.
"""
from __future__ import annotations

import hashlib
import logging
import smtplib
import socket

from django.conf import settings
from django.db import InterfaceError, OperationalError

logger = logging.getLogger("hoest.mail")

IDEMPOTENCY_HEADER = "X-Hoest-Idempotency-Key"


def idempotency_headers(key: str) -> dict[str, str]:
    domain = settings.SITE_URL.split("://")[-1].split("/")[0].split(":")[0] or "hoest"
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return {IDEMPOTENCY_HEADER: key, "Message-ID": f"<{digest}@{domain}>"}


def one_line(subject: str) -> str:
    """A subject on one line. Titles people typed go into subjects, and a line break in a
    header makes Django refuse the whole e-mail (BadHeaderError): every run of whitespace,
    line breaks included (also \\u2028 and the like), becomes one space."""
    return " ".join(str(subject).split())


def mail_server_unreachable(exc: BaseException) -> bool:
    """Whether `exc` says the mail server could not be reached or asked to try again later
    (an SMTP 4xx). Every e-mail would fail alike then, so it is nobody's e-mail's fault: a
    sweep stops and the next one tries again, nothing is marked failed. Anything else (a
    header Django refuses, an address the server refuses, a template error) is that one
    e-mail's own failure."""
    if isinstance(exc, (ConnectionError, TimeoutError, socket.gaierror,
                        smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and 400 <= code < 500


def nobodys_fault(exc: BaseException) -> bool:
    """An unreachable mail server, or a database that went away under the sweep (a
    PostgreSQL restart): no notice is to blame, so none is marked failed."""
    return mail_server_unreachable(exc) or isinstance(exc, (OperationalError, InterfaceError))


def log_failed(notice_id: int, exc: BaseException, key: str = "") -> None:
    """Log a notice that could not be sent by its id (and key, which holds ids only): never
    the exception's text, which may hold an address or a title."""
    logger.error("notice %s%s could not be sent (%s); marked failed", notice_id, f" ({key})" if key else "",
                 type(exc).__name__)
