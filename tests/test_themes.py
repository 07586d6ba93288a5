"""Theme overrides: exporters/<format>.css (or --theme FILE) extends a channel's default CSS."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from aipm_content import export, parse
from aipm_content.cli import main as cli
from aipm_content.exporters.pdf import PdfOptions
from aipm_content.exporters.pdf.document import lesson_css
from aipm_content.settings import load_settings

LESSON = "---\ntitle: Themes\n---\n\n## One\n\nA paragraph.\n"
THEME = ".tension { border-left-color: #5a2d82; }\n"


@pytest.fixture
def lesson_file(tmp_path: Path) -> Path:
    source = tmp_path / "themes.md"
    source.write_text(LESSON, encoding="utf-8")
    return source


def member(zip_bytes: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        return archive.read(name).decode("utf-8")


def test_settings_folder_css_is_read_and_appended_last(tmp_path: Path) -> None:
    (tmp_path / "pdf.css").write_text(THEME, encoding="utf-8")
    options = load_settings(PdfOptions, "pdf", {}, tmp_path)
    assert isinstance(options, PdfOptions) and options.theme_css == THEME
    css = lesson_css(options)
    assert css.rstrip().endswith(THEME.rstrip())  # after the default theme, so it wins
    assert css.index("--accent:") < css.index(THEME)


@pytest.mark.parametrize(("fmt", "name"), [("epub", "EPUB/css/epub.css"), ("scorm", "player.css")])
def test_theme_reaches_the_book_and_the_package(fmt: str, name: str, tmp_path: Path) -> None:
    lesson = parse(LESSON)
    plain = export(lesson, fmt, tmp_path / f"plain.{fmt}").read_bytes()
    themed = export(lesson, fmt, tmp_path / f"themed.{fmt}", theme_css=THEME).read_bytes()
    names = zipfile.ZipFile(io.BytesIO(themed)).namelist()
    css_name = next(n for n in names if n.endswith(name.rsplit("/", 1)[-1]))
    assert THEME not in member(plain, css_name)
    assert member(themed, css_name).endswith(THEME + "\n")
    assert export(lesson, fmt, tmp_path / f"again.{fmt}", theme_css=THEME).read_bytes() == themed


def test_cli_theme_flag_and_settings_file(lesson_file: Path, tmp_path: Path) -> None:
    theme = tmp_path / "brand.css"
    theme.write_text(THEME, encoding="utf-8")
    out = tmp_path / "flag.zip"
    result = CliRunner().invoke(
        cli, ["scorm", str(lesson_file), "-o", str(out), "--theme", str(theme)]
    )
    assert result.exit_code == 0, result.output
    assert member(out.read_bytes(), "player.css").endswith(THEME + "\n")

    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "scorm.css").write_text(THEME, encoding="utf-8")
    out = tmp_path / "settings.zip"
    args = ["scorm", str(lesson_file), "-o", str(out), "--settings", str(settings)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert member(out.read_bytes(), "player.css").endswith(THEME + "\n")


@pytest.mark.parametrize(
    ("css", "where"),
    [
        ("@import 'https://cdn.example.com/brand.css';", "1:1"),
        ("h2 {\n  background: url(https://tracker.example.com/p.png);\n}", "2:15"),
        ("body { background: URL( '/etc/passwd' ) }", "1:20"),
        ("p { width: expression(alert(1)); }", "1:12"),
    ],
)
def test_a_theme_that_would_fetch_is_refused_with_its_file(
    css: str, where: str, lesson_file: Path, tmp_path: Path
) -> None:
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "epub.css").write_text(css, encoding="utf-8")
    out = tmp_path / "book.epub"
    out.write_bytes(b"keep me")
    args = ["epub", str(lesson_file), "-o", str(out), "--settings", str(settings)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert f"{settings / 'epub.css'}:{where}: error[theme-" in result.output
    assert "in a theme" in result.output
    assert out.read_bytes() == b"keep me"


def test_theme_changes_the_pdf(tmp_path: Path) -> None:
    lesson = parse(LESSON)
    plain = export(lesson, "pdf", tmp_path / "plain.pdf").read_bytes()
    themed = export(lesson, "pdf", tmp_path / "themed.pdf", theme_css="h2 { color: #5a2d82; }")
    assert themed.read_bytes() != plain
    pages = pypdf.PdfReader(themed).pages
    drawn = b"".join(page.get_contents().get_data() for page in pages)  # type: ignore[union-attr]
    assert b"0.352941 0.176471 0.509804 rg" in drawn  # #5a2d82 as a fill colour
