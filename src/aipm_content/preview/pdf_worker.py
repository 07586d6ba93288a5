"""The preview's PDFs, rendered in a worker process under the PDF channel's time limit.

The time limit is a SIGALRM timer (``deadline.py``), which only rings in a main thread; the
preview's server threads cannot use it. So the render runs in a process of its own (spawned:
the server has threads, which ``fork`` would copy half-way), as the main thread there, under the
same ``timeout`` option as ``aipm-export pdf``. The worker is kept for the next request
(WeasyPrint imported once) and dies with the preview. A render stuck in one long C call, where
the timer cannot interrupt it, is ended from here: the worker is killed ``GRACE_SECONDS``
after its deadline and the request gets the same render-timeout error.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ..build_worker import die_with_parent
from ..exporters.pdf import PdfOptions, render_timeout
from ..model.lesson import Lesson
from ..parse.diagnostics import Diagnostic, LessonError

GRACE_SECONDS = 5.0
"""How long past its deadline a render may hold the worker before it is killed."""


def _start_worker(parent: int) -> None:
    die_with_parent(parent)
    from ..exporters.pdf import engine  # noqa: F401  (WeasyPrint once per worker, not per PDF)


def render_in_worker(lesson: Lesson, options: PdfOptions) -> bytes | list[Diagnostic]:
    """The lesson's PDF, or the diagnostics that stopped it (run in the worker's main thread)."""
    from ..deadline import deadline
    from ..exporters.pdf.document import lesson_pdf

    try:
        with deadline(options.timeout, lambda: render_timeout(lesson, options.timeout)):
            return lesson_pdf(lesson, options)
    except LessonError as exc:  # returned, not raised: the diagnostics cross the process line
        return exc.diagnostics


class PdfWorker:
    """One worker process, started on the first request, replaced when it had to be killed."""

    def __init__(self) -> None:
        self.pool: ProcessPoolExecutor | None = None

    async def render(self, lesson: Lesson, options: PdfOptions) -> bytes | LessonError:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
        future = self.pool.submit(render_in_worker, lesson, options)
        bound = options.timeout + GRACE_SECONDS if options.timeout > 0 else None
        try:
            result = await asyncio.wait_for(asyncio.wrap_future(future), bound)
        except TimeoutError:
            self.close()
            return render_timeout(lesson, options.timeout)
        except BrokenProcessPool:  # the worker died (out of memory, killed): a fresh one next
            self.close()
            path, line = lesson.source_line(lesson.title)
            message = "the PDF render stopped: its worker process died (out of memory?)"
            return LessonError([Diagnostic(path, line, 1, "render-failed", message)])
        return result if isinstance(result, bytes) else LessonError(result)

    def close(self) -> None:
        """Stop the worker now, even in the middle of a render."""
        pool, self.pool = self.pool, None
        if pool is None:
            return
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()  # shutdown() alone would wait for the render to finish
        pool.shutdown(wait=False, cancel_futures=True)
