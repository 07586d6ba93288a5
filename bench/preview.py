"""Reload latency of ``aipm-export preview``: from a save of the seed lesson to the open page
showing the new text, in headless Chromium, as the median over a series of edits."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

from .generate import SEED
from .measure import Sample

URL = re.compile(r"http://127\.0\.0\.1:\d+/")
CHROMIUM = "/usr/bin/chromium"
WAIT_MS = 60_000


def reload_latency(aipm: str, work: Path, settings: Path, edits: int) -> Sample:
    """Seconds from writing an edited paragraph to the player page showing it."""
    from playwright.sync_api import sync_playwright

    folder = work / "preview"
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / SEED.name
    shutil.copy(SEED, source)
    original = source.read_text(encoding="utf-8")
    first = next(p for p in original.split("\n\n")[1:] if p and p[0].isalpha())
    server = subprocess.Popen(
        [aipm, "preview", str(source), "--port", "0", "--settings", str(settings)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    sample = Sample(f"preview: save to page updated, seed lesson ({edits} edits)")
    try:
        assert server.stdout is not None
        url = next(m.group(0) for line in server.stdout if (m := URL.search(line)))
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
            )
            page = browser.new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(url)
            page.locator(".aipm-preview-bar").wait_for()  # the event stream is open
            for n in range(1, edits + 1):
                marker = f"Benchmark edit {n}."
                edited = original.replace(first, f"{marker} {first}", 1)
                start = time.perf_counter()
                temp = source.with_suffix(".tmp")
                temp.write_text(edited, encoding="utf-8")
                temp.replace(source)  # as an editor saves
                page.get_by_text(marker).wait_for()
                sample.seconds.append(time.perf_counter() - start)
            browser.close()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    return sample
