"""One layout per page: a PDF is several WeasyPrint documents (a lesson's sections, its answer
key, the front laid out last) joined, and every printed page number is text read from the
documents laid out before it. Each test counts WeasyPrint's page layouts and reads the PDF
back to check every printed number against the page the text is really on."""

from __future__ import annotations

import collections
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest

from aipm_content import load_course, parse
from aipm_content.exporters.pdf import EXPORTER, PdfOptions
from aipm_content.model.course import Course
from aipm_content.model.lesson import Lesson
from test_pdf_course import struct_nodes

ROOT = Path(__file__).resolve().parent.parent
LEADER = re.compile(r"^(.*?)\s*\.{3,}\s*(\d+)$")
"""A contents line: its text, dot leaders, the page number."""


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> Iterator[collections.Counter[int]]:
    """How many times WeasyPrint lays out a page, by its index in its document
    (``remake_page`` lays out every page, the first time and each time again)."""
    from weasyprint.layout import page

    counts: collections.Counter[int] = collections.Counter()
    remake = page.remake_page

    def counted(index: int, *args: Any, **kwargs: Any) -> Any:
        counts[index] += 1
        return remake(index, *args, **kwargs)

    monkeypatch.setattr(page, "remake_page", counted)
    yield counts


@pytest.fixture
def leaders(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many lines have their ``leader()`` filled with dots (a box per dot), in a list of
    one: the contents' dot leaders, each on one line."""
    from weasyprint.layout import inline, leader

    filled = [0]
    fill = leader.handle_leader

    def counted(context: Any, line: Any, containing_block: Any) -> None:
        filled[0] += leader.leader_index(line)[0] is not None
        fill(context, line, containing_block)

    # inline calls its own name for it; leaders.install puts ours there, which
    # calls leader's.
    monkeypatch.setattr(inline, "handle_leader", counted)
    monkeypatch.setattr(leader, "handle_leader", counted)
    yield filled


def page_lines(path: Path) -> list[list[str]]:
    """Each page's lines (pdftotext's reading order), stripped, empty ones dropped."""
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    )
    pages = done.stdout.decode("utf-8").split("\f")[:-1]
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in pages]


def destination_page(reader: pypdf.PdfReader, name: str) -> int:
    """The 1-based page a named destination (an HTML id) is on."""
    page = reader.get_destination_page_number(reader.named_destinations[name])
    assert page is not None, name
    return page + 1


def link_targets(reader: pypdf.PdfReader, number: int) -> list[str]:
    """The named destinations page ``number`` links to, in order, a link broken over lines
    counted once."""
    names: list[str] = []
    for annotation in reader.pages[number - 1].get("/Annots") or []:
        name = str(annotation.get_object().get("/Dest", ""))
        if name and (not names or names[-1] != name):
            names.append(name)
    return names


def check_printed_pages(
    path: Path, front: int, headings: list[str], openers: frozenset[int] = frozenset({1})
) -> dict[str, int]:
    """Check every page number the PDF prints; return the contents' entries (text -> page).

    The contents (pages 2 to ``front``): each entry's number is the page its link lands on,
    and each of ``headings`` is printed on the page its entry gives; every page but the
    ``openers`` (title pages, without furniture) has the footer "Page N" for its own N; an
    answer key's "page N" is where the link it is on lands.
    """
    lines = page_lines(path)
    reader = pypdf.PdfReader(path)
    for number, page in enumerate(lines, start=1):
        footers = [line for line in page if re.fullmatch(r"Page \d+", line)]
        assert footers == ([] if number in openers else [f"Page {number}"]), number
    entries = [m for page in lines[1:front] for m in map(LEADER.match, page) if m]
    targets = [name for number in range(2, front + 1) for name in link_targets(reader, number)]
    assert len(entries) == len(targets) > 0
    contents: dict[str, int] = {}
    for entry, name in zip(entries, targets, strict=True):
        printed = int(entry[2])
        assert printed == destination_page(reader, name), (entry[1], name)
        contents.setdefault(entry[1], printed)
    for heading in headings:
        assert heading in " ".join(lines[contents[heading] - 1]), heading
    for number, page in enumerate(lines, start=1):
        if "Try each activity before you read on." not in " ".join(page):
            continue
        refs = [int(m[1]) for line in page for m in [re.search(r"(?:^| )page (\d+)$", line)] if m]
        links = [destination_page(reader, n) for n in link_targets(reader, number)]
        assert refs and refs == links, (number, refs, links)
    return contents


def test_the_handout_lays_out_each_page_once(
    seed_lesson: Lesson, layouts: collections.Counter[int], tmp_path: Path
) -> None:
    out = EXPORTER.export(seed_lesson, tmp_path / "seed.pdf", PdfOptions())
    reader = pypdf.PdfReader(out)
    # 18 layouts for these 12 pages when target-counter() printed the numbers.
    assert sum(layouts.values()) == len(reader.pages) == 12
    titles = [s.title or "Introduction" for s in seed_lesson.sections]
    contents = check_printed_pages(out, 2, [*titles, "Answer key"])
    assert contents["Answer key"] == len(reader.pages)
    # The joined parts keep their outline and structure: the sections, the contents before
    # them and the answer key after them, each a heading of the tagged PDF.
    top = [str(item.title) for item in reader.outline if not isinstance(item, list)]
    assert top == ["Contents", *titles, "Answer key"]
    root: Any = reader.trailer["/Root"]
    headings = list(struct_elements(root, "/H2"))
    assert len(headings) == 2 + sum(1 for s in seed_lesson.sections if s.title)


