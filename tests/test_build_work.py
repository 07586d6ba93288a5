"""Work the catalog build does once, counted rather than timed (issue #18): what is the same for
every lesson is done once per process, and nothing is done twice for one lesson."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jinja2 import Environment, FileSystemLoader

from aipm_content import Lesson, catalog, load
from aipm_content.api import source_bytes
from aipm_content.build_pool import MAX_BATCH, batches
from aipm_content.build_worker import Job, build_lesson, prepare
from aipm_content.cli import main
from aipm_content.exporters.epub import EpubOptions, book, epub_bytes
from aipm_content.exporters.output import write_atomic
from aipm_content.exporters.scorm import ScormOptions
from aipm_content.model import RichText, inline, measure
from aipm_content.render import html
from aipm_content.render.html import TEMPLATES
from conftest import FIXTURES, SEED_MD, subprocesses_started
from test_catalog import PNG, generate

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


def test_each_text_of_a_book_is_made_into_html_once(monkeypatch: pytest.MonkeyPatch) -> None:
    lesson = load(EVERY_MD)
    made: dict[int, int] = {}
    inline_html = inline.inline_html

    def counted(inlines: Any, *args: Any) -> Any:
        made[id(inlines)] = made.get(id(inlines), 0) + 1
        return inline_html(inlines, *args)

    monkeypatch.setattr(inline, "inline_html", counted)
    epub_bytes(lesson)
    assert len(made) > 20 and set(made.values()) == {1}


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
from aipm_content.build_worker import prepare
from aipm_content.exporters.base import get_exporter
prepare({"pdf": get_exporter("pdf").options_model()})
"""


def test_workers_import_weasyprint_through_the_quick_library_lookup() -> None:
    started = subprocesses_started(PREPARE_PDF)
    assert len(started) == 1, started  # ldconfig -p; a bare `import weasyprint` starts 54


def test_after_the_warm_up_a_book_loads_no_template(monkeypatch: pytest.MonkeyPatch) -> None:
    # Templates read from disk, not compiled: a fresh environment may load them compiled from
    # the template cache (render/template_cache.py), which would hide a warm-up that did nothing.
    html.environment.cache_clear()  # a fresh environment, as a new process has
    prepare({"epub": EpubOptions()})
    read: list[str] = []
    get_source = FileSystemLoader.get_source

    def counted(self: FileSystemLoader, environment: Environment, template: str) -> Any:
        read.append(template)
        return get_source(self, environment, template)

    monkeypatch.setattr(FileSystemLoader, "get_source", counted)
    epub_bytes(load(EVERY_MD))
    assert read == []


