"""Live updates of participatory budgets: the turnout staff and council watch (a live
counter, notify.counters), never anyone's choices."""
from __future__ import annotations

from notify.counters import counter_changed
from notify.registry import counter
from realtime import broadcast

from .models import Participation

TURNOUT = "budgets.turnout"


def turnout_group(process_id: int) -> str:
    return broadcast.group_name("budget", process_id, "turnout")


def turnout_changed(process_id: int) -> None:
    """A ballot counted: staff and council watching turnout hear the new number of voters
    once the transaction commits, coalesced to one count and broadcast a second per process
    however many ballots come (docs/BENCHMARKS.md, Vote surge)."""
    counter_changed(TURNOUT, process_id)


@counter(TURNOUT)
def turnout_broadcast(process_id: int) -> None:
    """Tell the turnout group the current number of voters of a process."""
    voters = Participation.objects.filter(process_id=process_id).count()
    broadcast.send_now(turnout_group(process_id), "turnout.changed", {"process": process_id, "voters": voters})
