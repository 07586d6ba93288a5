"""Running ``aipm-export build``'s jobs: in this process (one worker or one job) or in a pool.

What every worker needs (imports, the lesson validators, compiled templates) is made once here
before the workers fork, so they start warm and share those pages instead of each paying for
them (``build_worker.prepare``); the garbage collector's generations are frozen over the fork so
the workers do not copy what they inherit by merely scanning it. The largest lessons go first,
so no worker is left alone with a long one at the end. Lessons of quick formats go to the
workers a few at a time, fewer towards the end, since a round trip to the pool costs about what
a small lesson's JSON does; a PDF is seconds of work, so those go one at a time.
"""

from __future__ import annotations

import gc
import os
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from rich.progress import Progress, TaskID

from .build_worker import (
    SLOW_FORMATS,
    Job,
    LessonResult,
    Outcome,
    build_lesson,
    build_lessons,
    init_worker,
    prepare,
)
from .exporters.base import ExportOptions
from .parse.diagnostics import Diagnostic

MAX_BATCH = 8
"""Most lessons sent to a worker at once (quick formats only)."""
BATCHES_PER_WORKER = 4
"""A batch is at most this fraction of what is left per worker, so the last ones are small."""


def size_of(job: Job) -> int:
    """The source's size in bytes, the build's guess at its work (0 if it cannot be read:
    the worker reports that)."""
    try:
        return job.source.stat().st_size
    except OSError:
        return 0


def batches(jobs: list[Job], workers: int) -> list[list[Job]]:
    """The jobs largest first, in batches that shrink towards the end (one job each when a
    format is slow)."""
    ordered = sorted(jobs, key=size_of, reverse=True)  # stable: equal sizes keep their order
    slow = any(fmt in SLOW_FORMATS for job in jobs for fmt in job.targets)
    out: list[list[Job]] = []
    start = 0
    while start < len(ordered):
        left = len(ordered) - start
        size = 1 if slow else max(1, min(MAX_BATCH, left // (BATCHES_PER_WORKER * workers)))
        out.append(ordered[start : start + size])
        start += size
    return out


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
    prepare(options)
    workers = min(workers, len(jobs))
    gc.freeze()  # what the workers inherit stays out of their collections (and unshared pages)
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            initializer=init_worker,
            initargs=(options, os.getpid()),  # workers die with this process
        ) as pool:
            # Submitting first forks the workers before the progress display starts its thread.
            futures: dict[Future[list[LessonResult]], list[Job]] = {
                pool.submit(build_lessons, batch): batch for batch in batches(jobs, workers)
            }
            with progress:
                for future in as_completed(futures):
                    try:
                        for result in future.result():
                            done(result)
                    except BrokenProcessPool as exc:
                        for job in futures[future]:
                            done(crashed(job, exc))
    finally:
        gc.unfreeze()
    return results


def crashed(job: Job, exc: BrokenProcessPool) -> LessonResult:
    """A job whose worker died (killed, out of memory, a crash in C)."""
    crash = Diagnostic(str(job.source), 1, 1, "worker-crashed", f"the worker process died: {exc}")
    lost = [Outcome(job.source, fmt, "failed") for fmt in job.targets]
    return LessonResult(job.source, lost, diagnostics=[crash])
