"""The cmi5 zip: the SCORM package's player page per lesson (one AU each), its CSS and scripts
with the cmi5 adapter added, the images, and cmi5.xml at the root.

The player is the same one the SCORM packages ship (exporters/scorm/assets): only the adapter
differs, and the page's Content-Security-Policy lets it reach the LRS (``connect-src``), which
the SCORM page may not.
"""

from __future__ import annotations

from typing import Any

from ...model.course import Course
from ...model.lesson import Lesson
from ...render.html import themed
from ..scorm.course import lesson_folder
from ..scorm.package import (
    ASSETS,
    MAX_TEXT,
    PLAYER_DIR,
    PLAYER_SCRIPTS,
    THEME,
    check_limits,
    images,
    player_config,
    player_page,
    refuse_clashes,
)
from ..scorm.policy import SCOPE_SCRIPT, player_policy
from .structure import STRUCTURE, Au, MoveOn, course_structure, lesson_structure, make_au

LAUNCH = "index.html"
SHARED_FROM_LESSON = "../../"
"""From a course package's lessons/ID/ to the shared player files at its root."""
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


def au_page(lesson: Lesson, au: Au, base: str = "") -> str:
    """The player page of one AU; ``base`` leads from its folder to the shared files (the LMS
    moves the learner between AUs: no next-lesson link)."""
    policy = player_policy(connect_src=CONNECT_SRC)
    return player_page(
        lesson, au_config(lesson, au), base=base, scripts=CMI5_SCRIPTS, policy=policy
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
    """Every entry of a course's cmi5 package: each lesson's page and images in its own folder
    (``lessons/ID/index.html``, as in a SCORM course package), the shared files at the root."""
    aus = {}
    for lesson in course.lessons:
        check_limits(lesson, "2004")
        url = lesson_folder(lesson.id) + LAUNCH
        aus[lesson.id] = make_au(lesson, base, url, mastery, move_on)
    files = shared_files(theme_css)
    for lesson in course.lessons:
        pictures = images(lesson)
        refuse_clashes(lesson, pictures, {LAUNCH})
        folder = lesson_folder(lesson.id)
        files[folder + LAUNCH] = au_page(lesson, aus[lesson.id], SHARED_FROM_LESSON).encode()
        files.update({folder + src: data for src, data in pictures.items()})
    files[STRUCTURE] = course_structure(course, base, aus)
    return files