def struct_elements(root: Any, kind: str) -> Iterator[Any]:
    """The structure elements of type ``kind`` in a tagged PDF."""
    return (node for node in struct_nodes(root) if str(node.get("/S", "")) == kind)


def long_contents_lesson(sections: int) -> str:
    parts = ["---\nid: long\ntitle: Long\n---\n"]
    for n in range(sections):
        parts.append(f"## Part {n}\n\nThe text of part {n}.\n")
        if n % 10 == 0:
            parts.append(
                f"::::{{decision}} Choice {n}\nWhich one?\n\n:::{{choice}} This one.\n:score: 2\n"
                "Right.\n:::\n\n:::{choice} That one.\n:score: 0\nWrong.\n:::\n::::\n"
            )
    return "\n".join(parts)


def test_a_long_contents_is_sized_before_the_rest_is_numbered(
    layouts: collections.Counter[int], leaders: list[int], tmp_path: Path
) -> None:
    """A contents too long to be sure of one page is laid out once with placeholder numbers
    and its dot leaders left unfilled, to learn its length; every other page is laid out
    once, and every leader filled once."""
    out = EXPORTER.export(parse(long_contents_lesson(45)), tmp_path / "l.pdf", PdfOptions())
    lines = page_lines(out)
    front = destination_page(pypdf.PdfReader(out), "part-0-title") - 1
    assert front == 3  # the title page and two pages of contents
    assert sum(layouts.values()) == len(lines) + front
    contents = check_printed_pages(out, front, [f"Part {n}" for n in range(45)])
    assert contents["Part 0"] == front + 1
    assert len(contents) == 45 + 5 + 1  # the parts, their decisions, the answer key
    entries = [line for page in lines[1:front] for line in page if LEADER.match(line)]
    # Once each (and a line tried at a page's foot before it moves over): twice each when the
    # sizing layout filled them too.
    assert len(entries) <= leaders[0] < len(entries) + front


def test_a_front_longer_than_predicted_renumbers_the_rest(
    seed_lesson: Lesson, layouts: collections.Counter[int], tmp_path: Path
) -> None:
    """A theme that spreads the contents over more pages than predicted: the sections and the
    key are laid out again, numbered from the page after the real front (rare: twice the
    pages laid out, never a wrong number)."""
    options = PdfOptions(theme_css=".toc .toc-section { margin-bottom: 22mm; }")
    out = EXPORTER.export(seed_lesson, tmp_path / "tall.pdf", options)
    lines = page_lines(out)
    front = destination_page(pypdf.PdfReader(out), "introduction") - 1
    assert front > 2
    assert sum(layouts.values()) == 2 * len(lines)
    titles = [s.title or "Introduction" for s in seed_lesson.sections]
    assert check_printed_pages(out, front, titles)["Introduction"] == front + 1


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course(ROOT / "content" / "course.yml")


def test_the_workbook_lays_out_each_page_once(
    course: Course, layouts: collections.Counter[int], tmp_path: Path
) -> None:
    out = EXPORTER.export(course, tmp_path / "course.pdf", PdfOptions())
    reader = pypdf.PdfReader(out)
    # 38 layouts for these 28 pages with the contents sized by a placeholder layout and the
    # answer keys' page numbers from target-counter().
    assert sum(layouts.values()) == len(reader.pages) == 28
    openers = frozenset({1, *(destination_page(reader, x.id) for x in course.lessons)})
    titles = [x.title for x in course.lessons]
    titles += [s.title for x in course.lessons for s in x.sections if s.title]
    contents = check_printed_pages(out, 2, titles, openers)
    assert all(contents[x.title] == destination_page(reader, x.id) for x in course.lessons)
    keys = [n for n, page in enumerate(page_lines(out), start=1) if "Try each" in " ".join(page)]
    assert len(keys) == len(course.lessons)


def test_a_workbook_with_a_long_contents_fills_each_leader_once(
    layouts: collections.Counter[int], leaders: list[int], tmp_path: Path
) -> None:
    """The course's front sized as a lesson's is: laid out once more, its leaders unfilled."""
    modules = []
    for module in range(2):
        names = []
        for n in range(2):
            name = f"long-{module}-{n}"
            text = long_contents_lesson(20).replace(
                "id: long\ntitle: Long", f"id: {name}\ntitle: {name}"
            )
            (tmp_path / f"{name}.md").write_text(text, encoding="utf-8")
            names.append(f"      - {name}.md")
        modules.append(f"  - title: Module {module}\n    lessons:\n" + "\n".join(names))
    yml = "id: long-course\ntitle: Long course\nmodules:\n" + "\n".join(modules) + "\n"
    (tmp_path / "course.yml").write_text(yml, encoding="utf-8")
    course = load_course(tmp_path / "course.yml")
    out = EXPORTER.export(course, tmp_path / "course.pdf", PdfOptions())
    reader = pypdf.PdfReader(out)
    front = destination_page(reader, course.lessons[0].id) - 1
    assert front == 4  # the cover and three pages of contents
    assert sum(layouts.values()) == len(reader.pages) + front
    openers = frozenset({1, *(destination_page(reader, x.id) for x in course.lessons)})
    titles = [x.title for x in course.lessons]
    titles += [s.title for x in course.lessons for s in x.sections if s.title]
    check_printed_pages(out, front, titles, openers)
    entries = [line for page in page_lines(out)[1:front] for line in page if LEADER.match(line)]
    assert len(entries) == 4 * (1 + 20 + 1)  # a lesson's title, its parts and its key
    assert len(entries) <= leaders[0] < len(entries) + front
