"""Live updates that follow a committed write: free seats on the programme page and on each
dinner, and a guest's own news."""
from __future__ import annotations

from django.db import transaction

from realtime.broadcast import broadcast_on_commit, group_name, send_now
from realtime.coalesce import send_coalesced
from realtime.consumers import user_group


def programme_group(programme_id: int) -> str:
    return group_name("dinners", "programme", programme_id)


def seats_changed(dinner) -> None:
    """Tell the programme page and the dinner page the free seats, read after the commit
    (so simultaneous sign-ups never show a stale number last), coalesced to one count and
    broadcast a second per dinner however many sign-ups come (realtime.coalesce)."""
    from .tasks import send_seats

    dinner_id, programme_id = dinner.pk, dinner.programme_id
    transaction.on_commit(lambda: send_coalesced(f"dinners.seats.{dinner_id}", send_seats, dinner_id, programme_id))


def seats_send(dinner_id: int, programme_id: int) -> None:
    from .selectors import seat_figures

    figures = seat_figures(dinner_id)
    if figures is not None:
        send_now(programme_group(programme_id), "dinner.seats", {"dinner": dinner_id, **figures})


def report_filed(dinner) -> None:
    broadcast_on_commit(programme_group(dinner.programme_id), "dinner.report", {"dinner": dinner.pk})


def tell_guest(seat, event: str, message: str) -> None:
    broadcast_on_commit(user_group(seat.guest_id), event, {"dinner": seat.dinner_id, "message": str(message)})
