"""aipm-content: one typed lesson model, published as PDF, EPUB 3, LMS JSON and SCORM."""

from .api import export, load, parse
from .model.lesson import Lesson
from .parse.diagnostics import Diagnostic, LessonError

__version__ = "0.1.0"

__all__ = ["Diagnostic", "Lesson", "LessonError", "__version__", "export", "load", "parse"]
