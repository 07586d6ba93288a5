"""Images over the pixel limits, or that do not decode, are located errors everywhere.

The hostile corpus (tests/fixtures/hostile, cases image-pixel-bomb*.md, image-*-junk.md,
image-png-truncated.md, gen-json-image-*.json) runs them through check and every exporter;
this module covers what the corpus cannot: the real process's stderr (Pillow's warning must not
leak), an image swapped for a bomb after the lesson was checked, and the limits themselves.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from PIL import Image

from aipm_content import load
from aipm_content.exporters.base import get_exporter
from aipm_content.parse.diagnostics import LessonError
from aipm_content.parse.pixels import MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, pixel_problem
from hostile_images import write_png, write_truncated_png

CLI_BIN = Path(sys.executable).parent / "aipm-export"
LESSON = (
    "---\ntitle: Pictures\n---\n\n## One\n\nA paragraph.\n\nA chart: ![a chart](images/chart.png)\n"
)
IMAGE_LINE = 9


@pytest.fixture
def lesson(tmp_path: Path) -> Path:
    folder = tmp_path / "lesson"
    (folder / "images").mkdir(parents=True)
    source = folder / "lesson.md"
    source.write_text(LESSON, encoding="utf-8")
    write_png(folder / "images" / "chart.png", 40, 30)
    return source


@pytest.mark.parametrize("command", ["check", "pdf", "epub", "scorm", "json"])
def test_a_pixel_bomb_is_one_located_line_and_nothing_else(
    lesson: Path, tmp_path: Path, command: str
) -> None:
    """The issue's case: a 13000×13000 PNG of 20 kB. Pillow's warning (with its site-packages
    path) never reaches stderr; only our line and the summary do."""
    write_png(lesson.parent / "images" / "chart.png", 13_000, 13_000)
    out = tmp_path / f"out.{command}"
    args = [command, str(lesson)] + ([] if command == "check" else ["-o", str(out)])
    done = subprocess.run(
        [str(CLI_BIN), *args], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        f"{lesson}:{IMAGE_LINE}:1: error[image-too-large]: image 'images/chart.png' is "
        f"13000×13000 pixels; the limits are {MAX_IMAGE_PIXELS:,} pixels and "
        f"{MAX_IMAGE_SIDE:,} a side: scale it down",
        "1 error",
    ]
    assert not out.exists()


@pytest.mark.parametrize("fmt", ["pdf", "epub", "scorm"])
@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda p: write_png(p, 50_000, 50_000, rows=False), "image-too-large"),
        (write_truncated_png, "image-undecodable"),
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"junk" * 20), "image-undecodable"),
    ],
    ids=["50000-square", "truncated", "junk-after-magic"],
)
def test_an_image_swapped_after_checking_is_refused_by_the_exporter(
    lesson: Path, tmp_path: Path, fmt: str, make: object, code: str
) -> None:
    """Each exporter checks the image again when it reads it, with the same codes."""
    loaded = load(lesson)
    assert callable(make)
    make(lesson.parent / "images" / "chart.png")
    exporter = get_exporter(fmt)
    out = tmp_path / f"out{exporter.suffix}"
    with pytest.raises(LessonError) as caught:
        exporter.export(loaded, out, exporter.options_model())
    found = [(d.path, d.line, d.code) for d in caught.value.diagnostics]
    assert found == [(str(lesson), IMAGE_LINE, code)]
    assert not out.exists()


def test_the_limits_are_pixels_and_sides(tmp_path: Path) -> None:
    side = MAX_IMAGE_SIDE
    assert pixel_problem(write_png(tmp_path / "edge.png", side, 10), "edge.png") is None
    wide = pixel_problem(write_png(tmp_path / "wide.png", side + 1, 10), "wide.png")
    assert wide is not None and wide[0] == "image-too-large"
    many = MAX_IMAGE_PIXELS // side + 1  # within a side, just over the pixels
    tall = pixel_problem(write_png(tmp_path / "big.png", side, many, rows=False), "big.png")
    assert tall is not None and tall[0] == "image-too-large"


def test_pillow_is_left_as_it_was(lesson: Path) -> None:
    """The check neither changes Pillow's global limit nor lets its warning out."""
    limit = Image.MAX_IMAGE_PIXELS
    write_png(lesson.parent / "images" / "chart.png", 13_000, 13_000)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with pytest.raises(LessonError):
            load(lesson)
    assert [w.category.__name__ for w in seen] == []
    assert limit == Image.MAX_IMAGE_PIXELS


def test_the_corpus_images_are_the_ones_described(tmp_path: Path) -> None:
    """The committed junk files really carry a right signature (what makes them hostile)."""
    images = Path(__file__).resolve().parent / "fixtures" / "hostile" / "images"
    for name, magic in [
        ("png-junk.png", b"\x89PNG\r\n\x1a\n"),
        ("gif-junk.gif", b"GIF89a"),
        ("jpeg-junk.jpg", b"\xff\xd8\xff"),
    ]:
        data = (images / name).read_bytes()
        assert data.startswith(magic) and len(data) < 100
        copy = shutil.copy(images / name, tmp_path / name)
        problem = pixel_problem(Path(copy), name)
        assert problem is not None and problem[0] == "image-undecodable"
