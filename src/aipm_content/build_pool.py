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
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
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
    """Run the jobs in-process (one worker or one job) or in a process pool.

    A worker that dies (killed, out of memory, a crash in C) breaks its pool, and every
    batch still in it fails with it. Only the batches in flight can have caused it: each of
    their lessons is built again alone in a worker of its own, so only the lesson that kills
    its worker is reported, and the batches not yet sent go to a new pool.
    """
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
        waiting = batches(jobs, workers)
        while waiting:
            suspects, waiting = run_pool(waiting, options, workers, done, progress)
            for group in range(0, len(suspects), workers):
                for job in run_alone(suspects[group : group + workers], options, done):
                    done(crashed(job))
    finally:
        progress.stop()
        gc.unfreeze()
    return results


IN_FLIGHT_PER_WORKER = 2
"""Batches handed to the pool per worker: one running, one queued so no worker waits for the
parent. A broken pool can only have been broken by one of these."""


def pool(options: dict[str, ExportOptions], workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        initializer=init_worker,
        initargs=(options, os.getpid()),  # workers die with this process
    )


def run_pool(
    waiting: list[list[Job]],
    options: dict[str, ExportOptions],
    workers: int,
    done: Callable[[LessonResult], None],
    progress: Progress,
) -> tuple[list[Job], list[list[Job]]]:
    """Send ``waiting`` to a pool, a few batches at a time; if a worker dies, stop: the jobs of
    the batches then in flight (suspects), and the batches never sent.

    The first batches are sent, which forks the workers, before the progress display starts
    its thread."""
    queue = deque(waiting)
    with pool(options, workers) as executor:
        flying: dict[Future[list[LessonResult]], list[Job]] = {}
        while queue or flying:
            while queue and len(flying) < IN_FLIGHT_PER_WORKER * workers:
                batch = queue.popleft()
                flying[executor.submit(build_lessons, batch)] = batch
            progress.start()  # once; later calls do nothing
            finished, _ = wait(flying, return_when=FIRST_COMPLETED)
            broken = False
            for future in finished:
                try:
                    lesson_results = future.result()
                except BrokenProcessPool:
                    broken = True
                    continue
                del flying[future]
                for result in lesson_results:
                    done(result)
            if broken:
                return [job for batch in flying.values() for job in batch], list(queue)
    return [], []


def run_alone(
    jobs: list[Job], options: dict[str, ExportOptions], done: Callable[[LessonResult], None]
) -> list[Job]:
    """Each job in a worker of its own, side by side: the jobs whose worker died."""
    pools = [pool(options, 1) for _ in jobs]
    try:
        futures = [p.submit(build_lesson, job) for p, job in zip(pools, jobs, strict=True)]
        lost = []
        for future, job in zip(futures, jobs, strict=True):
            try:
                done(future.result())
            except BrokenProcessPool:
                lost.append(job)
        return lost
    finally:
        for p in pools:
            p.shutdown()


def crashed(job: Job) -> LessonResult:
    """A job whose worker died even when it built this lesson alone."""
    message = (
        "the worker process died building this lesson (killed, out of memory,"
        " or a crash in a library)"
    )
    crash = Diagnostic(str(job.source), 1, 1, "worker-crashed", message)
    lost = [Outcome(job.source, fmt, "failed") for fmt in job.targets]
    return LessonResult(job.source, lost, diagnostics=[crash])
