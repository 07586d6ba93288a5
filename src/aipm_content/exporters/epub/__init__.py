"""``aipm-export epub``: an EPUB 3 book that passes EPUBCheck, reproducible byte for byte.

A lesson is one book, and so is a course (title page, modules, every lesson's sections).
Modules: ``book`` puts a lesson's or a course's documents in order, ``content`` renders and
finishes them, ``cover`` draws the cover, ``metadata`` holds the identifier, dates and
accessibility claims, ``package`` writes the container with ebooklib, ``preview`` screenshots
the pages in headless Chromium.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from ...model.course import Course
from ...model.lesson import Lesson
from ..base import ExportOptions, ThemedOptions, time_limit
from ..output import atomic_path, write_atomic


class EpubOptions(ThemedOptions):
    """Options of the EPUB exporter."""

    preview: Path | None = None
    """Also write a PNG screenshot of every page into this folder (needs Chromium)."""


def epub_bytes(source: Lesson | Course, theme_css: str | None = None) -> bytes:
    """The EPUB file of a lesson or a course: the same source always gives the same bytes."""
    from .book import book_content
    from .metadata import BookInfo, modified_time
    from .package import package_epub

    content = book_content(source, theme_css)
    return package_epub(BookInfo.of(source), content, modified_time(source))


class EpubExporter:
    """``aipm-export epub``."""

    name: ClassVar[str] = "epub"
    suffix: ClassVar[str] = ".epub"
    description: ClassVar[str] = "EPUB 3 book (EPUBCheck-clean, accessible, reproducible)."
    options_model: ClassVar[type[ExportOptions]] = EpubOptions
    courses: ClassVar[bool] = True

    def warm_up(self) -> None:
        """Import the book's modules and compile its templates: ``build`` does it once before
        its workers fork, so each starts with them."""
        from ...render.html import environment
        from . import book, package  # noqa: F401

        env = environment("epub")
        for name in env.list_templates(extensions=["j2"]):
            env.get_template(name)

    def export(self, lesson: Lesson | Course, out: Path, options: EpubOptions) -> Path:
        if options.preview is not None:
            # A missing 'preview' extra is reported before anything is built or written.
            import playwright.sync_api  # noqa: F401
        with time_limit(lesson, options.timeout, "the EPUB export"):
            data = epub_bytes(lesson, options.theme_css)
        if options.preview is None:
            write_atomic(out, data)
            return out
        from .preview import preview_pages

        with atomic_path(
            out
        ) as temp:  # the book is kept only if its pages rendered: both or neither
            temp.write_bytes(data)
            preview_pages(temp, options.preview, out.stem)
        return out


EXPORTER = EpubExporter()
