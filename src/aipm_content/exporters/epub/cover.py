"""A cover image drawn from the title alone: SVG text, no fonts or files from outside the book."""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any

from ...render.html import render
from .metadata import BookInfo

WIDTH, HEIGHT, MARGIN = 1200, 1800, 110
BASELINE = HEIGHT - 260
BAR_COLOURS = ("#1f4e79", "#c05a2a", "#3a7d44", "#d9a441", "#6b4c8a")
STYLE = {
    "ink": "#1d2a3a",
    "paper": "#f7f4ee",
    "accent": "#c05a2a",
    "serif": "'Noto Serif', 'Noto Serif Devanagari', Georgia, serif",
    "sans": "'Noto Sans', 'Noto Sans Devanagari', 'Helvetica Neue', Arial, sans-serif",
}


def display_width(text: str) -> float:
    """Rough width in em: combining marks take no room, wide characters (emoji, CJK) a full em."""
    width = 0.0
    for char in text:
        if unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.56
    return width


def wrap(text: str, max_em: float, max_lines: int) -> list[str]:
    """Greedy word wrap by estimated width; cut at ``max_lines`` with a trailing "…"."""
    lines: list[str] = []
    for word in text.split():
        if lines and display_width(f"{lines[-1]} {word}") <= max_em:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] += "…"
    return lines


def title_layout(title: str) -> tuple[int, list[str]]:
    """(font size in px, lines): the largest size at which the title fits in six lines."""
    room = WIDTH - 2 * MARGIN
    for size in (120, 104, 92, 80, 68):
        lines = wrap(title, room / size, 99)
        if len(lines) <= 6:
            return size, lines
    return 58, wrap(title, room / 58, 6)


def bars(book_id: str) -> list[dict[str, Any]]:
    """A bar chart motif whose heights come from the book's id: each book looks its own."""
    digest = hashlib.sha256(book_id.encode()).digest()
    width, gap = 120, 36
    out = []
    for i, colour in enumerate(BAR_COLOURS):
        height = 90 + digest[i] % 220
        x = MARGIN + i * (width + gap)
        out.append(
            {"x": x, "y": BASELINE - height, "width": width, "height": height, "fill": colour}
        )
    return out


def cover_svg(book: BookInfo) -> bytes:
    """The cover as a standalone SVG document (deterministic: same book, same bytes)."""
    size, lines = title_layout(book.title)
    layout = {
        **STYLE,
        "width": WIDTH,
        "height": HEIGHT,
        "margin": MARGIN,
        "baseline": BASELINE,
        "title_size": size,
        "title_lines": lines,
        "title_top": 330 + size,
        "line_height": round(size * 1.18),
        "bars": bars(book.id),
    }
    return render("epub", "cover.svg.j2", book=book, c=layout).encode("utf-8")
