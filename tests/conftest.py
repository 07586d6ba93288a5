"""Shared fixtures; in CI a skipped test fails the run, so nothing is silently not tested."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pypdf
import pytest
from hypothesis import settings

from aipm_content import Lesson, load
from aipm_content.exporters.pdf import EXPORTER, PdfOptions
from aipm_content.render.template_cache import CACHE_VARIABLE
from pdf_reading import SMALL_LESSON, pdf_text, write_pixel

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from epub_books import Book
    from lms.server import LmsServer

# CI runs every property test on the same examples, so a run is red or green for the code, not
# for the draw; local runs keep exploring new examples.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

# Compiled templates go to a cache of this run's own, never the user's (render/template_cache).
_TEMPLATE_CACHE = tempfile.mkdtemp(prefix="aipm-template-cache-")
os.environ.setdefault(CACHE_VARIABLE, _TEMPLATE_CACHE)
atexit.register(shutil.rmtree, _TEMPLATE_CACHE, ignore_errors=True)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_MD = ROOT / "content" / "ai-pm-career-path.md"
SEED_TXT = FIXTURES / "text" / "ai-pm-career-path.txt"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter is not None else 0
    if os.environ.get("CI") and skipped and session.exitstatus == 0:
        if reporter is not None:
            reporter.write_line(
                f"CI: {skipped} test(s) skipped; every test must run in CI", red=True
            )
        session.exitstatus = 1


COUNT_SUBPROCESSES = """
import json, sys
started = []
def seen(event, args):
    if event == "subprocess.Popen":
        started.append(args[1])
sys.addaudithook(seen)
"""


def subprocesses_started(code: str) -> list[str]:
    """The programs ``code`` starts as subprocesses, run in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    script = COUNT_SUBPROCESSES + code + "\nprint(json.dumps(started, default=str))\n"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    started: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return started


@pytest.fixture(scope="session")
def seed_lesson() -> Lesson:
    """The bundled lesson, parsed once per session."""
    return load(SEED_MD)


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright (which never downloads a browser here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for a module's browser tests. Not one for the session: a sync Playwright
    left running breaks every later test that drives a browser from an asyncio loop (the
    EPUB's page previews, the preview server's tests)."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def lms() -> Iterator[LmsServer]:
    """The test LMS (tests/lms/): its page, scorm-again and packages, on 127.0.0.1."""
    from lms.server import LmsServer

    server = LmsServer()
    yield server
    server.close()


# -- the PDF tests' artifacts, each built once per session ----------------------------------


@pytest.fixture(scope="session")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory, seed_lesson: Lesson) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "seed.pdf"
    EXPORTER.export(seed_lesson, out, PdfOptions(brand_name="Pragmatic Leaders"))
    return out


@pytest.fixture(scope="session")
def seed_text(seed_pdf: Path) -> str:
    return pdf_text(seed_pdf)


@pytest.fixture(scope="session")
def seed_reader(seed_pdf: Path) -> pypdf.PdfReader:
    return pypdf.PdfReader(seed_pdf)


@pytest.fixture(scope="session")
def small_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("small")
    write_pixel(folder / "pixel.png")
    (folder / "small-hindi.md").write_text(SMALL_LESSON, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def small_lesson(small_dir: Path) -> Lesson:
    return load(small_dir / "small-hindi.md")


@pytest.fixture(scope="session")
def small_pdf(small_dir: Path, small_lesson: Lesson) -> Path:
    out = small_dir / "out" / "small.pdf"
    EXPORTER.export(small_lesson, out, PdfOptions(paper="letter", accent_color="#7A1F5C"))
    return out


@pytest.fixture(scope="session")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Book]:
    """The EPUB tests' two books, exported once (tests/epub_books.py)."""
    from epub_books import make_books  # it reads this module's paths

    return make_books(tmp_path_factory.mktemp("epub"))
