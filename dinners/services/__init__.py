"""Every write to dinner dialogues goes through these functions (see docs/ARCHITECTURE.md, house style).

Seats are decided under a row lock on the dinner: whoever holds it counts the confirmed
guests and either confirms or puts the person on the waiting list, so simultaneous
sign-ups never confirm more guests than there are seats.
"""

from ._common import (
    DINNER_FIELDS,
    MAX_QUESTIONS,
    MIN_QUESTIONS,
    NEWS_FIELDS,
)
from .hosting import (
    dinner_cancel,
    dinner_decide,
    dinner_offer,
    dinner_reporter_set,
    dinner_update,
)
from .match_requests import (
    match_request_cancel,
    match_request_create,
    matching_plan,
    matching_send,
)
from .programmes import (
    programme_create,
    programme_picture_set,
)
from .report_back import (
    report_file,
)
from .seats import (
    reminders_queue,
    seat_book,
    seat_cancel,
)

__all__ = [
    "MIN_QUESTIONS",
    "MAX_QUESTIONS",
    "DINNER_FIELDS",
    "NEWS_FIELDS",
    "programme_create",
    "programme_picture_set",
    "dinner_offer",
    "dinner_update",
    "dinner_cancel",
    "dinner_decide",
    "dinner_reporter_set",
    "seat_book",
    "seat_cancel",
    "reminders_queue",
    "match_request_create",
    "match_request_cancel",
    "matching_plan",
    "matching_send",
    "report_file",
]
