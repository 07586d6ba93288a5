"""aipm-content: one typed lesson model, published as PDF, EPUB 3, LMS JSON and SCORM."""

from .api import export, load, load_course, load_source, parse
from .model.course import Course
from .model.lesson import Lesson
from .parse.diagnostics import Diagnostic, LessonError

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
