"""What other apps made of an idea, shown on the idea's page.

An app above ideas (budgets: the projects an idea became) registers a function
`(idea, user) -> Panel | None` in its AppConfig.ready(); ideas knows none of them, and each
function reads through its own app's selectors, in a fixed number of queries.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Panel:
    key: str  # unique on the page: the heading's id
    title: str
    links: list[Link]


PanelSource = Callable[..., "Panel | None"]
_sources: list[PanelSource] = []


def register(source: PanelSource) -> None:
    if source not in _sources:
        _sources.append(source)


def panels_for(idea, user) -> list[Panel]:
    return [panel for source in _sources if (panel := source(idea, user)) is not None and panel.links]
