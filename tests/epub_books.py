"""The EPUB tests' books: the seed lesson and the every-block lesson exported once, opened,
with their package document parsed."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from aipm_content import load
from aipm_content.exporters.epub import EXPORTER, EpubOptions
from aipm_content.model.lesson import Lesson
from conftest import FIXTURES, SEED_MD

EVERY_MD = FIXTURES / "epub" / "every-block.md"
NS = {
    "h": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BOOKS = ["seed", "every"]


def text_of(element: etree._Element) -> str:
    return "".join(str(t) for t in element.itertext())


class EpubFile:
    """An exported EPUB, opened once: its bytes, files and parsed package document."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data = path.read_bytes()
        with zipfile.ZipFile(path) as archive:
            self.infos = archive.infolist()
            self.files = {info.filename: archive.read(info) for info in self.infos}
        self.opf = etree.fromstring(self.files["EPUB/content.opf"])

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.files[f"EPUB/{name}"])


class Book(EpubFile):
    """A lesson's EPUB, opened once."""

    def __init__(self, lesson: Lesson, path: Path) -> None:
        super().__init__(path)
        self.lesson = lesson

    def documents(self) -> Iterator[tuple[str, etree._Element]]:
        for name in sorted(self.files):
            if name.endswith(".xhtml"):
                yield name, etree.fromstring(self.files[name])

    def meta(self, prop: str) -> list[str]:
        return [el.text or "" for el in self.opf.iterfind(f".//opf:meta[@property='{prop}']", NS)]

    def section_files(self) -> list[str]:
        return [f"section-{s.id}.xhtml" for s in self.lesson.sections]


def make_books(folder: Path) -> dict[str, Book]:
    """The seed lesson and the every-block lesson as books in ``folder``."""
    out: dict[str, Book] = {}
    for key, source in (("seed", SEED_MD), ("every", EVERY_MD)):
        lesson = load(source)
        out[key] = Book(lesson, EXPORTER.export(lesson, folder / f"{key}.epub", EpubOptions()))
    return out
