"""A course as one SCO (issue 13, item 1), in Chromium against scorm-again.

The learner opens every lesson from the course menu, reads it, answers, follows a ``lesson:``
link, finishes; the LMS sees one attempt for the course, one interaction per activity with ids
unique across the course, and every value within the version's limits. A relaunch opens the
lesson and section the learner was on, with everything restored. Generated 10-lesson courses
with long answers check the state policy at both limits.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, FrameLocator, expect

from aipm_content import load_course
from aipm_content.model.course import Course
from aipm_content.model.lesson import Lesson
from conftest import ROOT
from lms.player import (
    VERSIONS,
    axe_results,
    calls,
    cmi,
    last_set,
    launch,
    read_every_section,
    serious,
    units,
    unzip_package,
    violations,
)
from lms.server import LmsServer

COURSE = ROOT / "content" / "course.yml"
ANSWER = (
    "A considered answer that names the trade-off, the users who pay for it, and the metric. " * 3
)


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course(COURSE)


@pytest.fixture(scope="module")
def packages(course: Course, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("scorm-course")
    return {v: unzip_package(course, root / f"course-{v}", v) for v in VERSIONS}


def resume(version: str, suspend: str, location: str) -> dict[str, object]:
    if version == "1.2":
        return {"suspend_data": suspend, "core": {"entry": "resume", "lesson_location": location}}
    return {"suspend_data": suspend, "entry": "resume", "location": location}


def answer_everything(frame: FrameLocator, lesson: Lesson, text: str) -> None:
    """Every form of the lesson: the best choice of each decision, ``text`` in each box."""
    for ref in lesson.activities:
        block = lesson.find(ref.id)
        choices = getattr(block, "choices", [])
        if choices:
            best = max(choices, key=lambda c: c.score)
            frame.locator(f"#{ref.id}-{best.id}").check()
            frame.locator(f"#{ref.id} button[type=submit]").click()
        elif frame.locator(f"#{ref.id}-answer").count():
            frame.locator(f"#{ref.id}-answer").fill(text)
            frame.locator(f"#{ref.id} button[type=submit]").click()
        else:
            continue  # a judgment answered through its practice
        expect(frame.locator(f"#{ref.id}")).to_have_class(re.compile(r"\banswered\b"))


def expected_percent(course: Course) -> int:
    """Best choices and every practice's base points (the answer names no rubric keyword)."""
    earned = 0
    for lesson in course.lessons:
        for _, block in lesson.blocks():
            if block.type == "decision" and block.choices:
                earned += max(c.score for c in block.choices)
            if block.type == "practice":
                earned += block.points
    return round(earned * 100 / course.points)


