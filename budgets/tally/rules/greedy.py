"""Greedy rules: fund projects in order of score while money lasts."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Number


def greedy(
    costs: Sequence[int],
    order: Sequence[int],
    budget: int,
    *,
    skip: bool = True,
    eligible: Sequence[bool] | None = None,
    initial: Sequence[int] = (),
) -> list[int]:
    """Walk ``order`` (best first) and fund every project that still fits.

    ``skip=False`` is the "no-skip" variant: stop at the first project that does not fit.
    ``eligible`` leaves out projects (e.g. below a score threshold) without stopping.
    ``initial`` are projects already funded (a completion step starts from them).
    """
    selected = list(initial)
    chosen = set(selected)
    left = budget - sum(costs[i] for i in selected)
    for i in order:
        if i in chosen or (eligible is not None and not eligible[i]):
            continue
        if costs[i] <= left:
            selected.append(i)
            chosen.add(i)
            left -= costs[i]
        elif not skip:
            break
    return selected


def threshold_mask(scores: Sequence[Number], threshold: Number) -> list[bool]:
    """Projects whose score reaches the threshold (``score >= threshold``)."""
    return [s >= threshold for s in scores]
