"""Hostile themes: a theme that would fetch anything is a located error in its CSS file.

Every case of tests/fixtures/hostile/themes/ goes with ``--theme`` to each channel that takes
a theme (EPUB, SCORM, PDF), and one through the settings folder. Expected codes and places are
data, the ``[themes]`` table of tests/fixtures/hostile/EXPECTED.toml.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from aipm_content.exporters.theme import theme_problems
from cli_runs import SENTINEL, assert_no_crash, located_errors, run_cli
from hostile_corpus import CORPUS, EXPECTED_DATA, Expected, _expected

THEMES = CORPUS / "themes"
EXPECTED: dict[str, Expected] = {
    name: _expected(value) for name, value in EXPECTED_DATA["themes"].items()
}
CASES = sorted(EXPECTED)
CHANNELS = ["epub", "scorm", "pdf"]
LESSON = "---\ntitle: Themed\n---\n\n## One\n\nA paragraph.\n"
FETCHING = re.compile(r"url\(|image-set|@import|src\(", re.I)


@pytest.fixture
def lesson(tmp_path: Path) -> Path:
    source = tmp_path / "lesson.md"
    source.write_text(LESSON, encoding="utf-8")
    return source


def test_every_theme_case_has_an_expectation() -> None:
    assert sorted(p.name for p in THEMES.glob("*.css")) == CASES
    assert {"escaped-url.css", "image-set.css", "font-face-escaped-url.css"} <= set(CASES)
    assert "same-origin-escaped-url.css" in CASES


def theme_runs() -> list[object]:
    """Every case through every channel; through the PDF (WeasyPrint, slower) every refused
    case and one allowed theme."""
    return [
        pytest.param(case, channel, id=f"{channel}-{case}")
        for channel in CHANNELS
        for case in CASES
        if channel != "pdf" or not EXPECTED[case].ok or case == "ok.css"
    ]


@pytest.mark.parametrize(("case", "channel"), theme_runs())
def test_theme(case: str, channel: str, lesson: Path, tmp_path: Path) -> None:
    theme = THEMES / case
    out = tmp_path / f"out.{channel}"
    out.write_bytes(SENTINEL)
    result = run_cli([channel, str(lesson), "-o", str(out), "--theme", str(theme)])
    assert_no_crash(result)
    expected = EXPECTED[case]
    if expected.ok:
        assert result.exit_code == 0, result.output
        assert out.read_bytes() != SENTINEL
        return
    assert result.exit_code == 2, result.output
    errors = located_errors(result.stderr)
    assert {e.path for e in errors} == {str(theme)}, result.stderr
    codes = {e.code for e in errors}
    assert expected.errors <= codes <= expected.errors | expected.tolerated, result.stderr
    assert expected.at in {(e.line, e.col) for e in errors}, result.stderr
    assert out.read_bytes() == SENTINEL
    assert sorted(p.name for p in tmp_path.iterdir()) == [lesson.name, out.name]


def test_a_theme_in_the_settings_folder_is_located_there(lesson: Path, tmp_path: Path) -> None:
    settings = tmp_path / "settings"
    settings.mkdir()
    css = "h1 { color: red; }\n" + (THEMES / "escaped-url.css").read_text("utf-8")
    (settings / "scorm.css").write_text(css, encoding="utf-8")
    out = tmp_path / "out.zip"
    result = run_cli(["scorm", str(lesson), "-o", str(out), "--settings", str(settings)])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[0] == (
        f"{settings / 'scorm.css'}:2:23: error[theme-fetch]: "
        "url(...) is not allowed in a theme (nothing fetched)"
    )
    assert not out.exists()


def test_every_problem_is_reported_at_once(lesson: Path, tmp_path: Path) -> None:
    theme = tmp_path / "many.css"
    theme.write_text("@import 'a.css';\np { background: url(b.png) }\n", encoding="utf-8")
    result = run_cli(["epub", str(lesson), "-o", str(tmp_path / "x.epub"), "--theme", str(theme)])
    assert [(e.line, e.col, e.code) for e in located_errors(result.stderr)] == [
        (1, 1, "theme-fetch"),
        (2, 17, "theme-fetch"),
    ]


def test_an_allowed_theme_reaches_the_package_as_written(lesson: Path, tmp_path: Path) -> None:
    theme = THEMES / "ok.css"
    out = tmp_path / "out.zip"
    result = run_cli(["scorm", str(lesson), "-o", str(out), "--theme", str(theme)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
        css = archive.read("player.css").decode("utf-8")
    assert css.endswith(theme.read_text("utf-8") + "\n")


def test_the_default_themes_pass_their_own_check() -> None:
    """The shipped stylesheets are held to the rule they impose (and fetch nothing either)."""
    default = Path(__file__).resolve().parent.parent / "src/aipm_content/render/themes/default"
    sheets = sorted(default.glob("*.css"))
    assert len(sheets) >= 3
    for sheet in sheets:
        text = sheet.read_text("utf-8")
        assert theme_problems(text) == [], sheet.name
        assert FETCHING.search(text) is None, sheet.name
