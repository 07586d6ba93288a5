"""The PDF's options and settings, and its confined fetcher (only the lesson's folder and
data: URIs)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from aipm_content import load
from aipm_content.cli import main as cli
from aipm_content.exporters.pdf import EXPORTER, PdfOptions
from aipm_content.exporters.pdf.document import lesson_css
from aipm_content.exporters.pdf.press import render_pdf
from aipm_content.model.lesson import Lesson
from aipm_content.parse.diagnostics import LessonError
from aipm_content.settings import load_settings
from pdf_reading import (
    SMALL_LESSON,
    pdf_text,
    squash,
    write_pixel,
)

ROOT = Path(__file__).resolve().parent.parent


# ---------- options and settings ----------


def test_paper_sizes(seed_reader: pypdf.PdfReader, small_pdf: Path) -> None:
    a4 = seed_reader.pages[3].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    letter = pypdf.PdfReader(small_pdf).pages[0].mediabox
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


def test_brand_colour_reaches_the_stylesheet() -> None:
    css = lesson_css(PdfOptions(accent_color="#7A1F5C", highlight_color="#735"))
    assert "--accent: #7a1f5c" in css and "--highlight: #735" in css
    assert "size: letter" in lesson_css(PdfOptions(paper="letter"))


@pytest.mark.parametrize("bad", ["red", "#12345", "#gggggg", "1d5c7a", "#1d5c7a;}"])
def test_colours_must_be_hex(bad: str) -> None:
    with pytest.raises(ValidationError):
        PdfOptions(accent_color=bad)


@pytest.mark.parametrize(
    ("colour", "ratio"), [("#ffff00", "1.07"), ("#777777", "4.48"), ("#abc", "1.96")]
)
def test_brand_colours_must_be_readable_on_white(colour: str, ratio: str) -> None:
    with pytest.raises(ValidationError) as caught:
        PdfOptions(highlight_color=colour)
    assert f"contrast of {ratio}:1 on white" in str(caught.value)
    assert PdfOptions(accent_color="#767676").accent_color == "#767676"  # 4.54:1, just enough


def test_repository_settings_file_is_valid() -> None:
    options = load_settings(PdfOptions, "pdf", {}, ROOT / "exporters")
    assert isinstance(options, PdfOptions)
    assert options.paper == "a4" and options.brand_name


def test_settings_file_errors_are_located(tmp_path: Path) -> None:
    (tmp_path / "pdf.toml").write_text('paper = "a4"\naccent_color = "teal"\n', encoding="utf-8")
    with pytest.raises(LessonError) as caught:
        load_settings(PdfOptions, "pdf", {}, tmp_path)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.line == 2 and "accent_color" in diagnostic.message


def test_cli_exports_with_settings_and_preview(small_dir: Path, tmp_path: Path) -> None:
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "pdf.toml").write_text('paper = "letter"\nbrand_name = "Test School"\n', "utf-8")
    out = tmp_path / "handout.pdf"
    previews = tmp_path / "pages"
    result = CliRunner().invoke(
        cli,
        [
            "pdf",
            str(small_dir / "small-hindi.md"),
            "-o",
            str(out),
            "--settings",
            str(settings),
            "--preview",
            str(previews),
            "--preview-dpi",
            "30",
        ],
    )
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(out)
    assert round(float(reader.pages[0].mediabox.width)) == 612
    assert "Test School" in pdf_text(out)
    pngs = sorted(previews.glob("*.png"))
    assert len(pngs) == len(reader.pages)
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)


def test_cli_refuses_a_bad_colour_flag(small_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "pdf",
            str(small_dir / "small-hindi.md"),
            "-o",
            str(tmp_path / "x.pdf"),
            "--settings",
            str(tmp_path),
            "--accent-color",
            "blue",
        ],
    )
    assert result.exit_code == 2
    assert not (tmp_path / "x.pdf").exists()


def test_without_answer_key(small_lesson: Lesson, seed_lesson: Lesson, tmp_path: Path) -> None:
    out = EXPORTER.export(seed_lesson, tmp_path / "nokey.pdf", PdfOptions(answer_key=False))
    text = squash(pdf_text(out))
    assert "Answer key" not in text
    assert "shoppers get confident, wrong advice" not in text


# ---------- safety: only the lesson's folder and data: URIs ----------


def test_images_in_the_lesson_folder_are_embedded(small_pdf: Path) -> None:
    reader = pypdf.PdfReader(small_pdf)
    # Emoji are drawn as images too; the lesson's 4x4 pixel is the only one that small.
    sizes = {img.image.size for page in reader.pages for img in page.images if img.image}
    assert (4, 4) in sizes


MARGIN_PT = 21 / 25.4 * 72
"""print.css's left and right page margin (21 mm), in PDF points."""


