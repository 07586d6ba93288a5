"""pydyf's page references built once per page added, not once per structure element.

WeasyPrint's PDF/UA tagging reads ``pdf.page_references[n]`` for every structure element it
makes, and pydyf's property builds the tuple of every page's reference at each read: quadratic
in the pages, 11,235 tuples of 160 references for the 20-lesson course's tags (0.93 s of its
9.4 s write). Pages are only ever appended to the page tree (``PDF.add_page``) and keep their
object numbers, so the tuple stays the same until the next page: it is kept on the PDF, keyed
by the tree's length, and the file is byte for byte what it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def cache_page_references() -> None:
    """Make ``pydyf.PDF.page_references`` keep its tuple until a page is added (once a process;
    it returns what pydyf's own property returns, for every PDF)."""
    import pydyf

    current = getattr(pydyf.PDF, "page_references", None)
    if not isinstance(current, property) or current.fget is None:
        return  # a pydyf without the property: nothing to keep
    if getattr(current.fget, "kept", False):
        return
    pydyf.PDF.page_references = property(_kept(current.fget))


def _kept(build: Callable[[Any], tuple[bytes, ...]]) -> Callable[[Any], tuple[bytes, ...]]:
    def page_references(pdf: Any) -> tuple[bytes, ...]:
        length = len(pdf.pages["Kids"])
        kept: tuple[int, tuple[bytes, ...]] | None = vars(pdf).get("_aipm_page_references")
        if kept is None or kept[0] != length:
            kept = (length, build(pdf))
            vars(pdf)["_aipm_page_references"] = kept
        return kept[1]

    page_references.kept = True  # type: ignore[attr-defined]
    page_references.original = build  # type: ignore[attr-defined]
    return page_references
