"""``aipm-export preview`` run as a user runs it, for the preview's tests: a subprocess
whose printed lines are collected, raw HTTP requests to it, and the lesson saved the way an
editor saves."""

from __future__ import annotations

import http.client
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

from conftest import FIXTURES

AIPM = Path(sys.executable).with_name("aipm-export")
URL = re.compile(r"http://127\.0\.0\.1:(\d+)/")
WAIT_S = 120.0
"""Bound on every wait: the machine is shared with other test suites."""
WAIT_MS = WAIT_S * 1000
CHART = FIXTURES / "epub" / "images" / "skills-chart.png"
LESSON_ID = "preview-lesson"
FIRST = "Opening paragraph, first version."
LESSON = f"""---
id: {LESSON_ID}
title: Preview lesson
language: en-IN
---

{FIRST}

![A bar chart of three skills](images/chart.png)

## Second section

:::{{tension}}
The model is right about patterns it has seen.
:::

""" + "\n\n".join(f"Filler paragraph {n}, so the page scrolls." for n in range(40))
TENSION_LINE = 13


class Server:
    """``aipm-export preview`` in a subprocess; its output is collected line by line."""

    def __init__(self, source: Path, settings: Path) -> None:
        self.process = subprocess.Popen(
            [str(AIPM), "preview", str(source), "--port", "0", "--settings", str(settings)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        for stream, into in (
            (self.process.stdout, self.stdout),
            (self.process.stderr, self.stderr),
        ):
            threading.Thread(target=self._read, args=(stream, into), daemon=True).start()
        line = self.wait_for_line(URL)
        match = URL.search(line)
        assert match is not None
        self.port = int(match.group(1))
        self.url = match.group(0)

    def _read(self, stream: object, into: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            into.append(line)
            self.lines.put(line)

    def wait_for_line(self, pattern: re.Pattern[str]) -> str:
        """The next printed line matching ``pattern`` (bounded by WAIT_S)."""
        while True:
            try:
                line = self.lines.get(timeout=WAIT_S)
            except queue.Empty:
                raise AssertionError(
                    f"no line matching {pattern.pattern!r}: {self.output}"
                ) from None
            if pattern.search(line):
                return line

    @property
    def output(self) -> str:
        return "".join(self.stdout) + "".join(self.stderr)

    def get(self, raw_path: str, host: str = "127.0.0.1") -> tuple[int, bytes]:
        """GET a path exactly as written (no client-side normalising of ``..``)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT_S)
        try:
            connection.putrequest("GET", raw_path, skip_host=True)
            connection.putheader("Host", f"{host}:{self.port}")
            connection.endheaders()
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=WAIT_S)


def write_lesson(folder: Path, text: str = LESSON) -> Path:
    """The lesson, written the way an editor saves: a new file renamed over the old."""
    source = folder / "lesson.md"
    temp = folder / ".lesson.md.tmp"
    temp.write_text(text, encoding="utf-8")
    temp.replace(source)
    return source
