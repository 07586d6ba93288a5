"""The contents' dot leaders: one text box a line holding all its dots, where WeasyPrint makes
a box per dot (exporters/pdf/leaders.py), and pages that look and read the same."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from aipm_content import load_course
from aipm_content.exporters.pdf import EXPORTER, PdfOptions, leaders
from aipm_content.exporters.pdf.course import COURSE_THEME, _front
from aipm_content.exporters.pdf.document import lesson_css
from aipm_content.exporters.pdf.press import Press
from aipm_content.model.course import Course

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course(ROOT / "content" / "course.yml")


def front(course: Course, extra_css: str = "") -> Any:
    """The course's cover and contents laid out (placeholder page numbers)."""
    course_css = COURSE_THEME.read_text(encoding="utf-8") + extra_css
    return _front(course, PdfOptions(), Press(lesson_css(PdfOptions(), course_css)), None)


def leader_rows(document: Any) -> list[list[Any]]:
    """The text boxes of every leader, page by page, line by line."""
    return [
        list(box.children)
        for page in document.pages
        for box in page._page_box.descendants()
        if getattr(box, "is_leader", False)
    ]


def test_each_leader_is_one_box_holding_the_dots_weasyprint_places(
    course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    merged = leader_rows(front(course))
    with monkeypatch.context() as patch:
        patch.setattr(leaders, "_one_box", lambda context, dots: None)
        theirs = leader_rows(front(course))
    assert len(merged) == len(theirs) > 20  # every entry of the contents
    for one, dots in zip(merged, theirs, strict=True):
        assert len(one) == 1
        assert len(dots) > 20
        (box,) = one
        assert box.text == "." * len(dots)
        left = min(dot.position_x for dot in dots)
        assert box.position_x == pytest.approx(left, abs=1e-6)
        assert box.width == pytest.approx(sum(dot.width for dot in dots), abs=1e-4)
        assert box.position_y == dots[0].position_y
        assert box.baseline == dots[0].baseline


def test_a_leader_whose_one_box_would_be_wider_stays_a_box_per_repeat(course: Course) -> None:
    # "VA" repeated kerns at "AV", so one run would not stand where the repeats do.
    rule = '.toc a::after { content: leader("VA") attr(data-page); }'
    rows = leader_rows(front(course, rule))
    assert rows
    assert all(len(row) > 5 for row in rows)
    assert {box.text for row in rows for box in row} == {"VA"}


def rendered(pdf: Path, page: int, out: Path) -> Image.Image:
    subprocess.run(
        ["pdftoppm", "-r", "110", "-f", str(page), "-l", str(page), "-gray", str(pdf), str(out)],
        check=True,
    )
    (image,) = out.parent.glob(f"{out.name}*")
    return Image.open(image)


def text_of(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True)
    return " ".join(done.stdout.decode("utf-8").replace(".", " ").split())


def test_the_workbook_looks_and_reads_the_same(
    course: Course, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = EXPORTER.export(course, tmp_path / "ours.pdf", PdfOptions())
    with monkeypatch.context() as patch:
        patch.setattr(leaders, "_one_box", lambda context, dots: None)
        theirs = EXPORTER.export(course, tmp_path / "theirs.pdf", PdfOptions())
    assert ours.stat().st_size < theirs.stat().st_size
    # The dots read as dots, the words as words (only where pdftotext puts spaces differs).
    assert text_of(ours) == text_of(theirs)
    # The contents page at 110 dpi: a few hundred anti-aliased pixels of a dot a faint shade
    # apart (glyph positions summed in the run rather than set per box), nothing moved.
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    a = rendered(ours, 2, tmp_path / "ours" / "page")
    b = rendered(theirs, 2, tmp_path / "theirs" / "page")
    assert a.size == b.size
    histogram = ImageChops.difference(a, b).histogram()
    assert sum(histogram[1:]) < a.size[0] * a.size[1] // 1000
    assert sum(histogram[64:]) == 0
