"""The registry of a person's own activity, shown on their account ("Min aktivitet").

Each app registers one function that returns its sections for a person (their ideas, the
dinners they host, the budgets they voted in, ...); the account page lists them all. accounts
knows no feature app: they register themselves in their AppConfig.ready(). Each function
reads a fixed number of rows (LIMIT + 1, to know whether there are more), so the page's
queries do not grow with what a person has done.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: entries shown per section; the latest first
LIMIT = 10


@dataclass(frozen=True)
class Entry:
    title: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    empty: str
    entries: list[Entry] = field(default_factory=list)
    more: bool = False


def section(key: str, title: str, empty: str, entries: list[Entry]) -> Section:
    """A section of at most LIMIT entries from a list read with LIMIT + 1 rows."""
    return Section(key=key, title=title, empty=empty, entries=entries[:LIMIT], more=len(entries) > LIMIT)


Provider = Callable[[Any], list[Section]]
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    _providers[name] = provider


def sections(user) -> list[Section]:
    return [s for provider in _providers.values() for s in provider(user)]
