"""Live updates that follow a committed write: free seats on the programme page and on each
dinner (a live counter, notify.counters), and a guest's own news."""
from __future__ import annotations

from notify.counters import counter_changed
from notify.registry import counter
from realtime.broadcast import broadcast_on_commit, group_name, send_now
from realtime.consumers import user_group

from .selectors import seat_figures

SEATS = "dinners.seats"


def programme_group(programme_id: int) -> str:
    return group_name("dinners", "programme", programme_id)


def seats_changed(dinner) -> None:
    """Tell the programme page and the dinner page the free seats, read after the commit
    (so simultaneous sign-ups never show a stale number last), coalesced to one count and
    broadcast a second per dinner however many sign-ups come."""
    counter_changed(SEATS, dinner.pk, dinner.programme_id)


@counter(SEATS)
def seats_broadcast(dinner_id: int, programme_id: int) -> None:
    figures = seat_figures(dinner_id)
    if figures is not None:
        send_now(programme_group(programme_id), "dinner.seats", {"dinner": dinner_id, **figures})


def report_filed(dinner) -> None:
    broadcast_on_commit(programme_group(dinner.programme_id), "dinner.report", {"dinner": dinner.pk})


def tell_guest(seat, event: str, message: str) -> None:
    broadcast_on_commit(user_group(seat.guest_id), event, {"dinner": seat.dinner_id, "message": str(message)})
