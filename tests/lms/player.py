"""Driving the SCORM player in the test LMS: launching, reading calls, what a strict LMS accepts.

Shared by the player's browser tests (tests/test_scorm_*.py); the ``browser`` and ``lms`` fixtures
are in tests/conftest.py.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Frame, FrameLocator, Page, expect

from aipm_content import Lesson, export
from aipm_content.exporters.scorm import limits
from aipm_content.model.course import Course

from .server import LmsServer

VERSIONS = ["1.2", "2004"]


def unzip_package(
    lesson: Lesson | Course, folder: Path, version: str = "1.2", **options: Any
) -> Path:
    """Export ``lesson`` as a SCORM zip and unzip it into ``folder`` (returned)."""
    zipped = export(lesson, "scorm", folder.with_suffix(".zip"), scorm=version, **options)
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(folder)
    return folder


def violations(version: str, calls: list[list[str]]) -> list[str]:
    """Every SetValue (and call order) a strict reading of the SCORM version refuses."""
    bad: list[str] = []
    types: dict[str, str] = {}
    ids: dict[str, str] = {}
    finished = False
    for element, value in calls:
        if element.startswith("#"):
            finished = finished or element in ("#LMSFinish", "#Terminate")
            continue
        if finished:
            bad.append(f"{element} set after the session ended")
        match = re.match(r"^cmi\.interactions\.(\d+)\.(.+)$", element)
        field = match.group(2) if match else element
        n = match.group(1) if match else ""
        if match and field == "id":
            if n in ids and ids[n] != value:
                bad.append(f"interaction {n} changed its id")
            ids[n] = value
        if match and field == "type":
            types[n] = value
        if version == "1.2":
            checks: dict[str, bool] = {
                "id": bool(limits.INTERACTION_ID_12.match(value)),
                "type": value in ("choice", "fill-in"),
                "student_response": units(value) <= 255
                and (types.get(n) != "choice" or bool(limits.CHOICE_RESPONSE_12.match(value))),
                "result": value in limits.RESULT_12,
                "time": bool(re.match(r"^\d{2}:\d{2}:\d{2}$", value)),
                "correct_responses.0.pattern": bool(limits.CHOICE_RESPONSE_12.match(value)),
                "cmi.suspend_data": units(value) <= 4096,
                "cmi.core.session_time": bool(limits.SESSION_TIME_12.match(value)),
                "cmi.core.lesson_location": units(value) <= 255,
                "cmi.core.lesson_status": value in limits.STATUS_12,
                "cmi.core.exit": value in limits.EXIT_12,
                "cmi.core.score.raw": _number_in(value, 0, 100),
                "cmi.core.score.min": _number_in(value, 0, 100),
                "cmi.core.score.max": _number_in(value, 0, 100),
            }
        else:
            checks = {
                "type": value in ("choice", "long-fill-in"),
                "description": units(value) <= 250 and "\n" not in value,
                "learner_response": n in types
                and units(value) <= 4000
                and "\n" not in value
                and not value.startswith("{"),
                "result": value in limits.RESULT_2004,
                "timestamp": bool(limits.TIMESTAMP_2004.match(value)),
                "cmi.suspend_data": units(value) <= 64000,
                "cmi.session_time": bool(limits.DURATION_2004.match(value)),
                "cmi.location": units(value) <= 1000,
                "cmi.completion_status": value in limits.COMPLETION_2004,
                "cmi.success_status": value in limits.SUCCESS_2004,
                "cmi.exit": value in limits.EXIT_2004,
                "cmi.score.scaled": _number_in(value, -1, 1),
                "cmi.progress_measure": _number_in(value, 0, 1),
            }
        if field in checks and not checks[field]:
            bad.append(f"{element} = {value[:80]!r}")
    return bad


def units(text: str) -> int:
    """Length in UTF-16 code units, as JavaScript and most LMSs count (an emoji is 2)."""
    return len(text.encode("utf-16-le")) // 2


def _number_in(text: str, low: float, high: float) -> bool:
    try:
        return low <= float(text) <= high
    except ValueError:
        return False


AXE = Path(__file__).resolve().parent.parent / "js" / "node_modules" / "axe-core" / "axe.min.js"


def axe_results(page: Page) -> Any:
    """axe-core's results for the page, evaluated through the DevTools protocol (a package's
    CSP allows no inline script)."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    return page.evaluate("axe.run(document, {resultTypes: ['violations'], preload: false})")


