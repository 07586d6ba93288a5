"""The only way WeasyPrint may read anything: images in the lesson's folder and data: URIs.

WeasyPrint swallows ordinary exceptions from a fetcher and renders on without the resource,
so a refusal is raised as a ``FatalURLFetchingError`` subclass: rendering stops at once and
``document`` turns it into a located ``LessonError``.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

from ...parse.diagnostics import Diagnostic
from ...parse.limits import image_code, resolve_image
from .engine import FatalURLFetchingError, URLFetcher, URLFetcherResponse

Locate = Callable[[str], tuple[str, int]]
"""Where a reference is written: (source path, line) for a URL or a relative src."""


class RefusedResource(FatalURLFetchingError):  # type: ignore[misc]
    """A resource the lesson may not use; carries the diagnostic for the author."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def nowhere(reference: str) -> tuple[str, int]:
    """The fallback location when there is no source file to point into."""
    return "<lesson>", 1


LESSON_BASE = "file:///aipm-lesson/"
"""Base URL the document is rendered against: WeasyPrint names each image after its URL, so
a URL holding the folder's real path would make the PDF's bytes depend on where it was built."""


class LessonFetcher(URLFetcher):  # type: ignore[misc]
    """Serve files inside ``root`` (through resolve_image) and data: URIs; refuse all else.

    ``root`` is addressed as LESSON_BASE (a real ``file:`` path inside it is also understood).
    """

    def __init__(self, root: Path | None, locate: Locate = nowhere) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.root = root.resolve() if root is not None else None
        self.locate = locate
        self.files_asked = 0  # fetches of anything but a data: URI, refused or not

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            # Decoded in memory by urllib's DataHandler; nothing is opened.
            return super().fetch(url, headers)
        self.files_asked += 1
        if scheme != "file":
            self.refuse(url, url, "only images in the lesson's folder may be used, not other URLs")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            self.refuse(url, url, "file URLs on other hosts are not allowed")
        path = Path(url2pathname(unquote(parts.path)))
        if self.root is None:
            self.refuse(url, url, "the lesson has no folder, so it may not read files")
        relative = os.path.relpath(path, unquote(urlsplit(LESSON_BASE).path))
        if relative.split(os.sep)[0] == os.pardir:
            relative = os.path.relpath(path, self.root)
        if relative == os.curdir or relative.split(os.sep)[0] == os.pardir:
            self.refuse(url, relative, f"{path} is outside the lesson's folder")
        try:
            target = resolve_image(self.root, relative)
        except ValueError as exc:
            self.refuse(url, relative, str(exc), image_code(exc))
        mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        data = target.read_bytes()
        # Named by content as well as path: two lessons of a course joined into one PDF may
        # each have an images/a.png, and equal URLs would share one image.
        digest = hashlib.sha256(data).hexdigest()[:16]
        url = f"{LESSON_BASE}{digest}/{quote(Path(relative).as_posix())}"
        return URLFetcherResponse(url, data, {"Content-Type": mime})

    def refuse(self, url: str, reference: str, why: str, code: str = "bad-image") -> NoReturn:
        """Stop the render; an image the checks refuse keeps its own code (over the pixel
        limits, undecodable), anything else is a refused resource."""
        path, line = self.locate(reference)
        if code != "bad-image":
            raise RefusedResource(Diagnostic(path, line, 1, code, why))
        shown = url if len(url) <= 120 else url[:117] + "..."
        raise RefusedResource(
            Diagnostic(path, line, 1, "refused-resource", f"cannot use {shown!r}: {why}")
        )
