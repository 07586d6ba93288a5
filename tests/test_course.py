"""Courses: course.yml read strictly, every problem located (the course JSON contract is in
test_course_json.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aipm_content import LessonError, load_course
from aipm_content.schema import COURSE_SCHEMA_PATH
from conftest import ROOT

CONTENT = ROOT / "content"
COURSE_SCHEMA = ROOT / COURSE_SCHEMA_PATH
AJV = ROOT / "tests" / "js" / "validate-json.mjs"
CLI = Path(sys.executable).with_name("aipm-export")

LESSON = """---
id: {id}
title: {title}
---

## First part

Some text {link}.

## Second part

More text.
"""


def write_lesson(folder: Path, name: str, lesson_id: str, link: str = "") -> Path:
    path = folder / name
    path.write_text(
        LESSON.format(id=lesson_id, title=lesson_id.replace("-", " ").title(), link=link),
        encoding="utf-8",
    )
    return path


def make_course(folder: Path, yml: str, lessons: dict[str, str] | None = None) -> Path:
    """A course folder: ``course.yml`` and lessons (file name -> lesson id)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, lesson_id in (lessons or {"one.md": "one", "two.md": "two"}).items():
        write_lesson(folder, name, lesson_id)
    path = folder / "course.yml"
    path.write_text(yml, encoding="utf-8")
    return path


GOOD = """id: demo-course
title: Demo course
modules:
  - title: Start here
    lessons:
      - one.md
  - title: Then this
    id: then
    lessons: [two.md]
mastery: 75
"""


def problems(path: Path) -> list[str]:
    with pytest.raises(LessonError) as caught:
        load_course(path)
    return [str(d) for d in caught.value.diagnostics]


def test_bundled_course_loads_with_its_lessons_in_order() -> None:
    course = load_course(CONTENT)
    assert course.id == "ai-pm-foundations"
    assert [m.id for m in course.modules] == ["becoming-an-ai-pm", "shipping-llm-features"]
    assert [lesson.id for lesson in course.lessons] == [
        "ai-pm-career-path",
        "prompt-evals-for-pms",
        "shipping-a-hindi-voice-bot",
    ]
    assert course.mastery == 80
    assert str(course.revision) == "2026-12-01"
    assert load_course(CONTENT / "course.yml") == course


def test_course_totals_and_flat_activities() -> None:
    course = load_course(CONTENT)
    minutes = sum(x.reading_minutes + x.exercise_minutes for x in course.lessons)
    assert course.duration == f"PT{minutes}M"
    assert len(course.activities) == sum(len(x.activities) for x in course.lessons)
    assert len({a.iri for a in course.activities}) == len(course.activities)
    assert {a.lesson for a in course.activities} == {x.id for x in course.lessons}
    scored = [a.interaction.scoring.max for a in course.activities if a.interaction.scoring]
    assert course.points == sum(scored) > 0


def test_module_ids_are_derived_from_titles_unless_given(tmp_path: Path) -> None:
    course = load_course(make_course(tmp_path, GOOD))
    assert [m.id for m in course.modules] == ["start-here", "then"]
    assert course.language == "en-IN"


def test_a_folder_without_course_file_is_a_located_error(tmp_path: Path) -> None:
    assert problems(tmp_path) == [
        f"{tmp_path}:1:1: error[not-a-course]: not a course: give a course.yml file or a "
        "folder holding one"
    ]


