"""The exporter protocol and registry: built-ins by name, others through entry points.

An exporter module must stay cheap to import: heavy libraries (weasyprint, ebooklib) are
imported inside ``export``, so ``aipm-export check`` and ``json`` never load them.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from ..deadline import deadline
from ..model.lesson import Lesson
from ..parse.diagnostics import Diagnostic, LessonError, error

if TYPE_CHECKING:
    from ..model.course import Course

ENTRY_POINT_GROUP = "aipm_content.exporters"

BUILTIN: dict[str, str] = {
    "json": "aipm_content.exporters.json_export:EXPORTER",
    "pdf": "aipm_content.exporters.pdf:EXPORTER",
    "epub": "aipm_content.exporters.epub:EXPORTER",
    "scorm": "aipm_content.exporters.scorm:EXPORTER",
    "cmi5": "aipm_content.exporters.cmi5:EXPORTER",
}


class ExportOptions(BaseModel):
    """Base of every exporter's options; fields become CLI flags and settings-file keys.

    The attribute docstrings under the fields are the flags' help, which the CLI reads only
    when help is shown (``attribute_docs``). Start-up: extracting them at class creation
    parsed each options class's source at every export (~10 ms a class), and building every
    class's validator there (this base's too) built ones no export uses.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class TimedOptions(ExportOptions):
    """Options of a built-in channel, whose export stops after ``timeout`` seconds."""

    timeout: float = Field(default=120, ge=0, le=3600)
    """Seconds the export may take before it stops with a render-timeout error (0: no limit)."""


def title_line(unit: Lesson | Course) -> tuple[str, int]:
    """Where a problem with the whole lesson (its title line) or course (its file's first
    line) is reported."""
    if isinstance(unit, Lesson):
        return unit.source_line(unit.title)
    return unit.source_path, 1


@contextlib.contextmanager
def time_limit(lesson: Lesson | Course, seconds: float, what: str) -> Iterator[None]:
    """Run the block under the ``timeout`` option; past it raise a located render-timeout.

    ``what`` names the work in the message ("the PDF render", "the SCORM export").
    """

    def expired() -> LessonError:
        path, line = title_line(lesson)
        message = f"{what} took longer than {seconds:g} s (the timeout option) and was stopped"
        return LessonError([Diagnostic(path, line, 1, "render-timeout", message)])

    with deadline(seconds, expired):
        yield


class ThemedOptions(TimedOptions):
    """Options of an HTML-based channel, whose default theme a project may extend."""

    theme_css: str | None = Field(default=None, max_length=200_000)
    """CSS appended to the default theme (read from exporters/<format>.css, or --theme FILE)."""

    @field_validator("theme_css")
    @classmethod
    def _styles_only(cls, css: str | None) -> str | None:
        # Style rules only: nothing it could fetch (fonts, images, other sheets) and no legacy
        # script hooks, so an override cannot reach outside the book, package or lesson folder.
        from .theme import theme_problems  # tinycss2: only when there is a theme to check

        problems = theme_problems(css) if css is not None else []
        if problems:
            first = problems[0]
            raise PydanticCustomError(
                "theme-css",
                "line {line}:{col}: {first} (and {more} more)"
                if len(problems) > 1
                else "line {line}:{col}: {first}",
                {
                    "line": first.line,
                    "col": first.col,
                    "first": first.message,
                    "more": len(problems) - 1,
                    "problems": [(p.line, p.col, p.code, p.message) for p in problems],
                },
            )
        return css


class Exporter(Protocol):
    """A channel: renders a lesson, or a course of lessons, to one file."""

    name: ClassVar[str]
    suffix: ClassVar[str]
    """File extension of the output, with the dot."""
    description: ClassVar[str]
    options_model: ClassVar[type[ExportOptions]]
    courses: ClassVar[bool]
    """Whether the channel publishes a whole course (``build`` exports courses only to these)."""

    def export(self, lesson: Lesson | Course, out: Path, options: Any) -> Path:
        """Write ``out`` atomically; raise LessonError for problems the author can fix."""
        ...


def course_unsupported(course: Course, channel: str) -> LessonError:
    """The located error of a channel that cannot publish a whole course yet."""
    message = f"the {channel} channel cannot publish a whole course yet; export its lessons"
    return error(course.source_path, 1, 1, "course-unsupported", message)


def exporter_names() -> list[str]:
    """Built-in channels first, then those installed through entry points."""
    from importlib.metadata import entry_points

    names = list(BUILTIN)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in names:
            names.append(ep.name)
    return names


def get_exporter(name: str) -> Exporter:
    """Import and return the exporter registered as ``name``."""
    target = BUILTIN.get(name)
    if target is None:
        from importlib.metadata import entry_points

        found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
        if not found:
            raise KeyError(f"no exporter named {name!r} (known: {', '.join(exporter_names())})")
        exporter: Exporter = found[0].load()
        return exporter
    module_name, _, attr = target.partition(":")
    exporter = getattr(importlib.import_module(module_name), attr)
    return exporter
