"""Warnings: likely mistakes in a lesson that still builds.

``check`` and ``build`` print them as ``path:line:col: warning[code]: message`` and exit 0;
``--strict`` makes them errors (exit 2, nothing written). The installed script, in a subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from aipm_content import parse
from aipm_content.exporters.json_export import lesson_json

SCRIPT = Path(sys.executable).with_name("aipm-export")

WARNED = """\
---
title: Warned
---

See [the notes](notes.pdf) and [the site](www.example.com).
"""
WARNINGS = [
    "warned.md:5:1: warning[missing-scheme]: link 'www.example.com' has no https:// in front, so"
    " it points at a file next to the lesson; write 'https://www.example.com'",
    "warned.md:5:1: warning[relative-link]: relative link 'notes.pdf' leads nowhere once the"
    " lesson is in an LMS or e-book; use an https:// address (or #id for a place in this lesson)",
]
AS_ERRORS = [line.replace(": warning[", ": error[") for line in WARNINGS]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, check=False, cwd=cwd, timeout=120
    )
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


def folder_with_lesson(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "warned.md").write_text(WARNED, encoding="utf-8")
    return folder


def test_a_lesson_carries_its_warnings_but_not_in_its_json() -> None:
    lesson = parse(WARNED, path="warned.md")
    assert [str(w) for w in lesson.warnings] == WARNINGS
    assert all(not w.is_error for w in lesson.warnings)
    assert b"warning" not in lesson_json(lesson)
    assert "warnings" not in lesson.model_dump(mode="json")


def test_check_prints_warnings_and_exits_0(tmp_path: Path) -> None:
    (tmp_path / "warned.md").write_text(WARNED, encoding="utf-8")
    done = run("check", "warned.md", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("warned.md: ok")
    assert done.stderr.splitlines() == [*WARNINGS, "2 warnings"]


def test_check_strict_makes_warnings_errors(tmp_path: Path) -> None:
    (tmp_path / "warned.md").write_text(WARNED, encoding="utf-8")
    done = run("check", "--strict", "warned.md", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [*AS_ERRORS, "2 errors"]


def test_errors_come_with_the_warnings_and_both_are_counted(tmp_path: Path) -> None:
    (tmp_path / "warned.md").write_text(WARNED + "\n# Heading\n", encoding="utf-8")
    done = run("check", "warned.md", cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert lines[:2] == WARNINGS
    assert lines[2].startswith("warned.md:7:1: error[heading-level]")
    assert lines[3] == "1 error, 2 warnings"


def test_build_prints_warnings_also_from_the_cache(tmp_path: Path) -> None:
    folder = folder_with_lesson(tmp_path)
    for _ in range(2):  # built, then cached: the warnings are not lost with the parse
        done = run("build", str(folder), "-o", "dist", "--formats", "json", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert [line for line in done.stderr.splitlines() if "warning[" in line] == [
            line.replace("warned.md", str(folder / "warned.md")) for line in WARNINGS
        ]
    assert "1 cached" in done.stdout
    assert json.loads((tmp_path / "dist" / "warned.json").read_text())["title"] == "Warned"


def test_build_strict_fails_the_lesson_even_when_cached(tmp_path: Path) -> None:
    folder = folder_with_lesson(tmp_path)
    done = run("build", str(folder), "-o", "first", "--formats", "json", "--strict", cwd=tmp_path)
    assert done.returncode == 2
    assert not (tmp_path / "first" / "warned.json").exists()
    assert [line for line in done.stderr.splitlines() if "[" in line] == [
        line.replace("warned.md", str(folder / "warned.md")) for line in AS_ERRORS
    ]
    # A build without --strict writes it; a strict build after it must not take it as fine.
    done = run("build", str(folder), "-o", "dist", "--formats", "json", cwd=tmp_path)
    assert done.returncode == 0
    done = run("build", str(folder), "-o", "dist", "--formats", "json", "--strict", cwd=tmp_path)
    assert done.returncode == 2
    assert "error[relative-link]" in done.stderr
