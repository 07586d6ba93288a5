"""Word counts over the model, for reading time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .inline import Image, RichText

if TYPE_CHECKING:
    from .lesson import Lesson


def rich_texts(node: Any) -> Iterator[RichText]:
    """Every piece of rich text under a node, in document order."""
    if isinstance(node, RichText):
        yield node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from rich_texts(getattr(node, name))
    elif isinstance(node, list):
        for item in node:
            yield from rich_texts(item)


def image_sources(node: Any) -> set[str]:
    """``src`` of every image under a node (images live only in rich text)."""
    found: set[str] = set()
    for text in rich_texts(node):
        stack: list[Any] = list(text.inlines)
        while stack:
            inline = stack.pop()
            if isinstance(inline, Image):
                found.add(inline.src)
            stack.extend(getattr(inline, "children", []))
    return found


def words_in(text: str) -> int:
    """Whitespace-separated runs that hold a letter or digit (a lone dash is not a word)."""
    return sum(1 for run in text.split() if any(ch.isalnum() for ch in run))


def count_words(lesson: Lesson) -> int:
    """Words of every text and section title in the lesson."""
    total = sum(words_in(rt.text) for rt in rich_texts(lesson.sections))
    total += sum(words_in(s.title or "") for s in lesson.sections)
    if lesson.epigraph is not None:
        total += words_in(lesson.epigraph.text.text)
    return total
