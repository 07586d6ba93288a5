"""``aipm-export build`` finds course.yml files and builds each course beside its lessons."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from PIL import Image
from rich.console import Console

from aipm_content.catalog import run_catalog
from aipm_content.cli import main
from aipm_content.course_build import course_files
from aipm_content.exporters.base import exporter_names, get_exporter
from conftest import ROOT


def build(folder: Path, out: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", str(folder), "-o", str(out), *args])
    return result.exit_code, result.output


def test_the_bundled_course_is_built_with_its_lessons(tmp_path: Path) -> None:
    code, output = build(ROOT / "content", tmp_path / "dist", "--formats", "json")
    assert code == 0, output
    course = json.loads((tmp_path / "dist" / "ai-pm-foundations.json").read_text("utf-8"))
    assert [lesson["id"] for lesson in course["lessons"]] == [
        "ai-pm-career-path",
        "prompt-evals-for-pms",
        "shipping-a-hindi-voice-bot",
    ]
    assert (tmp_path / "dist" / "ai-pm-career-path.json").is_file()
    assert "course.yml" in output


def test_courses_are_found_in_subfolders_but_not_in_the_output(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "src" / "foundations")
    (tmp_path / "src" / ".hidden").mkdir()
    shutil.copy(ROOT / "content" / "course.yml", tmp_path / "src" / ".hidden" / "course.yml")
    (tmp_path / "src" / "dist").mkdir()
    shutil.copy(ROOT / "content" / "course.yml", tmp_path / "src" / "dist" / "course.yml")
    found = course_files(tmp_path / "src", tmp_path / "src" / "dist")
    assert found == [tmp_path / "src" / "foundations" / "course.yml"]


def test_a_broken_course_is_located_and_does_not_stop_the_lessons(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    yml = content / "course.yml"
    yml.write_text(yml.read_text("utf-8").replace("mastery: 80", "mastery: lots"), "utf-8")
    code, output = build(content, tmp_path / "dist", "--formats", "json")
    assert code == 2
    assert f"{yml}:16:10: error[bad-mastery]" in output
    assert (tmp_path / "dist" / "ai-pm-career-path.json").is_file()
    assert not (tmp_path / "dist" / "ai-pm-foundations.json").exists()


def test_a_course_named_like_a_lesson_is_refused(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    yml = content / "course.yml"
    yml.write_text(
        yml.read_text("utf-8").replace("id: ai-pm-foundations", "id: ai-pm-career-path"), "utf-8"
    )
    code, output = build(content, tmp_path / "dist", "--formats", "json")
    assert code == 2 and "error[duplicate-output]" in output


def test_every_channel_says_whether_it_publishes_courses() -> None:
    for name in exporter_names():
        assert isinstance(get_exporter(name).courses, bool), name


def course_statuses(content: Path, out: Path) -> dict[str, str]:
    result = run_catalog(
        content, out, ["json", "epub"], jobs=1, console=Console(file=io.StringIO())
    )
    assert not [d for d in result.diagnostics if d.severity == "error"], result.diagnostics
    return {o.fmt: o.status for o in result.outcomes if o.source.name == "course.yml"}


def test_course_outputs_are_cached_until_a_lesson_or_image_changes(tmp_path: Path) -> None:
    content, out = tmp_path / "content", tmp_path / "dist"
    shutil.copytree(ROOT / "content", content)
    lesson = content / "prompt-evals-for-pms.md"
    Image.new("RGB", (4, 4), "red").save(content / "chart.png")
    lesson.write_text(lesson.read_text("utf-8") + "\n![A chart](chart.png)\n", "utf-8")
    assert course_statuses(content, out) == {"json": "built", "epub": "built"}
    book = (out / "ai-pm-foundations.epub").read_bytes()
    assert course_statuses(content, out) == {"json": "cached", "epub": "cached"}
    assert (out / "ai-pm-foundations.epub").read_bytes() == book
    # An image only the EPUB embeds: both outputs are rebuilt (one key per course and channel).
    Image.new("RGB", (4, 4), "blue").save(content / "chart.png")
    assert course_statuses(content, out) == {"json": "built", "epub": "built"}
    assert (out / "ai-pm-foundations.epub").read_bytes() != book
    lesson.write_text(lesson.read_text("utf-8").replace("A chart", "The chart"), "utf-8")
    assert course_statuses(content, out) == {"json": "built", "epub": "built"}
    assert "The chart" in (out / "ai-pm-foundations.json").read_text("utf-8")
    # A course output changed on disk is not what the cache recorded: it is written again.
    (out / "ai-pm-foundations.json").write_text("{}", "utf-8")
    assert course_statuses(content, out) == {"json": "built", "epub": "cached"}
