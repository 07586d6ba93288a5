"""Source text -> tokens -> validated model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .diagnostics import Diagnostic, LessonError

if TYPE_CHECKING:
    from .build import parse_markdown

__all__ = ["Diagnostic", "LessonError", "parse_markdown"]


def __getattr__(name: str) -> Any:
    # Start-up: the Markdown parser (markdown-it, YAML, the whole model) is imported when it
    # is first asked for, not by every module that only needs a Diagnostic.
    if name == "parse_markdown":
        from .build import parse_markdown

        return parse_markdown
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
