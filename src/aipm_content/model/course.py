"""A course: lessons in modules, in order. Each lesson stays valid on its own; the course
adds order, totals and the links between its lessons."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    computed_field,
    model_validator,
)

from ..parse.diagnostics import Diagnostic
from .base import Node, collect_problems, empty_list
from .blocks import Summary, Title
from .ids import NodeId
from .lesson import _BCP47, ActivityRef, Lesson
from .links import LessonTarget, lesson_links, parse_lesson_href

COURSE_SCHEMA_VERSION: Literal["1.0"] = "1.0"
MAX_COURSE_LESSONS = 200
"""Most lessons one course may hold (a school's longest course has about 40)."""
MAX_MODULES = 50
"""Most modules one course may hold."""


class Module(Node):
    """A titled group of lessons, in the order learners take them."""

    id: NodeId
    """Slug of the module, stable across revisions (derived from the title unless given)."""
    title: Title
    """The module title."""
    lessons: list[NodeId] = Field(min_length=1, max_length=MAX_COURSE_LESSONS)
    """Ids of the module's lessons, in order."""


class CourseActivity(ActivityRef):
    """A trackable activity of one of the course's lessons."""

    lesson: NodeId
    """Id of the lesson holding the activity."""


class Course(Node):
    """A course: the lessons of its modules, each a full lesson model."""

    schema_version: Literal["1.0"] = COURSE_SCHEMA_VERSION
    """Version of this JSON contract; see docs/lms-json.md for what changes it."""
    id: NodeId
    """Slug of the course, stable across revisions."""
    title: Title
    """The course title."""
    language: Annotated[str, StringConstraints(pattern=_BCP47)] = "en-IN"
    """BCP 47 language tag of the course, e.g. "en-IN"."""
    summary: Summary | None = None
    """One-line summary of the course."""
    revision: datetime.date | None = None
    """Revision date; dates the outputs reproducibly."""
    authors: list[Title] = Field(default_factory=empty_list, max_length=50)
    """Authors of the course."""
    mastery: int | None = Field(default=None, ge=0, le=100)
    """Percent of the course's points that passes it (none: completion alone)."""
    modules: list[Module] = Field(min_length=1, max_length=MAX_MODULES)
    """The modules, in order."""
    lessons: list[Lesson] = Field(min_length=1, max_length=MAX_COURSE_LESSONS)
    """Every lesson in full, in course order (module by module)."""

    _source_path: str | None = PrivateAttr(default=None)

    @property
    def source_path(self) -> str:
        """The course file as the author named it, for diagnostics (the id if unknown)."""
        return self._source_path or self.id

    def located(self, source_path: str | None) -> Course:
        """This course, remembering the file it was read from."""
        self._source_path = source_path
        return self

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """Every lesson's warnings, in course order."""
        return tuple(w for lesson in self.lessons for w in lesson.warnings)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Course) and self.__dict__ == other.__dict__

    __hash__ = Node.__hash__

    @model_validator(mode="after")
    def _cross_checks(self, info: ValidationInfo) -> Course:
        collect_problems(course_problems(self), info)
        return self

    def lesson(self, lesson_id: str) -> Lesson | None:
        """The lesson with this id, if the course has it."""
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def module_of(self, lesson_id: str) -> Module | None:
        """The module holding the lesson with this id."""
        return next((m for m in self.modules if lesson_id in m.lessons), None)

    def module_lessons(self) -> Iterator[tuple[Module, list[Lesson]]]:
        """Each module with its lessons, in order."""
        by_id = {lesson.id: lesson for lesson in self.lessons}
        for module in self.modules:
            yield module, [by_id[i] for i in module.lessons]

    def resolve(self, href: str) -> LessonTarget | None:
        """Where a ``lesson:ID#section`` link points in this course; None if nowhere."""
        target = parse_lesson_href(href)
        if target is None:
            return None
        lesson = self.lesson(target.lesson)
        if lesson is None:
            return None
        if target.section is not None and all(s.id != target.section for s in lesson.sections):
            return None
        return target

    @computed_field  # type: ignore[prop-decorator]
    @property
    def duration(self) -> str:
        """ISO 8601 duration of every lesson's reading and exercises, e.g. "PT84M" (minutes,
        as each lesson's ``duration``)."""
        minutes = sum(lesson.reading_minutes + lesson.exercise_minutes for lesson in self.lessons)
        return f"PT{minutes}M"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def points(self) -> int:
        """Points the course's scored activities can earn in all."""
        return sum(
            a.interaction.scoring.max for a in self.activities if a.interaction.scoring is not None
        )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def activities(self) -> list[CourseActivity]:
        """Every trackable activity of every lesson, flat, in course order."""
        return [
            CourseActivity(**ref.model_dump(), lesson=lesson.id)
            for lesson in self.lessons
            for ref in lesson.activities
        ]


Problem = tuple[tuple[Any, ...], str, str]
"""(location path in the model, error code, message)."""


def course_problems(course: Course) -> Iterator[Problem]:
    """Checks across the course: ids, the modules' lessons, links between lessons."""
    lesson_at: dict[str, int] = {}
    for index, lesson in enumerate(course.lessons):
        if lesson.id in lesson_at:
            first = lesson_at[lesson.id]
            message = f"lesson id {lesson.id!r} is already used by lesson {first + 1}"
            yield ("lessons", index, "id"), "duplicate-lesson", message
        else:
            lesson_at[lesson.id] = index
    module_at: dict[str, int] = {}
    listed: list[str] = []
    for m, module in enumerate(course.modules):
        if module.id in module_at:
            first = module_at[module.id] + 1
            message = f"module id {module.id!r} is already used by module {first}"
            yield ("modules", m, "id"), "duplicate-module", message
        module_at.setdefault(module.id, m)
        for n, lesson_id in enumerate(module.lessons):
            if lesson_id not in lesson_at:
                message = f"no lesson of the course has the id {lesson_id!r}"
                yield ("modules", m, "lessons", n), "missing-lesson", message
            elif lesson_id in listed:
                message = f"lesson {lesson_id!r} is listed twice"
                yield ("modules", m, "lessons", n), "duplicate-lesson", message
            listed.append(lesson_id)
    in_order = [lesson.id for lesson in course.lessons]
    if (
        sorted(set(listed)) == sorted(set(in_order))
        and listed != in_order
        and len(listed) == len(in_order)
    ):
        yield ("lessons",), "lesson-order", "lessons must be in the order the modules list them"
    for lesson_id in in_order:
        if lesson_id not in listed:
            yield ("lessons",), "orphan-lesson", f"lesson {lesson_id!r} is in no module"
    for index, lesson in enumerate(course.lessons):
        for href in lesson_links(lesson):
            if course.resolve(href) is None:
                yield ("lessons", index), "broken-lesson-link", link_problem(course, href)


def link_problem(course: Course, href: str) -> str:
    """Why a ``lesson:`` link points nowhere, with what exists."""
    target = parse_lesson_href(href)
    if target is None:
        return f"link {href!r} must be lesson:LESSON-ID or lesson:LESSON-ID#SECTION-ID"
    lesson = course.lesson(target.lesson)
    if lesson is None:
        known = ", ".join(lesson.id for lesson in course.lessons)
        return f"link {href!r}: the course has no lesson {target.lesson!r} (lessons: {known})"
    known = ", ".join(s.id for s in lesson.sections)
    return f"link {href!r}: lesson {lesson.id!r} has no section {target.section!r} ({known})"
