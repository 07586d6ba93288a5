"""The course workbook: a cover and contents, then every lesson (its title block and
sections, then its answer key), as one tagged PDF.

Each lesson is laid out as the handout's are (document.lay_out_lesson: its sections, then its
key, each its own WeasyPrint document), so memory follows the longest lesson rather than the
whole course; the cover and contents are laid out last with the pages read from the lessons,
and the pages are joined (press.front_first).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ...model.course import Course, Module
from ...model.lesson import Lesson
from ...render.labels import LABELS
from . import PdfOptions
from .document import (
    ONE_PAGE_UNITS,
    PLACEHOLDER,
    THEME,
    _revised,
    answer_key_blocks,
    contents_units,
    lay_out_lesson,
    lesson_css,
    print_environment,
)
from .press import Press, front_first, write

COURSE_THEME = THEME.with_name("print-course.css")


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
    # The front reads no files (it has no folder), nor does the theme (theme checks).
    press = Press(lesson_css(options, COURSE_THEME.read_text(encoding="utf-8")))
    parts = list(_parts(course))
    links = course_links(course)

    def rest(first_page: int) -> tuple[list[Any], dict[str, int]]:
        documents: list[Any] = []
        pages: dict[str, int] = {}
        for part in parts:
            laid_out, found = lay_out_lesson(
                press, part.lesson, options, first_page, **part_context(part, links)
            )
            documents += laid_out
            pages.update((name, page) for name, page in found.items() if name not in pages)
            first_page += sum(len(document.pages) for document in laid_out)
        return documents, pages

    def front(pages: Mapping[str, int] | None) -> Any:
        return _front(course, options, press, pages)

    return write(front_first(front, rest, course_front_pages(course, options)))


def _parts(course: Course) -> Iterator[Part]:
    for number, (module, lessons) in enumerate(course.module_lessons(), start=1):
        for index, lesson in enumerate(lessons):
            yield Part(lesson, module, number, opens_module=index == 0)


def part_context(part: Part, links: Callable[[str], str | None]) -> dict[str, Any]:
    """How one lesson prints in the workbook: after its title block (the module named on its
    first lesson's), ids prefixed with the lesson id, ``lesson:`` links resolved."""
    module = f"{LABELS['module']} {part.number} · {part.module.title}"
    return {
        "id_prefix": f"{part.lesson.id}--",
        "links": links,
        "body_class": "course-lesson",
        "title_id": part.lesson.id,
        "kicker": module,
        "module_heading": module if part.opens_module else None,
    }


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


def course_front_pages(course: Course, options: PdfOptions) -> int | None:
    """2 (cover, one page of contents) when that is sure enough, else None."""
    entries = [(1.3, module.title) for module in course.modules]
    for lesson in course.lessons:
        entries.append((1.0, lesson.title))
        entries += [(0.7, section.title or "") for section in lesson.sections]
        entries += [(0.7, "")] if options.answer_key and _has_key(lesson) else []
    return 2 if contents_units(entries) <= ONE_PAGE_UNITS else None


def _front(
    course: Course, options: PdfOptions, press: Press, pages: Mapping[str, int] | None
) -> Any:
    """The cover and contents laid out, printing ``pages`` (placeholders for None)."""

    def page_of(anchor: str) -> str:
        return str(pages[anchor]) if pages is not None else str(PLACEHOLDER)

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
    return press.lay_out(html, None, lambda reference: (course.source_path, 1))


def _has_key(lesson: Lesson) -> bool:
    return any(answer_key_blocks(lesson).values())
