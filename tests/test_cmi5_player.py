"""The cmi5 AU in a real browser: the tests play the LMS and its LRS (tests/lms/lrs.py).

Each test sets up a session as an LMS does (LMS.LaunchData, a one-time fetch URL, the launch
URL; tests/lms/cmi5_launch.py), opens the AU in headless Chromium, works through the lesson as a
learner, and then checks every statement the LRS received against the cmi5 requirements, each
named by its id (tests/lms/cmi5_rules.py).
"""

from __future__ import annotations

import json
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from aipm_content import Lesson, export, load_course
from conftest import ROOT
from lms.cmi5_launch import Launch, launch
from lms.cmi5_rules import session_statements, verb, violations
from lms.lrs import LrsServer, document_key

BASE = "https://learn.example.com/lessons/"
PRACTICE_TEXT = (
    "I take the Zoho AI role: the CRM domain and colleagues let me learn AI product work fast, "
    "then I can move to a greenfield team with a track record."
)
EXERCISE_TEXT = "Spotify Discover Weekly optimises for listening time.\nIt fails on moods."


@pytest.fixture(scope="module")
def lrs() -> Iterator[LrsServer]:
    server = LrsServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def package(seed_lesson: Lesson, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cmi5-player")
    zipped = export(seed_lesson, "cmi5", root / "lesson.cmi5.zip", base_iri=BASE)
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(root / "pkg")
    return root / "pkg"


def au_url(lrs: LrsServer, package: Path, page: str = "index.html") -> str:
    return lrs.serve_package("lesson", package) + page


def open_au(browser: Browser, url: str) -> tuple[Page, list[str]]:
    """The AU at ``url`` in a fresh page, once the player is ready; script errors are collected
    (an uncaught exception, or a console error other than the browser's own network log)."""
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"exception: {e}"))
    page.on(
        "console",
        lambda m: (
            problems.append(f"console: {m.text}")
            if m.type == "error" and "Failed to load resource" not in m.text
            else None
        ),
    )
    page.goto(url)
    expect(page.locator("html[data-player]")).to_have_count(1)
    return page, problems


def until(page: Page | None, done: Callable[[], bool]) -> None:
    """Wait until the LRS holds ``done``: in the page's event loop, so its requests go on (or,
    the page closed, in this thread)."""
    for _ in range(500):
        if done():
            return
        if page is None:
            time.sleep(0.02)
        else:
            page.wait_for_timeout(20)
    raise AssertionError("the LRS never got what the test waited for")


def work_through(page: Page, lesson: Lesson, best: bool = True) -> None:
    """Read every section and answer the exercise, the practice and the decision."""
    for section in lesson.sections:
        page.locator(f'[data-section-end="{section.id}"]').scroll_into_view_if_needed()
        expect(page.locator(f'[data-toc="{section.id}"]')).to_have_class(re.compile(r"\bseen\b"))
    by_kind = {a.kind: a for a in lesson.activities}
    ex, pr, de = by_kind["exercise"].id, by_kind["practice"].id, by_kind["decision"].id
    page.locator(f"#{ex}-answer").fill(EXERCISE_TEXT)
    page.locator(f"#{ex} button[type=submit]").click()
    page.locator(f"#{pr}-answer").fill(PRACTICE_TEXT)
    page.locator(f"#{pr} button[type=submit]").click()
    expect(page.locator(f"#{pr} .feedback")).to_have_text("Submitted: 10 of 10 points.")
    decision = lesson.find(de)
    assert decision is not None and decision.type == "decision"
    scores = [c.score for c in decision.choices]
    pick = decision.choices[scores.index(max(scores) if best else min(scores))]
    page.locator(f"#{de}-{pick.id}").check()
    page.locator(f"#{de} button[type=submit]").click()
    expect(page.locator("#checklist")).to_contain_text("Everything is done")


def saved_state(lrs: LrsServer, session: Launch) -> Any:
    query = {
        "activityId": session.activity_id,
        "agent": json.dumps(session.actor),
        "registration": session.registration,
        "stateId": "aipm-player",
    }
    key = document_key("/xapi/activities/state", query)
    assert key is not None
    found = lrs.documents.get(key)
    return json.loads(found) if found is not None else None


