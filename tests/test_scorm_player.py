"""The SCORM player in a real browser: a learner plays the lesson inside a test LMS.

Chromium (Debian's, driven by Playwright) loads tests/lms/lms.html, which installs scorm-again as
the SCORM 1.2 or 2004 API and opens the unzipped package in an iframe, all from one local origin.
The learner reads every section, answers, finishes; the tests check what the LMS received, that
every value sent respects the version's limits (scorm-again would accept more), that a relaunch
restores the answers, that no request leaves the package, and that the page is accessible.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from aipm_content import Lesson, export
from aipm_content.exporters.scorm import limits
from lms.player import (
    VERSIONS,
    axe_results,
    calls,
    check_requests,
    cmi,
    ids,
    last_set,
    launch,
    read_every_section,
    serious,
    units,
    violations,
)
from lms.server import LmsServer

MASTERY = 80
PRACTICE_TEXT = (
    "I take the Zoho AI role: the CRM domain and colleagues let me learn AI product work fast, "
    "then I can move to a greenfield team with a track record."
)


@pytest.fixture(scope="module")
def packages(seed_lesson: Lesson, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each version's zip, unzipped into its own folder."""
    root = tmp_path_factory.mktemp("scorm-player")
    folders = {}
    for version in VERSIONS:
        zipped = export(
            seed_lesson, "scorm", root / f"{version}.zip", scorm=version, mastery_score=MASTERY
        )
        folder = root / f"pkg-{version}"
        with zipfile.ZipFile(zipped) as archive:
            archive.extractall(folder)
        folders[version] = folder
    return folders


def test_the_limit_checks_can_fail() -> None:
    """The checker itself refuses what scorm-again lets through."""
    assert violations("1.2", [["cmi.interactions.0.id", "has space"]])
    assert violations("1.2", [["cmi.interactions.0.result", "incorrect"]])
    assert violations("1.2", [["cmi.suspend_data", "x" * 4097]])
    assert violations("1.2", [["cmi.interactions.0.student_response", "x" * 256]])
    assert violations(
        "1.2",
        [["cmi.interactions.0.type", "choice"], ["cmi.interactions.0.student_response", "approve"]],
    )
    assert violations("2004", [["cmi.interactions.0.learner_response", "before type"]])
    assert violations("2004", [["cmi.session_time", "PT1.123S"]])
    assert violations("2004", [["cmi.interactions.0.timestamp", "2026-01-01T10:00:00"]])
    assert violations("2004", [["#Terminate", ""], ["cmi.exit", "normal"]])
    assert not violations("2004", [["cmi.session_time", "PT0H1M5.25S"]])


# ---------- the learner's sessions ----------


