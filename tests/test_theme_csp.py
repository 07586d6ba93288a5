"""The player's content security policy, in Chromium: a stylesheet that names other files
fetches nothing, not even from the LMS's own origin.

The theme check refuses such CSS at export (tests/test_theme_check.py), so here the hostile
rules are written into an exported package's player.css afterwards, as a tampered package or a
hole in the check would put them there.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from aipm_content import export, load
from aipm_content.exporters.scorm.policy import player_policy
from lms.player import launch
from lms.server import LmsServer

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
VERSION = "2004"


def hostile_css(elsewhere: str) -> tuple[str, str]:
    """(rules that must come first, rules appended) fetching from the LMS and another origin."""
    first = '@import url("/lms/import.css");\n'
    rest = (
        "body { background-image: url(/lms/admin/delete-course?id=42); }\n"
        ".player-bar { background-image: image-set('/lms/set.png' 1x); }\n"
        f".bar-title {{ background-image: url({elsewhere}/b.png); }}\n"
        "@font-face { font-family: Hostile; src: url(/lms/font.woff); }\n"
        "h2, p { font-family: Hostile, sans-serif; }\n"
    )
    return first, rest


@pytest.fixture(scope="module")
def other_origin() -> Iterator[LmsServer]:
    """A second server on another port: a different origin the page must not reach."""
    server = LmsServer()
    yield server
    server.close()


def tampered_package(folder: Path, elsewhere: str, *, scoped: bool) -> Path:
    """The image lesson's SCORM package, unzipped, with hostile rules in its stylesheet.
    ``scoped=False`` empties the scope script: the control run that shows the test can fail."""
    lesson_folder = folder / "lesson"
    (lesson_folder / "images").mkdir(parents=True)
    shutil.copy(HOSTILE / "image-ok.md", lesson_folder / "image-ok.md")
    shutil.copy(HOSTILE / "images" / "dot.png", lesson_folder / "images" / "dot.png")
    zipped = export(load(lesson_folder / "image-ok.md"), "scorm", folder / "p.zip", scorm=VERSION)
    package = folder / "package"
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(package)
    css = package / "player.css"
    first, rest = hostile_css(elsewhere)
    css.write_text(first + css.read_text("utf-8") + rest, encoding="utf-8")
    if not scoped:
        (package / "player" / "scope.js").write_text("", encoding="utf-8")
    return package


def fetched(
    browser: Browser, lms: LmsServer, other: LmsServer, package: Path
) -> tuple[list[str], list[str]]:
    """Paths the LMS origin served outside the package, and every path the other origin saw."""
    lms.requests.clear()
    other.requests.clear()
    page, frame, _ = launch(browser, lms, {VERSION: package}, VERSION)
    try:
        image = page.frame_locator("#sco").locator("img[src='images/dot.png']")
        expect(image).to_be_visible()
        assert image.evaluate("img => img.naturalWidth") > 0  # the package's own image loads
        frame.evaluate("document.fonts.ready.then(() => true)")
        page.wait_for_load_state("load")
    finally:
        page.close()
    outside = [p for p in lms.requests if p.startswith("/lms/")]
    return outside, list(other.requests)


def test_a_hostile_stylesheet_fetches_nothing(
    browser: Browser, lms: LmsServer, other_origin: LmsServer, tmp_path: Path
) -> None:
    package = tampered_package(tmp_path / "scoped", other_origin.origin, scoped=True)
    outside, elsewhere = fetched(browser, lms, other_origin, package)
    assert outside == []
    assert elsewhere == []


def test_without_the_scope_script_the_lms_origin_is_reached(
    browser: Browser, lms: LmsServer, other_origin: LmsServer, tmp_path: Path
) -> None:
    """The control: 'self' alone is the LMS's whole origin, so the same-origin URLs are fetched
    (with the learner's cookies) and only the other origin stays out."""
    package = tampered_package(tmp_path / "unscoped", other_origin.origin, scoped=False)
    outside, elsewhere = fetched(browser, lms, other_origin, package)
    assert "/lms/admin/delete-course" in outside
    assert elsewhere == []


def test_a_channel_widens_only_connect_src() -> None:
    plain = dict(d.split(" ", 1) for d in player_policy().split("; "))
    wide = dict(d.split(" ", 1) for d in player_policy("https://lrs.example.com").split("; "))
    assert plain["default-src"] == "'none'" and plain["connect-src"] == "'none'"
    assert wide.pop("connect-src") == "https://lrs.example.com"
    assert plain.pop("connect-src") == "'none'"
    assert wide == plain
