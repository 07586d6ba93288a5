"""How files reach the tools and their names reach the terminal: sources, settings and themes
are read one way (inside their folder, regular files, bounded), names are printed escaped."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aipm_content.cli import main
from conftest import SEED_MD

FORGED = "evil\ngood.md:99:1: error[forged]: \x1b]0;pwned\x07\x1b[31m[bold]red"
OK_LESSON = "---\ntitle: A short lesson\n---\n\nSome text.\n"


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_a_file_name_cannot_forge_a_diagnostic_or_reach_the_terminal_raw(tmp_path: Path) -> None:
    bad = tmp_path / f"{FORGED}.md"
    bad.write_text("no front matter\n", encoding="utf-8")
    good = tmp_path / f"{FORGED}-ok.md"
    good.write_text(OK_LESSON, encoding="utf-8")
    result = cli("check", bad, good)
    assert result.exit_code == 2
    shown = str(tmp_path) + "/evil\\ngood.md:99:1: error[forged]: \\x1b]0;pwned\\x07\\x1b[31m"
    assert "\x1b" not in result.output and "\x07" not in result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith(shown + "[bold]red.md:1:1: error[missing-title]:")
    assert not any("error[forged]" in line.split(": error[", 1)[0] for line in lines)
    assert result.stdout.startswith(shown + "[bold]red-ok.md: ok (")
    assert len(result.stdout.splitlines()) == 1


def test_build_shows_file_names_escaped_and_not_as_markup(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "[bold]x\x1b[31m.md").write_text(OK_LESSON, encoding="utf-8")
    result = cli("build", folder, "-o", tmp_path / "dist", "--formats", "json")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert "[bold]x\\x1b[31m.md" in result.output


def test_check_reads_a_symlink_inside_the_folder(tmp_path: Path) -> None:
    shutil.copy(SEED_MD, tmp_path / "seed.md")
    (tmp_path / "alias.md").symlink_to("seed.md")
    assert cli("check", tmp_path / "alias.md").exit_code == 0


# -- settings: found from the lesson, read safely, errors in the author's words ---------------


def project(tmp_path: Path, settings: dict[str, str | bytes]) -> Path:
    """tmp/project/{exporters/<settings>, content/lesson.md}; returns the lesson."""
    exporters = tmp_path / "project" / "exporters"
    exporters.mkdir(parents=True)
    for name, data in settings.items():
        target = exporters / name
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    content = tmp_path / "project" / "content"
    content.mkdir()
    lesson = content / "lesson.md"
    lesson.write_text(OK_LESSON, encoding="utf-8")
    return lesson


def test_settings_are_found_from_the_lessons_folder_not_the_working_directory(
    tmp_path: Path,
) -> None:
    lesson = project(tmp_path, {"json.toml": 'base-iri = "https://learn.example.com/l/"\n'})
    out = tmp_path / "lesson.json"
    assert cli("json", lesson, "-o", out).exit_code == 0
    assert "https://learn.example.com/l/" in out.read_text("utf-8")
    built = cli("build", lesson.parent, "-o", tmp_path / "dist", "--formats", "json")
    assert built.exit_code == 0, built.output
    assert "https://learn.example.com/l/" in (tmp_path / "dist" / "lesson.json").read_text()


def test_the_search_for_settings_stops_at_the_repository_root(tmp_path: Path) -> None:
    lesson = project(tmp_path, {"json.toml": 'base-iri = "https://learn.example.com/l/"\n'})
    repo = tmp_path / "project" / "repo"
    (repo / ".git").mkdir(parents=True)
    inner = repo / "lesson.md"
    lesson.rename(inner)
    out = tmp_path / "lesson.json"
    assert cli("json", inner, "-o", out).exit_code == 0
    assert "learn.example.com" not in out.read_text("utf-8")


def test_a_misspelt_setting_is_named_as_written_at_its_line(tmp_path: Path) -> None:
    lesson = project(tmp_path, {"pdf.toml": 'paper = "a4"\nacent-color = "#1d5c7a"\n'})
    result = cli("pdf", lesson, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 2
    toml = tmp_path / "project" / "exporters" / "pdf.toml"
    line = result.stderr.splitlines()[0]
    assert line.startswith(f"{toml}:2:1: error[settings]: unknown setting 'acent-color' (known: ")
    assert " accent-color, " in line
    assert "Extra inputs" not in result.stderr and "accent_color" not in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_a_bad_value_is_located_with_the_key_as_written(tmp_path: Path) -> None:
    lesson = project(tmp_path, {"scorm.toml": '\nmastery-score = "lots"\n'})
    result = cli("scorm", lesson, "-o", tmp_path / "x.zip")
    assert result.exit_code == 2
    toml = tmp_path / "project" / "exporters" / "scorm.toml"
    assert result.stderr.startswith(f"{toml}:2:1: error[settings]: mastery-score: ")


@pytest.mark.parametrize("name", ["epub.css", "epub.toml"])
def test_settings_and_themes_may_not_link_out_of_the_project(tmp_path: Path, name: str) -> None:
    secret = tmp_path / "secret.css"
    secret.write_text("/* TOP-SECRET */\n", encoding="utf-8")
    lesson = project(tmp_path, {})
    link = tmp_path / "project" / "exporters" / name
    link.symlink_to(secret)
    out = tmp_path / "book.epub"
    result = cli("epub", lesson, "-o", out)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{link}:1:1: error[outside-folder]: ")
    assert not out.exists()


def test_a_theme_linked_inside_the_project_is_read(tmp_path: Path) -> None:
    lesson = project(tmp_path, {})
    brand = tmp_path / "project" / "brand.css"
    brand.write_text("h2 { color: #5a2d82; }\n", encoding="utf-8")
    (tmp_path / "project" / "exporters" / "scorm.css").symlink_to("../brand.css")
    assert cli("scorm", lesson, "-o", tmp_path / "x.zip").exit_code == 0


def test_a_theme_flag_naming_a_link_out_of_its_folder_is_refused(tmp_path: Path) -> None:
    lesson = project(tmp_path, {})
    (tmp_path / "secret.css").write_text("/* secret */\n", encoding="utf-8")
    themes = tmp_path / "project" / "themes"
    themes.mkdir()
    (themes / "brand.css").symlink_to(tmp_path / "secret.css")
    result = cli("scorm", lesson, "-o", tmp_path / "x.zip", "--theme", themes / "brand.css")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{themes / 'brand.css'}:1:1: error[outside-folder]: ")


@pytest.mark.parametrize("where", ["theme-flag", "epub.css", "epub.toml"])
def test_settings_and_themes_that_are_not_utf8_are_located_errors(
    tmp_path: Path, where: str
) -> None:
    latin1 = b"/* caf\xe9 */\n"
    lesson = project(tmp_path, {} if where == "theme-flag" else {where: b"\n" + latin1})
    args: list[str | Path] = ["epub", lesson, "-o", tmp_path / "x.epub"]
    if where == "theme-flag":
        theme = tmp_path / "brand.css"
        theme.write_bytes(latin1)
        args += ["--theme", theme]
        expected = f"{theme}:1:7: error[encoding]: the file is not valid UTF-8"
    else:
        expected = f"{tmp_path / 'project' / 'exporters' / where}:2:7: error[encoding]: "
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(expected)
    assert "internal error" not in result.output


# -- --formats ------------------------------------------------------------------------------


def test_a_misspelt_format_is_refused_before_anything_is_built(tmp_path: Path) -> None:
    lesson = project(tmp_path, {})
    out = tmp_path / "dist"
    result = cli("build", lesson.parent, "-o", out, "--formats", "json,epbu")
    assert result.exit_code == 2
    assert "<command line>:1:1: error[unknown-format]: no exporter named 'epbu'" in result.stderr
    assert not (out / "lesson.json").exists()


def test_formats_must_name_one_and_are_case_insensitive(tmp_path: Path) -> None:
    lesson = project(tmp_path, {})
    out = tmp_path / "dist"
    empty = cli("build", lesson.parent, "-o", out, "--formats", " , ")
    assert empty.exit_code == 2
    assert "<command line>:1:1: error[unknown-format]: --formats names no format" in empty.stderr
    upper = cli("build", lesson.parent, "-o", out, "--formats", "JSON")
    assert upper.exit_code == 0, upper.output
    assert (out / "lesson.json").is_file()


# -- a SCORM package's own names are not for images -----------------------------------------


@pytest.mark.parametrize("src", ["player.css/dot.png", "Index.HTML/dot.png", "player/dot.png"])
def test_an_image_may_not_clash_with_a_package_file(tmp_path: Path, src: str) -> None:
    from hostile_corpus import CORPUS

    (tmp_path / src).parent.mkdir(parents=True)
    shutil.copy(CORPUS / "images" / "dot.png", tmp_path / src)
    source = tmp_path / "lesson.md"
    source.write_text(OK_LESSON + f"\n![A dot]({src})\n", encoding="utf-8")
    out = tmp_path / "lesson.zip"
    result = cli("scorm", source, "-o", out)
    if src.startswith("player/"):  # a folder of the package, not a file: no clash
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{source}:7:1: error[bad-image]: image {src!r} would clash")
    assert not out.exists()