@pytest.mark.parametrize("version", VERSIONS)
def test_learner_takes_the_whole_course_and_resumes(
    version: str, browser: Browser, lms: LmsServer, packages: dict[str, Path], course: Course
) -> None:
    page, _, requested = launch(browser, lms, packages, version)
    frame = page.frame_locator("#sco")
    first, middle = course.lessons[0], course.lessons[1]
    expect(frame.locator("#lesson h1")).to_have_text(first.title)
    for lesson in course.lessons:
        frame.locator(f'[data-menu="{lesson.id}"]').click()
        expect(frame.locator("#lesson h1")).to_have_text(lesson.title)
        read_every_section(frame, lesson)
        answer_everything(frame, lesson, ANSWER)
        expect(frame.locator(f'[data-lesson-state="{lesson.id}"]')).to_contain_text("Done")
    # A lesson: link inside a lesson opens that lesson at that section.
    frame.locator(f'[data-menu="{middle.id}"]').click()
    frame.locator(f'#lesson a[href="#lesson/{first.id}/the-skills-that-actually-matter"]').click()
    expect(frame.locator("#lesson h1")).to_have_text(first.title)
    # The next-lesson link at a lesson's end.
    frame.locator(".next-lesson").click()
    expect(frame.locator("#lesson h1")).to_have_text(middle.title)
    expect(frame.locator("#checklist")).to_contain_text("Everything is done")
    frame.locator("#finish").click()
    end = "#LMSFinish" if version == "1.2" else "#Terminate"
    page.wait_for_function(f"window.lmsCalls.some(c => c[0] === '{end}')")
    percent = expected_percent(course)
    expect(frame.locator("#finish-status")).to_contain_text(f"Course complete. Score: {percent}%")

    log = calls(page)
    assert violations(version, log) == []
    assert not [u for u in requested if u.startswith("error:")]
    tree = cmi(page)
    passed = "passed" if percent >= (course.mastery or 80) else "failed"
    recorded = [v for k, v in tree["interactions"].items() if k.isdigit()]
    ids = [r["id"] for r in recorded]
    assert len(ids) == len(set(ids))
    if version == "1.2":
        assert tree["core"]["lesson_status"] == passed
        assert tree["core"]["score"]["raw"] == str(percent)
        assert set(ids) <= {f"{a.lesson}__{a.id}" for a in course.activities}
        location = tree["core"]["lesson_location"]
    else:
        assert (tree["completion_status"], tree["success_status"]) == ("completed", passed)
        assert set(ids) <= {a.iri for a in course.activities}
        location = tree["location"]
    # Every recorded activity of every lesson (a practised judgment is recorded once).
    assert len(ids) == len({(a.lesson, a.id) for a in course.activities}) - sum(
        1
        for lesson in course.lessons
        for _, b in lesson.blocks()
        if b.type == "practice" and b.case
    )
    assert location == f"{middle.id}/{middle.sections[0].id}" or location.startswith(middle.id)
    suspend = tree["suspend_data"]
    assert units(suspend) <= (4096 if version == "1.2" else 64000)
    page.close()

    page, _, _ = launch(browser, lms, packages, version, resume(version, suspend, location))
    frame = page.frame_locator("#sco")
    expect(frame.locator("#lesson h1")).to_have_text(middle.title)
    for lesson in course.lessons:
        expect(frame.locator(f'[data-lesson-state="{lesson.id}"]')).to_contain_text("Done")
    practice = next(a for a in middle.activities if a.kind == "practice")
    expect(frame.locator(f"#{practice.id}-answer")).to_have_value(ANSWER.strip())
    expect(frame.locator("#checklist")).to_contain_text("Everything is done")
    assert violations(version, calls(page)) == []
    page.close()


def write_course(folder: Path, lessons: int) -> Path:
    """A generated course of ``lessons`` lessons, each with a practice, a decision, an exercise."""
    folder.mkdir()
    names = []
    for n in range(lessons):
        name = f"lesson-{n + 1:02d}.md"
        names.append(name)
        (folder / name).write_text(
            f"---\ntitle: Lesson {n + 1}\nid: lesson-{n + 1:02d}\n---\n\n## Read\n\nSome text.\n\n"
            ":::{exercise} Write\n:duration: 5\n:word-target: 300\nWrite it all.\n:::\n\n"
            ":::{practice}\n:id: practice-long\n:min-chars: 20\n:points: 5\nA case.\n\n"
            "The call: What now?\n:::\n\n"
            "::::{decision} Pick\nWhich one?\n\n:::{choice} Yes\n:score: 5\nGood.\n:::\n\n"
            ":::{choice} No\n:score: 0\nBad.\n:::\n::::\n",
            encoding="utf-8",
        )
    listed = "\n".join(f"      - {name}" for name in names)
    (folder / "course.yml").write_text(
        f"id: long-course\ntitle: Long course\nmodules:\n  - title: All\n    lessons:\n{listed}\n",
        encoding="utf-8",
    )
    return folder / "course.yml"


