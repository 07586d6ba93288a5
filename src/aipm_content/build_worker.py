"""The worker side of ``aipm-export build``: one lesson, parsed once, exported to each format.

A worker reads the source once and reports the hash of exactly those bytes, so the build
cache records the bytes that were rendered, not bytes read earlier while planning. Workers die
with the build: on Linux the kernel kills them when their parent goes (even by SIGKILL).
"""

from __future__ import annotations

import ctypes
import importlib
import os
import re
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .api import load, parse, source_bytes
from .cache import image_digest, sha256_bytes, sha256_file
from .exporters.base import Exporter, ExportOptions, get_exporter
from .parse.diagnostics import Diagnostic, LessonError

Status = Literal["built", "cached", "failed"]

# Libraries a channel renders with, imported once (before the workers fork) rather than on a
# worker's first lesson. An exporter may also name its own in a ``preload`` attribute, and do
# the rest of its first-use work in a ``warm_up()`` method. PDF: WeasyPrint through our engine
# module, which imports it with the quick library lookup.
HEAVY_MODULES: dict[str, tuple[str, ...]] = {
    "pdf": ("aipm_content.exporters.pdf.engine",),
    "epub": ("ebooklib", "ebooklib.epub", "lxml.etree"),
}
SLOW_FORMATS = frozenset({"pdf"})
"""Formats that take seconds a lesson: sent to the workers one lesson at a time."""
WARM_UP_LESSON = "---\ntitle: Warm-up\n---\n\nA paragraph.\n"
"""Parsed once before the workers fork: the model builds its validators on first use."""
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Job:
    """One lesson and the formats it must be (re)built in."""

    source: Path
    targets: dict[str, Path]
    """Format -> output file."""
    strict: bool = False
    """Warnings fail the lesson (``build --strict``)."""


@dataclass
class Outcome:
    """One lesson in one format."""

    source: Path
    fmt: str
    status: Status
    seconds: float = 0.0
    output: Path | None = None
    output_sha256: str | None = None


@dataclass
class LessonResult:
    """What a worker sends back for one lesson."""

    source: Path
    outcomes: list[Outcome]
    images: dict[str, str] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """Errors and warnings, for the report."""
    warnings: list[Diagnostic] = field(default_factory=list)
    """The lesson's warnings, kept in the cache with what was built."""
    source_sha256: str | None = None
    """Hash of the bytes this worker parsed and rendered."""
    lesson_id: str | None = None
    id_line: int = 1
    """Source line that sets the lesson's id (1 when it comes from the file name)."""


_CHANNELS: dict[str, tuple[Exporter, ExportOptions]] = {}


def die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux), or exit now if the
    parent is already gone."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)


def prepare(options: dict[str, ExportOptions], *, warm: bool = True) -> None:
    """Each exporter and its heavy libraries imported; with ``warm``, also what the first
    lesson would otherwise do: the exporters' ``warm_up()``, the lesson model's validators.
    The build warms up once before its workers fork, so they inherit it all."""
    _CHANNELS.clear()
    for name, opts in options.items():
        exporter = get_exporter(name)
        for module in (*HEAVY_MODULES.get(name, ()), *getattr(exporter, "preload", ())):
            importlib.import_module(module)
        warm_up = getattr(exporter, "warm_up", None)
        if warm and callable(warm_up):
            warm_up()
        _CHANNELS[name] = (exporter, opts)
    if warm:
        parse(WARM_UP_LESSON, path="<warm-up>")


def init_worker(options: dict[str, ExportOptions], parent: int | None = None) -> None:
    """Import each exporter and its heavy libraries once per process (already done in a
    worker forked after ``prepare``); a worker (``parent`` given) dies with the build."""
    if parent is not None:
        die_with_parent(parent)
    prepare(options, warm=False)


_FRONT_MATTER_ID = re.compile(r"^id\s*:")
_JSON_ID = re.compile(r'^\s*"id"\s*:')


def id_line(source: Path, data: bytes) -> int:
    """The line that sets the lesson's id: front matter ``id:``, a JSON lesson's first
    ``"id":`` (the lesson's own comes before its sections'), else 1 (the file name)."""
    lines = data.decode("utf-8", "replace").splitlines()
    if source.suffix.lower() == ".json":
        return next((n for n, line in enumerate(lines, 1) if _JSON_ID.match(line)), 1)
    if lines[:1] == ["---"] or lines[:1] == ["\ufeff---"]:
        for number, line in enumerate(lines[1:], start=2):
            if line.rstrip() == "---":
                break
            if _FRONT_MATTER_ID.match(line):
                return number
    return 1


def failed(job: Job, diagnostics: list[Diagnostic]) -> LessonResult:
    outcomes = [Outcome(job.source, fmt, "failed") for fmt in job.targets]
    return LessonResult(job.source, outcomes, diagnostics=diagnostics)


def build_lesson(job: Job) -> LessonResult:
    """Parse the lesson once and export it to each target; never raises for a lesson's fault."""
    try:
        data = source_bytes(job.source)
        lesson = load(job.source, data=data)
    except LessonError as exc:
        return failed(job, exc.diagnostics)
    if job.strict and lesson.warnings:
        result = failed(job, [w.as_error() for w in lesson.warnings])
    else:
        warnings = list(lesson.warnings)
        result = LessonResult(job.source, [], diagnostics=list(warnings), warnings=warnings)
    result.source_sha256 = sha256_bytes(data)
    result.lesson_id, result.id_line = lesson.id, id_line(job.source, data)
    if result.outcomes:  # failed under --strict
        return result
    for src in sorted(lesson.image_sources):
        digest = image_digest(job.source.parent, src)
        if digest is not None:
            result.images[src] = digest
    for fmt, target in job.targets.items():
        exporter, options = _CHANNELS[fmt]
        start = time.perf_counter()
        try:
            written = exporter.export(lesson, target, options)
        except LessonError as exc:
            result.diagnostics.extend(exc.diagnostics)
            result.outcomes.append(Outcome(job.source, fmt, "failed", time.perf_counter() - start))
            continue
        except OSError as exc:  # the output folder: read-only, a full disk, a name taken
            result.diagnostics.append(output_error(target, exc))
            result.outcomes.append(Outcome(job.source, fmt, "failed", time.perf_counter() - start))
            continue
        except Exception as exc:  # an exporter fault must not stop the catalog
            message = f"{fmt} exporter failed: {type(exc).__name__}: {exc}"
            result.diagnostics.append(Diagnostic(str(job.source), 1, 1, "internal-error", message))
            result.outcomes.append(Outcome(job.source, fmt, "failed", time.perf_counter() - start))
            continue
        seconds = time.perf_counter() - start
        result.outcomes.append(
            Outcome(job.source, fmt, "built", seconds, written, sha256_file(written))
        )
    return result


def build_lessons(jobs: list[Job]) -> list[LessonResult]:
    """A batch of jobs, one after the other (one round trip to the pool for all of them)."""
    return [build_lesson(job) for job in jobs]


def output_error(target: Path, exc: OSError) -> Diagnostic:
    """``error[output]`` at the file that could not be written."""
    why = exc.strerror or str(exc)
    return Diagnostic(str(target), 1, 1, "output", f"cannot write: {why}")
