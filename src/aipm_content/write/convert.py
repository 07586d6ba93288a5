"""``aipm-export convert SRC -o OUT``: any lesson source -> authoring Markdown, atomically; a
course -> a folder of Markdown lessons and the ``course.yml`` naming them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..api import SourceFormat, load, load_course, parse
from ..exporters.output import write_atomic
from ..model.course import Course
from ..model.lesson import Lesson
from ..parse.diagnostics import error
from .markdown import to_markdown


def convert(source: Path, out: Path, *, source_format: SourceFormat | None = None) -> None:
    """Load ``source`` (.md, .txt or .json) and write it to ``out`` as authoring Markdown.

    The Markdown is parsed back before anything is written; if it would not give the same
    model, nothing is written and a LessonError says so. The write is atomic.
    """
    source, out = Path(source), Path(out)
    lesson = load(source, format=source_format)
    write_atomic(out, checked_markdown(lesson, out, source.parent).encode("utf-8"))


def checked_markdown(lesson: Lesson, out: Path, source_dir: Path) -> str:
    """The lesson as authoring Markdown, refused unless it reads back as the same lesson."""
    text = to_markdown(lesson)
    again = parse(text, path=str(out), source_dir=source_dir)
    if again.model_dump() != lesson.model_dump():
        raise error(
            str(out), 1, 1, "round-trip", "the Markdown would not read back as the same lesson"
        )
    return text


def convert_course(source: Path, out_dir: Path) -> list[Path]:
    """Write each lesson of the course as ``<name>.md`` and a ``course.yml`` naming them into
    ``out_dir``. Every lesson is converted and checked before anything is written."""
    course = load_course(source)
    texts: dict[Path, str] = {}
    names: dict[str, str] = {}
    for lesson in course.lessons:
        name = Path(lesson.source_path).stem + ".md"
        if out_dir / name in texts:  # one.md and one.txt in one course
            name = f"{lesson.id}.md"
        names[lesson.id] = name
        texts[out_dir / name] = checked_markdown(
            lesson, out_dir / name, lesson.source_dir or out_dir
        )
    texts[out_dir / "course.yml"] = course_yaml(course, names)
    for path, text in texts.items():
        write_atomic(path, text.encode("utf-8"))
    return list(texts)


def course_yaml(course: Course, files: dict[str, str]) -> str:
    """``course.yml`` for the course, its lessons named by ``files`` (lesson id -> file)."""
    data: dict[str, Any] = {"id": course.id, "title": course.title, "language": course.language}
    if course.summary:
        data["summary"] = course.summary
    if course.revision:
        data["revision"] = course.revision.isoformat()
    if course.authors:
        data["authors"] = list(course.authors)
    data["modules"] = [
        {"title": m.title, "id": m.id, "lessons": [files[i] for i in m.lessons]}
        for m in course.modules
    ]
    if course.mastery is not None:
        data["mastery"] = str(course.mastery)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
