"""``aipm-export build``'s courses: each ``course.yml`` under the folder, in every chosen format
that publishes whole courses, named by the course id beside the lessons' outputs.

Courses are built in-process after the lessons (a course is a few lessons; its lessons were
already checked by the lesson builds), with the lessons' cache: a course output is reused when
the course model it would render (every lesson in full), the images its lessons show, the
channel's options and the code are unchanged. The model is read either way, so a cache hit
still reports the course's problems.
"""

from __future__ import annotations

import os
import time
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import Entry, input_key, sha256_bytes, sha256_file
from .exporters.base import ExportOptions, get_exporter
from .parse.course_file import COURSE_FILE
from .parse.diagnostics import Diagnostic, LessonError
from .sources import walk_files

if TYPE_CHECKING:
    from .build_worker import Outcome
    from .cache import BuildCache
    from .model.course import Course


def course_files(folder: Path, out_dir: Path | None = None) -> list[Path]:
    """Every ``course.yml`` below ``folder``, passing over what a lesson search passes over
    (hidden folders, build outputs, virtualenvs, symbolic links to folders), sorted."""
    found = walk_files(folder, frozenset(), skip=out_dir, names=frozenset({COURSE_FILE}))
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def course_images(course: Course, folder: Path) -> set[str]:
    """Every image the course's lessons show, as a path below the build folder."""
    found: set[str] = set()
    for lesson in course.lessons:
        base = lesson.source_dir or folder
        found.update(
            os.path.relpath(base / src, folder).replace(os.sep, "/") for src in lesson.image_sources
        )
    return found


def build_courses(
    folder: Path,
    paths: list[Path],
    out_dir: Path,
    options: dict[str, ExportOptions],
    *,
    strict: bool = False,
    taken: Collection[str] = (),
    cache: BuildCache | None = None,
    use_cache: bool = True,
) -> tuple[list[Outcome], list[Diagnostic]]:
    """Export each course file of ``paths`` (below ``folder``); ``taken`` holds output names
    lessons already use.
    What is built is recorded in ``cache`` (the caller saves it)."""
    from .api import load_course
    from .build_worker import Outcome

    outcomes: list[Outcome] = []
    problems: list[Diagnostic] = []
    channels = {
        name: (exporter, opts)
        for name, opts in options.items()
        if getattr(exporter := get_exporter(name), "courses", False)
    }
    for path in paths:
        name = path.relative_to(folder).as_posix()
        try:
            course = load_course(path)
        except LessonError as exc:
            problems.extend(d for d in exc.diagnostics if d.severity == "error")
            outcomes.extend(Outcome(path, fmt, "failed") for fmt in channels)
            continue
        if strict and course.warnings:
            problems.extend(course.warnings)
            outcomes.extend(Outcome(path, fmt, "failed") for fmt in channels)
            continue
        model_hash = sha256_bytes(course.model_dump_json().encode("utf-8"))
        images = course_images(course, folder) if cache is not None else set()
        for fmt, (exporter, opts) in channels.items():
            target = out_dir / f"{course.id}{exporter.suffix}"
            if target.name in taken:
                message = f"the course's {fmt} output {target.name} is also a lesson's; rename one"
                problems.append(Diagnostic(str(path), 1, 1, "duplicate-output", message))
                outcomes.append(Outcome(path, fmt, "failed"))
                continue
            key = input_key(name, model_hash, fmt, opts.model_dump_json())
            if use_cache and cache is not None and cache.fresh(name, fmt, key, out_dir, folder):
                outcomes.append(Outcome(path, fmt, "cached", 0.0, target))
                continue
            start = time.perf_counter()
            try:
                exporter.export(course, target, opts)
            except LessonError as exc:
                problems.extend(exc.diagnostics)
                outcomes.append(Outcome(path, fmt, "failed", time.perf_counter() - start))
                continue
            except OSError as exc:
                why = f"{exc.strerror}: {exc.filename}" if exc.filename else str(exc)
                problems.append(Diagnostic(str(target), 1, 1, "output", f"cannot write: {why}"))
                outcomes.append(Outcome(path, fmt, "failed", time.perf_counter() - start))
                continue
            built = Outcome(path, fmt, "built", time.perf_counter() - start, target)
            outcomes.append(built)
            if cache is not None:
                record(cache, name, fmt, key, images, folder, out_dir, target)
    return outcomes, problems


def record(
    cache: BuildCache,
    name: str,
    fmt: str,
    key: str,
    images: set[str],
    folder: Path,
    out_dir: Path,
    target: Path,
) -> None:
    """Remember a built course output; an image that cannot be hashed means no entry."""
    cache.forget(name, fmt)
    digests = {src: cache.image_hash(folder, src) for src in sorted(images)}
    output_hash = sha256_file(target)
    if output_hash is None or any(d is None for d in digests.values()):
        return
    images_known = {src: d for src, d in digests.items() if d is not None}
    entry = Entry(key, images_known, os.path.relpath(target, out_dir), output_hash)
    cache.record(name, fmt, entry)
