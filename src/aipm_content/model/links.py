"""``lesson:ID`` and ``lesson:ID#section`` links: references from one lesson to another.

The model keeps them as written (an id reference in the JSON); a course resolves them, and each
channel renders a resolved one as its own kind of internal link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import BaseModel

from .ids import ID_PATTERN

if TYPE_CHECKING:
    from .lesson import Lesson

SCHEME = "lesson:"
_ID = ID_PATTERN.removeprefix("^").removesuffix("$")
_LESSON_HREF = re.compile(rf"lesson:(?P<lesson>{_ID})(?:#(?P<section>{_ID}))?")


class LessonTarget(NamedTuple):
    """A lesson, and optionally one of its sections."""

    lesson: str
    section: str | None


def is_lesson_href(href: str) -> bool:
    """Whether ``href`` uses the ``lesson:`` scheme (in any letter case)."""
    return href[: len(SCHEME)].lower() == SCHEME


def parse_lesson_href(href: str) -> LessonTarget | None:
    """The target of a well-formed ``lesson:`` link, else None."""
    match = _LESSON_HREF.fullmatch(href)
    if match is None or len(href) > 200:
        return None
    return LessonTarget(match["lesson"], match["section"])


def lesson_links(lesson: Lesson) -> Iterator[str]:
    """The href of every ``lesson:`` link in the lesson, inline text and next steps alike."""
    stack: list[Any] = [lesson.sections]
    while stack:
        node = stack.pop()
        if isinstance(node, BaseModel):
            href = getattr(node, "href", None)
            if isinstance(href, str) and is_lesson_href(href):
                yield href
            stack.extend(getattr(node, name) for name in type(node).model_fields)
        elif isinstance(node, list):
            stack.extend(reversed(node))
