"""How files reach the tools and their names reach the terminal: sources, settings and themes
are read one way (inside their folder, regular files, bounded), names are printed escaped."""

from __future__ import annotations

import shutil
from pathlib import Path

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
