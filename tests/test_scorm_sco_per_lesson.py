"""A course as one SCO per lesson (issue 13, item 2), in Chromium against scorm-again.

The learner takes every lesson, each SCO launched with a fresh API as an LMS does, and follows
the SCORM 2004 navigation requests the lessons leave (1.2 lessons point to the LMS's menu);
a lesson relaunched with its saved state resumes; a --forward-only lesson satisfies the objective
the next lesson's precondition reads; the unzipped package works from disk and passes axe-core.
The manifests: test_scorm_sco_manifest.py.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, FrameLocator, Page, expect

import test_scorm_sco_manifest as manifest_tests
from aipm_content.model.course import Course
from aipm_content.model.lesson import Lesson
from lms.player import (
    VERSIONS,
    axe_results,
    calls,
    cmi,
    lms_page,
    read_every_section,
    serious,
    units,
    violations,
)
from lms.server import LmsServer
from test_scorm_course import ANSWER, answer_everything, resume

# The packages under test: the manifest tests' fixtures, built once per module.
course = manifest_tests.course
zips = manifest_tests.zips


@pytest.fixture(scope="module")
def folders(
    zips: dict[tuple[str, bool], Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """The choice-and-flow packages of both versions, and 2004 --forward-only, unzipped."""
    out = tmp_path_factory.mktemp("sco-unzipped")
    found = {}
    for name, key in (
        ("1.2", ("1.2", False)),
        ("2004", ("2004", False)),
        ("forward", ("2004", True)),
    ):
        with zipfile.ZipFile(zips[key]) as archive:
            archive.extractall(out / name)
        found[name] = out / name
    return found


# ---------- in Chromium, against scorm-again ----------


def open_sco(
    page: Page,
    lms: LmsServer,
    folder: Path,
    version: str,
    lesson: Lesson,
    course: Course,
    saved: dict[str, Any] | None = None,
) -> FrameLocator:
    """Launch one lesson's SCO in the test LMS page with a fresh API, as an LMS does."""
    url = lms.serve_package(f"sco{version.replace('.', '')}", folder)
    settings = {"scoItemIds": [f"item-{x.id}" for x in course.lessons]}
    page.evaluate(
        "([v, u, c, s]) => window.startLms(v, u, c, s)",
        [version, f"{url}lessons/{lesson.id}/index.html", saved, settings],
    )
    init = "#LMSInitialize" if version == "1.2" else "#Initialize"
    page.wait_for_function(f"window.lmsCalls.some(c => c[0] === '{init}')")
    frame = page.frame_locator("#sco")
    expect(frame.locator("html[data-player=lms]")).to_have_count(1)
    expect(frame.locator("#lesson h1")).to_have_text(lesson.title)
    # The shared stylesheet at the package root loads under the policy narrowed to the package.
    expect(frame.locator('meta[http-equiv="Content-Security-Policy"]')).to_have_count(2)
    handle = page.query_selector("#sco")
    content = handle.content_frame() if handle else None
    assert content is not None and content.evaluate("document.styleSheets.length") == 1
    return frame


def lesson_percent(lesson: Lesson) -> int:
    """Best choices and every practice's base points (the answer names no rubric keyword)."""
    earned = 0
    for _, block in lesson.blocks():
        if block.type == "decision" and block.choices:
            earned += max(c.score for c in block.choices)
        if block.type == "practice":
            earned += block.points
    points = sum(a.interaction.scoring.max for a in lesson.activities if a.interaction.scoring)
    return round(earned * 100 / points)


def wait_for_end(page: Page, version: str) -> None:
    end = "#LMSFinish" if version == "1.2" else "#Terminate"
    page.wait_for_function(f"window.lmsCalls.some(c => c[0] === '{end}')")


def check_sco(page: Page, version: str, lesson: Lesson) -> dict[str, Any]:
    """What the LMS holds for one lesson SCO: its own attempt, within the version's limits."""
    assert violations(version, calls(page)) == []
    held = cmi(page)
    passed = "passed" if lesson_percent(lesson) >= 80 else "failed"
    recorded = [v["id"] for k, v in held["interactions"].items() if k.isdigit()]
    assert recorded and len(recorded) == len(set(recorded))
    if version == "1.2":
        assert held["core"]["lesson_status"] == passed
        assert set(recorded) <= {a.id for a in lesson.activities}
        assert held["core"]["score"]["raw"] == str(lesson_percent(lesson))
    else:
        assert (held["completion_status"], held["success_status"]) == ("completed", passed)
        assert set(recorded) <= {a.iri for a in lesson.activities}
    assert units(held["suspend_data"]) <= (4096 if version == "1.2" else 64000)
    return held


