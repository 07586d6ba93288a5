"""The SCORM zip: the player page rendered from the model, its CSS and JS, images, the manifest.

Byte-stable: entries sorted, one fixed timestamp (the lesson's revision date or 1980-01-01),
fixed permissions, the same deflate level.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from ...model.blocks import Practice
from ...model.course import Course
from ...model.lesson import Lesson
from ...parse.diagnostics import Diagnostic, LessonError
from ...parse.limits import image_code, resolve_image
from ...render.html import render, themed
from .limits import LIMITS, Version, player_limits
from .manifest import LAUNCH, MANIFEST, manifest_problems, manifest_xml
from .policy import SCOPE_SCRIPT, player_policy

ASSETS = Path(__file__).parent / "assets"
THEME = Path(__file__).resolve().parents[2] / "render" / "themes" / "default"
MAX_TEXT = 4000
"""Longest free-text answer a textarea takes: SCORM 2004's long-fill-in limit."""
PLAYER_DIR = "player"
PLAYER_SCRIPTS = (
    "format.js",
    "scoring.js",
    "state.js",
    "lms.js",
    "scorm.js",
    "view.js",
    "nav.js",
    "player.js",
)
"""The player's classic scripts (file:// cannot load modules), in load order; see assets/."""


def section_minutes(lesson: Lesson) -> list[float]:
    """Reading minutes per section, shared out so they add up to ``lesson.reading_minutes``."""
    words = lesson.measured.section_words  # the walk that gave reading_minutes too
    total = sum(words) or 1
    reading = lesson.reading_minutes
    return [round(reading * w / total, 3) for w in words]


def player_config(lesson: Lesson, version: Version, mastery_score: int | None) -> dict[str, Any]:
    """Everything the player scripts need, embedded in index.html as JSON.

    The shape is a course's: a lesson package is the course of one lesson.
    """
    return {
        "id": lesson.id,
        "title": lesson.title,
        "language": lesson.language,
        "version": version,
        "mastery_score": mastery_score,
        "limits": player_limits(version),
        "max_text": MAX_TEXT,
        "lessons": [lesson_config(lesson)],
    }


def lesson_config(lesson: Lesson, id_prefix: str = "") -> dict[str, Any]:
    """One lesson for the player: its sections with reading minutes, and its activities.

    ``id_prefix`` makes the SCORM 1.2 interaction ids unique across a course.
    """
    practised = {b.case for _, b in lesson.blocks() if isinstance(b, Practice) and b.case}
    activities = []
    for ref in lesson.activities:
        block = lesson.find(ref.id)
        entry: dict[str, Any] = {
            "id": ref.id,
            "lms_id": id_prefix + ref.id,
            "iri": ref.iri,
            "kind": ref.kind,
            "title": ref.title,
            "section": ref.section,
            "required": ref.required,
            "type": ref.interaction.interactionType,
            "max": ref.interaction.scoring.max if ref.interaction.scoring else 0,
            "passing": ref.interaction.scoring.passing if ref.interaction.scoring else 0,
            "correct": ref.interaction.correctResponsesPattern,
            "choices": [],
            "recorded": ref.id not in practised,
        }
        if ref.kind == "decision":
            entry["choices"] = [
                {"id": c.id, "score": c.score} for c in getattr(block, "choices", [])
            ]
        if isinstance(block, Practice):
            entry.update(
                case=block.case,
                min_chars=block.min_chars,
                points=block.points,
                rubric=[{"keyword": k.keyword, "points": k.points} for k in block.rubric],
            )
        if ref.kind == "exercise":
            entry["minutes"] = getattr(block, "duration_minutes", 0)
        activities.append(entry)
    minutes = section_minutes(lesson)
    return {
        "id": lesson.id,
        "title": lesson.title,
        "sections": [
            {"id": s.id, "minutes": m} for s, m in zip(lesson.sections, minutes, strict=True)
        ],
        "activities": activities,
        "total_minutes": lesson.reading_minutes + lesson.exercise_minutes,
    }


def check_limits(lesson: Lesson, version: Version) -> None:
    """Author-fixable things a SCORM version cannot record."""
    letters = LIMITS[version]["choice_letters"]
    problems = []
    for section, block in lesson.blocks():
        if block.type == "decision" and letters is not None and len(block.choices) > letters:
            problems.append(
                Diagnostic(
                    *lesson.source_line(f"{{decision}} {block.title}"),
                    1,
                    "scorm-limit",
                    f"decision {block.id!r} in section {section.id!r} has {len(block.choices)} "
                    f"choices; SCORM {version} records at most {letters} (a-z)",
                )
            )
    if problems:
        raise LessonError(problems)