@pytest.mark.parametrize("version", VERSIONS)
def test_ten_lessons_of_300_word_answers(
    version: str, browser: Browser, lms: LmsServer, tmp_path: Path
) -> None:
    """1.2 cannot hold 20 answers of 300 words: structure survives, the learner is told, nothing
    over 4,096 is written. 2004 keeps everything."""
    course = load_course(write_course(tmp_path / "src", 10))
    folders = {version: unzip_package(course, tmp_path / "pkg", version)}
    words = " ".join(f"word{i % 23}" for i in range(300))
    page, _, _ = launch(browser, lms, folders, version)
    frame = page.frame_locator("#sco")
    for lesson in course.lessons:
        frame.locator(f'[data-menu="{lesson.id}"]').click()
        read_every_section(frame, lesson)
        answer_everything(frame, lesson, words)
    suspend = last_set(page, "cmi.suspend_data") or ""
    assert violations(version, calls(page)) == []
    state = json.loads(suspend)
    if version == "1.2":
        assert units(suspend) <= 4096
        assert state["C"] or len(state.get("T", {})) < 20
        expect(frame.locator("#connection")).to_contain_text("cannot store all your writing")
    else:
        assert len(state["T"]) == 20 and set(state["T"].values()) == {words}
    page.close()

    page, _, _ = launch(browser, lms, folders, version, resume(version, suspend, ""))
    frame = page.frame_locator("#sco")
    for lesson in course.lessons:
        expect(frame.locator(f'[data-lesson-state="{lesson.id}"]')).to_contain_text("Done")
    expect(frame.locator("#checklist")).to_contain_text("Everything is done")
    page.close()


def test_a_course_whose_progress_cannot_fit_12_is_refused(tmp_path: Path) -> None:
    """Structure that cannot fit 4,096 characters even without free text: a located error."""
    from click.testing import CliRunner

    from aipm_content.cli import main

    source = write_course(tmp_path / "src", 130)
    runner = CliRunner()
    out = tmp_path / "course.zip"
    result = runner.invoke(main, ["scorm", str(source), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "error[scorm-limit]" in result.output and "4,096" in result.output
    assert not out.exists()
    ok = runner.invoke(main, ["scorm", str(source), "-o", str(out), "--scorm", "2004"])
    assert ok.exit_code == 0, ok.output


def test_course_opened_from_disk_keeps_state_and_is_accessible(
    browser: Browser, packages: dict[str, Path], course: Course
) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((packages["2004"] / "index.html").as_uri())
    expect(page.locator("html[data-player=local]")).to_have_count(1)
    middle = course.lessons[1]
    page.locator(f'[data-menu="{middle.id}"]').click()
    practice = next(a for a in middle.activities if a.kind == "practice")
    page.locator(f"#{practice.id}-answer").fill(ANSWER)
    page.locator(f"#{practice.id} button[type=submit]").click()
    page.reload()
    expect(page.locator("#lesson h1")).to_have_text(middle.title)
    expect(page.locator(f"#{practice.id}-answer")).to_have_value(ANSWER.strip())
    assert serious(axe_results(page)) == []
    assert errors == []
    context.close()


def test_the_export_bound_covers_what_the_player_writes(course: Course, tmp_path: Path) -> None:
    """structure_size (the export-time refusal) is at least what state.js writes for the
    fullest state of the course with every text dropped."""
    import subprocess

    from aipm_content.exporters.scorm.course import course_config, structure_size

    config = course_config(course, "1.2", 80)
    (tmp_path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    script = """
      const { loadPlayer } = require(process.argv[1]);
      const config = require(process.argv[2]);
      const AIPM = loadPlayer("format.js", "scoring.js", "state.js");
      const state = AIPM.state.empty();
      let slot = 0;
      for (const lesson of config.lessons) {
        const ls = AIPM.state.lesson(state, lesson);
        lesson.sections.forEach((s) => { ls.seen[s.id] = true; });
        for (const act of lesson.activities) {
          const last = act.choices[act.choices.length - 1];
          ls.answers[act.id] = last ? { r: last.id, p: last.score } : { r: "text", p: act.max };
          ls.slots[act.id] = slot++;
        }
      }
      const lesson = config.lessons[config.lessons.length - 1];
      state.at = { lesson: lesson.id, section: lesson.sections[lesson.sections.length - 1].id };
      const bare = JSON.parse(AIPM.state.encode(state, config, Infinity).text);
      delete bare.T;
      process.stdout.write(String(JSON.stringify(bare).length));
    """
    helper = ROOT / "tests" / "js" / "player-context.js"
    written = subprocess.run(
        ["node", "-e", script, str(helper), str(tmp_path / "config.json")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert 0 < int(written) <= structure_size(config)
