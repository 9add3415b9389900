"""Other apps' items in the one moderation queue.

The queue (the page `ideas:moderation`, the API's `/moderation/queue/`) lists ideas and
their comments, and what apps above ideas register here (budgets: comments on budget
projects); a moderator decides on them with the same form, on the page
(`ideas:moderate-item`) and in the API (`/moderation/{path}/{id}/`). ideas knows none of
these apps: each registers a `Source` in its AppConfig.ready(), reading through its own
selectors in a fixed number of queries, deciding with its own rules and writing through
its own services (each decision logged with its reason, as ideas log theirs).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Item:
    """One waiting item, as the queue shows it (the page and the API)."""

    kind: str  # the Source's kind
    pk: int
    title: str  # what it belongs to (a project's title)
    url: str  # where it is shown, with its anchor
    body: str
    body_html: str  # cleaned when written
    author: str  # the author's public name, as the item itself shows it
    visibility: str  # ideas.models.Visibility: pending, or visible and reported
    created_at: datetime
    #: the open reports, each with `reason`, `get_reason_display()` and `explanation`
    open_flags: list
    open_flag_count: int


@dataclass(frozen=True)
class Source:
    kind: str  # the API's item kind ("project_comment")
    path: str  # the address's part: /ideas/moderation/{path}/{id}/, /api/v1/moderation/{path}/{id}/
    title: Any  # a lazy translation: the queue page's heading
    empty: Any  # a lazy translation: said when nothing waits
    #: the rule (`rules` permission) that decides who moderates an item of this source
    perm: str
    #: the waiting items of a municipality, oldest first
    waiting: Callable[[Any], list[Item]]
    #: how many of a municipality's items wait for approval (for the staff home)
    pending_count: Callable[[Any], int]
    #: one item by its id (whatever its municipality: `perm` decides), or None
    get: Callable[[int], Any]
    #: moderate(action=, actor=, target=, reason=) with action approve, hide or restore
    moderate: Callable[..., None]


_sources: dict[str, Source] = {}


def register(source: Source) -> None:
    _sources[source.path] = source


def sources() -> list[Source]:
    return list(_sources.values())


def source_for(path: str) -> Source | None:
    return _sources.get(path)
