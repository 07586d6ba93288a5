"""pydyf's page references, built once a page while WeasyPrint tags a PDF, not once for every
structure element (exporters/pdf/page_refs.py), and the file byte for byte what it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydyf
import pypdf
import pytest

from aipm_content import load_course
from aipm_content.exporters.pdf import EXPORTER, PdfOptions
from aipm_content.exporters.pdf.document import lesson_css, part_html
from aipm_content.exporters.pdf.page_refs import cache_page_references
from aipm_content.exporters.pdf.press import Press, weasyprint_errors, write
from aipm_content.model.lesson import Lesson

ROOT = Path(__file__).resolve().parent.parent


def pydyf_own() -> Callable[[Any], tuple[bytes, ...]]:
    """pydyf's own ``page_references`` getter, whether or not an export has kept it yet."""
    getter = pydyf.PDF.page_references.fget
    own: Callable[[Any], tuple[bytes, ...]] = getattr(getter, "original", getter)
    return own


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The page count each time pydyf's own getter runs, with pydyf's property as it ships
    (not kept) until an export installs ours over it."""
    own = pydyf_own()
    counts: list[int] = []

    def counting(pdf: Any) -> tuple[bytes, ...]:
        counts.append(len(pdf.pages["Kids"]) // 3)
        return own(pdf)

    monkeypatch.setattr(pydyf.PDF, "page_references", property(counting))
    return counts


def test_the_workbook_builds_its_page_references_once_a_page(
    builds: list[int], tmp_path: Path
) -> None:
    course = load_course(ROOT / "content" / "course.yml")
    out = EXPORTER.export(course, tmp_path / "course.pdf", PdfOptions())
    pages = len(pypdf.PdfReader(out).pages)
    # Its tags and outlines ask ~2,000 times, all pages in the tree by then: one build.
    assert pages > 20
    assert builds == [pages]


def test_the_file_is_what_pydyf_writes_without_it(seed_lesson: Lesson, builds: list[int]) -> None:
    options = PdfOptions()
    press = Press(lesson_css(options), seed_lesson.source_dir, seed_lesson.source_line)
    html = part_html(seed_lesson, options, "body")
    document = press.lay_out(html, seed_lesson.source_dir, seed_lesson.source_line)
    with weasyprint_errors():
        plain = document.write_pdf(pdf_variant="pdf/ua-1")
    asked = len(builds)
    assert asked > 100  # pydyf's property, built at every element of the tags
    assert write(document) == plain
    assert len(builds) == asked + 1


def test_keeping_is_installed_once_over_pydyfs_property() -> None:
    cache_page_references()
    kept = pydyf.PDF.page_references
    cache_page_references()
    assert pydyf.PDF.page_references is kept
    assert kept.fget.original is pydyf_own()
