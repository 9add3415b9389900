"""Settings of the application processes the failure tests start: the real ones, with
e-mail written to the test mailbox (tests/platform/failures/mailbox.py)."""
from config.settings import *  # noqa: F403

EMAIL_BACKEND = "tests.platform.failures.mailbox.MailboxBackend"
