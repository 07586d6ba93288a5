"""How much a run measures: the full plan and the quick one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    sizes: tuple[int, int]
    repeats: int
    """Runs of each command (median reported)."""
    single_repeats: int
    slow_repeats: int
    pdf_repeats: int
    """Runs of our PDF catalog builds."""
    """Runs of the pandoc + WeasyPrint catalog loops (minutes each at full size)."""
    parse_repeats: int
    scale: int
    """The large lesson is the seed's body this many times over."""
    big_pandoc: bool
    course_lessons: int
    """Lessons of the generated course (modules of five)."""
    preview_edits: int
    """Saves of the seed lesson timed until the open preview page shows them."""


FULL = Plan(
    sizes=(50, 200),
    repeats=3,
    single_repeats=5,
    slow_repeats=1,
    pdf_repeats=2,
    parse_repeats=300,
    scale=50,
    big_pandoc=True,
    course_lessons=20,
    preview_edits=20,
)
QUICK = Plan(
    sizes=(10, 30),
    repeats=2,
    single_repeats=3,
    slow_repeats=1,
    pdf_repeats=1,
    parse_repeats=100,
    scale=5,
    big_pandoc=False,
    course_lessons=5,
    preview_edits=5,
)
