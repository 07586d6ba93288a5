"""JSON for LMS import: the model's JSON form, deterministic, validated by schemas/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from pydantic import field_validator

from ..model.iri import check_base_iri
from ..model.lesson import Lesson
from .base import ExportOptions, TimedOptions, time_limit
from .output import write_atomic

if TYPE_CHECKING:
    from ..model.course import Course


class JsonOptions(TimedOptions):
    """Options of the JSON exporter."""

    base_iri: str | None = None
    """Prefix for xAPI activity IRIs, e.g. https://learn.example.com/lessons/ (default: a URN)."""

    _iri = field_validator("base_iri")(classmethod(lambda cls, v: check_base_iri(v)))


def lesson_json(lesson: Lesson | Course) -> bytes:
    """UTF-8 JSON, keys in model order, two-space indent, trailing newline: byte-stable."""
    text = json.dumps(lesson.model_dump(mode="json"), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def with_base_iri(lesson: Lesson, base_iri: str | None) -> Lesson:
    """The lesson with its activity IRIs built on ``base_iri`` (already validated)."""
    if base_iri is None:
        return lesson
    return lesson.model_copy(update={"base_iri": base_iri})  # keeps where it was read from


def course_with_base_iri(course: Course, base_iri: str | None) -> Course:
    """The course with every lesson's activity IRIs built on ``base_iri``."""
    if base_iri is None:
        return course
    lessons = [with_base_iri(lesson, base_iri) for lesson in course.lessons]
    return course.model_copy(update={"lessons": lessons})


class JsonExporter:
    """``aipm-export json``."""

    name: ClassVar[str] = "json"
    suffix: ClassVar[str] = ".json"
    description: ClassVar[str] = (
        "JSON for LMS import (schemas/lesson.schema.json, schemas/course.schema.json)."
    )
    options_model: ClassVar[type[ExportOptions]] = JsonOptions
    courses: ClassVar[bool] = True

    def export(self, lesson: Lesson | Course, out: Path, options: JsonOptions) -> Path:
        with time_limit(lesson, options.timeout, "the JSON export"):
            if isinstance(lesson, Lesson):
                data = lesson_json(with_base_iri(lesson, options.base_iri))
            else:  # a course (its classes are imported only when one is read)
                data = lesson_json(course_with_base_iri(lesson, options.base_iri))
        return write_atomic(out, data)


EXPORTER = JsonExporter()
