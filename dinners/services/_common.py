"""What the dinner services share: the fields of a dinner and how a dinner e-mail is owed."""
from __future__ import annotations

from notify.outbox import queue

from ..models import (
    Dinner,
    Programme,
    Seat,
)
from ..notices import KINDS

MIN_QUESTIONS, MAX_QUESTIONS = 3, 6
DINNER_FIELDS = ["title", "welcome", "venue_type", "starts_at", "duration_minutes", "district", "seats",
                 "private_seats", "address", "accessibility", "menu", "diets", "language"]
# Changes to these are news for the guests (a new time or place); the rest is not.
NEWS_FIELDS = {"starts_at", "duration_minutes", "address", "venue_type"}


def _tell(name: str, key: str, recipient, *, dinner: Dinner | None = None, seat: Seat | None = None,
          programme: Programme | None = None) -> bool:
    """Owe `recipient` the dinner e-mail `name` (dinners.notices), once per `key`: True if
    it is new."""
    if name not in KINDS:
        raise ValueError(f"no dinner e-mail {name!r}")
    return queue(f"dinners.{name}", key, recipient, dinner=dinner.pk if dinner else None, seat=seat.pk if seat else None,
          programme=programme.pk if programme else dinner.programme_id) is not None

def _locked(dinner: Dinner) -> Dinner:
    return Dinner.objects.select_for_update().select_related("programme").get(pk=dinner.pk)
