"""The EPUB book, opened and read back: reproducibility, navigation, metadata, safety; the
Chromium preview runs once through the command line."""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from aipm_content import load, parse
from aipm_content.cli import main as cli
from aipm_content.exporters.epub import EXPORTER, EpubOptions, epub_bytes
from aipm_content.exporters.epub.cover import wrap
from aipm_content.exporters.epub.metadata import (
    BOOK_NAMESPACE,
    CONFORMS_TO,
    FALLBACK_MODIFIED,
    modified_time,
)
from aipm_content.parse.diagnostics import LessonError
from conftest import FIXTURES
from epub_books import BOOKS, EVERY_MD, NS, XML_LANG, Book, text_of


@pytest.mark.parametrize("key", BOOKS)
def test_package_element_states_the_language(key: str, books: dict[str, Book]) -> None:
    """ebooklib writes no xml:lang on <package>; Ace (epub-lang) asks for it."""
    assert books[key].opf.get(XML_LANG) == books[key].lesson.language
    assert (
        books[key].files["EPUB/content.opf"].startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    )


@pytest.mark.parametrize("key", BOOKS)
def test_same_lesson_gives_byte_identical_books(
    key: str, books: dict[str, Book], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A different build time must not leak in: the lesson's revision dates the book.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    again = EXPORTER.export(books[key].lesson, tmp_path / "again.epub", EpubOptions())
    assert again.read_bytes() == books[key].data


@pytest.mark.parametrize("key", BOOKS)
def test_zip_layout_is_fixed(key: str, books: dict[str, Book]) -> None:
    infos = books[key].infos
    assert [i.filename for i in infos[:3]] == [
        "mimetype",
        "META-INF/container.xml",
        "EPUB/content.opf",
    ]
    assert infos[0].compress_type == zipfile.ZIP_STORED and infos[0].extra == b""
    assert books[key].files["mimetype"] == b"application/epub+zip"
    revision = books[key].lesson.revision
    assert revision is not None
    assert {i.date_time for i in infos} == {(revision.year, revision.month, revision.day, 0, 0, 0)}
    assert [i.filename for i in infos[3:]] == sorted(i.filename for i in infos[3:])
    assert not any(" " in i.filename for i in infos)


def test_modified_date_comes_from_revision_then_source_date_epoch_then_a_fixed_epoch() -> None:
    dated = parse("---\nid: a\ntitle: A\nlanguage: en\nrevision: '2025-02-03'\n---\n\nText.\n")
    undated = parse("---\nid: a\ntitle: A\nlanguage: en\n---\n\nText.\n")
    assert (
        modified_time(dated, {"SOURCE_DATE_EPOCH": "0"}).isoformat() == "2025-02-03T00:00:00+00:00"
    )
    assert modified_time(undated, {"SOURCE_DATE_EPOCH": "1700000000"}).isoformat() == (
        "2023-11-14T22:13:20+00:00"
    )
    assert modified_time(undated, {}) == FALLBACK_MODIFIED
    with pytest.raises(LessonError, match="SOURCE_DATE_EPOCH"):
        modified_time(undated, {"SOURCE_DATE_EPOCH": "yesterday"})


def test_undated_lesson_is_still_reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    lesson = parse("---\nid: undated\ntitle: Undated\nlanguage: en\n---\n\nText.\n")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = epub_bytes(lesson)
    assert first == epub_bytes(lesson)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert epub_bytes(lesson) != first  # the build date is the one thing that moved
    with zipfile.ZipFile(io.BytesIO(epub_bytes(lesson))) as book:
        assert b"2023-11-14T22:13:20Z" in book.read("EPUB/content.opf")


@pytest.mark.parametrize("key", BOOKS)
def test_nav_and_ncx_list_every_section_in_order(key: str, books: dict[str, Book]) -> None:
    book = books[key]
    nav = book.xml("nav.xhtml")
    toc = nav.find(".//h:nav[@epub:type='toc']", NS)
    assert toc is not None
    top = [a.get("href") for a in toc.iterfind("h:ol/h:li/h:a", NS)]
    assert top == book.section_files()
    titles = [a.text for a in toc.iterfind("h:ol/h:li/h:a", NS)]
    assert titles == [s.title or "Introduction" for s in book.lesson.sections]
    # Every activity is listed under its section, pointing at an id that exists.
    nested = [a.get("href", "") for a in toc.iterfind("h:ol/h:li/h:ol/h:li/h:a", NS)]
    assert [h.split("#")[1] for h in nested] == [a.id for a in book.lesson.activities]
    for href in nested:
        name, fragment = href.split("#")
        assert book.xml(name).find(f".//*[@id='{fragment}']") is not None
    landmarks = nav.find(".//h:nav[@epub:type='landmarks']", NS)
    assert landmarks is not None
    kinds = [a.get(f"{{{NS['epub']}}}type") for a in landmarks.iterfind(".//h:a", NS)]
    assert kinds == ["cover", "titlepage", "toc", "bodymatter"]
    ncx = book.xml("toc.ncx")
    ncx_top = [c.get("src") for c in ncx.iterfind("ncx:navMap/ncx:navPoint/ncx:content", NS)]
    assert ncx_top == book.section_files()
    spine = [ref.get("idref") for ref in book.opf.iterfind(".//opf:itemref", NS)]
    assert spine == [
        "cover",
        "titlepage",
        "nav",
        *(f"section-{s.id}" for s in book.lesson.sections),
    ]


@pytest.mark.parametrize("key", BOOKS)
def test_package_metadata(key: str, books: dict[str, Book]) -> None:
    book = books[key]
    lesson = book.lesson
    assert book.opf.findtext(".//dc:language", namespaces=NS) == lesson.language
    assert book.opf.findtext(".//dc:title", namespaces=NS) == lesson.title
    identifier = book.opf.findtext(".//dc:identifier", namespaces=NS)
    assert identifier == f"urn:uuid:{uuid.uuid5(BOOK_NAMESPACE, lesson.id)}"
    assert book.opf.get("unique-identifier") == "id"
    assert book.meta("dcterms:modified") == [f"{lesson.revision}T00:00:00Z"]
    assert book.meta("dcterms:conformsTo") == [CONFORMS_TO]
    assert book.meta("schema:accessibilityHazard") == ["none"]
    assert "textual" in book.meta("schema:accessModeSufficient")
    features = book.meta("schema:accessibilityFeature")
    assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= set(features)
    assert book.meta("schema:accessibilitySummary")[0].strip()
    has_images = key == "every"
    assert ("alternativeText" in features) is has_images
    assert ("visual" in book.meta("schema:accessMode")) is has_images
    manifest = {i.get("id"): i for i in book.opf.iterfind(".//opf:item", NS)}
    assert all(re.match(r"^[A-Za-z]", uid or "") for uid in manifest)
    assert manifest["cover-image"].get("properties") == "cover-image"
    assert manifest["nav"].get("properties") == "nav"


@pytest.mark.parametrize("key", BOOKS)
def test_no_scripting_anywhere(key: str, books: dict[str, Book]) -> None:
    for name, root in books[key].documents():
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            local = etree.QName(el).localname
            assert local not in ("script", "form", "iframe", "object", "embed"), name
            assert not [a for a in el.attrib if etree.QName(a).localname.startswith("on")], name
            for attr in ("href", "src"):
                value = (el.get(attr) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:", "file:")), name
    manifest = books[key].opf.iterfind(".//opf:item", NS)
    assert not any("scripted" in (i.get("properties") or "") for i in manifest)


@pytest.mark.parametrize("key", BOOKS)
def test_documents_carry_language_and_headings_in_order(key: str, books: dict[str, Book]) -> None:
    lang = books[key].lesson.language
    for name, root in books[key].documents():
        assert root.get("lang") == root.get(XML_LANG) == lang, name
        assert root.findtext("h:head/h:title", namespaces=NS), name
        levels = [
            int(el.tag[-1]) for el in root.iter() if re.fullmatch(r"\{.*\}h[1-6]", str(el.tag))
        ]
        if levels:
            assert levels[0] == 1, name
            assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), name
        for img in root.iterfind(".//h:img", NS):
            assert (img.get("alt") or "").strip(), name
        body = root.find("h:body", NS)
        assert body is not None and body.get(f"{{{NS['epub']}}}type") in (
            "frontmatter",
            "bodymatter",
        )


def test_images_are_copied_in_under_safe_names(books: dict[str, Book]) -> None:
    book = books["every"]
    png = (FIXTURES / "epub" / "images" / "skills-chart.png").read_bytes()
    assert book.files["EPUB/images/image-01.png"] == png
    intro = book.xml("section-introduction.xhtml")
    img = intro.find(".//h:img", NS)
    assert img is not None and img.get("src") == "images/image-01.png"
    assert img.get("alt") == "Bar chart: three skills, data quality rated highest"
    assert img.getparent() is not None and img.getparent().get("class") == "figure"  # type: ignore[union-attr]


def test_links_resolve_across_documents_or_become_text(books: dict[str, Book]) -> None:
    intro = books["every"].xml("section-introduction.xhtml")
    hrefs = [a.get("href") for a in intro.iterfind(".//h:a", NS)]
    assert hrefs == ["https://example.com/guide?x=1&y=2", "section-activities.xhtml#case-offers"]
    outside = [text_of(s) for s in intro.iterfind(".//h:span[@class='link-outside']", NS)]
    assert outside == ["another lesson (other-lesson.md)", "this anchor (#no-such-anchor)"]
    where = books["every"].xml("section-where-next.xhtml")
    assert [a.get("href") for a in where.iterfind(".//h:a", NS)] == ["https://example.com/fraud"]
    assert "Next lesson (next-lesson.md)" in text_of(where)


def test_text_in_devanagari_and_emoji_survives(books: dict[str, Book]) -> None:
    files = books["every"].files
    intro = files["EPUB/section-introduction.xhtml"].decode("utf-8")
    assert "नमस्ते, दुनिया" in intro and "🎉👍🔥" in intro
    assert "काल करे सो आज कर" in files["EPUB/title.xhtml"].decode("utf-8")
    threads = books["every"].xml("section-scenes-and-threads.xhtml")
    reactions = [r.get("aria-label") for r in threads.iterfind(".//h:span[@class='reaction']", NS)]
    assert "4 +1 reactions" in reactions


def test_decisions_open_without_scripting(books: dict[str, Book]) -> None:
    page = books["seed"].xml("section-test-yourself.xhtml")
    decision = books["seed"].lesson.sections[-2].blocks[0]
    assert decision.type == "decision"
    details = page.findall(".//h:ol[@class='choices']/h:li/h:details", NS)
    assert len(details) == len(decision.choices)
    for d, choice in zip(details, decision.choices, strict=True):
        summary = d.find("h:summary", NS)
        assert summary is not None and choice.text.text in text_of(summary)
        feedback = d.find("h:div[@class='feedback']", NS)
        assert choice.feedback is not None and feedback is not None
        assert choice.feedback.text in text_of(feedback)
    best = page.findall(".//h:p[@class='verdict best']", NS)
    assert len(best) == 1 and "10 of 10" in text_of(best[0])


def test_practice_links_to_its_case_and_states_the_minimum_length(books: dict[str, Book]) -> None:
    page = books["seed"].xml("section-how-to-make-the-transition.xhtml")
    practice = page.find(".//h:section[@class='block practice']", NS)
    assert practice is not None
    link = practice.find(".//h:a", NS)
    assert link is not None and link.get("href") == "#judgment-you-have-five-years-of-pm"
    assert "at least 80 characters" in text_of(practice)
    # The case is linked, not repeated: its scenario appears once in the document.
    assert text_of(page).count("five years of PM experience at Zoho") == 1


def test_cover_is_generated_svg_with_the_title(books: dict[str, Book]) -> None:
    svg = etree.fromstring(books["every"].files["EPUB/images/cover.svg"])
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.findtext("{http://www.w3.org/2000/svg}title") == books["every"].lesson.title
    text = text_of(svg)
    assert "हर ब्लॉक:" in text and "Asha Verma" in text
    cover = books["every"].xml("cover.xhtml").find(".//h:img", NS)
    assert cover is not None and cover.get("src") == "images/cover.svg"


def test_cover_title_wrap() -> None:
    assert wrap("one two three four", 5, 6) == ["one two", "three", "four"]
    assert wrap("a b c d", 0.5, 2) == ["a", "b…"]


def test_failed_export_writes_nothing_and_keeps_the_old_file(tmp_path: Path) -> None:
    folder = tmp_path / "lesson"
    (folder / "images").mkdir(parents=True)
    shutil.copy(FIXTURES / "epub" / "images" / "skills-chart.png", folder / "images")
    source = folder / "pictured.md"
    source.write_text(
        "---\nid: pictured\ntitle: Pictured\nlanguage: en\n---\n\n"
        "![A chart](images/skills-chart.png)\n",
        encoding="utf-8",
    )
    lesson = load(source)
    out = tmp_path / "out" / "pictured.epub"
    out.parent.mkdir()
    out.write_bytes(b"previous book")
    (folder / "images" / "skills-chart.png").write_bytes(b"not a png at all")
    with pytest.raises(LessonError, match=r"not a \.png image"):
        EXPORTER.export(lesson, out, EpubOptions())
    assert out.read_bytes() == b"previous book"
    assert sorted(p.name for p in out.parent.iterdir()) == ["pictured.epub"]


def test_images_need_the_lessons_folder() -> None:
    lesson = parse("---\nid: a\ntitle: A\nlanguage: en\n---\n\n![A chart](chart.png)\n")
    with pytest.raises(LessonError, match="not loaded from a folder"):
        epub_bytes(lesson)


def test_importing_the_exporter_loads_no_heavy_library() -> None:
    code = (
        "import sys, aipm_content.exporters.epub as e; "
        "print(sorted(m for m in ('ebooklib', 'lxml', 'playwright') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


@pytest.mark.slow
def test_cli_preview_writes_a_png_per_page(tmp_path: Path) -> None:
    out, shots = tmp_path / "book.epub", tmp_path / "preview"
    result = CliRunner().invoke(
        cli, ["epub", str(EVERY_MD), "-o", str(out), "--preview", str(shots)]
    )
    assert result.exit_code == 0, result.output
    pngs = sorted(p.name for p in shots.iterdir())
    lesson = load(EVERY_MD)
    pages = ["cover", "title", "nav", *(f"section-{s.id}" for s in lesson.sections)]
    assert pngs == [f"book-{n:02d}-{page}.png" for n, page in enumerate(pages, start=1)]
    for png in shots.iterdir():
        data = png.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 2000
    assert out.read_bytes() == epub_bytes(lesson)
