"""``aipm-export build``: a folder of lessons to every format, incremental, errors collected."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner, Result

from aipm_content.cache import CACHE_NAME
from aipm_content.cli import main
from aipm_content.exporters.base import get_exporter
from conftest import ROOT, SEED_MD

BROKEN = """---
title: A broken lesson
language: en
---

Fine text.

:::{bogus}
Nothing here.
:::
"""
AIPM_EXPORT = str(Path(sys.executable).parent / "aipm-export")
# A 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)


def load_generator() -> ModuleType:
    """bench/generate.py, imported by path: bench/ is not an installed package."""
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = load_generator()


def build(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["build", *map(str, args)], catch_exceptions=False)


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime_ns) of each output: unchanged when a file was not rewritten."""
    return {
        p.name: (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
        if p.name != CACHE_NAME
    }


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    """Three generated lessons, one with an image, and one broken lesson."""
    folder = tmp_path / "content"
    generate.write_catalog(folder, 3)
    (folder / "pic.png").write_bytes(PNG)
    with_image = folder / "lesson-0002.md"
    with_image.write_text(
        with_image.read_text(encoding="utf-8") + "\nA figure: ![A dot](pic.png)\n",
        encoding="utf-8",
    )
    (folder / "zz-broken.md").write_text(BROKEN, encoding="utf-8")
    return folder


def test_broken_lesson_does_not_stop_the_others(catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    result = build(catalog, "-o", out, "--formats", "json", "--jobs", "2")
    assert result.exit_code == 2
    assert f"{catalog / 'zz-broken.md'}:8:1: error[unknown-directive]:" in result.output
    assert sorted(p.name for p in out.glob("lesson-*.json")) == [
        "lesson-0001.json",
        "lesson-0002.json",
        "lesson-0003.json",
    ]
    assert "3 built, 0 cached, 1 failed" in result.output


def test_second_run_rebuilds_nothing(catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(catalog, "-o", out, "--formats", "json", "--jobs", "2")
    before = stamps(out)
    again = build(catalog, "-o", out, "--formats", "json", "--jobs", "2")
    assert stamps(out) == before
    assert "0 built, 3 cached, 1 failed" in again.output
    assert again.exit_code == 2  # the broken lesson is still reported, not cached


def test_only_the_changed_lesson_is_rebuilt(catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(catalog, "-o", out, "--formats", "json", "--jobs", "2")
    before = stamps(out)
    changed = catalog / "lesson-0001.md"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    result = build(catalog, "-o", out, "--formats", "json", "--jobs", "2")
    after = stamps(out)
    assert {name for name in after if after[name] != before[name]} == {"lesson-0001.json"}
    assert "One more line." in (out / "lesson-0001.json").read_text(encoding="utf-8")
    assert "1 built, 2 cached, 1 failed" in result.output


def test_touch_without_change_is_not_a_rebuild(catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(catalog, "-o", out, "--formats", "json")
    before = stamps(out)
    (catalog / "lesson-0003.md").touch()  # new mtime, same bytes: the cache is content-based
    build(catalog, "-o", out, "--formats", "json")
    assert stamps(out) == before


def test_changed_image_rebuilds_the_lesson_that_shows_it(catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(catalog, "-o", out, "--formats", "json")
    before = stamps(out)
    (catalog / "pic.png").write_bytes(PNG + b"\0")
    build(catalog, "-o", out, "--formats", "json")
    after = stamps(out)
    assert {name for name in after if after[name] != before[name]} == {"lesson-0002.json"}


def test_changed_options_rebuild_everything(catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    settings = tmp_path / "settings"
    settings.mkdir()
    build(catalog, "-o", out, "--formats", "json", "--settings", settings)
    before = stamps(out)
    (settings / "json.toml").write_text('base_iri = "https://learn.example.com/l/"\n', "utf-8")
    result = build(catalog, "-o", out, "--formats", "json", "--settings", settings)
    after = stamps(out)
    assert all(after[name] != before[name] for name in before)
    assert "3 built, 0 cached" in result.output
    activities = json.loads((out / "lesson-0001.json").read_text(encoding="utf-8"))["activities"]
    assert activities and activities[0]["iri"].startswith("https://learn.example.com/l/")


def test_missing_or_altered_output_is_rebuilt(catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(catalog, "-o", out, "--formats", "json")
    good = (out / "lesson-0001.json").read_bytes()
    (out / "lesson-0001.json").write_bytes(b"{}")
    (out / "lesson-0003.json").unlink()
    result = build(catalog, "-o", out, "--formats", "json")
    assert (out / "lesson-0001.json").read_bytes() == good
    assert (out / "lesson-0003.json").is_file()
    assert "2 built, 1 cached" in result.output


def test_no_cache_rebuilds_everything(catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(catalog, "-o", out, "--formats", "json")
    result = build(catalog, "-o", out, "--formats", "json", "--no-cache")
    assert "3 built, 0 cached" in result.output


def test_unknown_format_and_clashing_outputs_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    shutil.copy(SEED_MD, folder / "seed.md")
    (folder / "seed.json").write_text("{}", encoding="utf-8")
    result = build(folder, "-o", tmp_path / "dist", "--formats", "json,nosuch")
    assert result.exit_code == 2
    assert "<command line>:1:1: error[unknown-format]: no exporter named 'nosuch'" in result.output
    result = build(folder, "-o", tmp_path / "dist", "--formats", "json")
    assert result.exit_code == 2
    assert f"{folder / 'seed.md'}:1:1: error[duplicate-output]:" in result.output


# -- the same bytes as single exports, in every channel that exists ----------------------


def available_formats() -> list[str]:
    """Channels whose exporter module is present in this checkout."""
    from aipm_content.exporters.base import BUILTIN

    found = []
    for name, target in BUILTIN.items():
        if importlib.util.find_spec(target.partition(":")[0]) is not None:
            found.append(name)
    return found


@pytest.fixture(scope="module")
def built_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """Two lessons built once by the catalog in worker processes, in every channel."""
    root = tmp_path_factory.mktemp("pair")
    folder = root / "content"
    folder.mkdir()
    shutil.copy(SEED_MD, folder / "ai-pm-career-path.md")
    generate.write_catalog(folder, 1)
    (root / "cmi5.toml").write_text('base-iri = "https://learn.example.com/l/"\n', "utf-8")
    formats = available_formats()
    args: list[str | Path] = [
        "-o",
        root / "dist",
        "--formats",
        ",".join(formats),
        "--jobs",
        "2",
        "--settings",
        root,
    ]
    result = build(folder, *args)
    assert result.exit_code == 0, result.output
    return folder, root / "dist", formats


def test_catalog_outputs_equal_single_exports(
    built_pair: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    folder, dist, formats = built_pair
    assert "json" in formats
    for source in sorted(folder.glob("*.md")):
        for fmt in formats:
            built = dist / f"{source.stem}{get_exporter(fmt).suffix}"
            single = tmp_path / f"{source.stem}-single{get_exporter(fmt).suffix}"
            settings = folder.parent  # the build's settings (cmi5.toml: its base IRI)
            run = subprocess.run(
                [AIPM_EXPORT, fmt, str(source), "-o", str(single), "--settings", str(settings)],
                capture_output=True,
                text=True,
                check=False,
                cwd=tmp_path,
            )
            assert run.returncode == 0, run.stderr
            assert single.read_bytes() == built.read_bytes(), f"{source.name} as {fmt}"


# -- a large generated folder, in a non-tty ------------------------------------------------


def test_two_hundred_lessons_as_json(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    generate.write_catalog(folder, 200)
    out = tmp_path / "dist"
    result = build(folder, "-o", out, "--formats", "json")  # default jobs: every core
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("lesson-*.json"))) == 200
    assert "200 outputs: 200 built, 0 cached, 0 failed" in result.output
    assert "lessons" in result.output  # the progress display's final state, printed plainly
    again = build(folder, "-o", out, "--formats", "json")
    assert "200 outputs: 0 built, 200 cached, 0 failed" in again.output
