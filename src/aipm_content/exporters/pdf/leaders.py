"""The contents' dot leaders as one text box a line, not one box a dot.

WeasyPrint 70 lays a line out with one dot in its ``leader()``, then fills the leader with a
copy of that dot's text box for every dot that fits (``layout.leader.handle_leader``): ~20,000
boxes for a 20-lesson course's contents, each walked by the rest of the page's layout, each
drawn as its own text object and tagged as its own marked content. Drawing and tagging them
was 5 of the course's 26 s of CPU.

Once WeasyPrint has filled a leader, its dots (a contiguous row, each one dot's width from
the next) become one text box holding as many dots, laid out by WeasyPrint's own line
breaker: its glyphs fall where the boxes stood, so the pages look the same and their text
reads the same. A row whose one box would not be exactly as wide as the dots (kerning between
dots, letter spacing) is left as WeasyPrint made it. A layout only counted, never written,
leaves its leaders unfilled (``leaders_unfilled``): filling only moves boxes along their line.

``inline.handle_leader`` is a WeasyPrint internal, replaced for our layouts only because
``weasyprint==70.0`` is pinned: re-check this module whenever WeasyPrint is upgraded.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import threading
from collections.abc import Iterator
from typing import Any

WIDTH_TOLERANCE = 1e-6
"""Points a merged row may differ from its dots' width (float sums), else it is not merged."""


class _Counting(threading.local):
    unfilled = False


_counting = _Counting()


def install() -> None:
    """Put ``handle_leader`` in WeasyPrint's inline layout (once a process)."""
    from weasyprint.layout import inline

    if not getattr(inline.handle_leader, "ours", False):
        inline.handle_leader = handle_leader


@contextlib.contextmanager
def leaders_unfilled() -> Iterator[None]:
    """Lay out without filling ``leader()``s with their dots, in this thread: for a layout
    only counted, never written (the pages are the same, for about half the work)."""
    install()
    _counting.unfilled = True
    try:
        yield
    finally:
        _counting.unfilled = False


def handle_leader(context: Any, line: Any, containing_block: Any) -> None:
    """WeasyPrint's leader handling, then the line's dots merged into one text box."""
    from weasyprint.layout import leader

    if _counting.unfilled:
        return
    leader.handle_leader(context, line, containing_block)
    _, box = leader.leader_index(line)
    if box is not None and len(box.children) > 1:
        merged = _one_box(context, box.children)
        if merged is not None:
            box.children = (merged,)


handle_leader.ours = True  # type: ignore[attr-defined]


def _one_box(context: Any, dots: tuple[Any, ...]) -> Any | None:
    """One text box for ``dots`` (right to left, as WeasyPrint adds them), or None when that
    box would not stand exactly where they do."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.line_break import split_first_line

    left = dots[-1]
    if not all(isinstance(dot, boxes.TextBox) and dot.text == left.text for dot in dots):
        return None
    step = left.width
    if any(
        abs(a.position_x - b.position_x - step) > WIDTH_TOLERANCE
        for a, b in itertools.pairwise(dots)
    ):
        return None
    text = left.text * len(dots)
    layout, length, resume, width, height, _ = split_first_line(
        text, left.style, context, math.inf, left.justification_spacing, is_line_start=False
    )
    if length != len(text.encode()) or resume is not None or height != left.height:
        return None
    if abs(width - step * len(dots)) > WIDTH_TOLERANCE * len(dots):
        return None
    merged = left.copy_with_text(layout.text)
    merged.pango_layout = layout
    merged.width = width
    return merged
