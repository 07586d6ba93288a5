"""The course workbook: a cover and contents, then every lesson (its title block, its
sections, its answer key), as one tagged PDF.

Each lesson is laid out as its own WeasyPrint document, with the handout's templates, so
memory follows the longest lesson rather than the whole course and nothing is laid out twice
for the contents: the page of every heading is read from the laid-out lessons
(``page.anchors``), and the cover and contents are laid out last with those numbers as text.
``Document.copy`` then joins the pages; WeasyPrint writes the structure tree, the outline and
the named destinations of internal links from the joined pages, so tags, bookmarks and links
cross the parts. ``counter(page)`` restarts in every document, so each lesson resets it to
the page the lesson starts on.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ...model.course import Course, Module
from ...model.lesson import Lesson
from ...render.html import render_section
from ...render.labels import LABELS
from . import PdfOptions
from .document import (
    THEME,
    _revised,
    adjacent_cases,
    answer_key_blocks,
    case_references,
    layout,
    lesson_css,
    print_environment,
    write,
)

COURSE_THEME = THEME.with_name("print-course.css")
PLACEHOLDER = "999"
"""Printed for every page number in the first, sizing layout of the contents."""
MAX_FRONT_LAYOUTS = 3
"""The contents is laid out again only if real numbers changed its page count (rare)."""


@dataclass(frozen=True)
class Part:
    """One lesson in its module, and where it stands in the course."""

    lesson: Lesson
    module: Module
    number: int
    """The module's number, from 1."""
    opens_module: bool


def course_pdf(course: Course, options: PdfOptions) -> bytes:
    """The workbook of ``course`` as PDF bytes."""
    css = lesson_css(options, COURSE_THEME.read_text(encoding="utf-8"))
    parts = list(_parts(course))
    front = _front(course, options, css, {})
    for _ in range(MAX_FRONT_LAYOUTS):
        front_pages = len(front.pages)
        lessons, pages = _lessons(course, parts, options, css, first_page=front_pages + 1)
        front = _front(course, options, css, pages)
        if len(front.pages) == front_pages:
            break
    joined = [*front.pages, *(page for document in lessons for page in document.pages)]
    return write(front.copy(joined))


def _parts(course: Course) -> Iterator[Part]:
    for number, (module, lessons) in enumerate(course.module_lessons(), start=1):
        for index, lesson in enumerate(lessons):
            yield Part(lesson, module, number, opens_module=index == 0)


def _lessons(
    course: Course, parts: list[Part], options: PdfOptions, css: str, first_page: int
) -> tuple[list[Any], dict[str, int]]:
    """Every lesson laid out, each starting on the page after the last; and the page of every
    anchor (heading and block ids) in the whole workbook."""
    links = course_links(course)
    documents: list[Any] = []
    pages: dict[str, int] = {}
    start = first_page
    for part in parts:
        numbered = f"{css}\n@page :first {{ counter-reset: page {start}; }}\n"
        lesson = part.lesson
        rebuild = functools.partial(lesson_part_html, part, options, links)
        adjacent = adjacent_cases(lesson)
        revise = case_references(lesson, f"{lesson.id}--", rebuild, adjacent)
        html = rebuild(adjacent)
        document = layout(html, numbered, lesson.source_dir, lesson.source_line, revise)
        for offset, page in enumerate(document.pages):
            for name in page.anchors:
                pages.setdefault(name, start + offset)
        documents.append(document)
        start += len(document.pages)
    return documents, pages


def lesson_part_html(
    part: Part,
    options: PdfOptions,
    links: Callable[[str], str | None],
    nearby_cases: Mapping[str, str] | None = None,
) -> str:
    """One lesson of the workbook: title block, sections and answer key, ids prefixed
    (``nearby_cases`` as for the handout: practices printed on their case's page)."""
    lesson = part.lesson
    module = f"{LABELS['module']} {part.number} · {part.module.title}"
    context: dict[str, Any] = {
        "options": options,
        "id_prefix": f"{lesson.id}--",
        "links": links,
        "nearby_cases": dict(nearby_cases or {}),
    }
    sections = [render_section("print", lesson, i, **context) for i in range(len(lesson.sections))]
    template = print_environment().get_template("course-lesson.html.j2")
    return template.render(
        lesson=lesson,
        sections=sections,
        title_id=lesson.id,
        kicker=module,
        module_heading=module if part.opens_module else None,
        revised=_revised(lesson.revision),
        **answer_key_blocks(lesson),
        **context,
    )


def course_links(course: Course) -> Callable[[str], str | None]:
    """``lesson:ID#section`` -> the workbook's fragment for that lesson's title or section."""

    def href(link: str) -> str | None:
        target = course.resolve(link)
        if target is None:
            return None
        if target.section is None:
            return f"#{target.lesson}"
        return f"#{target.lesson}--{target.section}"

    return href


def _front(course: Course, options: PdfOptions, css: str, pages: dict[str, int]) -> Any:
    """The cover and contents laid out, printing ``pages`` (placeholders when empty)."""

    def page_of(anchor: str) -> str:
        return str(pages[anchor]) if pages else PLACEHOLDER

    template = print_environment().get_template("course-front.html.j2")
    html = template.render(
        course=course,
        options=options,
        modules=list(course.module_lessons()),
        keyed={x.id for x in course.lessons if options.answer_key and _has_key(x)},
        minutes_total=sum(x.reading_minutes + x.exercise_minutes for x in course.lessons),
        revised=_revised(course.revision),
        page_of=page_of,
    )
    # The front reads no files: it has no folder to read from.
    return layout(html, css, None, lambda reference: (course.source_path, 1))


def _has_key(lesson: Lesson) -> bool:
    return any(answer_key_blocks(lesson).values())
