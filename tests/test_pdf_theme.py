"""The print theme is parsed once a process (exporters/pdf/press.parsed_theme): counted by the
font configurations made, one per parse, since each loads every installed font."""

from __future__ import annotations

import collections
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aipm_content import load
from aipm_content.exporters.pdf import EXPORTER, PdfOptions, engine, press
from aipm_content.exporters.pdf.press import THEMES_KEPT, Press
from aipm_content.parse.diagnostics import LessonError
from pdf_reading import write_pixel

LESSON = "---\nid: small\ntitle: Small\n---\n\nThe introduction.\n\n## One\n\nThe text of one.\n"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[collections.Counter[str]]:
    """Theme parses in this test, by the theme's last line, none kept from earlier tests."""
    counts: collections.Counter[str] = collections.Counter()
    standard = engine.CSS

    class Counted(standard):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, font_config: Any = None, **kwargs: Any) -> None:
            if kwargs.get("string") and "counter-reset: page" not in kwargs["string"]:
                counts[kwargs["string"].strip().splitlines()[-1]] += 1
            super().__init__(*args, font_config=font_config, **kwargs)

    monkeypatch.setattr(engine, "CSS", Counted)
    monkeypatch.setattr(press, "_themes", press._Themes())
    yield counts


def lesson_in(folder: Path) -> Any:
    folder.mkdir()
    (folder / "small.md").write_text(LESSON, encoding="utf-8")
    return load(folder / "small.md")


def test_a_theme_is_parsed_once_for_every_export_of_a_process(
    parses: collections.Counter[str], tmp_path: Path
) -> None:
    first = EXPORTER.export(lesson_in(tmp_path / "a"), tmp_path / "1.pdf", PdfOptions())
    again = EXPORTER.export(lesson_in(tmp_path / "b"), tmp_path / "2.pdf", PdfOptions())
    assert sum(parses.values()) == 1  # another folder, the same theme
    assert first.read_bytes() == again.read_bytes()  # fonts are still subset per document
    EXPORTER.export(lesson_in(tmp_path / "c"), tmp_path / "3.pdf", PdfOptions(paper="letter"))
    assert sum(parses.values()) == 2


def test_only_a_theme_that_reads_no_file_is_kept(
    parses: collections.Counter[str], tmp_path: Path
) -> None:
    """A theme reading a file (never a checked one) goes through each export's fetcher: its
    refusal is the author's located error every time, not only the first."""
    write_pixel(tmp_path / "pixel.png")

    def locate(reference: str) -> tuple[str, int]:
        return "theme.css", 7

    plain = "p { color: #123456; }"
    reads = "@font-face { font-family: Pixel; src: url(pixel.png); }"
    refused = "@import url(other.css);"
    for _ in range(2):
        Press(plain, tmp_path, locate)
        Press(reads, tmp_path, locate)
        with pytest.raises(LessonError) as caught:
            Press(refused, tmp_path, locate)
        (diagnostic,) = caught.value.diagnostics
        assert (diagnostic.path, diagnostic.line, diagnostic.code) == (
            "theme.css",
            7,
            "refused-resource",
        )
    assert parses == {plain: 1, reads: 2, refused: 2}


def test_the_themes_kept_are_bounded(parses: collections.Counter[str]) -> None:
    themes = [f"p {{ margin: {n}px; }}" for n in range(THEMES_KEPT + 1)]
    for css in themes:
        Press(css)
    Press(themes[-1])
    Press(themes[0])  # the least recently used, dropped for the last
    assert parses == {**dict.fromkeys(themes, 1), themes[0]: 2}
