"""The course workbook PDF, read back with pypdf and pdftotext: contents page numbers, lesson
openers, nested bookmarks, tags, fonts, lesson links, bytes, and a failing course."""

from __future__ import annotations

import collections
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest

from aipm_content import load_course
from aipm_content.exporters.pdf import EXPORTER, PdfOptions
from aipm_content.exporters.pdf.course import Part, course_links, part_context
from aipm_content.exporters.pdf.document import part_html
from aipm_content.model.course import Course
from aipm_content.parse.diagnostics import LessonError

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
CLI = Path(sys.executable).with_name("aipm-export")


def page_texts(path: Path) -> list[str]:
    """Each page's text in reading order (pdftotext), squashed to single spaces."""
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    )
    pages = done.stdout.decode("utf-8").split("\f")[:-1]
    return [" ".join(page.split()) for page in pages]


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course(CONTENT / "course.yml")


@pytest.fixture(scope="module")
def course_pdf(tmp_path_factory: pytest.TempPathFactory, course: Course) -> Path:
    out = tmp_path_factory.mktemp("course") / "course.pdf"
    return EXPORTER.export(course, out, PdfOptions())


@pytest.fixture(scope="module")
def reader(course_pdf: Path) -> pypdf.PdfReader:
    return pypdf.PdfReader(course_pdf)


@pytest.fixture(scope="module")
def texts(course_pdf: Path) -> list[str]:
    return page_texts(course_pdf)


def contents_entries(texts: list[str], titles: list[str]) -> dict[str, int]:
    """The page number printed after each title on the contents pages (dot leaders between),
    the titles looked for in their order there."""
    contents = " ".join(text for text in texts[1:3] if "Contents" in text)
    found, start = {}, 0
    for title in titles:
        match = re.compile(re.escape(title) + r" ?\.*\s*(\d+)\b").search(contents, start)
        assert match, title
        found[title], start = int(match[1]), match.end()
    return found


def destination_page(reader: pypdf.PdfReader, name: str) -> int:
    """The 1-based page of a named destination (an HTML id of the workbook)."""
    page = reader.get_destination_page_number(reader.named_destinations[name])
    assert page is not None, name
    return page + 1


def test_contents_pages_are_the_pages_the_lesson_titles_are_on(
    course: Course, texts: list[str], reader: pypdf.PdfReader
) -> None:
    printed = contents_entries(texts, [lesson.title for lesson in course.lessons])
    assert len(set(printed.values())) == len(course.lessons)
    for lesson in course.lessons:
        page = printed[lesson.title]
        # The title block (title, then its facts) is on that page, and the lesson's own
        # anchor (its title's id) too.
        assert re.search(re.escape(lesson.title) + ".*READING TIME", texts[page - 1]), lesson.id
        assert destination_page(reader, lesson.id) == page


def test_contents_pages_of_sections_are_right(
    course: Course, texts: list[str], reader: pypdf.PdfReader
) -> None:
    lesson = course.lessons[1]
    titles = [s.title for s in lesson.sections if s.title]
    printed = contents_entries(texts, [lesson.title, *titles])
    for section in lesson.sections:
        if section.title:
            page = printed[section.title]
            assert section.title in texts[page - 1]
            assert destination_page(reader, f"{lesson.id}--{section.id}-title") == page


def test_every_lesson_opens_a_new_page_with_its_title_block(
    course: Course, texts: list[str], reader: pypdf.PdfReader
) -> None:
    for number, (module, lessons) in enumerate(course.module_lessons(), start=1):
        for lesson in lessons:
            page = destination_page(reader, lesson.id)
            opener = texts[page - 1]
            # The page starts with the module's kicker (nothing of the lesson before on it),
            # then the lesson's title block; its first section follows on the next page.
            assert opener.startswith(f"Module {number} · {module.title}".upper()), opener[:80]
            assert opener.index(lesson.title) < opener.index("READING TIME")
            opening = lesson.sections[0]  # an untitled introduction prints no heading to link
            first = f"{lesson.id}--{opening.id}" + ("-title" if opening.title else "")
            assert destination_page(reader, first) == page + 1


def outline_tree(reader: pypdf.PdfReader, items: Any) -> list[Any]:
    """The outline as nested (title, children) pairs."""
    tree: list[Any] = []
    for item in items:
        if isinstance(item, list):
            tree[-1] = (tree[-1][0], outline_tree(reader, item))
        else:
            tree.append((str(item.title), []))
    return tree


def test_bookmarks_nest_course_module_lesson_section(
    course: Course, reader: pypdf.PdfReader
) -> None:
    [(title, below)] = outline_tree(reader, reader.outline)
    assert title == course.title
    assert [t for t, _ in below] == ["Contents"] + [
        f"Module {n} · {m.title}" for n, m in enumerate(course.modules, start=1)
    ]
    for (_, lessons), (_module, module_lessons) in zip(
        below[1:], course.module_lessons(), strict=True
    ):
        assert [t for t, _ in lessons] == [lesson.title for lesson in module_lessons]
        for (_, sections), lesson in zip(lessons, module_lessons, strict=True):
            names = [t for t, _ in sections]
            expected = [s.title or "Introduction" for s in lesson.sections]
            assert names[: len(expected)] == expected
            assert names[len(expected) :] == ["Answer key"]