def images(lesson: Lesson) -> dict[str, bytes]:
    """Every image the lesson shows, by its path relative to the lesson (kept in the zip)."""
    found: dict[str, bytes] = {}
    srcs = sorted(lesson.image_sources)
    for src in srcs:
        if lesson.source_dir is None:
            raise LessonError(
                [
                    Diagnostic(
                        *lesson.source_line(src),
                        1,
                        "bad-image",
                        f"image {src!r}: the lesson has no folder to read it from",
                    )
                ]
            )
        try:
            found[src] = resolve_image(lesson.source_dir, src).read_bytes()
        except ValueError as exc:
            raise LessonError(
                [Diagnostic(*lesson.source_line(src), 1, image_code(exc), str(exc))]
            ) from None
    return found


def refuse_clashes(lesson: Lesson, pictures: dict[str, bytes], package: set[str]) -> None:
    """An image kept under its own path may not turn a file of the package into a folder
    (``player.css/x.png``), nor share a name with one in any letter case: unzip would fail."""
    taken = {name.lower() for name in package}
    problems = []
    for src in pictures:
        parts = src.split("/")
        prefixes = {"/".join(parts[:n]).lower() for n in range(1, len(parts) + 1)}
        clash = sorted(prefixes & taken)
        if clash:
            message = (
                f"image {src!r} would clash with the package's own {clash[0]!r}; "
                "move it to another folder (images/ is free)"
            )
            problems.append(Diagnostic(*lesson.source_line(src), 1, "bad-image", message))
    if problems:
        raise LessonError(problems)


def player_page(
    lesson: Lesson,
    config: dict[str, Any],
    *,
    base: str = "",
    scripts: tuple[str, ...] = PLAYER_SCRIPTS,
    policy: str | None = None,
    **context: Any,
) -> str:
    """The player page of one lesson: SCORM's, a SCO's of a course, a cmi5 AU's. ``base`` leads
    from the page's folder to the shared files; ``context`` adds ``links`` or ``next_lesson``."""
    practised = {b.case for _, b in lesson.blocks() if isinstance(b, Practice) and b.case}
    return render(
        "player",
        "player.html.j2",
        lesson=lesson,
        config=config,
        practised_cases=practised,
        max_text=MAX_TEXT,
        scripts=[f"{base}{PLAYER_DIR}/{name}" for name in scripts],
        policy=policy if policy is not None else player_policy(),
        scope_script=f"{base}{PLAYER_DIR}/{SCOPE_SCRIPT}",
        base=base,
        **{"next_lesson": None, **context},
    )


def package_files(
    lesson: Lesson, version: Version, mastery_score: int | None, theme_css: str | None = None
) -> dict[str, bytes]:
    """Every entry of the package by name, the manifest included and checked."""
    check_limits(lesson, version)
    page = player_page(lesson, player_config(lesson, version, mastery_score))
    pictures = images(lesson)
    refuse_clashes(lesson, pictures, package_names())
    return assemble(lesson, page, pictures, version, mastery_score, theme_css)


def package_names() -> set[str]:
    """The files every package holds besides the lesson's images."""
    scripts = (*PLAYER_SCRIPTS, SCOPE_SCRIPT)
    return {LAUNCH, MANIFEST, "player.css", *(f"{PLAYER_DIR}/{n}" for n in scripts)}


def assemble(
    unit: Lesson | Course,
    page: str,
    image_files: dict[str, bytes],
    version: Version,
    mastery_score: int | None,
    theme_css: str | None,
) -> dict[str, bytes]:
    """The package around a rendered player page: styles, scripts, images, checked manifest."""
    files = {LAUNCH: page.encode("utf-8"), **shared_files(theme_css), **image_files}
    manifest = manifest_xml(unit, version, mastery_score, files)
    problems = manifest_problems(manifest, version, files)
    if problems:  # our own bug, not the author's: fail loudly rather than ship a bad package
        raise RuntimeError("invalid imsmanifest.xml: " + "; ".join(problems))
    files[MANIFEST] = manifest
    return files


def shared_files(theme_css: str | None) -> dict[str, bytes]:
    """The player's stylesheet and scripts (one copy, whatever the number of SCOs)."""
    files = {"player.css": themed((THEME / "player.css").read_text("utf-8"), theme_css).encode()}
    scripts = (*PLAYER_SCRIPTS, SCOPE_SCRIPT)
    files.update({f"{PLAYER_DIR}/{name}": (ASSETS / name).read_bytes() for name in scripts})
    return files


def zip_date(unit: Lesson | Course) -> tuple[int, int, int, int, int, int]:
    """The one timestamp every entry carries."""
    revised = unit.revision
    if revised is not None and 1980 <= revised.year <= 2107:  # what a zip timestamp can hold
        return (revised.year, revised.month, revised.day, 0, 0, 0)
    return (1980, 1, 1, 0, 0, 0)


def zip_bytes(
    files: dict[str, bytes], date: tuple[int, int, int, int, int, int], first: str = MANIFEST
) -> bytes:
    """The zip in memory, entries sorted with the manifest (``first``) first."""
    names = sorted(files, key=lambda n: (n != first, n))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=date)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()
