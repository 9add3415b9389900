"""An e-mail backend for the failure tests: one line per message handed to it, with the
message's idempotency key, appended to the file named by HOEST_TEST_MAILBOX.

HOEST_TEST_MAILBOX_HANG_AT=N makes the N-th message of the file hang before it is taken
(a mail server that stops answering mid-batch): the backend writes the file named by
HOEST_TEST_MAILBOX_HANGING and sleeps, so a test can kill -9 the worker right there.
"""
from __future__ import annotations

import fcntl
import os
import time

from django.core.mail.backends.base import BaseEmailBackend

from notify.mail import IDEMPOTENCY_HEADER


class MailboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        path = os.environ["HOEST_TEST_MAILBOX"]
        hang_at = int(os.environ.get("HOEST_TEST_MAILBOX_HANG_AT", "0"))
        for message in email_messages:
            key = message.extra_headers.get(IDEMPOTENCY_HEADER, "-")
            with open(path, "a+") as mailbox:
                fcntl.flock(mailbox, fcntl.LOCK_EX)
                mailbox.seek(0)
                taken = sum(1 for _line in mailbox)
                if hang_at and taken + 1 == hang_at:
                    with open(os.environ["HOEST_TEST_MAILBOX_HANGING"], "w") as flag:
                        flag.write(key)
                    while True:
                        time.sleep(1)
                mailbox.write(f"{key}\t{','.join(message.to)}\n")
                mailbox.flush()
                os.fsync(mailbox.fileno())
        return len(email_messages)
