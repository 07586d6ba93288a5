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
    """Run the block for at most ``seconds`` (0: no limit); past it raise ``expired()``.

    The timer rings once. Code can swallow the ring (pydantic-core's ``model_dump`` drops an
    exception raised inside a computed field; a finaliser only prints it); a block that did
    and finished anyway still ran past its limit, so it raises ``expired()`` too. (Ringing
    again would land in finalisers and print "Exception ignored" noise.)
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if seconds <= 0 or not usable:
        yield
        return
    armed = True
    rang = False

    def ring(signum: int, frame: FrameType | None) -> None:
        nonlocal rang
        rang = True
        if armed:
            raise _Expired

    previous = signal.signal(signal.SIGALRM, ring)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            yield
        finally:
            armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
        if rang:
            raise _Expired
    except _Expired:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        raise expired() from None
    finally:
        signal.signal(signal.SIGALRM, previous)
