"""``aipm-export`` as an author runs it: the installed script, in a subprocess.

Exit 0 when fine, 2 with every located problem when the lesson has them, never a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from aipm_content import load
from aipm_content.exporters.json_export import lesson_json
from aipm_content.exporters.output import atomic_path
from conftest import ROOT, SEED_MD

SCRIPT = Path(sys.executable).with_name("aipm-export")
FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "markdown"
HEAVY = ("weasyprint", "ebooklib")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, check=False, cwd=cwd, timeout=120
    )
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


BAD = """\
---
title: Broken
colour: red
---

# Broken

:::{exercise} Teardown
:duraton: 20
Do it.
:::

See [this](javascript:alert(1)).

:::{practice}
:case: judgment-nowhere
:min-chars: 0
:::
"""

BAD_LINES = [
    "bad.md:3:1: error[unknown-key]: unknown front matter key 'colour' (known: id, title,"
    " language, authors, tags, summary, revision, base-iri)",
    "bad.md:6:1: error[heading-level]: sections start with '## ' headings; the title goes in"
    " the front matter",
    "bad.md:8:1: error[missing-duration]: an exercise needs :duration: (minutes, 1-240)",
    "bad.md:9:11: error[unknown-option]: exercise has no option :duraton: (known: :duration:,"
    " :id:, :word-target:)",
    "bad.md:13:1: error[unsafe-link]: href: link 'javascript:alert(1)': only http(s), mailto and"
    " relative links are allowed",
    "bad.md:17:13: error[out-of-range]: :min-chars: must be at least 1, not 0",
]


# -- check ----------------------------------------------------------------------------------------


def test_check_the_seed(tmp_path: Path) -> None:
    done = run("check", str(SEED_MD), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{SEED_MD}: ok (9 min read + 20 min of exercises, 4 activities)\n"
    assert done.stderr == ""


def test_check_reports_every_problem_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text(BAD, encoding="utf-8")
    done = run("check", "bad.md", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [*BAD_LINES, f"{len(BAD_LINES)} errors"]


def test_check_bom_and_crlf_report_the_same_lines(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_bytes(b"\xef\xbb\xbf" + BAD.replace("\n", "\r\n").encode())
    done = run("check", "bad.md", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines()[:-1] == BAD_LINES


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        (
            "missing.md",
            None,
            "missing.md:1:1: error[unreadable]: cannot read the file: No such file or directory",
        ),
        (
            "latin1.md",
            b"---\ntitle: Caf\xe9\n---\n",
            "latin1.md:2:11: error[encoding]: the file is not valid UTF-8",
        ),
        (
            "lesson.doc",
            b"x",
            "lesson.doc:1:1: error[unknown-format]: cannot tell the format from"
            " '.doc' (known: .md, .markdown, .txt, .json); pass --from",
        ),
        ("empty.md", b"", "empty.md:1:1: error[empty-lesson]: the lesson has no content"),
    ],
)
def test_unreadable_sources_are_located_errors(
    tmp_path: Path, name: str, content: bytes | None, line: str
) -> None:
    if content is not None:
        (tmp_path / name).write_bytes(content)
    done = run("check", name, cwd=tmp_path)
    assert done.returncode == 2
    assert line in done.stderr.splitlines()


def fixture_cases() -> tuple[list[tuple[str, str]], list[str]]:
    """(source, expected diagnostics) of every failing fixture case; sources of passing ones."""
    bad, good = [], []
    for file in sorted(FIXTURE_DIR.glob("*.md")):
        for _, _, source, expected in read_fixture_file(file):
            if expected.startswith("lesson "):
                good.append(source)
            else:
                bad.append((source, expected))
    return bad, good


def test_every_bad_fixture_fails_check_with_its_exact_lines(tmp_path: Path) -> None:
    """All failing fixture cases through the real script in one run: exit 2, all lines."""
    bad, _ = fixture_cases()
    names, expected = [], []
    for n, (source, lines) in enumerate(bad):
        folder = tmp_path / f"c{n:03}"
        folder.mkdir()
        shutil.copytree(FIXTURE_DIR / "images", folder / "images")
        (folder / "case.md").write_text(source, encoding="utf-8")
        names.append(f"c{n:03}/case.md")
        expected += [f"c{n:03}/{line}" for line in lines.splitlines()]
    done = run("check", *names, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    warnings = sum(1 for line in expected if ": warning[" in line)
    counts = f"{len(expected) - warnings} errors" + (f", {warnings} warning" if warnings else "")
    assert done.stderr.splitlines() == [*expected, counts + ("s" if warnings > 1 else "")]


def test_every_good_fixture_passes_check(tmp_path: Path) -> None:
    _, good = fixture_cases()
    names = []
    for n, source in enumerate(good):
        folder = tmp_path / f"c{n:03}"
        folder.mkdir()
        shutil.copytree(FIXTURE_DIR / "images", folder / "images")
        (folder / "case.md").write_text(source, encoding="utf-8")
        names.append(f"c{n:03}/case.md")
    done = run("check", *names, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [line.split(":")[0] for line in done.stdout.splitlines()] == names


# -- help -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--help"], "Commands:"),
        (["check", "--help"], "Usage: aipm-export check [OPTIONS] SOURCES..."),
        (["schema", "--help"], "Usage: aipm-export schema [OPTIONS]"),
        (["json", "--help"], "--base-iri TEXT"),
    ],
)
def test_help(tmp_path: Path, args: list[str], expected: str) -> None:
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout
    if args == ["--help"]:
        for command in ("check", "schema", "json"):
            assert f"  {command} " in done.stdout


# -- schema ---------------------------------------------------------------------------------------


def test_schema_output_is_the_committed_schema(tmp_path: Path) -> None:
    """Drift: a model change must come with `aipm-export schema --write`."""
    done = run("schema", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    committed = (ROOT / "schemas" / "lesson.schema.json").read_text(encoding="utf-8")
    assert done.stdout == committed
    assert json.loads(done.stdout)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


# -- json, atomically -----------------------------------------------------------------------------


def test_json_writes_the_lesson_byte_stable(tmp_path: Path) -> None:
    out = tmp_path / "out" / "lesson.json"
    first = run("json", str(SEED_MD), "-o", str(out), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    data = out.read_bytes()
    assert data == lesson_json(load(SEED_MD))
    again = run("json", str(SEED_MD), "-o", str(out), cwd=tmp_path)
    assert again.returncode == 0
    assert out.read_bytes() == data
    assert sorted(p.name for p in out.parent.iterdir()) == ["lesson.json"]


def test_a_failing_json_export_leaves_the_old_file_and_no_partial_one(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text(BAD, encoding="utf-8")
    out = tmp_path / "lesson.json"
    out.write_bytes(b'{"previous": "export"}\n')
    done = run("json", "bad.md", "-o", "lesson.json", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines()[:-1] == BAD_LINES
    assert out.read_bytes() == b'{"previous": "export"}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.md", "lesson.json"]

    # Bad options fail before anything is written, too.
    done = run("json", str(SEED_MD), "-o", "lesson.json", "--base-iri", "ftp://x", cwd=tmp_path)
    assert done.returncode == 2
    assert out.read_bytes() == b'{"previous": "export"}\n'

    missing = run("json", "bad.md", "-o", "new.json", cwd=tmp_path)
    assert missing.returncode == 2
    assert not (tmp_path / "new.json").exists()


def test_atomic_path_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "lesson.json"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as temp:
        temp.write_bytes(b"half a lesson")
        raise RuntimeError("the exporter failed mid-way")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["lesson.json"]
    with atomic_path(target) as temp:
        temp.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["lesson.json"]


# -- no rendering library for check and json, also when they fail -------------------------------
# (tests/test_startup.py covers more commands on good input; here the error paths count too.)

HARNESS = """
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))
from aipm_content.cli import main
main(sys.argv[1:], prog_name="aipm-export")
"""


@pytest.mark.parametrize(
    "args",
    [
        ["check", "bad.md"],
        ["json", "bad.md", "-o", "out.json"],
        ["json", str(SEED_MD), "-o", "out.json"],
    ],
    ids=["check-bad", "json-bad", "json-ok"],
)
def test_check_and_json_never_import_rendering_libraries(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "bad.md").write_text(BAD, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", HARNESS, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == (2 if "bad.md" in args else 0), done.stderr
    modules: list[str] = json.loads(done.stderr.splitlines()[-1])
    assert "aipm_content.parse.build" in modules  # the record is real: a lesson was parsed
    assert [m for m in modules if m.split(".")[0] in HEAVY] == []


# -- outline --------------------------------------------------------------------------------------


def test_outline_piped_is_plain_text_with_every_id(tmp_path: Path) -> None:
    done = run("outline", str(SEED_MD), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "lesson ai-pm-career-path  The AI PM career path  [en-IN]"
    assert "  section introduction  (the introduction, untitled)" in lines
    assert "  section what-an-ai-pm-actually-does  What an AI PM actually does" in lines
    practice = next(line for line in lines if line.startswith("    practice "))
    assert "[activity; case: judgment-you-have-five-years-of-pm; 10 points]" in practice
    assert any(line.startswith("      choice ask-for-two-weeks-to  ") for line in lines)
    assert "\x1b[" not in done.stdout and "└" not in done.stdout  # no colour, no tree art
    lesson = load(SEED_MD)
    ids = [s.id for s in lesson.sections] + [b.id for _, b in lesson.blocks()]
    ids += [c.id for _, b in lesson.blocks() if b.type == "decision" for c in b.choices]
    listed = [line.split()[1] for line in lines[1:]]
    assert sorted(listed) == sorted(ids)


def test_outline_json_and_terminal_tree(tmp_path: Path) -> None:
    done = run("outline", str(SEED_MD), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    root = json.loads(done.stdout)
    decision = root["children"][-2]["children"][0]
    assert (decision["kind"], decision["id"]) == ("decision", "decision-the-ai-feature-decision")
    assert [c["notes"] for c in decision["children"]] == [
        ["score 0"],
        ["score 6"],
        ["score 10"],
        ["score 2"],
    ]
    tree = subprocess.run(
        [str(SCRIPT), "outline", str(SEED_MD)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        timeout=120,
        env={**os.environ, "FORCE_COLOR": "1", "COLUMNS": "200"},
    )
    assert tree.returncode == 0, tree.stderr
    assert "└── " in tree.stdout and "\x1b[" in tree.stdout  # rich's tree, coloured
    assert "decision-the-ai-feature-decision" in tree.stdout


def test_outline_of_a_bad_lesson_is_its_errors(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text(BAD, encoding="utf-8")
    done = run("outline", "bad.md", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines()[:-1] == BAD_LINES


def test_outline_of_a_course_lists_each_lesson(tmp_path: Path) -> None:
    done = run("outline", str(ROOT / "content" / "course.yml"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("course ")
    lessons = [line.split()[1] for line in lines if line.startswith("  lesson ")]
    assert "ai-pm-career-path" in lessons and len(lessons) == 3
    assert "    section what-an-ai-pm-actually-does  What an AI PM actually does" in lines
