"""The book: a lesson's or a course's documents in reading order, with its contents and landmarks.

A lesson book is the one-lesson case of a course book, built by the same code: cover, title
page, contents, then each lesson's documents. Alone, the lesson's title block is the title page
and its files keep plain names (``section-<id>.xhtml``). In a course the course has the title
page, each module a page of its own, each lesson opens with its own title block, and a lesson's
file names and XML ids start with ``<lesson-id>--``: ids never hold two hyphens in a row, so a
prefixed name can meet no other. ``lesson:`` links point at the documents holding their targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ...model.course import Course, Module
from ...model.inline import LinkResolver
from ...model.lesson import Lesson
from ...render.html import render, themed
from ...render.labels import LABELS
from .content import (
    THEME,
    BookContent,
    Images,
    Resource,
    TocEntry,
    document,
    finish_images,
    finish_links,
    parse_xhtml,
    prefix_ids,
    xhtml_resource,
)
from .cover import cover_svg
from .metadata import BookInfo

if TYPE_CHECKING:
    from lxml import etree

CSS_HREF = "css/epub.css"
COVER_IMAGE = "images/cover.svg"


@dataclass(frozen=True)
class Part:
    """One lesson's place in the book: the names of its files and ids."""

    lesson: Lesson
    prefix: str = ""
    """Put before the lesson's file names and XML ids: empty for a lesson book."""

    @property
    def opener_uid(self) -> str:
        return f"{self.prefix}titlepage"

    @property
    def opener_href(self) -> str:
        return f"{self.prefix}title.xhtml"

    def section_uid(self, section_id: str) -> str:
        return f"{self.prefix}section-{section_id}"

    def section_href(self, section_id: str) -> str:
        return f"{self.section_uid(section_id)}.xhtml"


@dataclass(frozen=True)
class Page:
    """A rendered document, before its links and images are finished."""

    uid: str
    href: str
    text: str
    part: Part | None = None
    """The lesson whose text it holds (None: the course's own pages)."""


def lesson_pages(part: Part, links: LinkResolver | None, in_course: bool) -> list[Page]:
    """The lesson's title block, then one document per section."""
    lesson, lang = part.lesson, part.lesson.language
    opener = render("epub", "titlepage.html.j2", lesson=lesson, links=links, in_course=in_course)
    matter, kind = ("bodymatter", "lesson-title") if in_course else ("frontmatter", "titlepage")
    pages = [
        Page(
            part.opener_uid,
            part.opener_href,
            document(lang, lesson.title, opener, matter=matter, kind=kind),
            part,
        )
    ]
    for section in lesson.sections:
        body = render("epub", "section.html.j2", lesson=lesson, section=section, links=links)
        title = section.title or LABELS["introduction"]
        text = document(lang, title, body, matter="bodymatter", kind="chapter")
        pages.append(Page(part.section_uid(section.id), part.section_href(section.id), text, part))
    return pages


def lesson_toc(part: Part) -> list[TocEntry]:
    """Every section, with its activities beneath it."""
    activities: dict[str, list[TocEntry]] = {}
    for ref in part.lesson.activities:
        entry = TocEntry(ref.title, f"{part.section_href(ref.section)}#{part.prefix}{ref.id}")
        activities.setdefault(ref.section, []).append(entry)
    return [
        TocEntry(
            s.title or LABELS["introduction"],
            part.section_href(s.id),
            tuple(activities.get(s.id, [])),
        )
        for s in part.lesson.sections
    ]


def module_href(module: Module) -> str:
    return f"module-{module.id}.xhtml"


def course_links(course: Course, parts: dict[str, Part]) -> LinkResolver:
    """``lesson:ID`` -> the lesson's title block, ``lesson:ID#section`` -> that section."""

    def resolve(href: str) -> str | None:
        target = course.resolve(href)
        if target is None:
            return None
        part = parts[target.lesson]
        if target.section is None:
            return part.opener_href
        return f"{part.section_href(target.section)}#{part.prefix}{target.section}"

    return resolve


