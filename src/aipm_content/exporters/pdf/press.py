"""WeasyPrint for one PDF export: documents laid out once each, then joined.

A PDF is several WeasyPrint documents joined with ``Document.copy``: a lesson's sections,
then its answer key, and the front (cover and contents) laid out last, when the page of every
heading and block is known. Every printed page number is then text taken from ``page.anchors``
of a document laid out earlier, so no page is laid out twice (``target-counter()`` costs its
page two extra layouts in WeasyPrint 70, even pointing backwards). WeasyPrint writes the
structure tree, the outline and the named destinations of internal links from the joined
pages, so tags, bookmarks and links cross the documents.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ...parse.diagnostics import LessonError
from .fetcher import LESSON_BASE, LessonFetcher, Locate, RefusedResource, nowhere
from .leaders import install as install_leaders
from .leaders import leaders_unfilled
from .page_refs import cache_page_references
from .streams import compact_page_streams

FONT_EPOCH = "1577836800"
"""2020-01-01T00:00:00Z: the fixed time stamped into re-saved fonts."""
MAX_FRONT_LAYOUTS = 3
"""The rest is laid out again only if the front's real page count was not the predicted one."""
THEMES_KEPT = 8
"""Parsed themes a thread keeps, least recently used dropped first (a preview server or a
catalog build meets few themes; bounded all the same)."""


class Press:
    """The theme, parsed once a process (parsed_theme), and its font configuration, for every
    document of an export.

    WeasyPrint numbers each document's pages from 1; ``lay_out`` starts the page counter where
    the document will stand in the joined PDF with a one-rule stylesheet of its own.
    """

    def __init__(self, css: str, root: Path | None = None, locate: Locate = nowhere) -> None:
        self.theme, self.fonts = parsed_theme(css, root, locate)

    def lay_out(
        self, html: str, root: Path | None, locate: Locate = nowhere, first_page: int = 1
    ) -> Any:
        """``html`` laid out (PDF/UA tagged), its first page numbered ``first_page``; every
        resource goes through a LessonFetcher for ``root``."""
        from .engine import CSS, HTML

        install_leaders()
        fetcher = LessonFetcher(root, locate)
        stylesheets = [self.theme]
        if first_page != 1:
            start = f"@page :first {{ counter-reset: page {first_page}; }}"
            stylesheets.append(CSS(string=start, font_config=self.fonts))
        with weasyprint_errors():
            document = HTML(string=html, base_url=_base(root), url_fetcher=fetcher)
            laid_out = document.render(
                stylesheets=stylesheets, font_config=self.fonts, pdf_variant="pdf/ua-1"
            )
        keep_only_web_links(laid_out)
        return laid_out


def _base(root: Path | None) -> str | None:
    return LESSON_BASE if root is not None else None


class _Themes(threading.local):
    """Per thread: a font configuration (a Pango font map) is not for two threads at once."""

    def __init__(self) -> None:
        self.kept: OrderedDict[tuple[str, str | None], tuple[Any, Any]] = OrderedDict()


_themes = _Themes()


def parsed_theme(css: str, root: Path | None, locate: Locate = nowhere) -> tuple[Any, Any]:
    """``css`` parsed, with the font configuration its @font-face rules are registered in.

    Parsing costs ~0.1 s and a font configuration loads every installed font, so both are
    kept for the next export (a build worker, the preview server). A theme that read a file
    while parsed (a checked theme never does) is parsed again every time, so the file goes
    through that export's LessonFetcher, its refusals located; one that read nothing depends
    on its folder only through the base URL, its url() values being fetched later by each
    document's own fetcher.
    """
    from .engine import CSS, FontConfiguration

    key = (css, _base(root))
    kept = _themes.kept
    if key in kept:
        kept.move_to_end(key)
        return kept[key]
    fonts = FontConfiguration()
    fetcher = LessonFetcher(root, locate)
    with weasyprint_errors():
        theme = CSS(string=css, base_url=_base(root), url_fetcher=fetcher, font_config=fonts)
    if not fetcher.files_asked:
        kept[key] = theme, fonts
        if len(kept) > THEMES_KEPT:
            kept.popitem(last=False)
    return theme, fonts


def anchor_pages(document: Any, first_page: int) -> dict[str, int]:
    """The page number of every anchor (html id) of ``document``, its first page being
    ``first_page``."""
    pages: dict[str, int] = {}
    for offset, page in enumerate(document.pages):
        for name in page.anchors:
            pages.setdefault(name, first_page + offset)
    return pages


LayOutRest = Callable[[int], tuple[list[Any], dict[str, int]]]
"""Lays out what follows the front from a page number: its documents and anchor pages."""
LayOutFront = Callable[[Mapping[str, int] | None], Any]
"""Lays out the front with those anchor pages printed (placeholders for None)."""


def front_first(
    lay_out_front: LayOutFront, lay_out_rest: LayOutRest, front_pages: int | None
) -> Any:
    """The joined document: the front, laid out last, then the rest.

    The rest is numbered from the page after the front, so the front's page count is needed
    first: ``front_pages`` when it is certain enough (a short contents), else learnt from a
    layout of the front with placeholder numbers and its leaders left unfilled (the same pages
    for half the work). Should the front with the real numbers take another count (rare), the
    rest is laid out again from the corrected page.
    """
    if front_pages is None:
        with leaders_unfilled():
            front_pages = len(lay_out_front(None).pages)
    for _ in range(MAX_FRONT_LAYOUTS):
        documents, pages = lay_out_rest(front_pages + 1)
        front = lay_out_front(pages)
        if len(front.pages) == front_pages:
            break
        front_pages = len(front.pages)
    return front.copy([*front.pages, *(page for document in documents for page in document.pages)])


def write(document: Any) -> bytes:
    """The PDF/UA bytes of a laid-out document (or of pages joined with ``Document.copy``)."""
    cache_page_references()
    with weasyprint_errors(), compact_page_streams(document):
        data: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    return data


def render_pdf(html: str, css: str, root: Path | None, locate: Locate = nowhere) -> bytes:
    """PDF/UA bytes for one ``html`` document; every resource goes through a LessonFetcher
    for ``root``."""
    return write(Press(css, root, locate).lay_out(html, root, locate))


@contextlib.contextmanager
def weasyprint_errors() -> Iterator[None]:
    """Pinned font time stamps, and a refused resource as the author's located error."""
    try:
        with fixed_font_timestamps():
            yield
    except RefusedResource as exc:
        raise LessonError([exc.diagnostic]) from None


WEB_SCHEMES = ("http://", "https://", "mailto:")


def keep_only_web_links(document: Any) -> None:
    """Drop link annotations a reader cannot follow safely.

    WeasyPrint resolves a relative href against the lesson's folder, so ``other.md`` would
    become a ``file:`` link leaking the build machine's path. Internal links (#fragments) and
    http(s)/mailto links stay, and the link text always stays. Attachments stay so the fetcher
    refuses them loudly.
    """
    for page in document.pages:
        page.links[:] = [
            link
            for link in page.links
            if link[0] in ("internal", "attachment") or link[1].startswith(WEB_SCHEMES)
        ]


@contextlib.contextmanager
def fixed_font_timestamps() -> Iterator[None]:
    """Pin the font 'modified' time fontTools writes when WeasyPrint rebuilds the emoji font.

    fontTools stamps re-saved fonts with the current time unless SOURCE_DATE_EPOCH is set,
    which would make two exports of the same lesson differ.
    """
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = FONT_EPOCH
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
