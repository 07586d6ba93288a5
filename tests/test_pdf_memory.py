"""What a PDF export holds while WeasyPrint writes it: each page's content stream is one bytes
object from the moment the page is painted, not one object per drawing operator, and the file
is byte for byte what WeasyPrint writes without that (exporters/pdf/streams.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydyf
import pytest

from aipm_content import load_course
from aipm_content.exporters.pdf import EXPORTER, PdfOptions
from aipm_content.exporters.pdf.document import lesson_css, part_html
from aipm_content.exporters.pdf.press import Press, weasyprint_errors, write
from aipm_content.model.lesson import Lesson

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def held_items(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The number of items each page's content stream holds when pydyf writes the file
    (every page drawn by then), one entry per page of every PDF written."""
    held: list[int] = []
    original = pydyf.PDF.write

    def counting(self: pydyf.PDF, *args: Any, **kwargs: Any) -> Any:
        objects = {obj.number: obj for obj in self.objects}
        for number in self.pages["Kids"][::3]:
            contents = objects[number]["Contents"]
            held.append(len(objects[int(contents.split()[0])].stream))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pydyf.PDF, "write", counting)
    yield held


def test_each_painted_page_is_held_as_one_item(
    seed_lesson: Lesson, held_items: list[int], tmp_path: Path
) -> None:
    out = EXPORTER.export(seed_lesson, tmp_path / "seed.pdf", PdfOptions())
    assert out.read_bytes().startswith(b"%PDF-1.7")
    # 12 pages: 100 to 13,000 operators each before (the contents' dot leaders the most).
    assert held_items == [1] * 12


def test_the_course_workbook_too(held_items: list[int], tmp_path: Path) -> None:
    course = load_course(ROOT / "content" / "course.yml")
    EXPORTER.export(course, tmp_path / "course.pdf", PdfOptions())
    assert len(held_items) > 20
    assert set(held_items) == {1}


def test_the_file_is_what_weasyprint_writes_without_it(
    seed_lesson: Lesson, held_items: list[int]
) -> None:
    """The seed's sections (text, marked content, rules, tinted blocks, links) written both
    ways; the pages are left as they were."""
    options = PdfOptions()
    press = Press(lesson_css(options), seed_lesson.source_dir, seed_lesson.source_line)
    html = part_html(seed_lesson, options, "body")
    document = press.lay_out(html, seed_lesson.source_dir, seed_lesson.source_line)
    pages = len(document.pages)
    with weasyprint_errors():
        plain = document.write_pdf(pdf_variant="pdf/ua-1")
    assert min(held_items) > 50
    assert write(document) == plain
    assert held_items[pages:] == [1] * pages
    assert all("paint" not in vars(page) for page in document.pages)
    with weasyprint_errors():
        assert document.write_pdf(pdf_variant="pdf/ua-1") == plain
    assert min(held_items[2 * pages :]) > 50
