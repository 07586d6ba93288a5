"""``aipm-export build``: every lesson in a folder to every chosen format.

Lessons are built in worker processes (one task per lesson: parse once, export to each format
that is out of date). Each worker imports the exporters, and the heavy libraries of the formats
asked for, once in its initializer. Unchanged lessons are skipped through the cache in
``cache.py``. Each lesson's problems are collected; none stops the others.
"""

from __future__ import annotations

import importlib
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from .api import SUFFIXES, load, source_bytes
from .cache import BuildCache, Entry, image_digest, input_key, sha256_bytes, sha256_file
from .course_build import build_courses
from .exporters.base import Exporter, ExportOptions, get_exporter
from .model.inline import Image
from .model.lesson import Lesson
from .parse.diagnostics import Diagnostic, LessonError, printable
from .settings import load_settings

Status = Literal["built", "cached", "failed"]

# Libraries a channel renders with, imported once per worker rather than on its first lesson.
# An exporter may also name its own in a ``preload`` attribute.
HEAVY_MODULES: dict[str, tuple[str, ...]] = {
    "pdf": ("weasyprint",),
    "epub": ("ebooklib", "ebooklib.epub"),
}


def lesson_sources(folder: Path) -> list[Path]:
    """Lesson files directly in ``folder``, sorted by name."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
    )


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


@dataclass
class CatalogResult:
    """Every outcome of a build, in lesson then format order, and every problem."""

    outcomes: list[Outcome]
    diagnostics: list[Diagnostic]
    seconds: float

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


# -- the worker side ------------------------------------------------------------------------

_CHANNELS: dict[str, tuple[Exporter, ExportOptions]] = {}


def init_worker(options: dict[str, ExportOptions]) -> None:
    """Import each exporter and its heavy libraries once per process."""
    _CHANNELS.clear()
    for name, opts in options.items():
        exporter = get_exporter(name)
        for module in (*HEAVY_MODULES.get(name, ()), *getattr(exporter, "preload", ())):
            importlib.import_module(module)
        _CHANNELS[name] = (exporter, opts)


def lesson_images(lesson: Lesson) -> set[str]:
    """``src`` of every image anywhere in the lesson."""
    found: set[str] = set()
    stack: list[object] = [lesson]
    while stack:
        item = stack.pop()
        if isinstance(item, Image):
            found.add(item.src)
        elif isinstance(item, BaseModel):
            stack.extend(getattr(item, name) for name in type(item).model_fields)
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return found


def build_lesson(job: Job) -> LessonResult:
    """Parse the lesson once and export it to each target; never raises for a lesson's fault."""
    try:
        lesson = load(job.source)
    except LessonError as exc:
        failed = [Outcome(job.source, fmt, "failed") for fmt in job.targets]
        return LessonResult(job.source, failed, diagnostics=exc.diagnostics)
    if job.strict and lesson.warnings:
        failed = [Outcome(job.source, fmt, "failed") for fmt in job.targets]
        errors = [w.as_error() for w in lesson.warnings]
        return LessonResult(job.source, failed, diagnostics=errors)
    warnings = list(lesson.warnings)
    result = LessonResult(job.source, [], diagnostics=list(warnings), warnings=warnings)
    for src in sorted(lesson_images(lesson)):
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


# -- the coordinating side ------------------------------------------------------------------


def default_jobs() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def channel_options(
    formats: list[str], settings_dir: Path | None, near: Path | None = None
) -> tuple[dict[str, ExportOptions], dict[str, str], list[Diagnostic]]:
    """Options of each format from its settings file, their JSON form, and any problems."""
    options: dict[str, ExportOptions] = {}
    problems: list[Diagnostic] = []
    for name in dict.fromkeys(formats):
        try:
            exporter = get_exporter(name)
        except (KeyError, ImportError) as exc:
            message = (
                exc.args[0]
                if isinstance(exc, KeyError)
                else f"cannot load exporter {name!r}: {exc}"
            )
            problems.append(Diagnostic("<command line>", 1, 1, "unknown-format", str(message)))
            continue
        try:
            loaded = load_settings(exporter.options_model, name, {}, settings_dir, near=near)
        except LessonError as exc:
            problems.extend(exc.diagnostics)
            continue
        assert isinstance(loaded, ExportOptions)
        options[name] = loaded
    as_json = {name: opts.model_dump_json() for name, opts in options.items()}
    return options, as_json, problems


