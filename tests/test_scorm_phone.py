"""The player on a phone (issue 13, item 4): at 390 px wide nothing scrolls sideways.

One long URL in a paragraph used to make every paragraph of the lesson cut off on the right. A
lesson with long URLs, long words, code spans and a wide image, the bundled lesson and the
bundled course are opened from disk in Chromium at 390 px; the page must be no wider than the
screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser

from aipm_content import Lesson, load, load_course
from aipm_content.model.course import Course
from conftest import ROOT
from lms.player import unzip_package

LONG_WORD = "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft"
URL = "https://example.com/" + "a-very-long-path-segment/" * 8 + "?query=" + "x" * 80
WIDE = f"""---
title: {LONG_WORD} and other things too long for a phone
id: phone-overflow
---

## A section titled {LONG_WORD}

Read {URL} before the meeting, or the link: [{URL}]({URL}).

The word {LONG_WORD}{LONG_WORD} has no break, and neither does `{"code_span_" * 12}`.

![A wide chart](wide.png)

:::{{practice}}
:id: practice-phone
:min-chars: 10
:points: 5
A case about {URL}.

The call: What does `{"identifier" * 10}` mean?
:::
"""


def wide_lesson(folder: Path) -> Lesson:
    folder.mkdir()
    Image.new("RGB", (2400, 120), "navy").save(folder / "wide.png")
    source = folder / "phone.md"
    source.write_text(WIDE, encoding="utf-8")
    return load(source)


def overflow(browser: Browser, index: Path) -> dict[str, int]:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(index.as_uri())
    page.wait_for_selector("html[data-player=local]")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    sizes: dict[str, int] = page.evaluate(
        """() => ({scroll: document.documentElement.scrollWidth,
                   client: document.documentElement.clientWidth,
                   body: document.body.scrollWidth})"""
    )
    page.close()
    return sizes


@pytest.mark.parametrize("which", ["long words, URLs, code and images", "lesson", "course"])
def test_nothing_scrolls_sideways_at_390_px(
    which: str, browser: Browser, seed_lesson: Lesson, tmp_path: Path
) -> None:
    if which == "course":
        unit: Lesson | Course = load_course(ROOT / "content" / "course.yml")
    else:
        unit = wide_lesson(tmp_path / "src") if which.startswith("long") else seed_lesson
    folder = unzip_package(unit, tmp_path / "pkg")
    sizes = overflow(browser, folder / "index.html")
    assert sizes["client"] == 390
    assert sizes["scroll"] <= sizes["client"], sizes
    assert sizes["body"] <= sizes["client"], sizes
