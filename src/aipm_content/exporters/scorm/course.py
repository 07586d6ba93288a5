"""A course as one SCO: every lesson in one player page, with a course menu and one attempt.

The lesson package is the one-lesson case: the same scripts, the same lesson config per lesson,
the same manifest and zip. Each lesson's markup is rendered on its own (its ids, its practised
cases) into a ``<template>`` that the player clones in when the learner opens the lesson.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from ...model.blocks import Practice
from ...model.course import Course
from ...model.links import parse_lesson_href
from ...parse.diagnostics import Diagnostic, LessonError, error
from ...render.html import render
from .limits import LIMITS, Version, player_limits
from .package import (
    MAX_TEXT,
    PLAYER_DIR,
    PLAYER_SCRIPTS,
    assemble,
    check_limits,
    images,
    lesson_config,
)
from .policy import SCOPE_SCRIPT, player_policy

LESSONS_DIR = "lessons"
"""The folder of the lessons' own files (images; pages too when each lesson is a SCO)."""
LESSON_ID_SEPARATOR = "__"
"""Between lesson and activity id in a SCORM 1.2 interaction id (ids never hold "_")."""


def course_config(course: Course, version: Version, mastery_score: int | None) -> dict[str, Any]:
    """What the player needs for the whole course (the lesson package's config, N lessons)."""
    lessons = [lesson_config(lesson, lesson.id + LESSON_ID_SEPARATOR) for lesson in course.lessons]
    return {
        "id": course.id,
        "kind": "course",
        "title": course.title,
        "language": course.language,
        "version": version,
        "mastery_score": mastery_score,
        "limits": player_limits(version),
        "max_text": MAX_TEXT,
        "total_minutes": sum(lesson["total_minutes"] for lesson in lessons),
        "lessons": lessons,
    }


def player_link(course: Course, route: str = "lesson") -> Any:
    """``lesson:ID#section`` -> the player's ``#ROUTE/ID/section``: ``lesson`` opens it in the
    page; ``sco`` (one SCO per lesson) is handled by player/nav.js."""

    def resolve(href: str) -> str | None:
        target = parse_lesson_href(href)
        if target is None or course.resolve(href) is None:
            return None
        return f"#{route}/{target.lesson}" + (f"/{target.section}" if target.section else "")

    return resolve


def structure_size(config: dict[str, Any]) -> int:
    """The longest suspend_data the course's structure alone can need (state.js, format 2).

    Every section seen, every activity answered with its widest value and an interaction index,
    the position at the last lesson: free text is what the player may shorten, this it may not.
    """
    lessons = config["lessons"]
    slots = sum(len(lesson["activities"]) for lesson in lessons)
    records = []
    for lesson in lessons:
        answers = {}
        for n, act in enumerate(lesson["activities"]):
            widest = max([len(act["choices"]), act["max"], 0])
            answers[str(n)] = [widest, slots]
        records.append(["1" * len(lesson["sections"]), answers])
    last = len(lessons) - 1
    worst = {"v": 2, "at": [last, len(lessons[last]["sections"])], "L": records}
    return len(json.dumps(worst, separators=(",", ":")))


def check_course_limits(course: Course, config: dict[str, Any], version: Version) -> None:
    """Author-fixable things a SCORM version cannot record for a whole course."""
    problems: list[Diagnostic] = []
    for lesson in course.lessons:
        try:
            check_limits(lesson, version)
        except LessonError as exc:
            problems.extend(exc.diagnostics)
    for lesson, entry in zip(course.lessons, config["lessons"], strict=True):
        for act in entry["activities"]:
            if len(act["lms_id"]) > 255:
                message = (
                    f"lesson {lesson.id!r}: interaction id {act['lms_id']!r} is longer than "
                    "SCORM's 255 characters; shorten the lesson or activity id"
                )
                problems.append(
                    Diagnostic(*lesson.source_line(act["id"]), 1, "scorm-limit", message)
                )
    if problems:
        raise LessonError(problems)
    size, limit = structure_size(config), LIMITS[version]["suspend_data"]
    if size > limit:
        biggest = max(
            course.lessons, key=lambda lesson: len(lesson.sections) + len(lesson.activities)
        )
        message = (
            f"the course's progress needs up to {size:,} characters of suspend_data, more than "
            f"SCORM {version}'s {limit:,}; split the course (lesson {biggest.id!r} is the largest)"
        )
        raise error(course.source_path, 1, 1, "scorm-limit", message)


def lesson_folder(lesson_id: str) -> str:
    """Where a lesson's own files sit in a course package (``lessons/ID/``)."""
    return f"{LESSONS_DIR}/{lesson_id}/"


def course_images(course: Course) -> dict[str, bytes]:
    """Every lesson's images below its own folder (``lessons/ID/images/x.png``), so two lessons
    may use one relative path for different files."""
    found: dict[str, bytes] = {}
    for lesson in course.lessons:
        base = lesson_folder(lesson.id)
        found.update({base + src: data for src, data in images(lesson).items()})
    return found


def course_package_files(
    course: Course, version: Version, mastery_score: int | None, theme_css: str | None = None
) -> dict[str, bytes]:
    """Every entry of the course package by name, the manifest included and checked."""
    config = course_config(course, version, mastery_score)
    check_course_limits(course, config, version)
    links = player_link(course)
    bodies = []
    for n, lesson in enumerate(course.lessons):
        practised = {b.case for _, b in lesson.blocks() if isinstance(b, Practice) and b.case}
        html = render(
            "player",
            "lesson_body.html.j2",
            lesson=lesson,
            module=course.module_of(lesson.id),
            next_lesson=course.lessons[n + 1] if n + 1 < len(course.lessons) else None,
            practised_cases=practised,
            max_text=MAX_TEXT,
            links=links,
            image_src=lesson_folder(lesson.id).__add__,
        )
        bodies.append({"id": lesson.id, "html": Markup(html)})
    page = render(
        "player",
        "course.html.j2",
        course=course,
        config=config,
        bodies=bodies,
        scripts=[f"{PLAYER_DIR}/{name}" for name in PLAYER_SCRIPTS],
        policy=player_policy(),
        scope_script=f"{PLAYER_DIR}/{SCOPE_SCRIPT}",
    )
    return assemble(course, page, course_images(course), version, mastery_score, theme_css)
