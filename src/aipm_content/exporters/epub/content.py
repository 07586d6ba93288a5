"""The pieces of the book's files: XHTML documents, resources, the TOC, links and images.

Documents are rendered with the shared block templates (``epub`` channel overrides), then
checked as XML and finished with lxml: links are pointed at the document that holds their
target, links to nothing inside the book become text that shows the address, and lesson images
are copied in under safe names through ``resolve_image``. ``book`` puts them together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from ...model.lesson import Lesson
from ...parse.diagnostics import error
from ...parse.limits import image_code, resolve_image
from ...render.html import render

if TYPE_CHECKING:
    from lxml import etree

XHTML = "http://www.w3.org/1999/xhtml"
SVG = "http://www.w3.org/2000/svg"
MATHML = "http://www.w3.org/1998/Math/MathML"
THEME = Path(__file__).resolve().parents[2] / "render" / "themes" / "default" / "epub.css"
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
    """Whether the lessons have images of their own (the cover does not count)."""


def document(lang: str, title: str, body: str, *, matter: str, kind: str) -> str:
    """A complete XHTML content document around ``body``."""
    return render(
        "epub",
        "document.xhtml.j2",
        lang=lang,
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
    """Lesson images copied into the book as ``images/image-NN.ext``, each file once (however
    many lessons use it)."""

    def __init__(self) -> None:
        self.by_path: dict[Path, Resource] = {}

    def href_for(self, lesson: Lesson, src: str) -> str:
        if lesson.source_dir is None:
            raise error(
                *lesson.source_line(src),
                1,
                "bad-image",
                f"image {src!r}: the lesson was not loaded from a folder, so images cannot be read",
            )
        try:
            path = resolve_image(lesson.source_dir, src)
        except ValueError as exc:
            raise error(*lesson.source_line(src), 1, image_code(exc), str(exc)) from None
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


def finish_links(
    root: etree._Element, name: str, anchors: dict[str, str], files: set[str], prefix: str = ""
) -> None:
    """Point every link at the document holding its target; others become text showing the href.

    ``anchors`` maps each id in the book to its document, ``files`` lists the book's documents,
    ``prefix`` is what the document's lesson put before its ids (so ``#case`` written in the
    lesson finds ``prefix + case``; a link with a file name is already the book's own).
    Web and mail links stay links; a relative link that reaches nothing inside the book (another
    lesson's file, a missing anchor) would be an EPUBCheck error, so it is kept as words.
    """
    for link in list(root.iter(f"{{{XHTML}}}a")):
        href = link.get("href")
        if href is None or _SCHEME.match(href):
            continue
        path, _, fragment = href.partition("#")
        key = fragment if path else prefix + fragment
        target = path or anchors.get(key)
        if target in files and (not fragment or anchors.get(key) == target):
            local = f"#{key}" if target == name else f"{target}#{key}"
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


def finish_images(root: etree._Element, lesson: Lesson, images: Images) -> None:
    """Copy each image into the book and mark paragraphs that hold nothing but an image."""
    for img in root.iter(f"{{{XHTML}}}img"):
        img.set("src", images.href_for(lesson, img.get("src", "")))
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


ID_REFERENCES = ("aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "headers")
"""Attributes that name ids (space-separated); ``href`` fragments are ``finish_links``' job."""


def prefix_ids(root: etree._Element, prefix: str) -> None:
    """Put ``prefix`` before every id in the document and every reference to one, so that the
    ids of a course's lessons (each has an ``introduction``) stay unique across the book."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if (value := el.get("id")) is not None:
            el.set("id", prefix + value)
        for attr in ID_REFERENCES:
            if (value := el.get(attr)) is not None:
                el.set(attr, " ".join(prefix + ref for ref in value.split()))
