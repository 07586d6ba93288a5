"""``aipm-export preview`` as an author uses it: the server in a subprocess, pages in Chromium.

The author's editor is a plain file write; every wait is on a condition (Playwright's bounded
waits, or a line the server prints), never on time passing. Raw HTTP requests check that only
the rendered pages and the lesson's own images are served.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from aipm_content import load, load_course
from aipm_content.exporters.scorm.package import package_files
from conftest import ROOT, SEED_MD
from preview_server import (
    CHART,
    FIRST,
    LESSON,
    LESSON_ID,
    TENSION_LINE,
    WAIT_MS,
    WAIT_S,
    Server,
    write_lesson,
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lesson folder with an image and a symlink out of it, next to a secret and settings."""
    root = tmp_path_factory.mktemp("preview")
    folder = root / "lesson"
    (folder / "images").mkdir(parents=True)
    shutil.copy(CHART, folder / "images" / "chart.png")
    shutil.copy(CHART, root / "secret.png")
    (root / "secret.txt").write_text("TOP SECRET\n", encoding="utf-8")
    (folder / "images" / "leak.png").symlink_to(root / "secret.png")
    (root / "settings").mkdir()
    write_lesson(folder)
    return folder


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[Server]:
    running = Server(project / "lesson.md", project.parent / "settings")
    yield running
    assert running.stop() == 0, running.output


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1000, "height": 500})
    context.set_default_timeout(WAIT_MS)
    opened = context.new_page()
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            errors.append(f"{message.text} ({message.location['url']})")

    opened.on("console", console)
    opened.on("pageerror", lambda e: errors.append(str(e)))
    yield opened
    context.close()
    assert errors == []  # no CSP refusal, no script error


@pytest.fixture
def restore(project: Path) -> Iterator[None]:
    """Put the lesson back after a test that edits it."""
    yield
    write_lesson(project)


# -- what the page shows ---------------------------------------------------------------------


def test_the_page_is_the_lesson_as_the_scorm_player_shows_it(
    server: Server, project: Path, page: Page
) -> None:
    page.goto(server.url)
    expect(page).to_have_url(f"{server.url}{LESSON_ID}/")
    expect(page.locator("#lesson")).to_contain_text(FIRST)
    expect(page.locator("#connection")).to_contain_text("Not connected to an LMS")
    chart = page.locator("img[alt='A bar chart of three skills']")
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.naturalWidth") > 0
    # The player's own files, byte for byte; the page differs only by the preview's two tags
    # in place of the CSP meta tag and the scope script (the preview's policy is a header).
    package = package_files(load(project / "lesson.md"), "1.2", 80)
    assert "player.css" in package and any(name.endswith(".js") for name in package)
    for name, body in package.items():
        if name not in ("index.html", "imsmanifest.xml"):
            assert server.get(f"/{LESSON_ID}/{name}") == (200, body)
    status, served = server.get(f"/{LESSON_ID}/")
    assert status == 200
    exported = package["index.html"].decode()
    assert "_preview" not in exported
    preview_lines = [line for line in served.decode().splitlines() if "/_preview/" in line]
    assert len(preview_lines) == 2
    kept = [line for line in served.decode().splitlines() if line not in preview_lines]
    assert kept == [
        line
        for line in exported.splitlines()
        if "Content-Security-Policy" not in line and "player/scope.js" not in line
    ]


def test_the_print_view_and_the_pdf(server: Server, page: Page) -> None:
    page.goto(f"{server.url}{LESSON_ID}/print.html")
    expect(page.locator("h1#lesson-title")).to_have_text("Preview lesson")
    expect(page.locator("body")).to_contain_text(FIRST)
    # print.css applies: the title page is laid out by it, not by the browser's defaults
    assert page.locator("link[href='print.css']").count() == 1
    assert server.get(f"/{LESSON_ID}/print.css")[0] == 200
    status, pdf = server.get(f"/{LESSON_ID}/{LESSON_ID}.pdf")
    assert status == 200 and pdf.startswith(b"%PDF-")
    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert "first version" in text
    assert server.get(f"/{LESSON_ID}/{LESSON_ID}.pdf") == (200, pdf)


# -- live reload -----------------------------------------------------------------------------


