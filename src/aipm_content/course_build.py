"""``aipm-export build``'s courses: each ``course.yml`` under the folder, in every chosen format
that publishes whole courses, named by the course id beside the lessons' outputs.

Courses are built in-process after the lessons (a course is a few lessons; its lessons were
already checked by the lesson builds). They are not cached yet: each build renders them again.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from .exporters.base import ExportOptions, get_exporter
from .parse.course_file import COURSE_FILE
from .parse.diagnostics import Diagnostic, LessonError

if TYPE_CHECKING:
    from .build_worker import Outcome

SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__"})


def course_files(folder: Path, out_dir: Path | None = None) -> list[Path]:
    """Every ``course.yml`` in ``folder`` and its subfolders (hidden folders, the build's own
    output folder and symbolic links to folders are passed over), sorted."""
    skip = out_dir.resolve() if out_dir is not None else None
    found: list[Path] = []
    stack = [folder]
    while stack:
        current = stack.pop()
        candidate = current / COURSE_FILE
        if candidate.is_file():
            found.append(candidate)
        for child in current.iterdir():
            if (
                child.is_dir()
                and not child.is_symlink()
                and not child.name.startswith(".")
                and child.name not in SKIPPED_FOLDERS
                and child.resolve() != skip
            ):
                stack.append(child)
    return sorted(found)


def build_courses(
    folder: Path,
    out_dir: Path,
    options: dict[str, ExportOptions],
    *,
    strict: bool = False,
    taken: Collection[str] = (),
) -> tuple[list[Outcome], list[Diagnostic]]:
    """Export each course of ``folder``; ``taken`` holds output names lessons already use."""
    from .api import load_course
    from .build_worker import Outcome

    outcomes: list[Outcome] = []
    problems: list[Diagnostic] = []
    channels = {
        name: (exporter, opts)
        for name, opts in options.items()
        if getattr(exporter := get_exporter(name), "courses", False)
    }
    for path in course_files(folder, out_dir):
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
        for fmt, (exporter, opts) in channels.items():
            target = out_dir / f"{course.id}{exporter.suffix}"
            if target.name in taken:
                message = f"the course's {fmt} output {target.name} is also a lesson's; rename one"
                problems.append(Diagnostic(str(path), 1, 1, "duplicate-output", message))
                outcomes.append(Outcome(path, fmt, "failed"))
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
            outcomes.append(Outcome(path, fmt, "built", time.perf_counter() - start, target))
    return outcomes, problems
