"""cProfile summaries, to say where the time goes when a target is missed.

    python -m bench.profile pdf content/ai-pm-career-path.md -o /tmp/x.pdf

profiles one ``aipm-export`` command in this (fresh) process, imports included, and prints
the heaviest functions by cumulative and by own time.
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import pstats
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path


def summarise(profile: cProfile.Profile, top: int = 12) -> str:
    """The ``top`` functions by cumulative time, then by own time, paths shortened."""
    out = []
    for key, title in (("cumulative", "by cumulative time"), ("tottime", "by own time")):
        buffer = io.StringIO()
        stats = pstats.Stats(profile, stream=buffer)
        stats.strip_dirs().sort_stats(key).print_stats(top)
        lines = buffer.getvalue().splitlines()
        start = next(i for i, line in enumerate(lines) if line.strip().startswith("ncalls"))
        total = next((line.strip() for line in lines if "function calls" in line), "")
        out.append(f"{title} ({total})")
        out.extend(line.rstrip() for line in lines[start:] if line.strip())
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def profile_function(func: Callable[[], object], repeats: int = 50) -> str:
    """Profile ``func`` called ``repeats`` times in this process (already warm)."""
    func()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(repeats):
        func()
    profile.disable()
    return summarise(profile)


def profile_cli(args: list[str], cwd: Path | None = None) -> str:
    """Profile one CLI command in a fresh interpreter, cold imports included."""
    run = subprocess.run(
        [sys.executable, "-m", "bench.profile", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd or Path(__file__).resolve().parent.parent,
    )
    return run.stdout if run.returncode == 0 else f"profile failed: {run.stderr[-1500:]}"


def main() -> None:
    profile = cProfile.Profile()
    with contextlib.redirect_stdout(io.StringIO()):  # the command's own report is not wanted
        profile.enable()
        try:
            from aipm_content.cli import main as cli

            cli(sys.argv[1:], standalone_mode=False)
        finally:
            profile.disable()
    print(summarise(profile), end="")


if __name__ == "__main__":
    main()
