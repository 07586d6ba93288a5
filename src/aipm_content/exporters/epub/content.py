"""The book's files: one XHTML document per section, cover, title page, nav, CSS and images.

Rendered with the shared block templates (``epub`` channel overrides), then checked as XML and
finished with lxml: links are pointed at the document that holds their target, links to
nothing inside the book become text that shows the address, and lesson images are copied in
under safe names through ``resolve_image``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from ...model.lesson import Lesson
from ...parse.diagnostics import error
from ...parse.limits import resolve_image
from ...render.html import render, themed
from .cover import cover_svg

if TYPE_CHECKING:
    from lxml import etree

XHTML = "http://www.w3.org/1999/xhtml"
SVG = "http://www.w3.org/2000/svg"
MATHML = "http://www.w3.org/1998/Math/MathML"
THEME = Path(__file__).resolve().parents[2] / "render" / "themes" / "default" / "epub.css"
CSS_HREF = "css/epub.css"
COVER_IMAGE = "images/cover.svg"
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".gif": "image/gif"}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


@dataclass(frozen=True)
class Resource:
    """One file of the package, addressed relative to the OPF."""

    uid: str
    """Manifest id: starts with a letter, so it is a valid XML id."""
    href: str
    media_type: str
    content: bytes
    properties: tuple[str, ...] = ()


@dataclass(frozen=True)
class TocEntry:
    """A line of the table of contents."""

    title: str
    href: str
    children: tuple[TocEntry, ...] = ()


@dataclass(frozen=True)
class BookContent:
    """Everything the package needs, in manifest order, with the reading order and the TOC."""

    resources: list[Resource]
    spine: list[str]
    """Manifest ids in reading order."""
    toc: list[TocEntry]
    has_images: bool
    """Whether the lesson has images of its own (the cover does not count)."""


def section_href(section_id: str) -> str:
    return f"section-{section_id}.xhtml"


def document(lesson: Lesson, title: str, body: str, *, matter: str, kind: str) -> str:
    """A complete XHTML content document around ``body``."""
    return render(
        "epub",
        "document.xhtml.j2",
        lang=lesson.language,
        title=title,
        body=Markup(body),
        matter=matter,
        kind=kind,
    )


def parse_xhtml(text: str, name: str) -> etree._Element:
    """Parse a rendered document as XML; a template that emits bad XML fails here, loudly."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    try:
        return etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:  # a bug in a template, not in the lesson
        raise RuntimeError(f"EPUB document {name} is not well-formed XML: {exc}") from exc


def serialise(root: etree._Element) -> bytes:
    from lxml import etree

    return etree.tostring(
        root.getroottree(), encoding="utf-8", xml_declaration=True, doctype="<!DOCTYPE html>"
    )


def manifest_properties(root: etree._Element) -> tuple[str, ...]:
    """EPUB 3 manifest properties a document needs for what it contains."""
    tags = {el.tag for el in root.iter() if isinstance(el.tag, str)}
    props = []
    if f"{{{MATHML}}}math" in tags:
        props.append("mathml")
    if f"{{{XHTML}}}script" in tags or f"{{{XHTML}}}form" in tags:
        props.append("scripted")
    if f"{{{SVG}}}svg" in tags:
        props.append("svg")
    return tuple(props)


class Images:
    """Lesson images copied into the book as ``images/image-NN.ext``, each file once."""

    def __init__(self, lesson: Lesson) -> None:
        self.lesson = lesson
        self.by_path: dict[Path, Resource] = {}

    def href_for(self, src: str) -> str:
        if self.lesson.source_dir is None:
            raise error(
                *self.lesson.source_line(src),
                1,
                "bad-image",
                f"image {src!r}: the lesson was not loaded from a folder, so images cannot be read",
            )
        try:
            path = resolve_image(self.lesson.source_dir, src)
        except ValueError as exc:
            raise error(*self.lesson.source_line(src), 1, "bad-image", str(exc)) from None
        if path not in self.by_path:
            suffix = ".jpg" if path.suffix.lower() == ".jpeg" else path.suffix.lower()
            number = len(self.by_path) + 1
            self.by_path[path] = Resource(
                uid=f"image-{number:02d}",
                href=f"images/image-{number:02d}{suffix}",
                media_type=IMAGE_TYPES[suffix],
                content=path.read_bytes(),
            )
        return self.by_path[path].href