def serious(results: Any) -> list[tuple[str, list[Any]]]:
    """The serious and critical violations in axe ``results``: rule id, first three targets."""
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# ---------- driving the LMS page ----------


def lms_page(browser: Browser | BrowserContext, lms: LmsServer) -> tuple[Page, list[str]]:
    """A new page on the test LMS, and the list of every URL it requests and every script
    error as ``error: ...`` (so ``check_requests`` fails on either)."""
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.on("pageerror", lambda e: requested.append(f"error: {e}"))
    page.on(
        "console", lambda m: requested.append(f"error: {m.text}") if m.type == "error" else None
    )
    page.goto(f"{lms.origin}/lms.html")
    return page, requested


def launch(
    browser: Browser | BrowserContext,
    lms: LmsServer,
    packages: dict[str, Path],
    version: str,
    cmi: dict[str, Any] | None = None,
) -> tuple[Page, Frame, list[str]]:
    """A new page with the test LMS and the package loaded and initialised.

    A ``BrowserContext`` instead of a ``Browser`` keeps the learner's local storage between pages.

    The list returned collects every URL the page requests, and every script error as
    ``error: ...`` (so ``check_requests`` fails on either).
    """
    page, requested = lms_page(browser, lms)
    url = lms.serve_package(version.replace(".", ""), packages[version])
    page.evaluate("([v, u, c]) => window.startLms(v, u, c)", [version, url + "index.html", cmi])
    init = "#LMSInitialize" if version == "1.2" else "#Initialize"
    page.wait_for_function(f"window.lmsCalls.some(c => c[0] === '{init}')")
    expect(page.frame_locator("#sco").locator("html[data-player=lms]")).to_have_count(1)
    handle = page.query_selector("#sco")
    assert handle is not None
    content = handle.content_frame()
    assert content is not None
    return page, content, requested


def calls(page: Page) -> list[list[str]]:
    result: list[list[str]] = page.evaluate("window.lmsCalls")
    return result


def cmi(page: Page) -> dict[str, Any]:
    tree: dict[str, Any] = page.evaluate(
        "JSON.parse(JSON.stringify(window.lmsApi.renderCMIToJSONObject()))"
    )
    inner: dict[str, Any] = tree.get("cmi", tree)
    return inner


def last_set(page: Page, element: str) -> str | None:
    values = [v for e, v in calls(page) if e == element]
    return values[-1] if values else None


def read_every_section(frame: FrameLocator, lesson: Lesson) -> None:
    for section in lesson.sections:
        frame.locator(f'[data-section-end="{section.id}"]').scroll_into_view_if_needed()
        expect(frame.locator(f'[data-toc="{section.id}"]')).to_have_class(re.compile(r"\bseen\b"))


def ids(lesson: Lesson) -> dict[str, Any]:
    by_kind = {a.kind: a for a in lesson.activities}
    decision = lesson.find(by_kind["decision"].id)
    assert decision is not None and decision.type == "decision"
    return {
        "practice": by_kind["practice"].id,
        "exercise": by_kind["exercise"].id,
        "decision": decision.id,
        "choices": [c.id for c in decision.choices],
        "scores": [c.score for c in decision.choices],
    }


def check_requests(requested: list[str], lms: LmsServer, version: str) -> None:
    allowed = re.compile(
        rf"^{re.escape(lms.origin)}/(lms\.html|scorm-again/scorm(12|2004)\.js|commit/{re.escape(version)}"
        rf"|pkg/{version.replace('.', '')}/(index\.html|player\.css|player/[a-z0-9]+\.js))$"
    )
    assert [u for u in requested if not allowed.match(u)] == []
