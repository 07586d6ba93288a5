"""The cmi5 zip: the SCORM package's player page per lesson (one AU each), its CSS and scripts
with the cmi5 adapter added, the images, and cmi5.xml at the root.

The player is the same one the SCORM packages ship (exporters/scorm/assets): only the adapter
differs, and the page's Content-Security-Policy lets it reach the LRS (``connect-src``), which
the SCORM page may not.
"""

from __future__ import annotations

from typing import Any

from ...model.blocks import Practice
from ...model.course import Course
from ...model.lesson import Lesson
from ...render.html import render, themed
from ..scorm.course import course_images
from ..scorm.package import (
    ASSETS,
    MAX_TEXT,
    PLAYER_DIR,
    PLAYER_SCRIPTS,
    THEME,
    check_limits,
    images,
    player_config,
    refuse_clashes,
)
from ..scorm.policy import SCOPE_SCRIPT, player_policy
from .structure import STRUCTURE, Au, MoveOn, course_structure, lesson_structure, make_au

LAUNCH = "index.html"
CMI5_SCRIPTS = (*PLAYER_SCRIPTS[:-1], "xapi.js", "cmi5.js", PLAYER_SCRIPTS[-1])
"""The SCORM player's scripts with the xAPI client and the cmi5 adapter before player.js (and
scope.js, loaded first by the page itself; see scorm/policy.py)."""
CONNECT_SRC = "'self' https:"
"""Where the page may send requests (the player's policy widened for cmi5 only): the LRS is on
the package's origin or on https. At launch the adapter narrows this to the origins of the
launch's endpoint and fetch URLs (cmi5.js), as scope.js narrows the page's other sources."""
LIMITS: dict[str, Any] = {
    "suspend_data": 1_000_000,  # an xAPI State document has no fixed limit; the player's bound
    "location": 1000,
    "response": MAX_TEXT,
    "description": 250,
    "choice_letters": None,
}
"""What the player's shared code reads from ``config.limits`` (see scorm/limits.py)."""


def definition(lesson: Lesson, activity_id: str) -> dict[str, Any]:
    """The xAPI activity definition of an activity, in the lesson JSON's vocabulary."""
    ref = next(a for a in lesson.activities if a.id == activity_id)
    inter = ref.interaction
    language = lesson.language
    out: dict[str, Any] = {
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "name": {language: ref.title},
        "interactionType": inter.interactionType,
    }
    if inter.description:
        out["description"] = {language: inter.description}
    if inter.correctResponsesPattern:
        out["correctResponsesPattern"] = list(inter.correctResponsesPattern)  # any one of them
    if inter.choices:
        out["choices"] = [
            {"id": c.id, "description": {language: c.description}} for c in inter.choices
        ]
    return out


def au_config(lesson: Lesson, au: Au) -> dict[str, Any]:
    """The lesson package's player config, speaking cmi5."""
    config = player_config(lesson, "2004", None if au.mastery is None else round(au.mastery * 100))
    config.update(version="cmi5", limits=dict(LIMITS), move_on=au.move_on)
    for entry in config["lessons"][0]["activities"]:
        entry["definition"] = definition(lesson, entry["id"])
    return config


def au_page(lesson: Lesson, au: Au) -> str:
    """The player page of one AU."""
    practised = {b.case for _, b in lesson.blocks() if isinstance(b, Practice) and b.case}
    return render(
        "player",
        "player.html.j2",
        lesson=lesson,
        config=au_config(lesson, au),
        practised_cases=practised,
        max_text=MAX_TEXT,
        scripts=[f"{PLAYER_DIR}/{name}" for name in CMI5_SCRIPTS],
        policy=player_policy(connect_src=CONNECT_SRC),
        scope_script=f"{PLAYER_DIR}/{SCOPE_SCRIPT}",
    )


def shared_files(theme_css: str | None) -> dict[str, bytes]:
    """The stylesheet and scripts every AU page loads."""
    files = {
        "player.css": themed((THEME / "player.css").read_text("utf-8"), theme_css).encode(),
    }
    scripts = (*CMI5_SCRIPTS, SCOPE_SCRIPT)
    files.update({f"{PLAYER_DIR}/{name}": (ASSETS / name).read_bytes() for name in scripts})
    return files


def own_names(pages: list[str]) -> set[str]:
    scripts = (*CMI5_SCRIPTS, SCOPE_SCRIPT)
    return {STRUCTURE, "player.css", *pages, *(f"{PLAYER_DIR}/{n}" for n in scripts)}


def lesson_files(
    lesson: Lesson,
    base: str,
    mastery: int | None,
    move_on: MoveOn | None,
    theme_css: str | None,
) -> dict[str, bytes]:
    """Every entry of a lesson's cmi5 package by name."""
    check_limits(lesson, "2004")
    au = make_au(lesson, base, LAUNCH, mastery, move_on)
    pictures = images(lesson)
    refuse_clashes(lesson, pictures, own_names([LAUNCH]))
    files = {LAUNCH: au_page(lesson, au).encode("utf-8"), **shared_files(theme_css)}
    files.update(pictures)
    files[STRUCTURE] = lesson_structure(lesson, base, au)
    return files


def course_files(
    course: Course,
    base: str,
    mastery: int | None,
    move_on: MoveOn | None,
    theme_css: str | None,
) -> dict[str, bytes]:
    """Every entry of a course's cmi5 package: one page per lesson, ``<lesson-id>.html``."""
    aus = {}
    for lesson in course.lessons:
        check_limits(lesson, "2004")
        aus[lesson.id] = make_au(lesson, base, f"{lesson.id}.html", mastery, move_on)
    pictures = course_images(course)
    names = own_names([au.url for au in aus.values()])
    for lesson in course.lessons:
        refuse_clashes(lesson, {src: b"" for src in images(lesson)}, names)
    files = shared_files(theme_css)
    for lesson in course.lessons:
        au = aus[lesson.id]
        files[au.url] = au_page(lesson, au).encode("utf-8")
    files.update(pictures)
    files[STRUCTURE] = course_structure(course, base, aus)
    return files