def finish_links(root: etree._Element, name: str, anchors: dict[str, str], files: set[str]) -> None:
    """Point every link at the document holding its target; others become text showing the href.

    ``anchors`` maps each id in the book to its document, ``files`` lists the book's documents.
    Web and mail links stay links; a relative link that reaches nothing inside the book (another
    lesson's file, a missing anchor) would be an EPUBCheck error, so it is kept as words.
    """
    for link in list(root.iter(f"{{{XHTML}}}a")):
        href = link.get("href")
        if href is None or _SCHEME.match(href):
            continue
        path, _, fragment = href.partition("#")
        target = path or anchors.get(fragment)
        if target in files and (not fragment or anchors.get(fragment) == target):
            local = f"#{fragment}" if target == name else f"{target}#{fragment}"
            link.set("href", local if fragment else str(target))
            continue
        link.tag = f"{{{XHTML}}}span"
        del link.attrib["href"]
        link.set("class", "link-outside")
        note = link.makeelement(f"{{{XHTML}}}span", {"class": "link-target"})
        note.text = f"({href})"
        if len(link):
            link[-1].tail = (link[-1].tail or "") + " "
        else:
            link.text = (link.text or "") + " "
        link.append(note)


def finish_images(root: etree._Element, images: Images) -> None:
    """Copy each image into the book and mark paragraphs that hold nothing but an image."""
    for img in root.iter(f"{{{XHTML}}}img"):
        img.set("src", images.href_for(img.get("src", "")))
        parent = img.getparent()
        if (
            parent is not None
            and parent.tag == f"{{{XHTML}}}p"
            and len(parent) == 1
            and not (parent.text or "").strip()
            and not (img.tail or "").strip()
        ):
            parent.set("class", "figure")


def xhtml_resource(
    uid: str, name: str, root: etree._Element, props: tuple[str, ...] = ()
) -> Resource:
    content = serialise(root)
    return Resource(uid, name, "application/xhtml+xml", content, props + manifest_properties(root))


def table_of_contents(lesson: Lesson) -> list[TocEntry]:
    """Every section, with its activities beneath it."""
    activities: dict[str, list[TocEntry]] = {}
    for ref in lesson.activities:
        entry = TocEntry(ref.title, f"{section_href(ref.section)}#{ref.id}")
        activities.setdefault(ref.section, []).append(entry)
    return [
        TocEntry(s.title or "Introduction", section_href(s.id), tuple(activities.get(s.id, [])))
        for s in lesson.sections
    ]


def landmarks(lesson: Lesson) -> list[dict[str, str]]:
    first = section_href(lesson.sections[0].id)
    return [
        {"type": "cover", "href": "cover.xhtml", "title": "Cover"},
        {"type": "titlepage", "href": "title.xhtml", "title": "Title page"},
        {"type": "toc", "href": "nav.xhtml#toc", "title": "Contents"},
        {"type": "bodymatter", "href": first, "title": "Start of the lesson"},
    ]


def book_content(lesson: Lesson, theme_css: str | None = None) -> BookContent:
    """Render and assemble every file of the book, in manifest order."""
    # Documents holding lesson text (whose links and images need finishing): uid -> (file, XML).
    texts = {
        "titlepage": (
            "title.xhtml",
            document(
                lesson,
                lesson.title,
                render("epub", "titlepage.html.j2", lesson=lesson),
                matter="frontmatter",
                kind="titlepage",
            ),
        )
    }
    for section in lesson.sections:
        body = render("epub", "section.html.j2", lesson=lesson, section=section)
        title = section.title or "Introduction"
        texts[f"section-{section.id}"] = (
            section_href(section.id),
            document(lesson, title, body, matter="bodymatter", kind="chapter"),
        )
    trees = {uid: (name, parse_xhtml(text, name)) for uid, (name, text) in texts.items()}
    anchors = {
        el.get("id", ""): name
        for name, root in trees.values()
        for el in root.iter()
        if el.get("id")
    }
    files = {name for name, _ in trees.values()} | {"cover.xhtml", "nav.xhtml"}
    images = Images(lesson)
    finished = {}
    for uid, (name, root) in trees.items():
        finish_links(root, name, anchors, files)
        finish_images(root, images)
        finished[uid] = xhtml_resource(uid, name, root)

    toc = table_of_contents(lesson)
    cover = render("epub", "cover.html.j2", lesson=lesson, cover_href=COVER_IMAGE)
    nav = render("epub", "nav.html.j2", toc=toc, landmarks=landmarks(lesson))
    cover_doc = document(lesson, "Cover", cover, matter="frontmatter", kind="cover")
    nav_doc = document(lesson, "Contents", nav, matter="frontmatter", kind="nav")
    spine = [
        xhtml_resource("cover", "cover.xhtml", parse_xhtml(cover_doc, "cover.xhtml")),
        finished.pop("titlepage"),
        xhtml_resource("nav", "nav.xhtml", parse_xhtml(nav_doc, "nav.xhtml"), ("nav",)),
        *finished.values(),
    ]
    resources = [
        *spine,
        Resource("cover-image", COVER_IMAGE, "image/svg+xml", cover_svg(lesson), ("cover-image",)),
        Resource("css", CSS_HREF, "text/css", themed(THEME.read_text("utf-8"), theme_css).encode()),
        *images.by_path.values(),
    ]
    return BookContent(
        resources=resources,
        spine=[r.uid for r in spine],
        toc=toc,
        has_images=bool(images.by_path),
    )
