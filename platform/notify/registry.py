"""What each app sends, registered by the app itself: notify knows no app above it.

- A *renderer* per kind of e-mail: `render(notice) -> Letter | None`, called in the
  notice's language, reading what it needs by the ids in `notice.context`; None when there
  is nothing to send any more (what it was about is gone, the person unsubscribed).
- A *live counter* per name: `send(*args)`, which counts from the database now and
  broadcasts the figure (turnout, free seats); see notify.counters.

Apps register in their AppConfig.ready() by importing the modules that use `renderer` and
`counter` as decorators (their `notices.py` and `events.py`).
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


Renderer = Callable[[Any], Letter | None]
_renderers: dict[str, Renderer] = {}
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
