"""Reading a PDF back, for the PDF tests: its text, outline, fonts and glyphs, structure
tree and page streams; and the small Hindi lesson the option tests export."""

from __future__ import annotations

import functools
import io
import re
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from aipm_content.model.lesson import Lesson
from aipm_content.model.measure import rich_texts

SMALL_LESSON = """---
id: small-hindi
title: छोटा पाठ — a small lesson
language: hi-IN
revision: "2026-01-15"
---

यह पाठ हिंदी में है। The plan costs ₹499 a month.

![A small red dot](pixel.png)

## बातचीत

::::{thread}
:channel: #team
:topic: Pricing

Asha (PM): क्या ₹499 सही है? {fire=3}

Ravi: Yes — ship it. {+1=2}
::::
"""


def pdf_text(path: Path) -> str:
    """Reading-order text of a PDF (poppler's pdftotext)."""
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    )
    return done.stdout.decode("utf-8")


def squash(text: str) -> str:
    """Whitespace collapsed, so line breaks of the layout do not matter."""
    return re.sub(r"\s+", " ", text)


def outline_titles(outline: Any) -> Iterator[str]:
    for item in outline:
        if isinstance(item, list):
            yield from outline_titles(item)
        else:
            yield str(item.title)


def fonts_of(reader: pypdf.PdfReader) -> dict[str, Any]:
    """Every Type0 font used on any page, by base name."""
    found: dict[str, Any] = {}
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            found[str(font["/BaseFont"])] = font
    return found


def to_unicode(font: Any) -> dict[int, str]:
    """CID -> text, from a font's ToUnicode CMap (bfchar and bfrange)."""
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    mapping: dict[int, str] = {}

    def text(hexa: str) -> str:
        return bytes.fromhex(hexa).decode("utf-16-be")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for cid, uni in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(cid, 16)] = text(uni)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, uni in re.findall(r"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
            start = ord(text(uni))
            for offset, cid in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[cid] = chr(start + offset)
    return mapping


def font_program(font: Any) -> TTFont:
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    return TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))


@functools.cache
def system_fonts() -> dict[str, tuple[str, int]]:
    """PostScript name -> (file, index in collection) of every installed font (fontconfig)."""
    listing = subprocess.run(
        ["fc-list", "--format", "%{postscriptname}|%{file}|%{index}\n"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    fonts: dict[str, tuple[str, int]] = {}
    for line in listing.splitlines():
        name, path, index = line.rsplit("|", 2)
        fonts.setdefault(name, (path, int(index or 0)))
    return fonts


@functools.cache
def system_cmap(postscript_name: str) -> frozenset[str]:
    """Characters the installed font of that name maps to a glyph of its own."""
    path, index = system_fonts()[postscript_name]
    with TTFont(path, fontNumber=index, lazy=True) as font:
        return frozenset(map(chr, (font.getBestCmap() or {}).keys()))


def glyph_report(data: bytes) -> tuple[set[str], set[str]]:
    """(characters drawn with a glyph their font really has, characters drawn without one).

    A character no installed font has is still written, as some glyph of the fallback font,
    with a ToUnicode entry; the original font's cmap then lacks it. The embedded subset's own
    cmap cannot decide this, since shaping (Devanagari conjuncts, mark positioning) draws
    glyphs the subset's cmap does not list.
    """
    good: set[str] = set()
    bad: set[str] = set()
    reader = pypdf.PdfReader(io.BytesIO(data))
    for font in fonts_of(reader).values():
        has = system_cmap(font_program(font)["name"].getDebugName(6))
        for cid, chars in to_unicode(font).items():
            for char in chars:
                (good if char in has and cid != 0 else bad).add(char)
    return good, bad


def lesson_characters(lesson: Lesson) -> set[str]:
    """Every character the lesson's texts and titles ask the reader to see."""
    texts = [rt.text for rt in rich_texts(lesson.sections)]
    texts += [lesson.title] + [s.title or "" for s in lesson.sections]
    texts += [b.title for _, b in lesson.blocks() if b.type in ("exercise", "decision")]
    if lesson.epigraph is not None:
        texts += [lesson.epigraph.text.text, lesson.epigraph.attribution]
    # Combining marks are checked with their cluster: WeasyPrint 70 gives a reordered
    # Devanagari vowel sign (the i-matra of "हिंदी") no ToUnicode entry of its own.
    chars = {ch for text in texts for ch in text if not ch.isspace()}
    return {ch for ch in chars if unicodedata.category(ch)[0] != "M"}


def struct_types(root: Any) -> set[str]:
    """Structure element types (/H2, /P, /Figure ...) of a tagged PDF."""
    seen: set[str] = set()
    stack = [root["/StructTreeRoot"]]
    visited = 0
    while stack and visited < 50_000:
        node = stack.pop().get_object()
        visited += 1
        if isinstance(node, pypdf.generic.ArrayObject):
            stack.extend(node)
            continue
        if not isinstance(node, pypdf.generic.DictionaryObject):
            continue
        if "/S" in node:
            seen.add(str(node["/S"]))
        kids = node.get("/K")
        if kids is not None:
            stack.extend(kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids])
    return seen


def page_stream(page: Any) -> bytes:
    """A page's content stream, decoded."""
    return bytes(page.get_contents().get_data())


def write_pixel(path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (4, 4), (200, 30, 30)).save(path, format="PNG")
