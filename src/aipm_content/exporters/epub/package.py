"""The EPUB container, written by ebooklib and then normalised so every build is byte-identical.

ebooklib (AGPL-3.0-or-later, the ``epub`` extra) is imported only inside ``package_epub``.
Its traps, and what we do about each: no language by default (we always set the lesson's); ids
it makes up (we give every item an id starting with a letter); an empty TOC (every section is
listed); an EPUB 3 nav without an NCX leaves ``<spine toc="ncx">`` dangling (we add the NCX);
manifest properties it does not infer (we compute them per document); ``write_epub`` returning
False on a write error (``raise_exceptions`` plus a check); uuid4 identifiers, ``now`` as
``dcterms:modified`` and as zip entry times (fixed identifier and date, and the zip is rewritten).
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any

from ...model.lesson import Lesson
from .content import BookContent, TocEntry
from .metadata import accessibility, book_identifier, zip_time

FIRST_ENTRIES = ("mimetype", "META-INF/container.xml", "EPUB/content.opf")
"""Zip order: mimetype first (OCF requires it), then the files a reading system opens first."""


def package_epub(lesson: Lesson, content: BookContent, modified: datetime) -> bytes:
    """The finished EPUB file's bytes."""
    try:
        from ebooklib import epub
    except ImportError as exc:  # the optional extra is missing
        raise RuntimeError(
            "the epub exporter needs ebooklib: pip install 'aipm-content[epub]'"
        ) from exc

    book = epub.EpubBook()
    book.set_identifier(book_identifier(lesson))
    book.set_title(lesson.title)
    book.set_language(lesson.language)
    for number, author in enumerate(lesson.authors, start=1):
        book.add_author(author, uid=f"creator-{number}")
    if lesson.summary:
        book.add_metadata("DC", "description", lesson.summary)
    for tag in lesson.tags:
        book.add_metadata("DC", "subject", tag)
    if lesson.revision:
        book.add_metadata("DC", "date", lesson.revision)
    for prop, value in accessibility(content.has_images):
        book.add_metadata(None, "meta", value, {"property": prop})
    # EPUB 2 reading systems find the cover image through this.
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})

    items: dict[str, Any] = {}
    for resource in content.resources:
        item = epub.EpubItem(
            uid=resource.uid,
            file_name=resource.href,
            media_type=resource.media_type,
            content=resource.content,
        )
        item.properties = list(resource.properties)
        items[resource.uid] = book.add_item(item)
    book.add_item(epub.EpubNcx())
    book.spine = [items[uid] for uid in content.spine]
    book.toc = [toc_node(epub, entry, f"toc-{n}") for n, entry in enumerate(content.toc, start=1)]

    raw = io.BytesIO()
    options = {"raise_exceptions": True, "mtime": modified, "epub3_pages": False}
    if not epub.write_epub(raw, book, options):
        raise RuntimeError("ebooklib could not write the EPUB")
    return normalise_zip(raw.getvalue(), modified)


def toc_node(epub: Any, entry: TocEntry, uid: str) -> Any:
    """An ebooklib TOC node (it builds the NCX from these)."""
    if not entry.children:
        return epub.Link(entry.href, entry.title, uid)
    children = [
        epub.Link(child.href, child.title, f"{uid}-{n}")
        for n, child in enumerate(entry.children, start=1)
    ]
    return (epub.Section(entry.title, entry.href), children)


def normalise_zip(data: bytes, modified: datetime) -> bytes:
    """Rewrite the zip with a fixed entry order, times and attributes; mimetype stored first."""
    when = zip_time(modified)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        order = [n for n in FIRST_ENTRIES if n in names] + sorted(set(names) - set(FIRST_ENTRIES))
        for name in order:
            info = zipfile.ZipInfo(name, date_time=when)
            info.create_system = 3  # Unix, whatever machine builds the book
            info.external_attr = 0o100644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
                target.writestr(info, source.read(name))
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(info, source.read(name), compresslevel=9)
    return out.getvalue()
