"""Start-up cost: commands that need no rendering library never import one.

Each command runs in a fresh interpreter that records ``sys.modules`` as it exits, so what a
command imported is observed, not inferred from reading the code.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEED_MD

HEAVY = ("weasyprint", "ebooklib", "playwright")
# Runs the CLI and, however it exits, writes the names of all imported modules to argv[1].
HARNESS = """
import atexit, json, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
from aipm_content.cli import main
main(sys.argv[2:], prog_name="aipm-export")
"""


def modules_after(tmp_path: Path, *args: str, codes: tuple[int, ...] = (0,)) -> set[str]:
    record = tmp_path / "modules.json"
    run = subprocess.run(
        [sys.executable, "-c", HARNESS, str(record), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert run.returncode in codes, run.stdout + run.stderr
    found: list[str] = json.loads(record.read_text(encoding="utf-8"))
    return set(found)


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


@pytest.mark.parametrize(
    "args",
    [
        ["check", str(SEED_MD)],
        ["json", str(SEED_MD), "-o", "lesson.json"],
        ["--help"],
        ["build", "{folder}", "-o", "dist", "--formats", "json", "--jobs", "1"],
    ],
    ids=["check", "json", "help", "build-json"],
)
def test_command_imports_no_rendering_library(tmp_path: Path, args: list[str]) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    shutil.copy(SEED_MD, folder)
    modules = modules_after(tmp_path, *(a.format(folder=folder) for a in args))
    assert heavy_in(modules) == []
    if args[0] != "--help":
        # The record is real: the command did parse a lesson in this process.
        assert "aipm_content.parse.build" in modules


def test_the_harness_sees_a_rendering_library_when_one_is_loaded(tmp_path: Path) -> None:
    """Control: a catalog worker set up for EPUB imports ebooklib, and the record shows it."""
    folder = tmp_path / "content"
    folder.mkdir()
    shutil.copy(SEED_MD, folder)
    args = ["build", str(folder), "-o", "dist", "--formats", "epub", "--jobs", "1"]
    # Whether the export itself succeeds is tested elsewhere; here only the import matters.
    modules = modules_after(tmp_path, *args, codes=(0, 2))
    assert "ebooklib" in modules
