"""Book metadata that must not change between builds: identifier, dates, accessibility claims."""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from ...model.course import Course
from ...model.lesson import Lesson
from ...parse.diagnostics import error

BOOK_NAMESPACE = uuid.UUID("6f1c4b2e-9a57-5d1e-8c33-2f0a7e5b9d41")
"""Namespace of the book identifiers; changing it would give every book a new identity."""
FALLBACK_MODIFIED = datetime(2000, 1, 1, tzinfo=UTC)
"""``dcterms:modified`` when the lesson has no revision and SOURCE_DATE_EPOCH is unset."""
ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)
"""The earliest time a zip entry can hold."""

CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"


@dataclass(frozen=True)
class BookInfo:
    """What the package metadata and the cover say about a book: a lesson's or a course's."""

    kind: Literal["lesson", "course"]
    id: str
    title: str
    language: str
    authors: tuple[str, ...]
    summary: str | None
    tags: tuple[str, ...]
    """Subjects: the lesson's tags; a course's are its lessons' tags, first use first."""
    revision: str | None
    """YYYY-MM-DD."""

    @classmethod
    def of(cls, source: Lesson | Course) -> BookInfo:
        if isinstance(source, Lesson):
            tags = tuple(source.tags)
        else:
            tags = tuple(dict.fromkeys(tag for lesson in source.lessons for tag in lesson.tags))
        return cls(
            kind="lesson" if isinstance(source, Lesson) else "course",
            id=source.id,
            title=source.title,
            language=source.language,
            authors=tuple(source.authors),
            summary=source.summary,
            tags=tags,
            revision=revision_text(source.revision),
        )


def revision_text(revision: str | date | None) -> str | None:
    """A revision date (lesson or course) as YYYY-MM-DD text."""
    return None if revision is None else str(revision)


def book_identifier(book: BookInfo) -> str:
    """``urn:uuid:`` of a UUID5 of the lesson or course id: the same book across builds.

    A course's name is ``course:`` + its id, which no lesson id can be (ids have no colon).
    """
    name = book.id if book.kind == "lesson" else f"course:{book.id}"
    return f"urn:uuid:{uuid.uuid5(BOOK_NAMESPACE, name)}"


def modified_time(
    source: Lesson | Course | BookInfo, environ: Mapping[str, str] | None = None
) -> datetime:
    """The revision date, else SOURCE_DATE_EPOCH, else FALLBACK_MODIFIED (all UTC)."""
    revision = revision_text(source.revision)
    if revision is not None:
        return datetime.strptime(revision, "%Y-%m-%d").replace(tzinfo=UTC)
    raw = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return FALLBACK_MODIFIED
    if not raw.isdigit():
        message = f"{raw!r} is not a whole number of seconds"
        raise error("SOURCE_DATE_EPOCH", 1, 1, "settings", message)
    return datetime.fromtimestamp(int(raw), tz=UTC)


def zip_time(when: datetime) -> tuple[int, int, int, int, int, int]:
    """``when`` as a zip entry time (zip cannot store dates before 1980; seconds are even)."""
    when = max(when, ZIP_EPOCH)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second - when.second % 2)


def accessibility(has_images: bool, kind: str = "lesson") -> list[tuple[str, str]]:
    """(property, value) pairs for the package metadata, true of every book this exporter makes.

    Claims rest on what the templates produce: text for all content, alt text on every image
    (the model requires it), a nav document with a TOC and landmarks, headings in order, the
    book's language on every document, no sound, motion or flashing, no scripting.
    """
    images = (
        "every image has a text alternative."
        if has_images
        else "the only image is the cover, described in text."
    )
    summary = (
        f"A reflowable {kind} with structured headings, a table of contents and landmarks. "
        f"All content is text; {images} "
        "Interactive decisions use native disclosure elements and need no scripting."
    )
    pairs = [("schema:accessMode", "textual")]
    if has_images:
        pairs.append(("schema:accessMode", "visual"))
    pairs.append(("schema:accessModeSufficient", "textual"))
    if has_images:
        pairs.append(("schema:accessModeSufficient", "textual,visual"))
    features = [
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "displayTransformability",
    ]
    if has_images:
        features.append("alternativeText")
    pairs += [("schema:accessibilityFeature", f) for f in features]
    pairs += [
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", summary),
        ("dcterms:conformsTo", CONFORMS_TO),
        ("a11y:certifiedBy", "aipm-content EPUB exporter (self-declared, not audited)"),
    ]
    return pairs
