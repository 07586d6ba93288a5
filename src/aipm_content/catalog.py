"""``aipm-export build``: every lesson below a folder to every chosen format.

Lessons are found in the folder and its subfolders; outputs mirror the subfolders
(``content/unit-1/a.md`` -> ``dist/unit-1/a.pdf``). They are built in worker processes
(``build_pool.py`` schedules them, ``build_worker.py`` builds one lesson: parse once, export to
each format that is out of date). Unchanged lessons are skipped through the cache in
``cache.py``. Each lesson's problems are collected; none stops the others.
"""

from __future__ import annotations

import os
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from .api import source_bytes
from .build_pool import run_jobs
from .build_worker import Job, LessonResult, Outcome, Status, output_error
from .cache import CACHE_NAME, BuildCache, Entry, input_key, sha256_bytes
from .course_build import build_courses, course_files
from .exporters.base import ExportOptions, get_exporter
from .exporters.output import build_output
from .parse.diagnostics import Diagnostic, LessonError
from .settings import load_settings
from .sources import list_sources
from .summary import summary_table


def lesson_sources(folder: Path, out_dir: Path | None = None) -> list[Path]:
    """Lesson files in ``folder`` and its subfolders (see ``sources.list_sources``), leaving
    out the build's own output folder."""
    return list_sources(folder, skip=out_dir)


def name_of(source: Path, folder: Path) -> str:
    """How the build names a source: its path below the built folder (the cache's key)."""
    return source.relative_to(folder).as_posix()


@dataclass
class CatalogResult:
    """Every outcome of a build, in lesson then format order, and every problem."""

    outcomes: list[Outcome]
    diagnostics: list[Diagnostic]
    seconds: float
    folder: Path | None = None
    """The built folder, against which lessons are named."""

    def name(self, source: Path) -> str:
        return name_of(source, self.folder) if self.folder is not None else source.name

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


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
) -> tuple[list[Job], list[Outcome], list[Diagnostic]]:
    """Split the work into jobs and cache hits (lessons named by their path below ``folder``;
    outputs mirror their subfolders).

    A cache hit repeats the warnings recorded with it; under ``strict`` an output built with
    warnings is no hit (the lesson is parsed again and fails).
    """
    suffixes = {name: get_exporter(name).suffix for name in options_json}
    jobs: list[Job] = []
    hits: list[Outcome] = []
    problems: list[Diagnostic] = []
    stems: dict[str, Path] = {}
    for source in sources:
        name = name_of(source, folder)
        stem = name.removesuffix(source.suffix)
        if stem in stems:
            first = name_of(stems[stem], folder)
            message = f"writes the same outputs as {first}; rename one of them"
            problems.append(Diagnostic(str(source), 1, 1, "duplicate-output", message))
            continue
        stems[stem] = source
        targets = {fmt: out_dir / f"{stem}{suffixes[fmt]}" for fmt in options_json}  # mirrored
        if not use_cache:  # nothing to compare: the worker reads and hashes the source
            jobs.append(Job(source, targets, strict))
            continue
        try:
            source_hash = sha256_bytes(source_bytes(source))
        except LessonError:
            source_hash = "unreadable"  # the worker reports it with its location
        cached_warnings: set[Diagnostic] = set()
        for fmt, opts_json in options_json.items():
            key = input_key(name, source_hash, fmt, opts_json)
            target = targets[fmt]
            entry = cache.entries.get(name, {}).get(fmt)
            if (
                entry is not None
                and not (strict and entry.warnings)
                and cache.fresh(name, fmt, key, out_dir, source.parent)
            ):
                hits.append(Outcome(source, fmt, "cached", 0.0, target))
                cached_warnings.update(
                    Diagnostic(str(source), int(line), int(col), code, message, "warning")
                    for line, col, code, message in entry.warnings
                )
                del targets[fmt]
        if targets:
            jobs.append(Job(source, targets, strict))
        else:
            problems.extend(sorted(cached_warnings))
    return jobs, hits, problems


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
    sources = lesson_sources(folder, out_dir)
    cache = BuildCache.load(out_dir)
    with build_output(out_dir):  # the killed runs' temporary files go, once
        job_list, hits, planning = plan(
            sources, out_dir, folder, options_json, cache, use_cache, strict
        )
        problems.extend(planning)
        progress, tasks = make_progress(console, len(sources), list(options))
        for hit in hits:
            progress.advance(tasks[hit.fmt])
        fully_cached = {hit.source for hit in hits} - {job.source for job in job_list}
        progress.advance(tasks["lessons"], len(fully_cached))
        results: list[LessonResult] = []
        course_paths = course_files(folder, out_dir)
        courses = {p.relative_to(folder).as_posix() for p in course_paths}
        try:
            if job_list:
                results = run_jobs(job_list, options, jobs or default_jobs(), progress, tasks)
            problems.extend(refuse_duplicate_ids(folder, hits, results, cache))
        finally:
            problems.extend(
                update_cache(cache, results, options_json, folder, out_dir, sources, courses)
            )
        outcomes = hits + [o for r in results for o in r.outcomes]
        taken = {os.path.relpath(o.output, out_dir) for o in outcomes if o.output is not None}
        built, course_problems = build_courses(
            folder,
            course_paths,
            out_dir,
            options,
            strict=strict,
            taken=taken,
            cache=cache,
            use_cache=use_cache,
        )
        if built:
            course_problems.extend(save_cache(cache, out_dir))
    outcomes += built
    order = {fmt: i for i, fmt in enumerate(options)}
    outcomes.sort(key=lambda o: (name_of(o.source, folder), order[o.fmt]))
    by_name = sorted(results, key=lambda r: name_of(r.source, folder))
    problems.extend(d for r in by_name for d in r.diagnostics)
    problems.extend(course_problems)
    return CatalogResult(outcomes, problems, time.perf_counter() - start, folder)


