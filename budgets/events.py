"""Live updates of participatory budgets: the turnout staff and council watch (a live
counter, notify.counters), and new comments on a project's page (as on an idea's page,
ideas.services.events); never anyone's choices."""
from __future__ import annotations

from notify.counters import counter_changed
from notify.registry import counter
from realtime import broadcast

from .models import Participation

TURNOUT = "budgets.turnout"


def project_group(project_id: int) -> str:
    return broadcast.group_name("budget", "project", project_id)


def project_comment_published(comment) -> None:
    """A comment on a project became public: its page's readers hear it after the commit
    and are offered to show it (the idea page's "comment.new", with only ids)."""
    broadcast.broadcast_on_commit(project_group(comment.project_id), "comment.new", {
        "project": comment.project_id, "comment": comment.pk, "parent": comment.parent_id})


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
