"""Word counts and image sources over the model, for reading time and the files an output needs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .inline import Image, RichText

if TYPE_CHECKING:
    from .lesson import Lesson

NO_ALNUM_RUN = re.compile(r"(?<!\S)(?:[^\w\s]|_)+(?!\S)")
"""A whitespace-separated run without a letter or digit (``\\w`` is ``str.isalnum`` and ``_``,
``\\s`` is ``str.isspace``): one findall is quicker than testing every run."""


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


def add_images(text: RichText, found: set[str]) -> None:
    """Add the ``src`` of every image in ``text`` to ``found``."""
    stack: list[Any] = list(text.inlines)
    while stack:
        inline = stack.pop()
        if isinstance(inline, Image):
            found.add(inline.src)
        stack.extend(getattr(inline, "children", []))


def image_sources(node: Any) -> set[str]:
    """``src`` of every image under a node (images live only in rich text)."""
    found: set[str] = set()
    for text in rich_texts(node):
        add_images(text, found)
    return found


def words_in(text: str) -> int:
    """Whitespace-separated runs that hold a letter or digit (a lone dash is not a word)."""
    return len(text.split()) - len(NO_ALNUM_RUN.findall(text))


@dataclass(frozen=True)
class LessonMeasure:
    """What one walk of a lesson finds."""

    section_words: tuple[int, ...]
    """Words of each section: its texts and its title."""
    epigraph_words: int
    images: frozenset[str]
    """``src`` of every image in the lesson."""

    @property
    def words(self) -> int:
        return sum(self.section_words) + self.epigraph_words


def measure(lesson: Lesson) -> LessonMeasure:
    """Words (of every section's texts and title, and the epigraph's quotation) and image
    sources (of all the lesson's rich text), in one walk of the lesson."""
    images: set[str] = set()
    section_words: list[int] = []
    epigraph_words = 0
    for name in type(lesson).model_fields:
        value = getattr(lesson, name)
        if name == "sections":
            for section in value:
                words = words_in(section.title or "")
                for text in rich_texts(section):
                    words += words_in(text.text)
                    add_images(text, images)
                section_words.append(words)
            continue
        for text in rich_texts(value):
            if name == "epigraph" and text is value.text:
                epigraph_words += words_in(text.text)
            add_images(text, images)
    return LessonMeasure(tuple(section_words), epigraph_words, frozenset(images))
