"""A course as one SCO per lesson (``--sco-per-lesson``): the lesson player once per lesson.

Each lesson is today's lesson package (its own page, state, interactions and score) at
``lessons/ID/index.html``, its images below that folder; the stylesheet and scripts sit once at
the root, listed by a shared asset resource. The manifest (``organization.py``) holds the course
as a non-launchable root item, the modules as non-launchable items, the lessons as SCOs.

A ``lesson:`` link becomes ``#sco/ID/SECTION``: the player asks the LMS to open that SCO (SCORM
2004 ``adl.nav.request``), follows it as a file link when there is no LMS, and otherwise tells
the learner to open the lesson from the LMS's menu (SCORM 1.2 has no way to ask).
"""

from __future__ import annotations

from typing import Any

from ...model.course import Course
from ...model.lesson import Lesson
from ...parse.diagnostics import Diagnostic, LessonError
from .course import lesson_folder, player_link, structure_size
from .limits import LIMITS, Version
from .manifest import LAUNCH, MANIFEST, manifest_problems
from .organization import done_objective, item_id, organization_manifest
from .package import (
    check_limits,
    images,
    player_config,
    player_page,
    refuse_clashes,
    shared_files,
)

BASE = "../../"
"""From ``lessons/ID/index.html`` back to the package root, where the shared files are."""
ID_LIMIT = {"1.2": 255, "2004": 4000}
"""Longest interaction id: 1.2 CMIIdentifier, 2004 long_identifier_type."""


def navigation(version: Version, forward_only: bool) -> str:
    """How a lesson SCO may open another: ``choice`` (any lesson), ``flow`` (the next or the
    previous one only) or ``none`` (SCORM 1.2: the learner uses the LMS's menu)."""
    if version == "1.2":
        return "none"
    return "flow" if forward_only else "choice"


def sco_config(
    course: Course, lesson: Lesson, version: Version, mastery: int | None, forward_only: bool
) -> dict[str, Any]:
    """The lesson package's config, plus what the lesson needs to know of its course."""
    config = player_config(lesson, version, mastery)
    config["sco"] = {
        "course": course.id,
        "nav": navigation(version, forward_only),
        "objective": done_objective(lesson.id) if version == "2004" and forward_only else None,
        "lessons": [
            {"id": other.id, "title": other.title, "item": item_id(other.id)}
            for other in course.lessons
        ],
    }
    return config


def check_sco_limits(course: Course, configs: list[dict[str, Any]], version: Version) -> None:
    """What a lesson SCO cannot record in ``version``, every problem at once, naming the lesson."""
    problems: list[Diagnostic] = []
    limit = LIMITS[version]["suspend_data"]
    for lesson, config in zip(course.lessons, configs, strict=True):
        try:
            check_limits(lesson, version)
        except LessonError as exc:
            problems.extend(exc.diagnostics)
        for act in config["lessons"][0]["activities"]:
            sent = act["lms_id"] if version == "1.2" else act["iri"]
            if len(sent) > ID_LIMIT[version]:
                message = (
                    f"lesson {lesson.id!r}: interaction id {sent[:60]!r}... is longer than "
                    f"SCORM {version}'s {ID_LIMIT[version]} characters; shorten the activity id"
                )
                problems.append(
                    Diagnostic(*lesson.source_line(act["id"]), 1, "scorm-limit", message)
                )
        size = structure_size(config)
        if size > limit:
            message = (
                f"lesson {lesson.id!r}: its progress needs up to {size:,} characters of "
                f"suspend_data, more than SCORM {version}'s {limit:,}; split the lesson"
            )
            problems.append(Diagnostic(lesson.source_path, 1, 1, "scorm-limit", message))
    if problems:
        raise LessonError(problems)


def lesson_page(course: Course, n: int, config: dict[str, Any], links: Any) -> str:
    """One lesson SCO's page, with the shared styles and scripts found at the package root."""
    following = course.lessons[n + 1] if n + 1 < len(course.lessons) else None
    return player_page(course.lessons[n], config, base=BASE, links=links, next_lesson=following)


def sco_per_lesson_files(
    course: Course,
    version: Version,
    mastery: int | None,
    theme_css: str | None = None,
    forward_only: bool = False,
) -> dict[str, bytes]:
    """Every entry of the package by name, the manifest included and checked."""
    configs = [
        sco_config(course, lesson, version, mastery, forward_only) for lesson in course.lessons
    ]
    check_sco_limits(course, configs, version)
    links = player_link(course, "sco")
    shared = shared_files(theme_css)
    files = dict(shared)
    lesson_files: dict[str, list[str]] = {}
    for n, (lesson, config) in enumerate(zip(course.lessons, configs, strict=True)):
        pictures = images(lesson)
        refuse_clashes(lesson, pictures, {LAUNCH})
        base = lesson_folder(lesson.id)
        own = {base + LAUNCH: lesson_page(course, n, config, links).encode()}
        own.update({base + src: data for src, data in pictures.items()})
        files.update(own)
        lesson_files[lesson.id] = sorted(own)
    manifest = organization_manifest(
        course, version, mastery, forward_only, lesson_files, sorted(shared)
    )
    problems = manifest_problems(manifest, version, files)
    if problems:  # our own bug, not the author's: fail loudly rather than ship a bad package
        raise RuntimeError("invalid imsmanifest.xml: " + "; ".join(problems))
    files[MANIFEST] = manifest
    return files
