"""Timing and peak memory of commands and functions, as medians over repeated runs."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Sample:
    """Repeated measurements of one thing."""

    label: str
    seconds: list[float] = field(default_factory=list)
    peak_kb: list[int] = field(default_factory=list)
    """Largest resident set of the process or any descendant it waited for, per run."""
    cpu: list[float] = field(default_factory=list)
    """User + system CPU seconds of the process and its descendants, per run: less sensitive
    than wall time to other work on a shared machine."""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")

    def add(self, seconds: float, peak_kb: int, cpu: float) -> None:
        self.seconds.append(seconds)
        self.peak_kb.append(peak_kb)
        self.cpu.append(cpu)

    @property
    def peak_mb(self) -> float:
        return max(self.peak_kb) / 1024 if self.peak_kb else float("nan")

    @property
    def runs(self) -> int:
        return len(self.seconds)


class CommandFailed(RuntimeError):
    pass


# Run by a fresh ``python -S`` between the benchmark and each command. A child's peak RSS
# (ru_maxrss) starts at its parent's size when it is forked, and the benchmark's own process
# holds the parsed lessons and WeasyPrint (hundreds of MB): measured straight from it, every
# command would seem at least that large. Forked from this small launcher, it starts small.
LAUNCHER = """
import os, sys, time
start = time.perf_counter()
devnull = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ, file_actions=devnull)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
print(os.waitstatus_to_exitcode(status), seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)
"""


def run_once(
    argv: Sequence[str | Path], env: dict[str, str] | None = None, cwd: Path | None = None
) -> tuple[float, int, float]:
    """(wall seconds, peak RSS in kB, CPU seconds) of one run; the rusage from wait4 covers
    the command and every descendant it reaped (pool workers, pandoc's weasyprint)."""
    proc = subprocess.run(
        [sys.executable, "-S", "-c", LAUNCHER, *map(str, argv)],
        env=env,
        cwd=cwd,
        capture_output=True,
        check=False,
    )
    text = proc.stderr.decode(errors="replace")[-2000:]
    if proc.returncode != 0:  # the launcher itself failed: no such command, say
        raise CommandFailed(f"{' '.join(map(str, argv))} did not start: {text}")
    code, seconds, peak, cpu = proc.stdout.decode().split()
    if code != "0":
        raise CommandFailed(f"{' '.join(map(str, argv))} exited {code}: {text}")
    return float(seconds), int(peak), float(cpu)


def time_function(label: str, func: Callable[[], object], repeats: int, warmup: int = 5) -> Sample:
    """In-process timing of a function, after a few warm-up calls."""
    for _ in range(warmup):
        func()
    sample = Sample(label)
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        sample.seconds.append(time.perf_counter() - start)
    return sample