@pytest.mark.usefixtures("restore")
def test_an_edit_updates_the_open_page_and_keeps_the_scroll_position(
    server: Server, project: Path, page: Page
) -> None:
    page.goto(f"{server.url}{LESSON_ID}/")
    expect(page.locator("#lesson")).to_contain_text(FIRST)
    expect(page.locator(".aipm-preview-bar")).to_be_visible()  # the event stream is open
    page.evaluate("window.scrollTo(0, 600)")
    assert page.evaluate("window.scrollY") == 600
    edited = "Second version <script>window.pwned = 1</script><img src=x onerror=window.pwned=2>."
    write_lesson(project, LESSON.replace(FIRST, edited))
    expect(page.locator("#lesson")).to_contain_text("Second version <script>window.pwned = 1")
    page.wait_for_load_state("load")  # the reloaded page puts the position back on load
    assert page.evaluate("window.scrollY") == 600
    assert page.evaluate("window.pwned") is None  # the lesson's markup is text, as in exports


@pytest.mark.usefixtures("restore")
def test_a_broken_directive_lays_every_problem_over_the_last_good_page(
    server: Server, project: Path, page: Page
) -> None:
    page.goto(f"{server.url}{LESSON_ID}/")
    expect(page.locator("#lesson")).to_contain_text(FIRST)
    source = project / "lesson.md"
    broken = LESSON.replace(":::{tension}", ":::{tensionx}").replace(
        FIRST, f"{FIRST} See [the notes](notes.md)."
    )
    write_lesson(project, broken)
    overlay = page.locator(".aipm-preview-overlay")
    expect(overlay).to_be_visible()
    expect(overlay).to_contain_text(f"{source}:{TENSION_LINE}:1")
    expect(overlay).to_contain_text("error[unknown-directive]")
    expect(overlay).to_contain_text("warning[")  # the relative link's warning is listed too
    expect(page.locator("#lesson")).to_contain_text(FIRST)  # the last good render stays
    assert "See the notes" not in page.locator("#lesson").inner_text()
    printed = server.wait_for_line(re.compile(r"unknown-directive"))
    assert f"{source}:{TENSION_LINE}:1: error[unknown-directive]" in printed
    write_lesson(project, LESSON.replace(FIRST, "Fixed again."))
    expect(page.locator("#lesson")).to_contain_text("Fixed again.")
    expect(page.locator(".aipm-preview-overlay")).to_have_count(0)


def test_a_theme_or_image_save_updates_the_page(server: Server, project: Path, page: Page) -> None:
    theme = project.parent / "settings" / "scorm.css"
    chart = project / "images" / "chart.png"
    page.goto(f"{server.url}{LESSON_ID}/")
    title = page.locator(".bar-title")
    expect(title).to_be_visible()
    expect(page.locator(".aipm-preview-bar")).to_be_visible()
    try:
        theme.write_text(".bar-title { color: rgb(1, 2, 3); }\n", encoding="utf-8")
        expect(title).to_have_css("color", "rgb(1, 2, 3)")
        wider = tiny_png(width=7)
        chart.write_bytes(wider)
        expect(page.locator("img[alt='A bar chart of three skills']")).to_have_js_property(
            "naturalWidth", 7
        )
    finally:
        theme.unlink(missing_ok=True)
        shutil.copy(CHART, chart)
    expect(title).not_to_have_css("color", "rgb(1, 2, 3)")


