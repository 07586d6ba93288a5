"""Source text -> tokens -> validated model."""

from .build import parse_markdown
from .diagnostics import Diagnostic, LessonError

__all__ = ["Diagnostic", "LessonError", "parse_markdown"]
