"""aipm-content: one typed lesson model, published as PDF, EPUB 3, LMS JSON and SCORM."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .api import export, load, load_course, load_source, parse
from .model.lesson import Lesson
from .parse.diagnostics import Diagnostic, LessonError

if TYPE_CHECKING:
    from .model.course import Course

__version__ = "0.1.0"

__all__ = [
    "Course",
    "Diagnostic",
    "Lesson",
    "LessonError",
    "__version__",
    "export",
    "load",
    "load_course",
    "load_source",
    "parse",
]


def __getattr__(name: str) -> Any:
    # Start-up: the course classes are imported when first asked for; a lesson needs none.
    if name == "Course":
        from .model.course import Course

        return Course
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
