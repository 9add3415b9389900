"""Remember that a service Høst can live without (Redis as cache, channel layer or broker)
is down, so its outage is logged once when it starts and once when it ends — not once per
request — and callers can stop knocking for a moment instead of paying a timeout each."""
from __future__ import annotations

import logging
import threading
import time

logger = logging.getLogger("hoest.outage")


class Outage:
    """The state of one dependency in this process."""

    def __init__(self, name: str, *, retry_after: float = 1.0):
        self.name = name
        self.retry_after = retry_after
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._next_try = 0.0

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def should_try(self) -> bool:
        """False while the service failed less than `retry_after` seconds ago."""
        return self._down_since is None or time.monotonic() >= self._next_try

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            first = self._down_since is None
            now = time.monotonic()
            if first:
                self._down_since = now
            self._next_try = now + self.retry_after
        if first:
            logger.warning("%s unavailable (%s: %s); degrading until it is back", self.name,
                           type(exc).__name__, exc)

    def succeeded(self) -> bool:
        """Mark the service as up; True when this ends an outage."""
        if self._down_since is None:
            return False
        with self._lock:
            since, self._down_since = self._down_since, None
        if since is None:
            return False
        logger.warning("%s available again after %.1f s", self.name, time.monotonic() - since)
        return True