def test_a_lesson_is_walked_once_for_its_words_and_images(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reading time, each SCO's minutes and the images the cache records all come from one
    walk of the lesson (it was three: the word count, the images, the sections' words)."""
    prepare({"epub": EpubOptions(), "scorm": ScormOptions()}, warm=False)
    visits: dict[int, int] = {}
    walk = measure.rich_texts

    def counted(node: Any) -> Any:
        if isinstance(node, RichText):
            visits[id(node)] = visits.get(id(node), 0) + 1
        return walk(node)

    monkeypatch.setattr(measure, "rich_texts", counted)
    targets = {"epub": tmp_path / "book.epub", "scorm": tmp_path / "package.zip"}
    result = build_lesson(Job(EVERY_MD, targets))
    assert [o.status for o in result.outcomes] == ["built", "built"], result.diagnostics
    assert list(result.images) == ["images/skills-chart.png"]
    assert len(visits) > 20 and set(visits.values()) == {1}


def write_sized(folder: Path, sizes: list[int]) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for number, size in enumerate(sizes):
        path = folder / f"l{number:02d}.md"
        path.write_bytes(b"x" * size)
        paths.append(path)
    return paths


def test_batches_go_largest_first_and_shrink_to_single_lessons(tmp_path: Path) -> None:
    sizes = [(n * 37) % 101 + 1 for n in range(100)]
    jobs = [Job(p, {"epub": p.with_suffix(".epub")}) for p in write_sized(tmp_path, sizes)]
    sent = batches(jobs, 2)
    order = [job.source.stat().st_size for batch in sent for job in batch]
    assert order == sorted(sizes, reverse=True)
    lengths = [len(batch) for batch in sent]
    assert lengths == sorted(lengths, reverse=True)
    assert lengths[0] == MAX_BATCH and lengths[-1] == 1 and len(sent) < len(jobs) / 2


def test_slow_formats_go_one_lesson_at_a_time(tmp_path: Path) -> None:
    paths = write_sized(tmp_path, [10, 30, 20] * 10)
    jobs = [Job(p, {"json": p.with_suffix(".json"), "pdf": p.with_suffix(".pdf")}) for p in paths]
    sent = batches(jobs, 2)
    assert [len(batch) for batch in sent] == [1] * len(jobs)
    assert [batch[0].source.stat().st_size for batch in sent] == [30] * 10 + [20] * 10 + [10] * 10


def test_one_worker_and_two_write_the_same_bytes(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    generate.write_catalog(folder, 24)
    (folder / "pic.png").write_bytes(PNG)
    with_image = folder / "lesson-0003.md"
    with_image.write_text(with_image.read_text("utf-8") + "\n![A dot](pic.png)\n", "utf-8")
    outputs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"dist-{jobs}"
        args = [str(folder), "-o", str(out), "--formats", "json,epub,scorm", "--jobs", jobs]
        result = CliRunner().invoke(main, ["build", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        outputs[jobs] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert len(outputs["2"]) == 24 * 3 + 1  # and the cache, which must match too
    assert outputs["1"] == outputs["2"]


def test_a_build_lists_its_output_folder_once_not_at_every_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dead writers' temporary files are removed when the build starts, from one listing of
    each folder; its 13 writes (12 outputs and the cache) list none again, and a write after
    the build does, as a single export's."""
    folder = tmp_path / "content"
    generate.write_catalog(folder, 4)
    out = tmp_path / "dist"
    (out / "sub").mkdir(parents=True)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process id that no longer runs
    part = f".{{}}.{gone.pid}.0123456789abcdef.part"
    stale = [out / part.format("lesson-0001.json"), out / "sub" / part.format("x.epub")]
    for path in stale:
        path.write_bytes(b"half")
    listed: list[str] = []
    scandir = os.scandir

    def counted(path: Any = ".") -> Any:
        listed.append(os.path.relpath(path, out))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", counted)
    args = [str(folder), "-o", str(out), "--formats", "json,epub,scorm", "--jobs", "1"]
    result = CliRunner().invoke(main, ["build", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert sorted(p for p in listed if not p.startswith("..")) == [".", "sub"]
    assert len(list(out.glob("lesson-*"))) == 12
    assert not any(path.exists() for path in stale)
    listed.clear()
    stale[0].write_bytes(b"half")
    write_atomic(out / "lesson-0001.json", b"{}")
    assert listed == ["."] and not stale[0].exists()


def test_a_build_without_the_cache_reads_no_source_before_its_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under --no-cache the plan needs no source hash: each worker reads its lesson once and
    hashes those bytes, and the cache then records them, so the next build is all hits."""
    folder = tmp_path / "content"
    generate.write_catalog(folder, 3)
    out = tmp_path / "dist"
    read: list[Path] = []

    def counted(path: Path) -> bytes:
        read.append(path)
        return source_bytes(path)

    monkeypatch.setattr(catalog, "source_bytes", counted)
    args = [str(folder), "-o", str(out), "--formats", "json,epub", "--jobs", "1"]
    result = CliRunner().invoke(main, ["build", *args, "--no-cache"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert read == []
    again = CliRunner().invoke(main, ["build", *args], catch_exceptions=False)
    assert "0 built, 6 cached" in again.output
    assert len(read) == 3
