"""What every e-mail of Høst shares: idempotency headers, one-line subjects, and the sweeps
that send what a lost task left behind.

Tasks mark each e-mail sent by an idempotency key in the same transaction that sends it, so
a redelivered or swept task skips what went out. Only a crash in the instant between the
mail server accepting a message and that commit can send it again; the message then carries
the same key and Message-ID, so the mail relay (and mail clients) recognise the duplicate.
"""
from __future__ import annotations

import hashlib
import logging
import smtplib
import socket
from collections.abc import Callable, Iterable

from django.conf import settings
from django.template.loader import render_to_string

logger = logging.getLogger("hoest.mail")

IDEMPOTENCY_HEADER = "X-Hoest-Idempotency-Key"


def idempotency_headers(key: str) -> dict[str, str]:
    domain = settings.SITE_URL.split("://")[-1].split("/")[0].split(":")[0] or "hoest"
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return {IDEMPOTENCY_HEADER: key, "Message-ID": f"<{digest}@{domain}>"}


def render_subject(template_name: str, context: dict) -> str:
    """A subject on one line. Titles people typed go into subjects, and a line break in a
    header makes Django refuse the whole e-mail (BadHeaderError): every run of whitespace,
    line breaks included (also \\u2028 and the like), becomes one space."""
    return " ".join(render_to_string(template_name, context).split())


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


def log_failed(what: str, ident, exc: BaseException) -> None:
    """Log an e-mail (or a row of them) that could not be sent by its id or key: never the
    exception's text, which may hold an address or a title."""
    logger.error("%s %s could not be sent (%s); marked failed", what, ident, type(exc).__name__)


def sweep(ids: Iterable, deliver: Callable[[object], int], *, what: str,
          mark_failed: Callable[[object], None]) -> int:
    """`deliver(id)` for each id of a sweep, adding up what it sent. A row whose delivery
    raises is logged, marked failed with `mark_failed(id)` (so no later sweep tries it again)
    and the sweep goes on to the next: one bad row no longer holds back every row after it.
    An unreachable mail server stops the sweep instead, marking nothing: the rest waits for
    the next sweep."""
    sent = 0
    for ident in ids:
        try:
            sent += deliver(ident)
        except Exception as exc:  # noqa: BLE001 - one row's failure must not stop the others
            if mail_server_unreachable(exc):
                logger.warning("%s sweep stopped: the mail server is unreachable (%s); the rest waits "
                               "for the next sweep", what, type(exc).__name__)
                break
            log_failed(what, ident, exc)
            mark_failed(ident)
    return sent