def plan(
    sources: list[Path],
    out_dir: Path,
    folder: Path,
    options_json: dict[str, str],
    cache: BuildCache,
    use_cache: bool,
    strict: bool = False,
) -> tuple[list[Job], list[Outcome], dict[tuple[str, str], str], list[Diagnostic]]:
    """Split the work into jobs and cache hits; also each (lesson, format)'s input key.

    A cache hit repeats the warnings recorded with it; under ``strict`` an output built with
    warnings is no hit (the lesson is parsed again and fails).
    """
    suffixes = {name: get_exporter(name).suffix for name in options_json}
    jobs: list[Job] = []
    hits: list[Outcome] = []
    keys: dict[tuple[str, str], str] = {}
    problems: list[Diagnostic] = []
    stems: dict[str, Path] = {}
    for source in sources:
        if source.stem in stems:
            message = f"writes the same outputs as {stems[source.stem].name}; rename one of them"
            problems.append(Diagnostic(str(source), 1, 1, "duplicate-output", message))
            continue
        stems[source.stem] = source
        try:
            source_hash = sha256_bytes(source_bytes(source))
        except LessonError:
            source_hash = "unreadable"  # load() reports it with its location
        targets: dict[str, Path] = {}
        cached_warnings: set[Diagnostic] = set()
        for fmt, opts_json in options_json.items():
            key = input_key(source.name, source_hash, fmt, opts_json)
            keys[source.name, fmt] = key
            target = out_dir / f"{source.stem}{suffixes[fmt]}"
            entry = cache.entries.get(source.name, {}).get(fmt)
            if (
                use_cache
                and entry is not None
                and not (strict and entry.warnings)
                and cache.fresh(source.name, fmt, key, out_dir, folder)
            ):
                hits.append(Outcome(source, fmt, "cached", 0.0, target))
                cached_warnings.update(
                    Diagnostic(str(source), int(line), int(col), code, message, "warning")
                    for line, col, code, message in entry.warnings
                )
            else:
                targets[fmt] = target
        if targets:
            jobs.append(Job(source, targets, strict))
        else:
            problems.extend(sorted(cached_warnings))
    return jobs, hits, keys, problems


def run_jobs(
    jobs: list[Job],
    options: dict[str, ExportOptions],
    workers: int,
    progress: Progress,
    tasks: dict[str, TaskID],
) -> list[LessonResult]:
    """Run the jobs in-process (one worker or one job) or in a process pool."""
    results: list[LessonResult] = []

    def done(result: LessonResult) -> None:
        results.append(result)
        for outcome in result.outcomes:
            progress.advance(tasks[outcome.fmt])
        progress.advance(tasks["lessons"])

    if workers <= 1 or len(jobs) <= 1:
        init_worker(options)
        with progress:
            for job in jobs:
                done(build_lesson(job))
        return results
    with ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)), initializer=init_worker, initargs=(options,)
    ) as pool:
        # Submitting first forks the workers before the progress display starts its thread.
        futures: dict[Future[LessonResult], Job] = {pool.submit(build_lesson, j): j for j in jobs}
        with progress:
            for future in as_completed(futures):
                try:
                    done(future.result())
                except BrokenProcessPool as exc:
                    job = futures[future]
                    crash = Diagnostic(
                        str(job.source), 1, 1, "worker-crashed", f"the worker process died: {exc}"
                    )
                    failed = [Outcome(job.source, fmt, "failed") for fmt in job.targets]
                    done(LessonResult(job.source, failed, diagnostics=[crash]))
    return results