@pytest.mark.parametrize(
    ("yml", "expected"),
    [
        (
            GOOD.replace("mastery: 75", "mastery: 180"),
            ["course.yml:10:10: error[bad-mastery]: mastery '180' must be a whole percent"],
        ),
        (
            GOOD.replace("      - one.md", "      - missing.md"),
            ["course.yml:6:9: error[missing-lesson]: lesson file 'missing.md' does not exist"],
        ),
        (
            GOOD.replace("[two.md]", "[one.md]"),
            ["course.yml:9:15: error[duplicate-lesson]: 'one.md' is already listed at line 6"],
        ),
        (
            GOOD.replace("id: then", "id: start-here"),
            ["course.yml:8:9: error[duplicate-module]: module id 'start-here' is already used"],
        ),
        (
            GOOD.replace("[two.md]", "[]"),
            ["course.yml:9:14: error[empty-module]: module 'Then this' has no lessons"],
        ),
        (
            GOOD.replace("title: Demo course", "title: Demo course\ncolour: red"),
            ["course.yml:3:1: error[unknown-key]: unknown course key 'colour'"],
        ),
        (
            GOOD.replace("title: Demo course", "title: [Demo, course]"),
            ["course.yml:2:8: error[bad-course-file]: course key 'title' must be a single value"],
        ),
        (
            GOOD.replace("  - title: Start here\n", "  - titel: Start here\n"),
            [
                "course.yml:4:5: error[missing-key]: module 1 needs a 'title'",
                "course.yml:4:5: error[unknown-key]: unknown module key 'titel'",
            ],
        ),
        (
            GOOD.replace("      - one.md", "      - ../one.md"),
            ["course.yml:6:9: error[lesson-outside]: lesson '../one.md' must be a file inside"],
        ),
        (
            GOOD.replace("      - one.md", "      - /etc/passwd"),
            ["course.yml:6:9: error[lesson-outside]: lesson '/etc/passwd' must be a file inside"],
        ),
        (
            GOOD.replace("id: demo-course\n", ""),
            ["course.yml:1:1: error[missing-key]: the course file needs 'id'"],
        ),
        (
            GOOD.replace("modules:", "revision: '2026-02-30'\nmodules:"),
            ["course.yml:3:11: error[bad-revision]: revision '2026-02-30' is not a real date"],
        ),
        (
            "id: x\ntitle: [unclosed\n",
            ["course.yml:3:1: error[course-file]: not valid YAML"],
        ),
    ],
    ids=[
        "bad mastery",
        "missing lesson",
        "listed twice",
        "duplicate module",
        "empty module",
        "unknown key",
        "wrong type",
        "misspelt module key",
        "escapes with ..",
        "absolute path",
        "no id",
        "impossible date",
        "not yaml",
    ],
)
def test_course_file_problems_are_located(tmp_path: Path, yml: str, expected: list[str]) -> None:
    path = make_course(tmp_path, yml)
    found = problems(path)
    assert len(found) == len(expected), found
    for line, start in zip(found, expected, strict=True):
        assert line.startswith(f"{tmp_path}/{start}"), (line, start)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    yml = GOOD.replace("mastery: 75", "mastery: lots").replace("[two.md]", "[gone.md]")
    codes = sorted(p.split("error[")[1].split("]")[0] for p in problems(make_course(tmp_path, yml)))
    assert codes == ["bad-mastery", "missing-lesson"]


def test_two_lessons_with_one_id_are_located_at_the_second(tmp_path: Path) -> None:
    path = make_course(tmp_path, GOOD, {"one.md": "same", "two.md": "same"})
    [found] = problems(path)
    assert found.startswith(f"{path}:9:15: error[duplicate-lesson]: lesson 'two.md' has the id")


def test_a_lesson_error_is_located_in_the_lesson(tmp_path: Path) -> None:
    path = make_course(tmp_path, GOOD)
    (tmp_path / "two.md").write_text("---\ntitle: Two\n---\n\n:::{tension}\n", encoding="utf-8")
    found = problems(path)
    assert found and all(line.startswith(f"{tmp_path / 'two.md'}:") for line in found)


def test_a_symlink_out_of_the_course_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    write_lesson(outside, "secret.md", "secret")
    course = tmp_path / "course"
    path = make_course(course, GOOD)
    (course / "one.md").unlink()
    os.symlink(outside / "secret.md", course / "one.md")
    [found] = problems(path)
    assert "error[lesson-outside]" in found and ":6:9:" in found


def test_lesson_links_resolve_within_the_course(tmp_path: Path) -> None:
    path = make_course(tmp_path, GOOD)
    write_lesson(tmp_path, "one.md", "one", "[go on](lesson:two#second-part)")
    course = load_course(path)
    assert course.resolve("lesson:two#second-part") == ("two", "second-part")
    assert course.resolve("lesson:two") == ("two", None)


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("[go](lesson:three)", "the course has no lesson 'three' (lessons: one, two)"),
        ("[go](lesson:two#third-part)", "lesson 'two' has no section 'third-part' (first-part,"),
    ],
)
def test_a_broken_lesson_link_is_located_in_the_linking_lesson(
    tmp_path: Path, link: str, message: str
) -> None:
    path = make_course(tmp_path, GOOD)
    source = write_lesson(tmp_path, "one.md", "one", link)
    [found] = problems(path)
    col = source.read_text("utf-8").splitlines()[7].index("lesson:") + 1  # at the link's target
    prefix = f"{source}:8:{col}:"
    assert col > 1
    assert found.startswith(prefix) and "error[broken-lesson-link]" in found, found
    assert message in found