@pytest.mark.parametrize("version", VERSIONS)
def test_learner_plays_finishes_and_resumes(
    version: str, browser: Browser, lms: LmsServer, packages: dict[str, Path], seed_lesson: Lesson
) -> None:
    lesson = seed_lesson
    names = ids(lesson)
    total = lesson.reading_minutes + lesson.exercise_minutes
    page, content, requested = launch(browser, lms, packages, version)
    frame = page.frame_locator("#sco")
    commits_before = len(lms.commits)
    expect(frame.locator("#time-left")).to_have_text(f"{total} min left")
    assert content.evaluate("document.querySelector('#connection').textContent") == ""

    read_every_section(frame, lesson)
    expect(frame.locator("#time-left")).to_have_text(f"{lesson.exercise_minutes} min left")

    # The exercise: timer and word counter.
    ex = names["exercise"]
    toggle = frame.locator(f"#{ex} .timer-toggle")
    toggle.click()
    expect(toggle).to_have_text("Pause timer")
    toggle.click()
    expect(toggle).to_have_text(re.compile("Resume timer|Start timer"))
    frame.locator(f"#{ex}-answer").fill(
        "Spotify Discover Weekly optimises for listening time.\nIt fails on moods."
    )
    expect(frame.locator(f"#{ex}-count")).to_have_text("11 words (target 300)")
    frame.locator(f"#{ex} button[type=submit]").click()
    expect(frame.locator("#time-left")).to_have_text("All read")

    # The practice: Submit stays disabled until the minimum length.
    pr = names["practice"]
    submit = frame.locator(f"#{pr} button[type=submit]")
    expect(submit).to_be_disabled()
    frame.locator(f"#{pr}-answer").fill("Zoho, because it pays more.")
    expect(frame.locator(f"#{pr}-count")).to_have_text("27 chars (min 80)")
    expect(submit).to_be_disabled()
    frame.locator(f"#{pr}-answer").fill(PRACTICE_TEXT)
    expect(frame.locator(f"#{pr}-count")).to_have_text(f"{len(PRACTICE_TEXT)} chars (min 80)")
    expect(submit).to_be_enabled()
    submit.click()
    expect(frame.locator(f"#{pr} .feedback")).to_have_text("Submitted: 10 of 10 points.")

    # The decision, by keyboard only: arrow to the best choice, Tab to the button, Enter.
    de, choices = names["decision"], names["choices"]
    best = names["scores"].index(max(names["scores"]))
    frame.locator(f"#{de}-{choices[0]}").focus()
    for _ in range(best):
        page.keyboard.press("ArrowDown")
    expect(frame.locator(f"#{de}-{choices[best]}")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(frame.locator(f'#{de} .choice-feedback[data-choice="{choices[best]}"]')).to_be_visible()
    expect(frame.locator("#checklist")).to_contain_text("Everything is done")

    frame.locator("#finish").click()
    end = "#LMSFinish" if version == "1.2" else "#Terminate"
    page.wait_for_function(f"window.lmsCalls.some(c => c[0] === '{end}')")
    expect(frame.locator("#finish-status")).to_contain_text(
        "Lesson complete. Score: 100% (passed)."
    )

    log = calls(page)
    assert violations(version, log) == []
    tree = cmi(page)
    interactions = [e for e, _ in log if e.endswith(".id") and e.startswith("cmi.interactions.")]
    if version == "1.2":
        core = tree["core"]
        assert core["lesson_status"] == "passed"
        assert core["score"]["raw"] == "100"
        assert core["exit"] == ""
        assert limits.SESSION_TIME_12.match(core["session_time"])
        assert last_set(page, "cmi.interactions.2.student_response") == "abcd"[best]
        assert last_set(page, "cmi.interactions.2.result") == "correct"
        assert last_set(page, "cmi.interactions.0.student_response") == (
            "Spotify Discover Weekly optimises for listening time. It fails on moods."
        )
        suspend = tree["suspend_data"]
    else:
        assert tree["completion_status"] == "completed"
        assert tree["success_status"] == "passed"
        assert tree["score"]["scaled"] == "1"
        assert tree["exit"] == "normal"
        assert limits.DURATION_2004.match(last_set(page, "cmi.session_time") or "")
        assert last_set(page, "cmi.interactions.0.id") == lesson.activity_iri(ex)
        assert last_set(page, "cmi.interactions.2.learner_response") == choices[best]
        assert last_set(page, "cmi.interactions.1.learner_response") == PRACTICE_TEXT
        suspend = tree["suspend_data"]
    # One interaction per answered activity: exercise, practice, decision (the judgment is
    # answered by its practice).
    assert sorted(interactions) == [f"cmi.interactions.{n}.id" for n in range(3)]
    assert json.loads(suspend)["L"][0][0] == "1" * len(lesson.sections)
    commits = [body for v, body in lms.commits[commits_before:] if v == version]
    assert len(commits) >= 4  # three answers and the finish
    final = commits[-1]["cmi"]
    if version == "1.2":
        assert final["core"]["lesson_status"] == "passed"
    else:
        assert (final["completion_status"], final["success_status"]) == ("completed", "passed")
    assert final["suspend_data"] == suspend
    check_requests(requested, lms, version)
    page.close()

    # Relaunch with what the LMS stored: the answers come back.
    resume = {"suspend_data": suspend}
    resume.update({"core": {"entry": "resume"}} if version == "1.2" else {"entry": "resume"})
    page, content, requested = launch(browser, lms, packages, version, resume)
    frame = page.frame_locator("#sco")
    expect(frame.locator(f"#{pr}-answer")).to_have_value(PRACTICE_TEXT)
    expect(frame.locator(f"#{ex}-answer")).to_have_value(
        "Spotify Discover Weekly optimises for listening time.\nIt fails on moods."
    )
    expect(frame.locator(f"#{de}-{choices[best]}")).to_be_checked()
    expect(frame.locator("#time-left")).to_have_text("All read")
    expect(frame.locator("#checklist")).to_contain_text("Everything is done")
    # Leaving the page commits (Chrome drops synchronous requests at unload, hence pagehide).
    before = len(lms.commits)
    content.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide'))")
    assert len(lms.commits) == before + 1
    log = calls(page)
    assert violations(version, log) == []
    exit_element = "cmi.core.exit" if version == "1.2" else "cmi.exit"
    assert last_set(page, exit_element) == "suspend"  # not finished in this session
    check_requests(requested, lms, version)
    page.close()


@pytest.mark.parametrize("version", VERSIONS)
def test_player_never_sends_values_over_the_limits(
    version: str, browser: Browser, lms: LmsServer, packages: dict[str, Path], seed_lesson: Lesson
) -> None:
    names = ids(seed_lesson)
    page, content, requested = launch(browser, lms, packages, version)
    frame = page.frame_locator("#sco")
    # Past the textarea's maxlength (a script or paste can do that), with line breaks, a leading
    # brace, quotes and characters outside the BMP.
    long_text = "{lang=xx} " + ('Ünïcode "quoted" line 😀\n' * 400)
    for key in ("exercise", "practice"):
        content.evaluate(
            "([id, text]) => { const a = document.getElementById(id + '-answer');"
            " a.value = text; a.dispatchEvent(new Event('input')); }",
            [names[key], long_text],
        )
        frame.locator(f"#{names[key]} button[type=submit]").click()
    worst = names["scores"].index(min(names["scores"]))
    frame.locator(f"#{names['decision']}-{names['choices'][worst]}").check()
    frame.locator(f"#{names['decision']} button[type=submit]").click()
    read_every_section(frame, seed_lesson)
    frame.locator("#finish").click()
    end = "#LMSFinish" if version == "1.2" else "#Terminate"
    page.wait_for_function(f"window.lmsCalls.some(c => c[0] === '{end}')")

    log = calls(page)
    assert violations(version, log) == []
    suspend = last_set(page, "cmi.suspend_data") or ""
    state = json.loads(suspend)
    if version == "1.2":
        assert 4000 < units(suspend) <= 4096
        assert state["C"]  # a shortened answer is flagged
        assert last_set(page, "cmi.interactions.2.result") == "wrong"
        assert last_set(page, "cmi.core.lesson_status") == "failed"  # 10 of 20 points, mastery 80
        assert units(last_set(page, "cmi.interactions.1.student_response") or "") == 255
    else:
        assert last_set(page, "cmi.interactions.2.result") == "incorrect"
        assert last_set(page, "cmi.success_status") == "failed"
        response = last_set(page, "cmi.interactions.1.learner_response") or ""
        assert units(response) == 4000 and response.startswith("(lang=xx}")
        position = [a.id for a in seed_lesson.activities].index(names["practice"])
        assert state["T"][f"0.{position}"] == long_text.strip()  # 2004 keeps the whole answer
    check_requests(requested, lms, version)
    page.close()


# ---------- without an LMS ----------


def test_opened_from_disk_keeps_state_and_is_accessible(
    browser: Browser, packages: dict[str, Path], seed_lesson: Lesson
) -> None:
    folder = packages["1.2"]
    context = browser.new_context()
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    index = (folder / "index.html").as_uri()
    page.goto(index)
    expect(page.locator("#connection")).to_have_text(
        "Not connected to an LMS: your progress is kept in this browser."
    )
    names = ids(seed_lesson)
    page.locator(f"#{names['practice']}-answer").fill(PRACTICE_TEXT)
    page.locator(f"#{names['practice']} button[type=submit]").click()
    page.locator(f"#{names['decision']}-{names['choices'][1]}").check()
    page.locator(f"#{names['decision']} button[type=submit]").click()
    page.reload()
    expect(page.locator(f"#{names['practice']}-answer")).to_have_value(PRACTICE_TEXT)
    expect(page.locator(f"#{names['decision']}-{names['choices'][1]}")).to_be_checked()

    results = axe_results(page)
    assert serious(results) == []
    assert results["passes"], "axe ran no checks"

    assert errors == []
    root = folder.as_uri() + "/"
    assert [u for u in requested if not u.startswith(root)] == []
    context.close()


RUBRIC_LESSON = """---
title: Rubric
---

## Case

:::{practice}
:id: practice-recourse
:min-chars: 40
:points: 4
:rubric: false negative=3; recourse=2
A lender's model denies loans.

The call: What do you ask the data science lead?
:::
"""


def test_rubric_keywords_add_points(browser: Browser, tmp_path: Path) -> None:
    """As in H5P's Essay: meeting the minimum earns the points, each keyword found (a whole
    word or phrase, any case) adds its own; a keyword inside a longer word does not count."""
    from aipm_content import parse

    zipped = export(parse(RUBRIC_LESSON, path="rubric.md"), "scorm", tmp_path / "rubric.zip")
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(tmp_path / "pkg")
    page = browser.new_page()
    page.goto((tmp_path / "pkg" / "index.html").as_uri())
    answer = page.locator("#practice-recourse-answer")
    submit = page.locator("#practice-recourse button[type=submit]")
    feedback = page.locator("#practice-recourse .feedback")
    cases = [
        ("We should check the model before we ship it to anyone.", "4 of 9"),
        ("What is the False Negative rate, and how often is it wrong?", "7 of 9"),
        ("Ask for false negatives and the recourse a denied borrower has.", "6 of 9"),
        ("Our false negative rate, and what recourse do applicants get?", "9 of 9"),
    ]
    for text, points in cases:
        answer.fill(text)
        submit.click()
        expect(feedback).to_have_text(f"Submitted: {points} points.")
    page.close()
