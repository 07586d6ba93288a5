"""The library's front door: load or parse a lesson, export it to a channel."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import ValidationError

from .deadline import deadline
from .model.lesson import Lesson
from .parse import limits
from .parse.diagnostics import Diagnostic, LessonError, error

if TYPE_CHECKING:
    from .model.course import Course

SourceFormat = Literal["markdown", "text", "json"]
SUFFIXES: dict[str, SourceFormat] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".json": "json",
}


def source_format(path: Path, given: SourceFormat | None = None) -> SourceFormat:
    """The format named by ``given`` or by the file's extension."""
    if given is not None:
        return given
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(SUFFIXES)
        raise error(
            str(path),
            1,
            1,
            "unknown-format",
            f"cannot tell the format from {path.suffix!r} (known: {known}); pass --from",
        )
    return fmt


def read_source(path: Path, data: bytes | None = None) -> str:
    """The file's text, read through ``sources`` (inside its folder, a regular file, within
    the size limit, UTF-8); anything else is a located error. ``data``: bytes already read."""
    from .sources import decode

    if data is None:
        data = source_bytes(path)
    return decode(data, str(path))


def source_bytes(path: Path) -> bytes:
    """The source's bytes, read the one sanctioned way (see ``sources.read_limited``)."""
    from .sources import read_limited

    return read_limited(path, folder=path.parent, limit=limits.MAX_SOURCE_BYTES)


def parse(
    text: str,
    *,
    format: SourceFormat = "markdown",
    path: str = "<string>",
    lesson_id: str | None = None,
    source_dir: Path | None = None,
) -> Lesson:
    """Parse lesson source text. Raises LessonError listing every problem found."""
    if format != "json":
        check_characters(text, path)
    with deadline(limits.PARSE_SECONDS, lambda: _parse_timeout(path)):
        if format == "markdown":
            from .parse.build import parse_markdown

            lesson = parse_markdown(text, path, lesson_id=lesson_id, source_dir=source_dir)
        elif format == "text":
            from .parse.reading_app import parse_reading_app

            lesson = parse_reading_app(text, path, lesson_id=lesson_id, source_dir=source_dir)
        else:
            lesson = parse_json(text, path)
            if source_dir is not None:
                from .parse.json_shape import check_json_images

                check_json_images(lesson, source_dir, text, path)
    return lesson.located(source_dir, None if path == "<string>" else path)


def check_characters(text: str, path: str) -> None:
    """Refuse control characters no output format can carry (an oversized source is left to
    the parser, which reports its size instead)."""
    if len(text) <= limits.MAX_SOURCE_BYTES and (found := limits.forbidden_characters(text)):
        raise LessonError(
            [
                Diagnostic(path, line, col, "control-character", message)
                for line, col, message in found
            ]
        )


def _parse_timeout(path: str) -> LessonError:
    seconds = limits.PARSE_SECONDS
    message = f"reading the lesson took longer than {seconds:g} s and was stopped"
    return error(path, 1, 1, "parse-timeout", message)


def parse_json(text: str, path: str) -> Lesson:
    """A lesson exported as JSON (``aipm-export json``), read back into the model."""
    return _json_model(text, path, Lesson, "lesson")


ModelT = TypeVar("ModelT", Lesson, "Course")


def _json_model(text: str, path: str, model: type[ModelT], what: str) -> ModelT:
    """A lesson or course JSON export read back into its model, problems at 1:1."""
    from .parse.json_shape import check_json_shape
    from .parse.validate import error_code

    check_json_shape(text, path)
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(path, exc.lineno, exc.colno, "json", exc.msg) from None
    if found := _forbidden_in_json(data, what):
        raise LessonError(
            [
                Diagnostic(path, 1, 1, "control-character", f"{where}: {message}")
                for where, message in found[: limits.MAX_CHARACTER_PROBLEMS]
            ]
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [
            Diagnostic(
                path,
                1,
                1,
                error_code(e["type"]),
                f"{'.'.join(map(str, e['loc'])) or what}: {e['msg']}",
            )
            for e in exc.errors()
        ]
        raise LessonError(problems) from None


def _forbidden_in_json(value: Any, where: str = "lesson") -> list[tuple[str, str]]:
    """(JSON path, message) for each string holding a character no output format can carry."""
    from .parse.limits import FORBIDDEN_CHARACTERS

    if isinstance(value, str):
        match = FORBIDDEN_CHARACTERS.search(value)
        return [(where, f"control character U+{ord(match.group()):04X}")] if match else []
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return []
    return [found for key, item in items for found in _forbidden_in_json(item, f"{where}.{key}")]


def load(
    path: str | Path, *, format: SourceFormat | None = None, data: bytes | None = None
) -> Lesson:
    """Read a lesson file (.md authoring format, .txt reading-app text, or .json export).

    ``data``: the file's bytes when the caller has already read them (``build`` hashes the
    very bytes it parses).
    """
    path = Path(path)
    fmt = source_format(path, format)
    stem = path.stem if path.stem[:1].isalpha() else None
    from .model.ids import slugify

    lesson_id = slugify(stem, max_words=12) if stem else None
    return parse(
        read_source(path, data),
        format=fmt,
        path=str(path),
        lesson_id=lesson_id or None,
        source_dir=path.parent,
    )


def load_course(path: str | Path) -> Course:
    """Read a course: its ``course.yml`` (or the folder holding it), or a course JSON export."""
    from .model.course import Course
    from .parse.course_file import course_path, read_course

    path = Path(path)
    if path.suffix.lower() == ".json":
        return _json_model(read_source(path), str(path), Course, "course").located(str(path))
    found = course_path(path)
    if found is None:
        message = "not a course: give a course.yml file or a folder holding one"
        raise error(str(path), 1, 1, "not-a-course", message)
    return read_course(found)


def is_course(path: Path, format: SourceFormat | None = None) -> bool:
    """Whether ``path`` names a course (course.yml, its folder, or a course JSON export)."""
    from .parse.course_file import course_path

    if course_path(path) is not None:
        return True
    if path.suffix.lower() != ".json" or format not in (None, "json") or not path.is_file():
        return False
    try:
        with path.open("rb") as file:
            head = file.read(4096)
    except OSError:
        return False
    return b'"modules":' in head


def load_source(path: str | Path, *, format: SourceFormat | None = None) -> Lesson | Course:
    """A lesson or a course, whichever ``path`` names."""
    path = Path(path)
    return load_course(path) if is_course(path, format) else load(path, format=format)


def export(lesson: Lesson | Course, format: str, path: str | Path, **options: Any) -> Path:
    """Render a lesson or course to ``path`` with the exporter registered as ``format``."""
    from .exporters.base import get_exporter

    exporter = get_exporter(format)
    return exporter.export(lesson, Path(path), exporter.options_model.model_validate(options))


__all__ = [
    "Diagnostic",
    "Lesson",
    "LessonError",
    "export",
    "load",
    "load_course",
    "load_source",
    "parse",
]