def refuse_duplicate_ids(
    folder: Path, hits: list[Outcome], results: list[LessonResult], cache: BuildCache
) -> list[Diagnostic]:
    """Two lessons with one id would be one activity to an LMS: the second (by path) fails,
    located at the line that sets its id, and its outputs are removed."""
    ids: dict[Path, tuple[str, int]] = {}
    for hit in hits:
        entry = cache.entries.get(name_of(hit.source, folder), {}).get(hit.fmt)
        if entry is not None and entry.lesson_id:
            ids[hit.source] = (entry.lesson_id, entry.id_line)
    for result in results:
        if result.lesson_id is not None:
            ids[result.source] = (result.lesson_id, result.id_line)
    first: dict[str, Path] = {}
    problems: list[Diagnostic] = []
    for source in sorted(ids, key=lambda p: name_of(p, folder)):
        lesson_id, line = ids[source]
        if lesson_id not in first:
            first[lesson_id] = source
            continue
        other = name_of(first[lesson_id], folder)
        message = f"lesson id {lesson_id!r} is already the id of {other}; give this one its own id"
        problems.append(Diagnostic(str(source), line, 1, "duplicate-lesson-id", message))
        for outcome in [*hits, *(o for r in results for o in r.outcomes)]:
            if outcome.source == source and outcome.status != "failed":
                if outcome.output is not None:
                    outcome.output.unlink(missing_ok=True)
                outcome.status, outcome.output_sha256 = "failed", None
    return problems


def update_cache(
    cache: BuildCache,
    results: list[LessonResult],
    options_json: dict[str, str],
    folder: Path,
    out_dir: Path,
    sources: list[Path],
    courses: Collection[str] = (),
) -> list[Diagnostic]:
    """Record what was built, forget what failed, and save (also after an interruption);
    the entries of ``courses`` (course files by name) are kept for the course build.

    An output's key is computed from the hash of the bytes its worker parsed, so an edit made
    while the build ran is never recorded as what the output shows.
    """
    cache.keep_only({name_of(s, folder) for s in sources} | set(courses))
    for result in results:
        name = name_of(result.source, folder)
        for outcome in result.outcomes:
            cache.forget(name, outcome.fmt)
            if outcome.status != "built" or not (outcome.output and outcome.output_sha256):
                continue
            if result.source_sha256 is None or outcome.fmt not in options_json:
                continue
            key = input_key(name, result.source_sha256, outcome.fmt, options_json[outcome.fmt])
            entry = Entry(
                key,
                result.images,
                os.path.relpath(outcome.output, out_dir),
                outcome.output_sha256,
                [(w.line, w.col, w.code, w.message) for w in result.warnings],
                result.lesson_id or "",
                result.id_line,
            )
            cache.record(name, outcome.fmt, entry)
    return save_cache(cache, out_dir)


def save_cache(cache: BuildCache, out_dir: Path) -> list[Diagnostic]:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        cache.save(out_dir)
    except OSError as exc:
        return [output_error(out_dir / CACHE_NAME, exc)]
    return []


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
