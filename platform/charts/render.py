"""Charts drawn on the server (matplotlib's Agg backend, no display needed), as PNG or SVG.

Each chart carries its title and a text description: as PNG metadata, and in the SVG as
`<title>` and `<desc>` with `role="img"`, so a downloaded illustration stays accessible.
"""
from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from html import escape

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402 - after choosing the backend

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
# Sized for a phone: the figure is as wide as a phone's page at most twice over, so labels in
# FONT_SIZE points stay readable when the page scales it down to the screen's width.
WIDTH_INCHES = 5
FONT_SIZE = 13
TITLE_SIZE = 15
PNG_DPI = 150
#: the width the page shows a chart at (CSS pixels: 96 per inch), before scaling to the screen
DISPLAY_WIDTH = WIDTH_INCHES * 96
COLOURS = ["#0059b3", "#e87e04", "#358000", "#7a0099"]  # DKFDS-like, distinguishable in greyscale too
matplotlib.rcParams["svg.hashsalt"] = "hoest"  # stable ids: the same chart gives the same file
matplotlib.rcParams["font.size"] = FONT_SIZE


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


def _save(fig: Figure, fmt: str, title: str, description: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt}")
    buffer = io.BytesIO()
    fig.tight_layout()
    if fmt == "png":
        fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Title": title, "Description": description},
                    bbox_inches="tight", pad_inches=0.15)
        return buffer.getvalue()
    fig.savefig(buffer, format="svg", metadata={"Title": title, "Description": description, "Date": None},
                bbox_inches="tight", pad_inches=0.15)
    svg = buffer.getvalue().decode("utf-8")
    svg = re.sub(r"<svg ", '<svg role="img" aria-labelledby="chart-title chart-desc" ', svg, count=1)
    svg = re.sub(r"(<svg[^>]*>)", r'\1\n <title id="chart-title">' + escape(title).replace("\\", "\\\\")
                 + '</title>\n <desc id="chart-desc">' + escape(description).replace("\\", "\\\\") + "</desc>",
                 svg, count=1)
    return svg.encode("utf-8")


def _figure(rows: int) -> Figure:
    return Figure(figsize=(WIDTH_INCHES, max(2.6, 0.8 * rows + 1.6)))


def horizontal_bars(*, title: str, description: str, labels: Sequence[str], values: Sequence[float | None],
                    fmt: str, as_percent: bool = True) -> bytes:
    """One bar per label (the chapter's share by citizens' role)."""
    fig = _figure(len(labels))
    ax = fig.subplots()
    numbers = [v or 0 for v in values]
    positions = list(range(len(labels)))[::-1]
    bars = ax.barh(positions, [v * 100 if as_percent else v for v in numbers], color=COLOURS[0])
    ax.set_yticks(positions, [_wrap(label, 16) for label in labels])
    for bar, value in zip(bars, values, strict=True):
        ax.annotate(_percent(value) if as_percent else f"{value:g}" if value is not None else "–",
                    (bar.get_width(), bar.get_y() + bar.get_height() / 2), xytext=(4, 0),
                    textcoords="offset points", va="center")
    if as_percent:
        ax.set_xlim(0, 110)
        ax.set_xlabel("%")
    else:
        ax.set_xlim(0, max(numbers + [1]) * 1.15)
    _title(fig, title)
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, fmt, title, description)


def small_multiples(*, title: str, description: str, labels: Sequence[str], values: Sequence[float | None],
                    fmt: str) -> bytes:
    """One bar per label, each on its own scale: counts of different things (ideas, voters,
    guests) that one shared axis would make unreadable or invite comparing."""
    fig = Figure(figsize=(WIDTH_INCHES, 1.3 * len(labels) + 0.9))
    axes = fig.subplots(len(labels), 1, squeeze=False)[:, 0]
    for ax, label, value in zip(axes, labels, values, strict=True):
        number = value or 0
        ax.barh([0], [number], color=COLOURS[0], height=0.6)
        ax.set_xlim(0, max(number, 1) * 1.3)
        ax.set_yticks([])
        ax.set_title(_wrap(label, 40), loc="left", fontsize=FONT_SIZE)
        ax.annotate("–" if value is None else f"{value:g}", (number, 0), xytext=(4, 0),
                    textcoords="offset points", va="center")
        ax.spines[["top", "right", "left"]].set_visible(False)
    _title(fig, title)
    return _save(fig, fmt, title, description)


def paired_bars(*, title: str, description: str, labels: Sequence[str], series: dict[str, Sequence[float | None]],
                fmt: str) -> bytes:
    """Two (or more) bars per label, e.g. with and without citizens per value."""
    fig = _figure(len(labels) * max(1, len(series)) * 0.6)
    ax = fig.subplots()
    height = 0.8 / max(1, len(series))
    base = list(range(len(labels)))[::-1]
    for i, (name, values) in enumerate(series.items()):
        positions = [p + (len(series) - 1 - 2 * i) * height / 2 for p in base]
        bars = ax.barh(positions, [(v or 0) * 100 for v in values], height=height, label=name,
                       color=COLOURS[i % len(COLOURS)], hatch=["", "//", "..", "xx"][i % 4])
        for bar, value in zip(bars, values, strict=True):
            ax.annotate(_percent(value), (bar.get_width(), bar.get_y() + bar.get_height() / 2), xytext=(4, 0),
                        textcoords="offset points", va="center")
    ax.set_yticks(base, [_wrap(label, 16) for label in labels])
    ax.set_xlim(0, 110)
    ax.set_xlabel("%")
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False)
    _title(fig, title)
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, fmt, title, description)


def radar(*, title: str, description: str, labels: Sequence[str], series: dict[str, Sequence[float | None]],
          fmt: str, low: float = 1, high: float = 5) -> bytes:
    """A radar (spider) chart on a fixed scale, one line per series (e.g. per party)."""
    fig = Figure(figsize=(WIDTH_INCHES, WIDTH_INCHES * 0.95))
    ax = fig.add_subplot(projection="polar")
    count = len(labels)
    angles = [2 * math.pi * i / count for i in range(count)] + [0]
    for i, (name, values) in enumerate(series.items()):
        if all(v is None for v in values):
            continue
        points = [low if v is None else v for v in values]
        points.append(points[0])
        ax.plot(angles, points, color=COLOURS[i % len(COLOURS)], linewidth=2,
                linestyle=["-", "--", ":", "-."][i % 4], marker="o", label=name)
        ax.fill(angles, points, color=COLOURS[i % len(COLOURS)], alpha=0.08)
    ax.set_xticks(angles[:-1], [_wrap(label, 14) for label in labels])
    ax.tick_params(axis="x", pad=18)
    ax.set_ylim(0, high)
    ax.set_yticks(range(int(low), int(high) + 1))
    ax.set_rlabel_position(100)  # the scale between two axes, clear of their labels
    ax.tick_params(axis="y", labelsize=FONT_SIZE - 3)
    ax.legend(loc="upper left", bbox_to_anchor=(-0.1, -0.16), frameon=False)
    _title(fig, title)
    return _save(fig, fmt, title, description)


def _title(fig: Figure, title: str) -> None:
    """The title over the whole figure, from its left edge, wrapped to the figure's width."""
    fig.suptitle(_wrap(title, 34), x=0.01, ha="left", fontsize=TITLE_SIZE)


def _wrap(text: str, width: int = 18) -> str:
    words, lines, line = str(text).split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)
