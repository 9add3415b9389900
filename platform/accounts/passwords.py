"""Checking passwords without letting a flood of them starve the site.

A password check is a deliberately slow hash (tens of milliseconds of CPU). Per-address and
per-account limits (allauth's `login_failed`, DRF's `auth_token` scope) stop one attacker,
but a flood from many addresses would still keep every core hashing. Each process therefore
runs at most PASSWORD_CHECK_SLOTS checks at a time; a request that finds no free slot is
refused at once, before any hash, and asked to retry (docs/BENCHMARKS.md, token flood)."""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager

from django.conf import settings


class Busy(Exception):
    """Every password-check slot of this process is taken."""


_slots: threading.BoundedSemaphore | None = None
_slots_lock = threading.Lock()


def _semaphore() -> threading.BoundedSemaphore:
    global _slots
    if _slots is None:
        with _slots_lock:
            if _slots is None:
                count = getattr(settings, "PASSWORD_CHECK_SLOTS", 0) or max(1, (os.cpu_count() or 2) - 1)
                _slots = threading.BoundedSemaphore(count)
    return _slots


@contextmanager
def check_slot():
    semaphore = _semaphore()
    if not semaphore.acquire(blocking=False):
        raise Busy
    try:
        yield
    finally:
        semaphore.release()
