"""Demo data for a local Høst. Idempotent: running it twice changes nothing.

Each app owns its demo data (a `demo.seed()` function); this command, in the layer that
may know them all, runs them in dependency order.
"""
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import translation

from accounts import demo as accounts_demo
from budgets import demo as budgets_demo
from dinners import demo as dinners_demo
from ideas import demo as ideas_demo
from reports import demo as reports_demo


class Command(BaseCommand):
    help = "Create the demo municipalities, accounts and content (idempotent)."

    def handle(self, *args, **options):
        # The demo's own notifications (status answers to demo accounts) are not sent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), \
                translation.override("en"), transaction.atomic():
            lines = accounts_demo.seed()
            lines += ideas_demo.seed()
            lines += budgets_demo.seed()
            lines += dinners_demo.seed()
            lines += reports_demo.seed()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        for line in lines:
            self.stdout.write(line)
