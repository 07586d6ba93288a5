"""Each page's content stream held as one bytes object from the moment it is painted.

``write_pdf`` paints every page before it writes the file (the structure tree is built from
all the pages' boxes after the last page is drawn), and pydyf keeps a content stream as a list
of one small object per drawing operator until then: for the 50x lesson, 469 pages held
762,655 of them (~56 MB with their lists) at the write's peak. pydyf writes a stream as its
items turned into bytes and joined by newlines, so joining them as soon as the page is
painted writes the same bytes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any


@contextlib.contextmanager
def compact_page_streams(document: Any) -> Iterator[None]:
    """While the block writes ``document``, each page's content stream is joined once painted.

    Only the pages' own ``paint`` (WeasyPrint's documented ``Page.paint(stream, scale)``) is
    wrapped, on the instances and for the block only; without pydyf's item converter (a future
    pydyf) nothing is joined, so the file never changes.
    """
    import pydyf

    as_bytes: Callable[[Any], bytes] | None = getattr(pydyf, "_to_bytes", None)
    if as_bytes is None:
        yield
        return
    for page in document.pages:
        page.paint = _joining(page.paint, as_bytes)
    try:
        yield
    finally:
        for page in document.pages:
            vars(page).pop("paint", None)


def _joining(paint: Callable[..., None], as_bytes: Callable[[Any], bytes]) -> Callable[..., None]:
    def painted(stream: Any, *args: Any, **kwargs: Any) -> None:
        paint(stream, *args, **kwargs)
        items = getattr(stream, "stream", None)
        if isinstance(items, list) and len(items) > 1:
            items[:] = [b"\n".join(as_bytes(item) for item in items)]

    return painted