def struct_nodes(root: Any) -> Iterator[Any]:
    """Every structure element of a tagged PDF (marked-content and object references left out)."""
    stack = [root["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            stack.extend(node)
            continue
        if not isinstance(node, pypdf.generic.DictionaryObject):
            continue
        if str(node.get("/Type", "")) in ("/MCR", "/OBJR"):
            continue
        yield node
        kids = node.get("/K")
        if kids is not None:
            stack.extend(kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids])


def struct_headings(root: Any) -> dict[str, int]:
    """How many structure elements of each heading type (/H1, /H2 ...) a tagged PDF has."""
    kinds = (str(node.get("/S", "")) for node in struct_nodes(root))
    return dict(collections.Counter(kind for kind in kinds if re.fullmatch(r"/H\d", kind)))


def test_tagged_with_language_and_fonts_embedded(course: Course, reader: pypdf.PdfReader) -> None:
    root: Any = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    # The structure tree holds the headings of every part: the cover's, each module's and
    # each lesson's H1, and the sections' H2.
    headings = struct_headings(root)
    assert headings["/H1"] == 1 + len(course.modules) + len(course.lessons)
    assert headings["/H2"] >= sum(len(lesson.sections) for lesson in course.lessons)
    assert root["/Lang"] == "en-IN"
    assert reader.metadata is not None and reader.metadata.title == "AI PM Foundations"
    fonts = 0
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"]
                assert {"/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]
                fonts += 1
    assert fonts


def test_lesson_links_are_internal_links_to_the_right_page(
    course: Course, reader: pypdf.PdfReader, texts: list[str]
) -> None:
    printed = contents_entries(texts, [lesson.title for lesson in course.lessons])
    # "Where to go next" of the first lesson links the second lesson (lesson:prompt-evals-for-pms).
    links: dict[str, int] = {}
    for page in reader.pages[printed[course.lessons[0].title] :]:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if "/Dest" in annotation:
                name = str(annotation["/Dest"])
                links[name] = destination_page(reader, name)
    second = course.lessons[1]
    assert links[second.id] == printed[second.title]
    # A lesson:ID#section link lands on the page of that section in the other lesson.
    section = "ai-pm-career-path--the-skills-that-actually-matter"
    assert section in links
    assert "The skills that actually matter" in texts[links[section] - 1]
    assert not any(name.startswith("lesson:") for name in links)


def test_ids_are_unique_across_lessons(course: Course) -> None:
    links = course_links(course)
    seen: dict[str, str] = {}
    for number, (module, lessons) in enumerate(course.module_lessons(), start=1):
        for lesson in lessons:
            context = part_context(Part(lesson, module, number, False), links)
            html = "".join(
                part_html(lesson, PdfOptions(), part, **context) for part in ("body", "key")
            )
            for found in re.findall(r' id="([^"]+)"', html):
                assert found not in seen, (found, seen.get(found), lesson.id)
                seen[found] = lesson.id
    # Both lessons have an introduction and next steps; each keeps its own.
    assert seen["ai-pm-career-path--where-to-go-next"] == "ai-pm-career-path"
    assert seen["prompt-evals-for-pms--where-to-go-next"] == "prompt-evals-for-pms"


def test_byte_identical_from_a_copied_folder(course_pdf: Path, tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere" / "content"
    shutil.copytree(CONTENT, copy)
    out = tmp_path / "again.pdf"
    EXPORTER.export(load_course(copy / "course.yml"), out, PdfOptions())
    assert out.read_bytes() == course_pdf.read_bytes()


def test_a_failing_course_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "one.md").write_text(
        "---\nid: one\ntitle: One\n---\n\n## Start\n\nSee ![a secret](../secret.png).\n",
        encoding="utf-8",
    )
    (tmp_path / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "course.yml").write_text(
        "id: c\ntitle: C\nmodules:\n  - title: M\n    lessons: [one.md]\n", encoding="utf-8"
    )
    out = tmp_path / "course.pdf"
    out.write_bytes(b"old")
    run = subprocess.run(
        [str(CLI), "pdf", str(folder / "course.yml"), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2, run.stderr
    assert "one.md:" in run.stderr and "error[" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c", "course.pdf", "secret.png"]


def test_the_render_timeout_counts_per_lesson(course: Course, tmp_path: Path) -> None:
    out = tmp_path / "course.pdf"
    with pytest.raises(LessonError) as caught:
        EXPORTER.export(course, out, PdfOptions(timeout=0.001))
    [problem] = caught.value.diagnostics
    assert (problem.code, problem.line) == ("render-timeout", 1)
    assert problem.path.endswith("course.yml")
    assert "0.003 s" in problem.message and "(3 lessons)" in problem.message
    assert not out.exists()


def test_build_prints_a_course_beside_its_lessons(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    for name in ("one", "two"):
        (folder / f"{name}.md").write_text(
            f"---\nid: {name}\ntitle: Lesson {name}\n---\n\n## Start\n\nText of {name}.\n",
            encoding="utf-8",
        )
    (folder / "course.yml").write_text(
        "id: tiny\ntitle: Tiny\nmodules:\n  - title: M\n    lessons: [one.md, two.md]\n",
        encoding="utf-8",
    )
    out = tmp_path / "dist"
    run = subprocess.run(
        [str(CLI), "build", str(folder), "-o", str(out), "--formats", "pdf", "--no-cache"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    texts = page_texts(out / "tiny.pdf")
    assert "Lesson one" in texts[1] and "Lesson two" in texts[1]  # the contents
    assert (out / "one.pdf").is_file() and (out / "two.pdf").is_file()