def test_a_malformed_lesson_link_is_refused_by_the_lesson_itself(tmp_path: Path) -> None:
    path = make_course(tmp_path, GOOD)
    write_lesson(tmp_path, "one.md", "one", "[go](lesson:Two_Lesson)")
    [found] = problems(path)
    assert found.startswith(f"{tmp_path / 'one.md'}:8:") and "lesson:LESSON-ID" in found


def test_too_many_lessons_is_a_limit_error_not_a_hang(tmp_path: Path) -> None:
    names = [f"l{i}.md" for i in range(500)]
    yml = "id: big\ntitle: Big\nmodules:\n  - title: All\n    lessons:\n"
    yml += "".join(f"      - {n}\n" for n in names)
    path = make_course(tmp_path, yml, {})
    found = problems(path)
    assert any("error[too-large]: a course holds at most 200 lessons" in p for p in found)


def test_deep_nesting_is_a_located_error(tmp_path: Path) -> None:
    yml = GOOD.replace("[two.md]", "[" * 100 + "two.md" + "]" * 100)
    found = problems(make_course(tmp_path, yml))
    assert found and all("course.yml:" in p for p in found)
    yml = "id: x\ntitle: " + "[" * 5000 + "]" * 5000 + "\n"
    found = problems(make_course(tmp_path / "deeper", yml))
    assert found and all(p.startswith(f"{tmp_path / 'deeper' / 'course.yml'}:") for p in found)


def test_yaml_alias_expansion_is_bounded(tmp_path: Path) -> None:
    yml = GOOD + "authors: &a [x, x, x, x, x, x, x, x, x, x]\n"
    bomb = "z: &b [" + ", ".join(["*a"] * 300) + "]\n"
    bomb += "w: [" + ", ".join(["*b"] * 300) + "]\n"
    found = problems(make_course(tmp_path, yml.replace("authors", "au") + bomb))
    assert any("error[too-large]" in p for p in found), found


def test_cli_checks_and_exports_a_course(tmp_path: Path) -> None:
    run = subprocess.run(
        [str(CLI), "check", str(CONTENT / "course.yml")], capture_output=True, text=True
    )
    assert run.returncode == 0 and "ok (course, 2 modules, 3 lessons, 11 activities)" in run.stdout
    out = tmp_path / "course.json"
    run = subprocess.run(
        [str(CLI), "json", str(CONTENT), "-o", str(out)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["id"] == "ai-pm-foundations"


def test_a_failing_course_writes_nothing_and_keeps_the_old_output(tmp_path: Path) -> None:
    path = make_course(tmp_path / "c", GOOD.replace("[two.md]", "[gone.md]"))
    out = tmp_path / "course.json"
    out.write_text("old", encoding="utf-8")
    run = subprocess.run(
        [str(CLI), "json", str(path), "-o", str(out)], capture_output=True, text=True
    )
    assert run.returncode == 2
    assert "course.yml:9:15: error[missing-lesson]" in run.stderr
    assert "Traceback" not in run.stderr
    assert out.read_text(encoding="utf-8") == "old"


def test_convert_writes_each_lesson_and_a_course_file(tmp_path: Path) -> None:
    source = tmp_path / "text"
    source.mkdir()
    for name in ("prompt-evals-for-pms.txt", "shipping-a-hindi-voice-bot.txt"):
        shutil.copy(ROOT / "tests" / "fixtures" / "text" / name, source / name)
    (source / "course.yml").write_text(
        "id: text-course\ntitle: Text course\nmastery: 70\nmodules:\n  - title: All\n"
        "    lessons: [prompt-evals-for-pms.txt, shipping-a-hindi-voice-bot.txt]\n",
        encoding="utf-8",
    )
    out = tmp_path / "markdown"
    run = subprocess.run(
        [str(CLI), "convert", str(source), "-o", str(out)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "course.yml",
        "prompt-evals-for-pms.md",
        "shipping-a-hindi-voice-bot.md",
    ]
    assert load_course(out) == load_course(source)


def test_convert_of_a_broken_course_writes_nothing(tmp_path: Path) -> None:
    path = make_course(tmp_path / "c", GOOD.replace("[two.md]", "[gone.md]"))
    out = tmp_path / "out"
    run = subprocess.run(
        [str(CLI), "convert", str(path), "-o", str(out)], capture_output=True, text=True
    )
    assert run.returncode == 2 and "error[missing-lesson]" in run.stderr
    assert not out.exists()