@pytest.mark.parametrize("version", VERSIONS)
def test_learner_takes_every_lesson_sco_and_resumes(
    version: str, browser: Browser, lms: LmsServer, folders: dict[str, Path], course: Course
) -> None:
    page, requested = lms_page(browser, lms)
    held: dict[str, dict[str, Any]] = {}
    first, middle = course.lessons[0], course.lessons[1]
    frame = open_sco(page, lms, folders[version], version, first, course)
    for n, lesson in enumerate(course.lessons):
        read_every_section(frame, lesson)
        answer_everything(frame, lesson, ANSWER)
        expect(frame.locator("#checklist")).to_contain_text("Everything is done")
        after = course.lessons[n + 1] if n + 1 < len(course.lessons) else None
        if after is not None and version == "2004":
            # The lesson asks the LMS for the next SCO and ends its session.
            frame.locator(".next-lesson").click()
            wait_for_end(page, version)
            assert page.evaluate("window.navRequests.pop()") == [
                "SequenceChoice",
                f"item-{after.id}",
            ]
        else:
            if after is not None:  # 1.2: a SCO cannot ask; the learner is told where to go
                frame.locator(".next-lesson").click()
                expect(frame.locator("#connection")).to_contain_text("course menu")
                assert after.title in (frame.locator("#connection").text_content() or "")
            frame.locator("#finish").click()
            wait_for_end(page, version)
        held[lesson.id] = check_sco(page, version, lesson)
        exit_value = (
            held[lesson.id]["core"]["exit"] if version == "1.2" else held[lesson.id]["exit"]
        )
        assert exit_value == ("" if version == "1.2" else "normal")
        if after is not None:
            frame = open_sco(page, lms, folders[version], version, after, course)

    # Relaunch the middle lesson with what the LMS kept for it: everything is back.
    saved = held[middle.id]
    location = saved["core"]["lesson_location"] if version == "1.2" else saved["location"]
    frame = open_sco(
        page,
        lms,
        folders[version],
        version,
        middle,
        course,
        resume(version, saved["suspend_data"], location),
    )
    practice = next(a for a in middle.activities if a.kind == "practice")
    expect(frame.locator(f"#{practice.id}-answer")).to_have_value(ANSWER.strip())
    expect(frame.locator("#checklist")).to_contain_text("Everything is done")
    # A lesson: link to another lesson: a choice request in 2004, the LMS's menu in 1.2.
    link = frame.locator(f'#lesson a[href="#sco/{first.id}/the-skills-that-actually-matter"]')
    link.click()
    if version == "2004":
        wait_for_end(page, version)
        assert page.evaluate("window.navRequests") == [["SequenceChoice", f"item-{first.id}"]]
    else:
        expect(frame.locator("#connection")).to_contain_text(first.title)
        assert not [c for c in calls(page) if c[0] == "#LMSFinish"]
    assert violations(version, calls(page)) == []
    assert [u for u in requested if not u.startswith(lms.origin)] == []
    page.close()


def test_forward_only_2004_lesson_satisfies_its_done_objective_and_flows_on(
    browser: Browser, lms: LmsServer, folders: dict[str, Path], course: Course
) -> None:
    """The objective the next lesson's precondition reads is written once the lesson is
    complete, and the next-lesson link asks for ``continue`` (choice is off)."""
    page = browser.new_page()
    page.goto(f"{lms.origin}/lms.html")
    first = course.lessons[0]
    frame = open_sco(page, lms, folders["forward"], "2004", first, course)
    read_every_section(frame, first)
    assert not [c for c in calls(page) if c[0].startswith("cmi.objectives.")]
    answer_everything(frame, first, ANSWER)
    frame.locator(".next-lesson").click()
    wait_for_end(page, "2004")
    assert page.evaluate("window.navRequests") == [["SequenceNext", ""]]
    objectives = [v for k, v in cmi(page)["objectives"].items() if k.isdigit()]
    assert [(o["id"], o["success_status"], o["completion_status"]) for o in objectives] == [
        (f"{first.id}-done", "passed", "completed")
    ]
    assert violations("2004", calls(page)) == []
    page.close()


def test_lessons_opened_from_disk_link_to_each_other_and_are_accessible(
    browser: Browser, folders: dict[str, Path], course: Course
) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    first, middle = course.lessons[0], course.lessons[1]
    page.goto((folders["2004"] / "lessons" / middle.id / "index.html").as_uri())
    expect(page.locator("html[data-player=local]")).to_have_count(1)
    assert serious(axe_results(page)) == []
    page.locator(f'#lesson a[href="#sco/{first.id}/the-skills-that-actually-matter"]').click()
    expect(page.locator("#lesson h1")).to_have_text(first.title)
    assert page.url.endswith(f"/lessons/{first.id}/index.html#the-skills-that-actually-matter")
    expect(page.locator("html[data-player=local]")).to_have_count(1)
    assert errors == []
    context.close()