def verbs(lrs: LrsServer, session: Launch) -> list[str]:
    return [verb(s) for s in session_statements(lrs, session)]


def test_the_rules_can_fail(lrs: LrsServer) -> None:
    """The checker names the requirement a bad session breaks."""
    session = launch(lrs, f"{lrs.origin}/pkg/none/index.html", f"{BASE}none")
    assert violations(lrs, session)[0].startswith("8.2.2.0-4")  # never fetched
    good: dict[str, Any] = {
        "id": "00000000-0000-4000-8000-000000000000",
        "timestamp": "2026-12-01T10:00:00.000Z",
        "actor": session.actor,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": session.activity_id},
        "context": {
            **session.launch_data["contextTemplate"],
            "registration": session.registration,
        },
    }
    good["context"]["contextActivities"] = {
        "grouping": [{"id": session.publisher_id}],
        "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}],
    }
    lrs.statements.append(good)
    found = " ".join(violations(lrs, session))
    for req in ("9.3.0.0-4", "9.5.3.0-1", "9.5.4.1-2"):
        assert req in found


def test_learner_passes_resumes_and_nothing_repeats(
    browser: Browser, lrs: LrsServer, package: Path, seed_lesson: Lesson
) -> None:
    lesson = seed_lesson.model_copy(update={"base_iri": BASE})
    first = launch(lrs, au_url(lrs, package), f"{BASE}{lesson.id}")
    page, problems = open_au(browser, first.url)
    expect(page.locator("html[data-player=lms]")).to_have_count(1)
    assert verbs(lrs, first) == ["initialized"]

    # The page's own policy: requests go to the launch's origins only (a second CSP narrows it).
    blocked = page.evaluate(
        """() => new Promise(done => {
            document.addEventListener("securitypolicyviolation", e => done(e.violatedDirective));
            fetch("https://elsewhere.example/").catch(() => {});
        })"""
    )
    assert blocked == "connect-src"
    problems.clear()  # the browser's report of that refusal

    work_through(page, lesson)
    until(page, lambda: "completed" in verbs(lrs, first))
    page.locator("#finish").click()
    page.wait_for_url(f"{lrs.origin}/return.html")  # 10.2.6.0-1: back to the LMS's returnURL
    assert verbs(lrs, first) == [
        "initialized",
        "answered",
        "answered",
        "answered",
        "completed",
        "passed",
        "terminated",
    ]
    assert violations(lrs, first) == []
    assert problems == []

    statements = session_statements(lrs, first)
    # The activities' statements speak the lesson JSON's vocabulary, under the AU.
    activities = {a.iri: a for a in lesson.activities}
    for s in statements[1:4]:
        act = activities[s["object"]["id"]]
        definition = s["object"]["definition"]
        assert definition["interactionType"] == act.interaction.interactionType
        assert definition["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
        assert s["context"]["contextActivities"]["parent"] == [
            {"id": first.activity_id, "objectType": "Activity"}
        ]
        assert "https://w3id.org/xapi/cmi5/context/categories/cmi5" not in json.dumps(s)
    by_kind = {activities[s["object"]["id"]].kind: s for s in statements[1:4]}
    assert by_kind["practice"]["result"]["response"] == PRACTICE_TEXT
    assert by_kind["practice"]["result"]["score"] == {"scaled": 1, "raw": 10, "min": 0, "max": 10}
    assert by_kind["decision"]["result"]["success"] is True
    passed = statements[5]
    assert passed["result"]["score"]["scaled"] == 1
    assert (
        passed["context"]["extensions"][
            "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
        ]
        == 0.8
    )
    saved = saved_state(lrs, first)
    assert saved["sent"] == {"completed": True, "passed": True}
    page.close()

    # A relaunch in the same registration resumes from the State document and sends neither
    # completed nor passed again (9.3.0.0-6, 9.3.0.0-7).
    second = launch(
        lrs, au_url(lrs, package), f"{BASE}{lesson.id}", registration=first.registration
    )
    page, problems = open_au(browser, second.url)
    pr = next(a.id for a in lesson.activities if a.kind == "practice")
    expect(page.locator(f"#{pr}-answer")).to_have_value(PRACTICE_TEXT)
    expect(page.locator("#checklist")).to_contain_text("Everything is done")
    page.locator("#finish").click()
    page.wait_for_url(f"{lrs.origin}/return.html")
    assert verbs(lrs, second) == ["initialized", "terminated"]
    assert violations(lrs, second, earlier=[first]) == []
    assert problems == []
    page.close()


def test_a_failed_attempt_uses_the_lms_mastery_score(
    browser: Browser, lrs: LrsServer, package: Path, seed_lesson: Lesson
) -> None:
    session = launch(lrs, au_url(lrs, package), f"{BASE}{seed_lesson.id}", mastery=0.95)
    page, problems = open_au(browser, session.url)
    work_through(page, seed_lesson, best=False)
    page.locator("#finish").click()
    page.wait_for_url(f"{lrs.origin}/return.html")
    names = verbs(lrs, session)
    assert names[-2:] == ["failed", "terminated"]
    assert violations(lrs, session) == []  # 9.3.5.0-2: failed below the LMS's 0.95
    assert problems == []
    page.close()


@pytest.mark.parametrize("mode", ["Browse", "Review"])
def test_browse_and_review_record_nothing_but_the_session(
    mode: str, browser: Browser, lrs: LrsServer, package: Path, seed_lesson: Lesson
) -> None:
    session = launch(lrs, au_url(lrs, package), f"{BASE}{seed_lesson.id}", mode=mode)
    page, problems = open_au(browser, session.url)
    expect(page.locator("#connection")).to_contain_text(f"{mode} mode")
    work_through(page, seed_lesson)
    page.locator("#finish").click()
    page.wait_for_url(f"{lrs.origin}/return.html")
    assert verbs(lrs, session) == ["initialized", "terminated"]  # 10.2.2.0-2, 10.2.2.0-3
    assert violations(lrs, session) == []
    assert saved_state(lrs, session) is None  # nothing written either
    assert problems == []
    page.close()


def test_leaving_the_page_terminates_the_session(
    browser: Browser, lrs: LrsServer, package: Path, seed_lesson: Lesson
) -> None:
    session = launch(lrs, au_url(lrs, package), f"{BASE}{seed_lesson.id}")
    page, problems = open_au(browser, session.url)
    ex = next(a.id for a in seed_lesson.activities if a.kind == "exercise")
    page.locator(f"#{ex}-answer").fill(EXERCISE_TEXT)
    page.locator(f"#{ex} button[type=submit]").click()
    # Once the answer and the state after it are in, nothing is in flight: the page's last
    # request (kept alive by the browser as it closes) carries terminated.
    until(page, lambda: "Spotify Discover Weekly" in json.dumps(saved_state(lrs, session)))
    puts = len(lrs.requests("/xapi/activities/state", "PUT"))
    page.close(run_before_unload=True)
    until(None, lambda: "terminated" in verbs(lrs, session))
    assert verbs(lrs, session) == ["initialized", "answered", "terminated"]
    assert violations(lrs, session) == []
    assert saved_state(lrs, session)["sent"] == {}
    assert len(lrs.requests("/xapi/activities/state", "PUT")) in (puts, puts + 1)
    assert problems == []


def _used_fetch(lrs: LrsServer, session: Launch) -> None:
    """The launch's one-time fetch URL, already used (a relaunch of an old link)."""
    lrs.fetched[session.fetch_key] = 1


def _no_launch_data(lrs: LrsServer, session: Launch) -> None:
    with lrs.lock:
        for key in [k for k in lrs.documents if "LMS.LaunchData" in k]:
            del lrs.documents[key]


@pytest.mark.parametrize(
    ("params", "spoil", "says"),
    [
        ({"actor": "<absent>"}, None, "the launch is missing actor"),
        ({"registration": "not-a-uuid"}, None, "registration is not a UUID"),
        ({"actor": '{"name": "no account"}'}, None, "actor is not an agent with an account"),
        ({"endpoint": "http://127.0.0.1:9/xapi/"}, None, "must use https"),
        ({}, _used_fetch, "this launch link was used already"),
        ({}, _no_launch_data, "did not answer as expected"),
    ],
)
def test_a_bad_launch_tells_the_learner_and_sends_nothing(
    params: dict[str, str],
    spoil: Callable[[LrsServer, Launch], None] | None,
    says: str,
    browser: Browser,
    lrs: LrsServer,
    package: Path,
    seed_lesson: Lesson,
) -> None:
    session = launch(lrs, au_url(lrs, package), f"{BASE}{seed_lesson.id}", params=params)
    if spoil is not None:
        spoil(lrs, session)
    page, problems = open_au(browser, session.url)
    expect(page.locator("html[data-player=local]")).to_have_count(1)
    expect(page.locator("#connection")).to_contain_text("Could not connect to the LMS")
    expect(page.locator("#connection")).to_contain_text(says)
    work_through(page, seed_lesson)  # the lesson still works, kept in this browser
    page.locator("#finish").click()
    expect(page.locator("#finish-status")).to_contain_text("Lesson complete.")
    assert session_statements(lrs, session) == []
    fetches = [m for m, p, _ in lrs.log if p == f"/fetch/{session.fetch_key}"]
    assert fetches in ([], ["POST"])  # never twice, never a GET
    assert problems == []
    page.close()


def test_an_lrs_that_stops_accepting_is_reported_and_not_retried(
    browser: Browser, lrs: LrsServer, package: Path, seed_lesson: Lesson
) -> None:
    session = launch(lrs, au_url(lrs, package), f"{BASE}{seed_lesson.id}")
    lrs.refuse_statements_from = len(lrs.statements) + 2  # initialized and one answer
    try:
        page, problems = open_au(browser, session.url)
        work_through(page, seed_lesson)
        expect(page.locator("#connection")).to_contain_text("stopped accepting your progress")
        page.locator("#finish").click()
        expect(page.locator("#finish-status")).to_contain_text("Lesson complete.")
    finally:
        lrs.refuse_statements_from = None
    assert verbs(lrs, session) == ["initialized", "answered"]
    start = next(i for i, (_, p, _) in enumerate(lrs.log) if p == f"/fetch/{session.fetch_key}")
    mine = lrs.log[start:]
    posts = [i for i, (m, p, _) in enumerate(mine) if m == "POST" and p == "/xapi/statements"]
    assert len(posts) == 3  # two accepted, the one refused, and that one not again
    assert [p for _, p, _ in mine[posts[-1] + 1 :] if p.startswith("/xapi/")] == []
    assert problems == []
    page.close()


def test_opened_without_launch_parameters_it_is_the_offline_player(
    browser: Browser, package: Path, seed_lesson: Lesson
) -> None:
    page, problems = open_au(browser, (package / "index.html").as_uri())
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    expect(page.locator("html[data-player=local]")).to_have_count(1)
    expect(page.locator("#connection")).to_have_text(
        "Not connected to an LMS: your progress is kept in this browser."
    )
    work_through(page, seed_lesson)
    assert [u for u in requested if not u.startswith("file://")] == []
    assert problems == []
    page.close()


def test_each_lesson_of_a_course_is_its_own_au(
    browser: Browser, lrs: LrsServer, tmp_path: Path
) -> None:
    course = load_course(ROOT / "content")
    zipped = export(course, "cmi5", tmp_path / "course.cmi5.zip", base_iri=BASE)
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(tmp_path / "pkg")
    lesson = course.lessons[0].model_copy(update={"base_iri": BASE})
    url = lrs.serve_package("course", tmp_path / "pkg") + f"lessons/{lesson.id}/index.html"
    session = launch(lrs, url, f"{BASE}{lesson.id}")
    page, problems = open_au(browser, session.url)
    work_through(page, lesson)
    page.locator("#finish").click()
    page.wait_for_url(f"{lrs.origin}/return.html")
    assert verbs(lrs, session)[-3:] == ["completed", "passed", "terminated"]
    assert violations(lrs, session) == []
    assert problems == []
    page.close()