def _times(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """The PDF matrix product m x n of two (a b c d e f) matrices."""
    return (
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    )


def drawn_images(reader: pypdf.PdfReader, page: Any) -> Iterator[tuple[int, int, float, float]]:
    """(pixel width, pixel height, left x, drawn width) of every image XObject a page paints,
    from the transformation matrix in force at its ``Do`` (q/Q/cm tracked)."""
    xobjects = page["/Resources"].get("/XObject", {})
    stream = pypdf.generic.ContentStream(page.get_contents(), reader)
    ctm: tuple[float, ...] = (1, 0, 0, 1, 0, 0)
    saved: list[tuple[float, ...]] = []
    for operands, operator in stream.operations:
        if operator == b"q":
            saved.append(ctm)
        elif operator == b"Q":
            ctm = saved.pop()
        elif operator == b"cm":
            ctm = _times(tuple(float(v) for v in operands), ctm)
        elif operator == b"Do":
            xobject = xobjects[operands[0]].get_object()
            if xobject["/Subtype"] == "/Image":
                left, right = sorted((ctm[4], ctm[4] + ctm[0]))
                yield int(xobject["/Width"]), int(xobject["/Height"]), left, right - left


def test_large_images_are_scaled_to_the_text_block(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (800, 400), (10, 90, 160)).save(tmp_path / "wide.png")
    Image.new("RGB", (1600, 200), (160, 90, 10)).save(tmp_path / "band.png")
    write_pixel(tmp_path / "pixel.png")
    source = tmp_path / "images.md"
    source.write_text(
        "---\nid: images\ntitle: Images\n---\n\n## Pictures\n\n![A wide chart](wide.png)\n\n"
        "A banner ![a banner](band.png) inside a sentence.\n\n"
        ":::{tension}\nA boxed chart: ![a boxed chart](wide.png)\n:::\n\n"
        "A dot ![a dot](pixel.png) stays small.\n",
        encoding="utf-8",
    )
    reader = pypdf.PdfReader(EXPORTER.export(load(source), tmp_path / "images.pdf", PdfOptions()))
    drawn = [
        (size, left, width, float(page.mediabox.width))
        for page in reader.pages
        for *size, left, width in drawn_images(reader, page)
    ]
    assert sorted(tuple(size) for size, *_ in drawn) == [
        (4, 4),
        (800, 400),
        (800, 400),
        (1600, 200),
    ]
    for size, left, width, page_width in drawn:
        assert left >= MARGIN_PT - 0.01, size
        assert left + width <= page_width - MARGIN_PT + 0.01, size
    dot = next(width for size, _, width, _ in drawn if size == [4, 4])
    assert dot == pytest.approx(3)  # 4 CSS px: a small image keeps its own size


PAGE = '<html lang="en"><head><title>t</title>{head}</head><body><p>x</p>{body}</body></html>'


@pytest.mark.parametrize(
    ("head", "body", "why"),
    [
        ("", '<a rel="attachment" href="file:///etc/passwd">passwords</a>', "outside"),
        ('<link rel="attachment" href="file:///etc/passwd"/>', "", "outside"),
        ('<link rel="stylesheet" href="file:///etc/passwd"/>', "", "outside"),
        ("", '<img src="http://127.0.0.1:9/x.png" alt="x"/>', "other URLs"),
        ("", '<img src="https://example.com/x.png" alt="x"/>', "other URLs"),
        ("", '<img src="file:///dev/zero" alt="x"/>', "outside"),
        ("", '<img src="../secret.png" alt="x"/>', "outside"),
        ("", '<img src="ftp://example.com/x.png" alt="x"/>', "other URLs"),
        ("<style>p { background: url(file:///etc/hostname) }</style>", "", "outside"),
        ("", '<img src="zero.png" alt="x"/>', "outside"),
        ("", '<img src="fifo.png" alt="x"/>', "not a regular file"),
        ("", '<img src="notes.png" alt="x"/>', "not a .png image"),
    ],
)
def test_fetcher_refuses_everything_else(tmp_path: Path, head: str, body: str, why: str) -> None:
    folder = tmp_path / "lesson"
    folder.mkdir()
    (tmp_path / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\nsecret")
    (folder / "zero.png").symlink_to("/dev/zero")
    os.mkfifo(folder / "fifo.png")
    (folder / "notes.png").write_text("not an image", encoding="utf-8")
    with pytest.raises(LessonError) as caught:
        render_pdf(PAGE.format(head=head, body=body), "", folder)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "refused-resource"
    assert why in diagnostic.message
    assert diagnostic.line >= 1


def test_fetcher_serves_data_uris_and_folder_images(tmp_path: Path) -> None:
    import base64

    write_pixel(tmp_path / "pixel.png")
    data = base64.b64encode((tmp_path / "pixel.png").read_bytes()).decode("ascii")
    body = f'<img src="data:image/png;base64,{data}" alt="a"/><img src="pixel.png" alt="b"/>'
    pdf = render_pdf(PAGE.format(head="", body=body), "", tmp_path)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    sizes = [img.image.size for page in reader.pages for img in page.images if img.image]
    assert sizes == [(4, 4), (4, 4)]


def test_refusal_names_the_source_line_and_keeps_the_old_file(tmp_path: Path) -> None:
    folder = tmp_path / "lesson"
    folder.mkdir()
    write_pixel(folder / "pixel.png")
    (folder / "small-hindi.md").write_text(SMALL_LESSON, encoding="utf-8")
    lesson = load(folder / "small-hindi.md")
    (folder / "pixel.png").unlink()  # gone between checking and printing
    out = tmp_path / "out.pdf"
    out.write_bytes(b"previous")
    with pytest.raises(LessonError) as caught:
        EXPORTER.export(lesson, out, PdfOptions())
    (diagnostic,) = caught.value.diagnostics
    line = SMALL_LESSON.splitlines().index("![A small red dot](pixel.png)") + 1
    assert (diagnostic.path, diagnostic.line) == (str(folder / "small-hindi.md"), line)
    assert "does not exist" in diagnostic.message
    assert out.read_bytes() == b"previous"
    assert list(tmp_path.glob(".out.pdf.*")) == []


def test_importing_the_exporter_does_not_load_weasyprint() -> None:
    code = "import sys, aipm_content.exporters.pdf; sys.exit('weasyprint' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