def tiny_png(width: int) -> bytes:
    """A valid grey PNG, ``width`` x 1."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x80" * width)
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def test_a_diagnostic_is_shown_as_text(server: Server, project: Path, page: Page) -> None:
    page.goto(f"{server.url}{LESSON_ID}/")
    expect(page.locator("#lesson")).to_contain_text(FIRST)
    markup = "<img/src=x/onerror=window.pwned=1>"
    try:
        write_lesson(project, LESSON.replace(":::{tension}", f":::{{x{markup}}}"))
        overlay = page.locator(".aipm-preview-overlay")
        expect(overlay).to_contain_text(f"unknown directive 'x{markup}'")
        assert overlay.locator("img").count() == 0
        assert page.evaluate("window.pwned") is None
    finally:
        write_lesson(project)
    expect(page.locator(".aipm-preview-overlay")).to_have_count(0)


# -- safety ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/../../../../etc/passwd",
        f"/{LESSON_ID}/../../secret.txt",
        f"/{LESSON_ID}/images/../../secret.png",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        f"/{LESSON_ID}/%2e%2e/%2e%2e/secret.txt",
        f"/{LESSON_ID}/images/..%2f..%2fsecret.png",
        f"/{LESSON_ID}/images/%2e%2e%2f%2e%2e%2fsecret.png",
        "/%252e%252e/secret.txt",
        "/..%5c..%5csecret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/%2fetc%2fpasswd",
        f"/{LESSON_ID}/images/leak.png",
        f"/{LESSON_ID}/lesson.md",
        f"/{LESSON_ID}/imsmanifest.xml",
        "/_preview/../../secret.txt",
        "/_preview/%2e%2e%2fapp.py",
        "/_preview/app.py",
    ],
)
def test_nothing_outside_the_rendered_pages_is_served(
    server: Server, project: Path, path: str
) -> None:
    status, body = server.get(path)
    assert status == 404
    assert b"SECRET" not in body and not body.startswith(b"\x89PNG")


def test_absolute_paths_and_other_hosts_are_refused(server: Server, project: Path) -> None:
    assert server.get(f"/{LESSON_ID}/images/chart.png") == (200, CHART.read_bytes())
    assert server.get(str(project.parent / "secret.txt"))[0] == 404
    assert server.get(str(project / "images" / "chart.png"))[0] == 404
    # A page elsewhere whose name was rebound to 127.0.0.1 sends its own Host: refused.
    assert server.get(f"/{LESSON_ID}/", host="attacker.example")[0] == 400


def test_it_listens_on_127_0_0_1_only(server: Server) -> None:
    port = f"{server.port:04X}"
    listening = [
        line.split()[1]
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
        if line.split()[1].endswith(f":{port}") and line.split()[3] == "0A"
    ]
    assert listening == [f"0100007F:{port}"]
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", server.port), timeout=WAIT_S).close()


# -- a course, and stopping ------------------------------------------------------------------


def test_a_course_has_an_index_of_its_modules_and_lessons(browser: Browser, tmp_path: Path) -> None:
    course = load_course(ROOT / "content" / "course.yml")
    running = Server(ROOT / "content" / "course.yml", tmp_path)
    try:
        page = browser.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(running.url)
        for module, lessons in course.module_lessons():
            expect(page.locator("h2", has_text=module.title)).to_be_visible()
            for lesson in lessons:
                expect(page.locator(f"a[href='/{lesson.id}/']")).to_have_text(lesson.title)
        last = course.lessons[-1]
        page.locator(f"a[href='/{last.id}/']").click()
        expect(page.locator("#lesson h1, #lesson h2").first).to_be_visible()
        expect(page.locator(".aipm-preview-bar a", has_text="Course")).to_have_attribute(
            "href", "/"
        )
        page.close()
    finally:
        assert running.stop() == 0, running.output


def test_ctrl_c_stops_it_cleanly_with_a_page_open(
    browser: Browser, project: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "lesson"
    shutil.copytree(project, folder, symlinks=True)
    running = Server(folder / "lesson.md", tmp_path)
    page = browser.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(running.url)
    expect(page.locator(".aipm-preview-bar")).to_be_visible()  # its event stream is open
    assert running.stop() == 0
    page.close()
    assert "Traceback" not in running.output
    assert "Preview stopped." in running.output


# -- a missing extra is a located error, not an internal one ---------------------------------

WITHOUT = """
import sys
sys.modules[sys.argv[1]] = None  # as if its extra were not installed
from aipm_content.cli import main
main(sys.argv[2:], prog_name="aipm-export")
"""


@pytest.mark.parametrize(
    ("module", "extra", "args"),
    [
        ("playwright", "preview", ["epub", str(SEED_MD), "-o", "out.epub", "--preview", "pages"]),
        ("weasyprint", "pdf", ["pdf", str(SEED_MD), "-o", "out.pdf", "--preview", "pages"]),
        ("uvicorn", "preview", ["preview", str(SEED_MD)]),
        ("watchfiles", "preview", ["preview", str(SEED_MD)]),
    ],
    ids=["epub-preview", "pdf-preview", "preview-uvicorn", "preview-watchfiles"],
)
def test_a_missing_extra_is_named(tmp_path: Path, module: str, extra: str, args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT, module, *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=WAIT_S,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith("<command line>:1:1: error[missing-extra]: "), done.stderr
    assert f"pip install 'aipm-content[{extra}]'" in first and module in first
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # checked before anything is written
