"""cmi5.xml: the course structure (cmi5 section 13) of a lesson or a course, and its IRIs.

A lesson package is a course of one AU; a course has one block per module and one AU per lesson.
Ids are IRIs under the base IRI, laid out like the JSON export's activity IRIs
(``<base><lesson>/<activity>``): an AU is ``<base><lesson>``, a course ``<base><course>`` (a
lesson package's ``<base><lesson>/course``) and a block ``<base><course>/<module>``. The cmi5
ids must be unique in the structure; two that coincide are a located error, not a silent clash.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Literal

from ...model.course import Course
from ...model.lesson import Lesson
from ...parse.diagnostics import Diagnostic, LessonError

NAMESPACE = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
STRUCTURE = "cmi5.xml"
MoveOn = Literal["Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable"]
NEEDS_PASSING = ("Passed", "CompletedAndPassed")
"""moveOn values an AU can only meet by a passed statement."""


@dataclass(frozen=True)
class Au:
    """One assignable unit: a lesson and the page that launches it."""

    lesson: Lesson
    iri: str
    url: str
    move_on: MoveOn
    mastery: float | None
    """masteryScore, 0-1; None when the lesson has nothing to pass."""


def scored(lesson: Lesson) -> bool:
    """Whether the lesson has points to earn (so it can be passed or failed)."""
    return any(
        a.interaction.scoring is not None and a.interaction.scoring.max > 0
        for a in lesson.activities
    )


def make_au(lesson: Lesson, base: str, url: str, mastery: int | None, move_on: MoveOn | None) -> Au:
    """The AU of ``lesson``; a moveOn it cannot meet is the author's error."""
    judged = scored(lesson) and mastery is not None
    if move_on is None:
        move_on = "CompletedAndPassed" if judged else "Completed"
    elif move_on in NEEDS_PASSING and not judged:
        why = "no scored activity" if not scored(lesson) else "no mastery score"
        message = (
            f"moveOn {move_on} needs a lesson that can be passed, but lesson {lesson.id!r} has "
            f"{why}; use Completed or CompletedOrPassed"
        )
        raise LessonError([Diagnostic(*lesson.source_line(lesson.title), 1, "move-on", message)])
    score = round(mastery / 100, 4) if judged and mastery is not None else None
    return Au(lesson, f"{base}{lesson.id}", url, move_on, score)


def refuse_clashes(entries: list[tuple[str, str, int, str]]) -> None:
    """``(iri, path, line, what)`` of every id in the structure and every activity IRI: all
    distinct, or a located ``iri-clash`` at each repeat."""
    seen: dict[str, str] = {}
    problems = []
    for iri, path, line, what in entries:
        if iri in seen:
            message = (
                f"{what} would have the IRI {iri!r}, already the IRI of {seen[iri]}; cmi5 needs "
                "distinct ids: rename one"
            )
            problems.append(Diagnostic(path, line, 1, "iri-clash", message))
        else:
            seen[iri] = what
    if problems:
        raise LessonError(problems)


def activity_entries(lesson: Lesson) -> list[tuple[str, str, int, str]]:
    """The lesson's activity IRIs, for ``refuse_clashes``."""
    return [
        (a.iri, *lesson.source_line(a.id), f"activity {a.id!r} of lesson {lesson.id!r}")
        for a in lesson.activities
    ]


def _text(parent: ET.Element, tag: str, text: str, language: str) -> None:
    element = ET.SubElement(parent, tag)
    ET.SubElement(element, "langstring", lang=language).text = text


def _au(parent: ET.Element, au: Au) -> None:
    attributes = {"id": au.iri, "moveOn": au.move_on}
    if au.mastery is not None:
        attributes["masteryScore"] = f"{au.mastery:g}"
    attributes["launchMethod"] = "AnyWindow"
    element = ET.SubElement(parent, "au", attributes)
    lesson = au.lesson
    _text(element, "title", lesson.title, lesson.language)
    _text(element, "description", lesson.summary or lesson.title, lesson.language)
    ET.SubElement(element, "url").text = au.url


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root)
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


def lesson_structure(lesson: Lesson, base: str, au: Au) -> bytes:
    """cmi5.xml of a lesson package: a course of one AU."""
    root = ET.Element("courseStructure", xmlns=NAMESPACE)
    course = ET.SubElement(root, "course", id=f"{base}{lesson.id}/course")
    _text(course, "title", lesson.title, lesson.language)
    _text(course, "description", lesson.summary or lesson.title, lesson.language)
    _au(root, au)
    return _serialise(root)


def course_structure(course: Course, base: str, aus: dict[str, Au]) -> bytes:
    """cmi5.xml of a course: one block per module, one AU per lesson, in course order."""
    root = ET.Element("courseStructure", xmlns=NAMESPACE)
    head = ET.SubElement(root, "course", id=f"{base}{course.id}")
    _text(head, "title", course.title, course.language)
    _text(head, "description", course.summary or course.title, course.language)
    for module, lessons in course.module_lessons():
        block = ET.SubElement(root, "block", id=f"{base}{course.id}/{module.id}")
        _text(block, "title", module.title, course.language)
        names = ", ".join(lesson.title for lesson in lessons)
        _text(block, "description", f"{module.title}: {names}", course.language)
        for lesson in lessons:
            _au(block, aus[lesson.id])
    return _serialise(root)


def lesson_ids(lesson: Lesson, base: str) -> list[tuple[str, str, int, str]]:
    """Every IRI of a lesson package, for ``refuse_clashes``."""
    path, line = lesson.source_line(lesson.title)
    return [
        (f"{base}{lesson.id}/course", path, line, f"the course of lesson {lesson.id!r}"),
        (f"{base}{lesson.id}", path, line, f"the AU of lesson {lesson.id!r}"),
        *activity_entries(lesson),
    ]


def course_ids(course: Course, base: str) -> list[tuple[str, str, int, str]]:
    """Every IRI of a course package, for ``refuse_clashes``."""
    path = course.source_path
    entries = [(f"{base}{course.id}", path, 1, f"course {course.id!r}")]
    for module in course.modules:
        entries.append((f"{base}{course.id}/{module.id}", path, 1, f"module {module.id!r}"))
    for lesson in course.lessons:
        entries.append(
            (
                f"{base}{lesson.id}",
                *lesson.source_line(lesson.title),
                f"the AU of lesson {lesson.id!r}",
            )
        )
        entries.extend(activity_entries(lesson))
    return entries