def make_progress(
    console: Console, total: int, formats: list[str]
) -> tuple[Progress, dict[str, TaskID]]:
    progress = Progress(
        TextColumn("{task.description:>8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=console.is_terminal,
    )
    tasks = {"lessons": progress.add_task("lessons", total=total)}
    for fmt in formats:
        tasks[fmt] = progress.add_task(fmt, total=total)
    return progress, tasks


def run_catalog(
    folder: Path,
    out_dir: Path,
    formats: list[str],
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    settings_dir: Path | None = None,
    console: Console | None = None,
    strict: bool = False,
) -> CatalogResult:
    """Build the catalog; progress goes to ``console`` (stderr by default)."""
    start = time.perf_counter()
    console = console or Console(stderr=True)
    options, options_json, problems = channel_options(formats, settings_dir, folder)
    if problems:  # a misspelt format or a bad setting: refused before anything is built
        return CatalogResult([], problems, time.perf_counter() - start)
    sources = lesson_sources(folder)
    cache = BuildCache.load(out_dir)
    job_list, hits, keys, planning = plan(
        sources, out_dir, folder, options_json, cache, use_cache, strict
    )
    problems.extend(planning)
    progress, tasks = make_progress(console, len(sources), list(options))
    for hit in hits:
        progress.advance(tasks[hit.fmt])
    fully_cached = {hit.source for hit in hits} - {job.source for job in job_list}
    progress.advance(tasks["lessons"], len(fully_cached))
    results: list[LessonResult] = []
    try:
        if job_list:
            results = run_jobs(job_list, options, jobs or default_jobs(), progress, tasks)
    finally:
        update_cache(cache, results, keys, out_dir, sources)
    outcomes = hits + [o for r in results for o in r.outcomes]
    taken = {o.output.name for o in outcomes if o.output is not None}
    courses, course_problems = build_courses(folder, out_dir, options, strict=strict, taken=taken)
    outcomes += courses
    order = {fmt: i for i, fmt in enumerate(options)}
    outcomes.sort(key=lambda o: (o.source.name, order[o.fmt]))
    problems.extend(d for r in sorted(results, key=lambda r: r.source.name) for d in r.diagnostics)
    problems.extend(course_problems)
    return CatalogResult(outcomes, problems, time.perf_counter() - start)


def update_cache(
    cache: BuildCache,
    results: list[LessonResult],
    keys: dict[tuple[str, str], str],
    out_dir: Path,
    sources: list[Path],
) -> None:
    """Record what was built, forget what failed, and save (also after an interruption)."""
    cache.keep_only({s.name for s in sources})
    for result in results:
        for outcome in result.outcomes:
            name = result.source.name
            if outcome.status == "built" and outcome.output and outcome.output_sha256:
                relative = os.path.relpath(outcome.output, out_dir)
                entry = Entry(
                    keys[name, outcome.fmt],
                    result.images,
                    relative,
                    outcome.output_sha256,
                    [(w.line, w.col, w.code, w.message) for w in result.warnings],
                )
                cache.record(name, outcome.fmt, entry)
            else:
                cache.forget(name, outcome.fmt)
    out_dir.mkdir(parents=True, exist_ok=True)
    cache.save(out_dir)


SUMMARY_ROWS = 60
"""Above this many rows the summary groups built outputs by format (a table of 800 rows is
unreadable, and rich takes ~3 ms to lay out each row)."""


def plain(text: str) -> Text:
    """A table cell shown as written: a file name's ``[bold]`` is not markup, its control
    characters are escaped."""
    return Text(printable(text))


def summary_table(result: CatalogResult) -> Table:
    """One row per failed output, per built output (grouped by format in large builds), and
    one row per format for the unchanged lessons taken from the cache."""
    table = Table(show_edge=False, pad_edge=False)
    for column in ("lesson", "format", "status", "time", "output"):
        table.add_column(column, justify="right" if column == "time" else "left")
    style = {"built": "green", "cached": "dim", "failed": "red"}
    formats = list(dict.fromkeys(o.fmt for o in result.outcomes))
    built = [o for o in result.outcomes if o.status == "built"]
    group_built = len(built) + result.count("failed") > SUMMARY_ROWS
    for o in result.outcomes:
        if o.status == "failed" or (o.status == "built" and not group_built):
            output = str(o.output) if o.output and o.status != "failed" else "-"
            badge = Text(o.status, style=style[o.status])
            name = plain(o.source.name)
            table.add_row(name, o.fmt, badge, f"{o.seconds:.2f} s", plain(output))
    for status in ("built", "cached") if group_built else ("cached",):
        for fmt in formats:
            group = [o for o in result.outcomes if o.status == status and o.fmt == fmt]
            if group:
                seconds = f"{sum(o.seconds for o in group):.2f} s" if status == "built" else "-"
                folder = str(group[0].output.parent) if group[0].output else "-"
                lessons = f"{len(group)} lesson{'s' if len(group) != 1 else ''}"
                shown = Text(status, style=style[status])
                table.add_row(lessons, fmt, shown, seconds, plain(folder))
    return table


def build_catalog(
    folder: Path,
    out_dir: Path,
    formats: list[str],
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    settings_dir: Path | None = None,
    console: Console | None = None,
    strict: bool = False,
) -> list[Diagnostic]:
    """Build, print the summary table to stdout, and return every problem found."""
    result = run_catalog(
        folder,
        out_dir,
        formats,
        jobs=jobs,
        use_cache=use_cache,
        settings_dir=settings_dir,
        console=Console(stderr=True) if console is None else console,
        strict=strict,
    )
    out = Console(highlight=False, soft_wrap=False) if console is None else console
    if result.outcomes:
        out.print(summary_table(result))
    counts = ", ".join(f"{result.count(s)} {s}" for s in ("built", "cached", "failed"))
    out.print(f"{len(result.outcomes)} outputs: {counts} in {result.seconds:.1f} s", markup=False)
    return result.diagnostics
