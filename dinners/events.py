"""Live updates that follow a committed write: free seats on the programme page and on each
dinner, and a guest's own news."""
from __future__ import annotations

from django.db import transaction

from realtime.broadcast import broadcast_on_commit, group_name
from realtime.consumers import user_group


def programme_group(programme_id: int) -> str:
    return group_name("dinners", "programme", programme_id)


def seats_changed(dinner) -> None:
    """Tell the programme page and the dinner page the free seats, read after the commit
    (so simultaneous sign-ups never show a stale number last)."""
    def send():
        from realtime.broadcast import send_now

        from .selectors import seat_figures

        figures = seat_figures(dinner.pk)
        if figures is not None:
            send_now(programme_group(dinner.programme_id), "dinner.seats", {"dinner": dinner.pk, **figures})

    transaction.on_commit(send)


def report_filed(dinner) -> None:
    broadcast_on_commit(programme_group(dinner.programme_id), "dinner.report", {"dinner": dinner.pk})


def tell_guest(seat, event: str, message: str) -> None:
    broadcast_on_commit(user_group(seat.guest_id), event, {"dinner": seat.dinner_id, "message": str(message)})
