"""Relaunching with a saved state the package did not write (issue 17, item 14), in Chromium.

An LMS hands back whatever ``suspend_data`` it holds: one from an older package, a corrupted one,
or one a learner forged. The player checks it against the package's own activities: points come
from the package's scoring, choice and interaction indexes must exist, and structure is stored by
index so a full SCORM 1.2 course never collapses to nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from aipm_content import Lesson, parse
from lms.player import VERSIONS, calls, cmi, last_set, launch, units, unzip_package, violations
from lms.server import LmsServer


@pytest.fixture(scope="module")
def packages(seed_lesson: Lesson, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("scorm-restore")
    return {v: unzip_package(seed_lesson, root / f"pkg-{v}", v, mastery_score=80) for v in VERSIONS}


def resume(version: str, suspend: str) -> dict[str, object]:
    cmi: dict[str, object] = {"suspend_data": suspend}
    cmi.update({"core": {"entry": "resume"}} if version == "1.2" else {"entry": "resume"})
    return cmi


def leave(page: Page) -> None:
    """The learner closes the tab: the player records and commits (pagehide)."""
    page.frame_locator("#sco").locator("html").evaluate(
        "() => window.dispatchEvent(new PageTransitionEvent('pagehide'))"
    )


def position(lesson: Lesson, kind: str) -> int:
    return [str(a.kind) for a in lesson.activities].index(kind)


@pytest.mark.parametrize("version", VERSIONS)
def test_forged_points_are_not_reported(
    version: str, browser: Browser, lms: LmsServer, packages: dict[str, Path], seed_lesson: Lesson
) -> None:
    forged = {"v": 1, "a": {str(position(seed_lesson, "decision")): ["ask-for-two-weeks-to", 1e9]}}
    page, _, _ = launch(browser, lms, packages, version, resume(version, json.dumps(forged)))
    decision = next(a for a in seed_lesson.activities if a.kind == "decision")
    frame = page.frame_locator("#sco")
    expect(frame.locator(f"#{decision.id}-ask-for-two-weeks-to")).to_be_checked()
    leave(page)
    raw = "cmi.core.score.raw" if version == "1.2" else "cmi.score.raw"
    assert last_set(page, raw) == "50"  # the decision's own 10 points of the lesson's 20
    assert violations(version, calls(page)) == []
    page.close()


@pytest.mark.parametrize("version", VERSIONS)
def test_a_negative_interaction_index_is_issued_again(
    version: str, browser: Browser, lms: LmsServer, packages: dict[str, Path], seed_lesson: Lesson
) -> None:
    at = str(position(seed_lesson, "decision"))
    saved = {"v": 1, "a": {at: ["ask-for-two-weeks-to", 10]}, "n": {at: -1}}
    page, _, _ = launch(browser, lms, packages, version, resume(version, json.dumps(saved)))
    decision = next(a for a in seed_lesson.activities if a.kind == "decision")
    frame = page.frame_locator("#sco")
    frame.locator(f"#{decision.id}-approve-the-6-week-build").check()
    frame.locator(f"#{decision.id} button[type=submit]").click()
    expect(frame.locator(f"#{decision.id}")).to_have_class(re.compile(r"\banswered\b"))
    leave(page)
    recorded = [v for k, v in cmi(page)["interactions"].items() if k.isdigit()]
    assert [r["id"] for r in recorded] == [
        decision.id if version == "1.2" else seed_lesson.activity_iri(decision.id)
    ]
    assert [e for e, _ in calls(page) if e.startswith("cmi.interactions.-")] == []
    assert violations(version, calls(page)) == []
    page.close()


def many_decisions(count: int) -> Lesson:
    """A lesson of ``count`` decisions whose choices have 64-character ids."""
    parts = ["---\ntitle: Many decisions\nid: many-decisions\n---\n\n## Decide\n"]
    for n in range(count):
        ids = [f"choice-{n:02d}-{k}-".ljust(64, "x") for k in "ab"]
        parts.append(f"::::{{decision}} Decision {n}\nWhat now?\n")
        for k, (choice, score) in enumerate(zip(ids, (0, 10), strict=True)):
            parts.append(f":::{{choice}} Option {k}\n:score: {score}\n:id: {choice}\nWhy.\n:::\n")
        parts.append("::::\n")
    return parse("\n".join(parts), path="many.md")


def test_sixty_decisions_with_long_choice_ids_keep_their_progress_in_12(
    browser: Browser, lms: LmsServer, tmp_path: Path
) -> None:
    lesson = many_decisions(60)
    folders = {"1.2": unzip_package(lesson, tmp_path / "pkg", "1.2")}
    page, content, _ = launch(browser, lms, folders, "1.2")
    content.evaluate(
        """() => document.querySelectorAll('form[data-kind=decision]').forEach((form, n) => {
             form.querySelectorAll('input[type=radio]')[n % 2].checked = true;
             form.requestSubmit();
           })"""
    )
    leave(page)
    suspend = last_set(page, "cmi.suspend_data") or ""
    assert violations("1.2", calls(page)) == []
    assert 0 < units(suspend) <= 4096
    page.close()

    page, content, _ = launch(browser, lms, folders, "1.2", resume("1.2", suspend))
    checked = content.evaluate(
        """() => Array.from(document.querySelectorAll('form[data-kind=decision]'), form =>
             Array.from(form.querySelectorAll('input[type=radio]')).findIndex(r => r.checked))"""
    )
    assert checked == [n % 2 for n in range(60)]
    page.close()


def test_texts_the_lms_cannot_hold_are_announced_and_kept_in_the_browser(
    browser: Browser, lms: LmsServer, packages: dict[str, Path], seed_lesson: Lesson
) -> None:
    """SCORM 1.2 keeps 4,096 characters: the learner is told, and the same browser gives the
    whole text back on relaunch; a fresh browser gets the shortened one, flagged."""
    practice = next(a for a in seed_lesson.activities if a.kind == "practice")
    exercise = next(a for a in seed_lesson.activities if a.kind == "exercise")
    long_text = "Every word of this answer matters to me. " * 90  # 3,690 characters
    context = browser.new_context()
    page, _, _ = launch(context, lms, packages, "1.2")
    frame = page.frame_locator("#sco")
    for act in (practice, exercise):
        frame.locator(f"#{act.id}-answer").fill(long_text.strip())
        frame.locator(f"#{act.id} button[type=submit]").click()
    expect(frame.locator("#connection")).to_have_text(
        "The LMS cannot store all your writing: 2 answers are shortened there; "
        "the full text stays in this browser."
    )
    leave(page)
    suspend = last_set(page, "cmi.suspend_data") or ""
    assert units(suspend) <= 4096 and json.loads(suspend)["C"]
    assert violations("1.2", calls(page)) == []
    page.close()

    page, _, _ = launch(context, lms, packages, "1.2", resume("1.2", suspend))
    frame = page.frame_locator("#sco")
    expect(frame.locator(f"#{practice.id}-answer")).to_have_value(long_text.strip())
    expect(frame.locator(f"#{practice.id} .feedback")).to_have_text("Submitted: 10 of 10 points.")
    page.close()
    context.close()

    page, _, _ = launch(browser, lms, packages, "1.2", resume("1.2", suspend))
    frame = page.frame_locator("#sco")
    expect(frame.locator(f"#{practice.id} .feedback")).to_have_text(
        "Your saved answer was shortened to fit the LMS's storage."
    )
    shortened = frame.locator(f"#{practice.id}-answer").input_value()
    assert 0 < len(shortened) < len(long_text.strip()) and long_text.startswith(shortened)
    page.close()
