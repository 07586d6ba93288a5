"""PDF course handout through WeasyPrint: title page, contents, worksheets, answer key.

This module stays cheap to import; WeasyPrint is loaded by ``document`` and ``fetcher`` only
when a PDF is actually written.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from ...model.course import Course
from ...model.lesson import Lesson
from ...parse.diagnostics import Diagnostic, LessonError
from ..base import ExportOptions, ThemedOptions, title_line
from ..output import atomic_path

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


MIN_CONTRAST = 4.5
"""WCAG 2.x AA contrast for normal text: brand colours set headings and labels on white."""


def check_colour(value: str) -> str:
    """A CSS hex colour (#rgb or #rrggbb) readable as text on white, lower-cased so equal
    colours give equal PDFs."""
    if not _HEX.match(value):
        raise PydanticCustomError(
            "bad-colour", "{value} is not a hex colour like #1f5f8b", {"value": repr(value)}
        )
    ratio = contrast_on_white(value)
    if ratio < MIN_CONTRAST:
        raise PydanticCustomError(
            "low-contrast",
            "{value} has a contrast of {ratio}:1 on white; text needs at least 4.5:1",
            {"value": value, "ratio": f"{ratio:.2f}"},
        )
    return value.lower()


def contrast_on_white(value: str) -> float:
    """WCAG contrast ratio of a hex colour against white."""
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


class PdfOptions(ThemedOptions):
    """Options of the PDF exporter (also the keys of exporters/pdf.toml)."""

    paper: Literal["a4", "letter"] = "a4"
    """Paper size: a4 (default) or letter."""
    accent_color: str = "#1d5c7a"
    """Brand colour of headings, labels and the title page, as #rrggbb."""
    highlight_color: str = "#a4501f"
    """Second brand colour, for callouts such as the tension and the call, as #rrggbb."""
    brand_name: str | None = Field(default=None, max_length=80)
    """Organisation named on the title page and in the footer."""
    answer_key: bool = True
    """Print the answer key (decision feedback and scores) at the end (of each lesson, in a
    course workbook)."""
    preview: Path | None = None
    """Folder to also write PNG pages into (pdftoppm), to look without a PDF viewer."""
    preview_dpi: int = Field(default=60, ge=20, le=300)
    """Resolution of the preview PNGs."""
    timeout: float = Field(default=120, ge=0, le=3600)
    """Seconds the render may take before it stops with a render-timeout error (0: no limit);
    per lesson, for a course."""

    @field_validator("accent_color", "highlight_color")
    @classmethod
    def _colour(cls, value: str) -> str:
        return check_colour(value)


class PdfExporter:
    """``aipm-export pdf``."""

    name: ClassVar[str] = "pdf"
    suffix: ClassVar[str] = ".pdf"
    description: ClassVar[str] = (
        "Printable lesson handout or course workbook (PDF/UA tagged, A4 or Letter)."
    )
    options_model: ClassVar[type[ExportOptions]] = PdfOptions
    courses: ClassVar[bool] = True

    def export(self, lesson: Lesson | Course, out: Path, options: PdfOptions) -> Path:
        from ...deadline import deadline

        lessons = len(lesson.lessons) if isinstance(lesson, Course) else 1
        seconds = options.timeout * lessons
        with deadline(seconds, lambda: render_timeout(lesson, seconds)):
            if isinstance(lesson, Course):
                from .course import course_pdf

                data = course_pdf(lesson, options)
            else:
                from .document import lesson_pdf

                data = lesson_pdf(lesson, options)
        with atomic_path(out) as temp:
            temp.write_bytes(data)
            if options.preview is not None:  # before the PDF is replaced: both or neither
                from .preview import write_preview

                write_preview(temp, options.preview, options.preview_dpi, out.stem)
        return out


def render_timeout(lesson: Lesson | Course, seconds: float) -> LessonError:
    """The render-timeout error, pointing at the lesson's title line (a course's first line)."""
    path, line = title_line(lesson)
    message = f"the PDF render took longer than {seconds:g} s (the timeout option) and was stopped"
    if isinstance(lesson, Course):
        message += f" ({len(lesson.lessons)} lessons)"
    return LessonError([Diagnostic(path, line, 1, "render-timeout", message)])


EXPORTER = PdfExporter()
