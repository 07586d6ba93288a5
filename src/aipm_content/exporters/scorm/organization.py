"""imsmanifest.xml of a course packaged one SCO per lesson: one organization, the course as a
non-launchable root item (Moodle needs it for sibling navigation), modules as non-launchable
items, lessons as SCOs sharing one asset resource (the player's styles and scripts).

SCORM 2004 4th Edition sequencing (IMS SS), decided here and described in docs/scorm.md:

- course and modules: ``controlMode choice flow`` (``--forward-only``: flow only);
- rollup: a module, and the course, is completed when all its lessons are; the course's measure
  is its lessons' scaled scores weighted by their points (``objectiveMeasureWeight``), which is
  the course percent, and with a mastery it is satisfied by that measure, as a one-SCO course;
  a lesson without points takes no part in measure or satisfaction rollup;
- ``--forward-only``: each lesson writes a local objective ``ID-done`` (satisfied once the lesson
  is complete) to the global ``urn:aipm:COURSE:ID:done``; the next lesson reads it and a
  precondition rule disables that lesson until it is satisfied.

SCORM 1.2 ``--forward-only``: ``adlcp:prerequisites`` (aicc_script) naming the lesson before,
which the LMS holds met once that lesson is ``completed`` or ``passed``.
"""

from __future__ import annotations

from typing import Any

from ...model.course import Course
from .course import lesson_folder
from .limits import Version
from .manifest import LAUNCH, manifest_environment, scaled_measure

ASSETS_RESOURCE = "player-assets"
"""The asset resource holding the files every lesson SCO shares."""


def item_id(lesson_id: str) -> str:
    """The lesson's item identifier: the ``{target=...}`` of a 2004 choice request."""
    return f"item-{lesson_id}"


def done_objective(lesson_id: str) -> str:
    """The local objective a lesson SCO satisfies once complete (``--forward-only`` in 2004)."""
    return f"{lesson_id}-done"


def global_done(course: Course, lesson_id: str) -> str:
    """The shared global objective ``done_objective`` writes to and the next lesson reads."""
    return f"urn:aipm:{course.id}:{lesson_id}:done"


def _weight(part: int, whole: int) -> str:
    """A share of points as an ``objectiveMeasureWeight`` (0-1, four decimals)."""
    if whole <= 0 or part <= 0:
        return "0"
    return f"{part / whole:.4f}".rstrip("0").rstrip(".")


def lesson_points(course: Course) -> dict[str, int]:
    """Points each lesson's scored activities can earn."""
    points = dict.fromkeys((lesson.id for lesson in course.lessons), 0)
    for act in course.activities:
        if act.interaction.scoring is not None:
            points[act.lesson] += act.interaction.scoring.max
    return points


def organization(
    course: Course,
    forward_only: bool,
    lesson_files: dict[str, list[str]],
) -> list[dict[str, Any]]:
    """The modules with their lessons, as the templates render them."""
    points = lesson_points(course)
    total = sum(points.values())
    modules = []
    previous: str | None = None
    for module, lessons in course.module_lessons():
        module_points = sum(points[lesson.id] for lesson in lessons)
        entries = []
        for lesson in lessons:
            entries.append(
                {
                    "item": item_id(lesson.id),
                    "resource": f"sco-{lesson.id}",
                    "title": lesson.title,
                    "href": lesson_folder(lesson.id) + LAUNCH,
                    "files": lesson_files[lesson.id],
                    "scored": points[lesson.id] > 0,
                    "weight": _weight(points[lesson.id], module_points),
                    "objective": f"{lesson.id}-mastery",
                    "done": done_objective(lesson.id),
                    "done_global": global_done(course, lesson.id),
                    "previous": previous if forward_only else None,
                    "previous_item": item_id(previous) if forward_only and previous else None,
                    "previous_done": done_objective(previous) if previous else None,
                    "previous_global": global_done(course, previous) if previous else None,
                }
            )
            previous = lesson.id
        modules.append(
            {
                "item": f"module-{module.id}",
                "title": module.title,
                "scored": module_points > 0,
                "weight": _weight(module_points, total),
                "lessons": entries,
            }
        )
    return modules


def organization_manifest(
    course: Course,
    version: Version,
    mastery: int | None,
    forward_only: bool,
    lesson_files: dict[str, list[str]],
    shared_files: list[str],
) -> bytes:
    """The manifest of a course of one SCO per lesson."""
    scored = sum(lesson_points(course).values()) > 0
    text = (
        manifest_environment()
        .get_template(f"organization-{version}.xml.j2")
        .render(
            ids={
                "manifest": f"aipm-{course.id}",
                "organization": f"org-{course.id}",
                "root": f"course-{course.id}",
                "objective": f"{course.id}-mastery",
                "assets": ASSETS_RESOURCE,
            },
            title=course.title,
            modules=organization(course, forward_only, lesson_files),
            forward_only=forward_only,
            mastery_score=mastery,
            scaled_passing=scaled_measure(mastery) if scored else None,
            shared_files=shared_files,
        )
    )
    return text.encode("utf-8")
