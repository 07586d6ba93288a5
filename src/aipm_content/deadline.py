"""A time limit on a block of work (a parse, a PDF render): a hostile lesson cannot hold a worker.

The limit is a real-time interval timer (SIGALRM): it interrupts pure-Python work, which is where
WeasyPrint spends its layout time. Signals reach only the main thread, so elsewhere the block
runs without a limit; ``aipm-export`` and the ``build`` worker processes run exports there.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

from .parse.diagnostics import LessonError


class _Expired(BaseException):
    """Raised by the timer; a BaseException so library code's ``except Exception`` lets it by."""


@contextlib.contextmanager
def deadline(seconds: float, expired: Callable[[], LessonError]) -> Iterator[None]:
    """Run the block for at most ``seconds`` (0: no limit); past it raise ``expired()``."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if seconds <= 0 or not usable:
        yield
        return

    def ring(signum: int, frame: FrameType | None) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, ring)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Expired:
        raise expired() from None
    finally:
        signal.signal(signal.SIGALRM, previous)
