"""Work the catalog build does once, counted rather than timed (issue #18): what is the same for
every lesson is done once per process, and nothing is done twice for one lesson."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
import zlib
from typing import Any

import pytest

from aipm_content import Lesson, load
from aipm_content.exporters.epub import book, epub_bytes
from aipm_content.render import html
from aipm_content.render.html import TEMPLATES
from conftest import FIXTURES, SEED_MD

EVERY_MD = FIXTURES / "epub" / "every-block.md"


def test_each_epub_entry_is_compressed_once_and_nothing_read_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lesson = load(SEED_MD)
    calls = {"compress": 0, "decompress": 0}
    compressobj, decompressobj = zlib.compressobj, zlib.decompressobj

    def counted_compress(*args: Any, **kwargs: Any) -> Any:
        calls["compress"] += 1
        return compressobj(*args, **kwargs)

    def counted_decompress(*args: Any, **kwargs: Any) -> Any:
        calls["decompress"] += 1
        return decompressobj(*args, **kwargs)

    monkeypatch.setattr(zlib, "compressobj", counted_compress)
    monkeypatch.setattr(zlib, "decompressobj", counted_decompress)
    data = epub_bytes(lesson)
    monkeypatch.undo()
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        deflated = [i for i in book.infolist() if i.compress_type == zipfile.ZIP_DEFLATED]
    assert len(deflated) > 5
    assert calls == {"compress": len(deflated), "decompress": 0}


@pytest.fixture(scope="module")
def two_lessons() -> tuple[Lesson, Lesson]:
    """The seed and a lesson of every block kind, each made into a book once (so every
    template is compiled and the stylesheet made)."""
    first, second = load(SEED_MD), load(EVERY_MD)
    epub_bytes(first)
    epub_bytes(second)
    return first, second


def test_books_after_the_first_look_for_no_template_on_disk(
    two_lessons: tuple[Lesson, Lesson], monkeypatch: pytest.MonkeyPatch
) -> None:
    stats: list[str] = []
    stat = os.stat

    def counted_stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        if str(path).startswith(str(TEMPLATES)):
            stats.append(str(path))
        return stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", counted_stat)
    for lesson in two_lessons:
        epub_bytes(lesson)
    assert stats == []


def test_the_book_stylesheet_is_made_once_per_theme(
    two_lessons: tuple[Lesson, Lesson], monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str | None] = []
    themed = html.themed

    def counted_themed(default_css: str, theme_css: str | None) -> str:
        made.append(theme_css)
        return themed(default_css, theme_css)

    monkeypatch.setattr(book, "themed", counted_themed)
    book.stylesheet.cache_clear()
    for lesson in two_lessons:
        epub_bytes(lesson)
        epub_bytes(lesson, "p { color: navy; }")
    assert made == [None, "p { color: navy; }"]


# -- the build's workers ----------------------------------------------------------------------

PREPARE_PDF = """
import sys
started = []
def audit(event, args):
    if event == "subprocess.Popen":
        started.append(args[1])
sys.addaudithook(audit)
from aipm_content.build_worker import init_worker
from aipm_content.exporters.base import get_exporter
init_worker({"pdf": get_exporter("pdf").options_model()})
print(len(started), started)
"""


def test_workers_import_weasyprint_through_the_quick_library_lookup() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", PREPARE_PDF], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    count, _, programs = done.stdout.partition(" ")
    assert count == "1", programs  # ldconfig -p; a bare `import weasyprint` starts 54
