"""The EPUB container: files made by ebooklib, zipped by us so every build is byte-identical.

ebooklib (AGPL-3.0-or-later, the ``epub`` extra) is imported only inside ``package_epub``.
Its traps, and what we do about each: no language by default (we always set the book's, and
add the ``xml:lang`` it never writes on the OPF ``package`` element); ids
it makes up (we give every item an id starting with a letter); an empty TOC (every section is
listed); an EPUB 3 nav without an NCX leaves ``<spine toc="ncx">`` dangling (we add the NCX);
manifest properties it does not infer (we compute them per document); ``write_epub`` returning
False on a write error and zipping at its own level (its writer's steps hand their files to a
dict in memory, so each file is compressed once, by us); uuid4 identifiers, ``now`` as
``dcterms:modified`` and as zip entry times (fixed identifier and date, fixed entry times).
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any

from .content import BookContent, TocEntry
from .metadata import BookInfo, accessibility, book_identifier, zip_time

OPF = "EPUB/content.opf"
FIRST_ENTRIES = ("mimetype", "META-INF/container.xml", OPF)
"""Zip order: mimetype first (OCF requires it), then the files a reading system opens first."""


def package_epub(meta: BookInfo, content: BookContent, modified: datetime) -> bytes:
    """The finished EPUB file's bytes."""
    try:
        from ebooklib import epub
    except ImportError as exc:  # the optional extra is missing
        raise RuntimeError(
            "the epub exporter needs ebooklib: pip install 'aipm-content[epub]'"
        ) from exc

    book = epub.EpubBook()
    book.set_identifier(book_identifier(meta))
    book.set_title(meta.title)
    book.set_language(meta.language)
    for number, author in enumerate(meta.authors, start=1):
        book.add_author(author, uid=f"creator-{number}")
    if meta.summary:
        book.add_metadata("DC", "description", meta.summary)
    for tag in meta.tags:
        book.add_metadata("DC", "subject", tag)
    if meta.revision:
        book.add_metadata("DC", "date", meta.revision)
    for prop, value in accessibility(content.has_images, meta.kind):
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

    options = {"raise_exceptions": True, "mtime": modified, "epub3_pages": False}
    return normalise_zip(ebooklib_entries(epub, book, options), modified, meta.language)


class Entries(dict[str, bytes]):
    """Stands in for the zip ebooklib writes into: keeps each entry's bytes, compresses none."""

    def writestr(self, name: str, data: str | bytes, compress_type: int | None = None) -> None:
        self[name] = data.encode("utf-8") if isinstance(data, str) else data

    def close(self) -> None:
        pass


def ebooklib_entries(epub: Any, book: Any, options: dict[str, Any]) -> Entries:
    """The files ebooklib would zip, by name (what ``write_epub`` does, minus the zip)."""
    writer = epub.EpubWriter(None, book, options)
    writer.process()
    writer.out = entries = Entries()
    entries.writestr("mimetype", "application/epub+zip")
    writer._write_container()
    writer._write_opf()
    writer._write_items()
    return entries


def toc_node(epub: Any, entry: TocEntry, uid: str) -> Any:
    """An ebooklib TOC node, nested as deep as the entry (it builds the NCX from these)."""
    if not entry.children:
        return epub.Link(entry.href, entry.title, uid)
    children = [
        toc_node(epub, child, f"{uid}-{n}") for n, child in enumerate(entry.children, start=1)
    ]
    return (epub.Section(entry.title, entry.href), children)


def with_package_language(opf: bytes, language: str) -> bytes:
    """The package document with ``xml:lang`` on ``<package>`` (ebooklib writes none; Ace's
    ``epub-lang`` asks for it). Re-serialised by lxml, so the bytes stay deterministic."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(opf, parser)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def normalise_zip(entries: dict[str, bytes], modified: datetime, language: str) -> bytes:
    """The zip of ``entries`` with a fixed entry order, times and attributes; mimetype stored
    first; the package document gains its ``xml:lang``."""
    when = zip_time(modified)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        order = [n for n in FIRST_ENTRIES if n in entries]
        order += sorted(set(entries) - set(FIRST_ENTRIES))
        for name in order:
            info = zipfile.ZipInfo(name, date_time=when)
            info.create_system = 3  # Unix, whatever machine builds the book
            info.external_attr = 0o100644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
                target.writestr(info, entries[name])
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                content = entries[name]
                if name == OPF:
                    content = with_package_language(content, language)
                target.writestr(info, content, compresslevel=9)
    return out.getvalue()
