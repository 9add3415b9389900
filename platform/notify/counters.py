"""Live counters (a budget's turnout, a dinner's free seats): the figure is counted from the
database after the change commits and broadcast, coalesced to at most one count a second
per subject however many changes come (realtime.coalesce).

An app registers the function that counts and broadcasts (`notify.registry.counter`), and
its services call `counter_changed(name, *args)` inside the transaction of the change."""
from __future__ import annotations

from django.db import transaction

from realtime.coalesce import send_coalesced

from .tasks import send_counter


def counter_changed(name: str, *args: int) -> None:
    """The live counter `name` for `args` changed: send it once the transaction commits (at
    once outside a transaction)."""
    subject = ".".join([name, *(str(arg) for arg in args)])
    transaction.on_commit(lambda: send_coalesced(subject, send_counter, name, *args))
