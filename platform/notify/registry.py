"""What each app sends, registered by the app itself: notify knows no app above it.

- A *renderer* per kind of e-mail: `render(notice) -> Letter | None`, called in the
  notice's language, reading what it needs by the ids in `notice.context`; None when there
  is nothing to send any more (what it was about is gone, the person unsubscribed).
- A *line* renderer per kind: `lines(notices) -> {notice id: Line}`, the short text and
  the link the notification centre (and the daily digest) shows for each notice. It gets
  every notice of its kinds on a page at once and reads with a fixed number of queries, so
  the centre's queries do not grow with its rows; a notice missing from its answer (what
  it was about is gone) is shown by its kind's label, without a link.
- A *description* per kind a person can receive (`describe`): its category (registered
  with `category`), a plain label, and whether it is always e-mailed at once (with the
  reason shown on the e-mail choices page). A kind without a description is mailed at
  once and not listed in the centre (the daily digest itself).
- A *live counter* per name: `send(*args)`, which counts from the database now and
  broadcasts the figure (turnout, free seats); see notify.counters.

Apps register in their AppConfig.ready() by importing the modules that use `renderer`,
`lines` and `counter` as decorators and call `category` and `describe` (their `notices.py`
and `events.py`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Letter:
    """An e-mail's content; notify adds the recipient, the headers and the one-line subject."""

    subject: str
    body: str
    #: (file name, content, MIME type)
    attachments: tuple[tuple[str, bytes, str], ...] = field(default=())


@dataclass(frozen=True)
class Line:
    """A notice in the notification centre: one short sentence and the site path of what it
    is about (an idea's page, a dinner's, a budget's)."""

    text: str
    url: str


@dataclass(frozen=True)
class Category:
    key: str
    title: Any  # a lazy translation
    order: int


@dataclass(frozen=True)
class Description:
    kind: str
    category: str
    label: Any  # a lazy translation: what happened, from the recipient's side
    #: Why this kind is always e-mailed at once (a lazy translation), or None: the person
    #: chooses at once, a daily digest or never.
    always: Any = None


Renderer = Callable[[Any], Letter | None]
LineRenderer = Callable[[list], dict[int, Line]]
_renderers: dict[str, Renderer] = {}
_line_renderers: dict[str, LineRenderer] = {}
_categories: dict[str, Category] = {}
_descriptions: dict[str, Description] = {}
_counters: dict[str, Callable[..., None]] = {}


def renderer(*kinds: str):
    """Register the decorated function as the renderer of each of `kinds`."""
    def register(render: Renderer) -> Renderer:
        for kind in kinds:
            if _renderers.get(kind, render) is not render:
                raise ValueError(f"a renderer is registered for {kind!r} already")
            _renderers[kind] = render
        return render
    return register


def renderer_for(kind: str) -> Renderer:
    try:
        return _renderers[kind]
    except KeyError:
        raise LookupError(f"no renderer is registered for notices of kind {kind!r}") from None


def kinds() -> list[str]:
    return sorted(_renderers)


def lines(*kinds: str):
    """Register the decorated function as the centre's line renderer of each of `kinds`:
    `lines(notices) -> {notice.pk: Line}`, called once for all the notices of its kinds
    shown at a time, in the current language."""
    def register(render: LineRenderer) -> LineRenderer:
        for kind in kinds:
            if _line_renderers.get(kind, render) is not render:
                raise ValueError(f"a line renderer is registered for {kind!r} already")
            _line_renderers[kind] = render
        return render
    return register


def line_renderer_for(kind: str) -> LineRenderer | None:
    return _line_renderers.get(kind)


def category(key: str, title, *, order: int) -> None:
    """A group of kinds on the e-mail choices page ("My ideas", "Dinners I host")."""
    _categories[key] = Category(key=key, title=title, order=order)


def describe(kind: str, *, category: str, label, always=None) -> None:
    """Say what `kind` is to the person who receives it: its category, a plain label, and,
    for a kind a person cannot turn off or put off, why it is always e-mailed at once."""
    if category not in _categories:
        raise LookupError(f"register the category {category!r} before its kinds")
    _descriptions[kind] = Description(kind=kind, category=category, label=label, always=always)


def description_for(kind: str) -> Description | None:
    return _descriptions.get(kind)


def described() -> list[tuple[Category, list[Description]]]:
    """The categories in their order, each with its kinds (in the order they were described)."""
    groups = [(c, [d for d in _descriptions.values() if d.category == c.key])
              for c in sorted(_categories.values(), key=lambda c: (c.order, c.key))]
    return [(c, ds) for c, ds in groups if ds]


def counter(name: str):
    """Register the decorated function as the live counter `name`."""
    def register(send: Callable[..., None]) -> Callable[..., None]:
        if _counters.get(name, send) is not send:
            raise ValueError(f"a live counter {name!r} is registered already")
        _counters[name] = send
        return send
    return register


def counter_for(name: str) -> Callable[..., None]:
    try:
        return _counters[name]
    except KeyError:
        raise LookupError(f"no live counter {name!r} is registered") from None