def course_pages(course: Course, parts: dict[str, Part]) -> tuple[Page, list[Page]]:
    """The course's title page, and each module's page followed by its lessons' documents."""
    links = course_links(course, parts)
    modules = list(course.module_lessons())
    front = render(
        "epub",
        "course-title.html.j2",
        course=course,
        modules=modules,
        parts=parts,
        module_href=module_href,
    )
    title = Page(
        "titlepage",
        "title.xhtml",
        document(course.language, course.title, front, matter="frontmatter", kind="titlepage"),
    )
    body: list[Page] = []
    for number, (module, lessons) in enumerate(modules, start=1):
        text = render(
            "epub",
            "module.html.j2",
            module=module,
            number=number,
            count=len(modules),
            lessons=lessons,
            parts=parts,
        )
        uid = f"module-{module.id}"
        page = document(course.language, module.title, text, matter="bodymatter", kind="module")
        body.append(Page(uid, module_href(module), page))
        for lesson in lessons:
            body += lesson_pages(parts[lesson.id], links, in_course=True)
    return title, body


def course_toc(course: Course, parts: dict[str, Part]) -> list[TocEntry]:
    """Module -> lesson -> section (-> activity)."""
    return [
        TocEntry(
            module.title,
            module_href(module),
            tuple(
                TocEntry(
                    lesson.title,
                    parts[lesson.id].opener_href,
                    tuple(lesson_toc(parts[lesson.id])),
                )
                for lesson in lessons
            ),
        )
        for module, lessons in course.module_lessons()
    ]


def book_content(source: Lesson | Course, theme_css: str | None = None) -> BookContent:
    """Render and assemble every file of the book, in manifest order."""
    meta = BookInfo.of(source)
    if isinstance(source, Lesson):
        part = Part(source)
        title, *body = lesson_pages(part, None, in_course=False)
        toc = lesson_toc(part)
    else:
        parts = {lesson.id: Part(lesson, f"{lesson.id}--") for lesson in source.lessons}
        title, body = course_pages(source, parts)
        toc = course_toc(source, parts)
    return assemble(meta, title, body, toc, theme_css)


def assemble(
    meta: BookInfo, title: Page, body: list[Page], toc: list[TocEntry], theme_css: str | None
) -> BookContent:
    """Finish the pages (ids, links, images) and add cover, contents, stylesheet and images."""
    pages = [title, *body]
    trees: list[tuple[Page, etree._Element]] = []
    for page in pages:
        root = parse_xhtml(page.text, page.href)
        if page.part is not None and page.part.prefix:
            prefix_ids(root, page.part.prefix)
        trees.append((page, root))
    anchors = {
        el.get("id", ""): page.href for page, root in trees for el in root.iter() if el.get("id")
    }
    files = {page.href for page in pages} | {"cover.xhtml", "nav.xhtml"}
    images = Images()
    finished = []
    for page, root in trees:
        prefix = page.part.prefix if page.part is not None else ""
        finish_links(root, page.href, anchors, files, prefix)
        if page.part is not None:
            finish_images(root, page.part.lesson, images)
        finished.append(xhtml_resource(page.uid, page.href, root))

    landmarks = [
        {"type": "cover", "href": "cover.xhtml", "title": "Cover"},
        {"type": "titlepage", "href": title.href, "title": "Title page"},
        {"type": "toc", "href": "nav.xhtml#toc", "title": LABELS["contents"]},
        {"type": "bodymatter", "href": body[0].href, "title": f"Start of the {meta.kind}"},
    ]
    cover = render("epub", "cover.html.j2", book=meta, cover_href=COVER_IMAGE)
    nav = render("epub", "nav.html.j2", toc=toc, landmarks=landmarks)
    lang = meta.language
    cover_doc = document(lang, "Cover", cover, matter="frontmatter", kind="cover")
    nav_doc = document(lang, LABELS["contents"], nav, matter="frontmatter", kind="nav")
    spine = [
        xhtml_resource("cover", "cover.xhtml", parse_xhtml(cover_doc, "cover.xhtml")),
        finished[0],
        xhtml_resource("nav", "nav.xhtml", parse_xhtml(nav_doc, "nav.xhtml"), ("nav",)),
        *finished[1:],
    ]
    resources = [
        *spine,
        Resource("cover-image", COVER_IMAGE, "image/svg+xml", cover_svg(meta), ("cover-image",)),
        Resource("css", CSS_HREF, "text/css", stylesheet(theme_css)),
        *images.by_path.values(),
    ]
    return BookContent(
        resources=resources,
        spine=[r.uid for r in spine],
        toc=toc,
        has_images=bool(images.by_path),
    )


@lru_cache(maxsize=4)
def stylesheet(theme_css: str | None) -> bytes:
    """The book's stylesheet: the same for every book of a build, so made once per process
    (a few kept: a preview that re-reads an edited theme must not hold every version)."""
    return themed(THEME.read_text("utf-8"), theme_css).encode()
