"""``--preview DIR``: every page of a written EPUB as a PNG, rendered by headless Chromium.

Pages are the extracted XHTML files, opened in reading order as a phone-sized e-reader would
show them. Screenshots are for looking at, not reproducible artefacts.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from ...parse.diagnostics import error
from ..output import write_atomic

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium; without it Playwright's own downloaded browser is used, if any."""
VIEWPORT = {"width": 480, "height": 760}


def spine_documents(book: zipfile.ZipFile) -> list[str]:
    """Zip paths of the spine's documents, in reading order."""
    from lxml import etree

    container = etree.fromstring(book.read("META-INF/container.xml"))
    opf_path = container.find(".//{*}rootfile").get("full-path", "")  # type: ignore[union-attr]
    opf = etree.fromstring(book.read(opf_path))
    folder = PurePosixPath(opf_path).parent
    hrefs = {item.get("id"): item.get("href") for item in opf.iter("{*}item")}
    return [str(folder / str(hrefs[ref.get("idref")])) for ref in opf.iter("{*}itemref")]


def preview_pages(epub_path: Path, out_dir: Path, book_name: str | None = None) -> list[Path]:
    """Write ``<book>-NN-<page>.png`` for every spine document of ``epub_path`` into ``out_dir``.

    The book's name (``book_name``, default the file's stem) leads, so previews of a whole
    catalog can share one folder.
    """
    book_name = book_name or epub_path.stem
    from playwright.sync_api import Error, sync_playwright

    written: list[Path] = []
    with (
        tempfile.TemporaryDirectory(prefix="aipm-epub-preview-") as tmp,
        zipfile.ZipFile(epub_path) as book,
    ):
        root = Path(tmp)
        book.extractall(root)
        pages = spine_documents(book)
        executable = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=executable,
                    args=["--no-sandbox", "--disable-dev-shm-usage"],
                )
                page = browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
                for number, name in enumerate(pages, start=1):
                    page.goto((root / name).as_uri())
                    # Open every decision choice so the feedback shows in the preview too.
                    page.eval_on_selector_all("details", "els => els.forEach(e => e.open = true)")
                    stem = PurePosixPath(name).stem
                    target = out_dir / f"{book_name}-{number:02d}-{stem}.png"
                    written.append(write_atomic(target, page.screenshot(full_page=True)))
                browser.close()
        except Error as exc:
            message = f"Chromium could not render the pages: {exc.message}"
            raise error(str(out_dir), 1, 1, "preview", message) from None
    return written
