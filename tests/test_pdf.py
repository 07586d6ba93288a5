"""The PDF handout, read back: text, structure, fonts, options and the confined fetcher."""

from __future__ import annotations

import functools
import io
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from click.testing import CliRunner
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from pydantic import ValidationError

from aipm_content import load, parse
from aipm_content.cli import main as cli
from aipm_content.exporters.pdf import EXPORTER, PdfOptions
from aipm_content.exporters.pdf.document import lesson_css
from aipm_content.exporters.pdf.press import render_pdf
from aipm_content.model.lesson import Lesson
from aipm_content.model.measure import rich_texts
from aipm_content.parse.diagnostics import LessonError
from aipm_content.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent

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


# ---------- fixtures: each artifact is built once per session ----------


@pytest.fixture(scope="session")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory, seed_lesson: Lesson) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "seed.pdf"
    EXPORTER.export(seed_lesson, out, PdfOptions(brand_name="Pragmatic Leaders"))
    return out


@pytest.fixture(scope="session")
def seed_text(seed_pdf: Path) -> str:
    return pdf_text(seed_pdf)


@pytest.fixture(scope="session")
def seed_reader(seed_pdf: Path) -> pypdf.PdfReader:
    return pypdf.PdfReader(seed_pdf)


def write_pixel(path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (4, 4), (200, 30, 30)).save(path, format="PNG")


@pytest.fixture(scope="session")
def small_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("small")
    write_pixel(folder / "pixel.png")
    (folder / "small-hindi.md").write_text(SMALL_LESSON, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def small_lesson(small_dir: Path) -> Lesson:
    return load(small_dir / "small-hindi.md")


@pytest.fixture(scope="session")
def small_pdf(small_dir: Path, small_lesson: Lesson) -> Path:
    out = small_dir / "out" / "small.pdf"
    EXPORTER.export(small_lesson, out, PdfOptions(paper="letter", accent_color="#7A1F5C"))
    return out


# ---------- content ----------


def test_every_section_title_and_rupee_amount_is_in_the_text(
    seed_text: str, seed_lesson: Lesson
) -> None:
    text = squash(seed_text)
    for section in seed_lesson.sections:
        assert (section.title or "Introduction") in text
    for amount in ("₹38 LPA", "₹30 LPA", "₹12 crore"):
        assert amount in text
    assert "The AI PM career path" in text


def test_title_page_has_epigraph_attribution_and_times(seed_text: str, seed_lesson: Lesson) -> None:
    cover = squash(seed_text.split("\f")[0])
    assert seed_lesson.epigraph is not None
    assert "The biggest need of the hour" in cover
    assert "Pallav Modi, in a Pragmatic Leaders session" in cover
    assert f"{seed_lesson.reading_minutes} min" in cover
    total = seed_lesson.reading_minutes + seed_lesson.exercise_minutes
    assert "TOTAL WITH EXERCISES" in cover.upper() and f"{total} min" in cover


def test_thread_messages_appear_in_order(seed_text: str, seed_lesson: Lesson) -> None:
    text = squash(seed_text)
    thread = next(b for _, b in seed_lesson.blocks() if b.type == "thread")
    assert thread.channel in text
    positions = [text.find(squash(m.text.text)[:60]) for m in thread.messages]
    assert -1 not in positions
    assert positions == sorted(positions)
    assert re.search(r"🔥\s*3", text)


def test_contents_and_footers_give_page_numbers(
    seed_text: str, seed_reader: pypdf.PdfReader
) -> None:
    pages = seed_text.split("\f")
    count = len(seed_reader.pages)
    assert 8 <= count <= 16
    contents = squash(pages[1])
    assert contents.startswith("The AI PM career path Contents") or "Contents" in contents
    # Each contents entry ends with its page number (test_pdf_layout checks the numbers).
    assert re.search(r"What an AI PM actually does \.+ ?\d+", contents)
    assert re.search(r"Answer key \.+ ?\d+", contents)
    # "Page N" without the total, which no part of the joined PDF knows (exporters/pdf/press.py).
    for number, page in enumerate(pages[1:count], start=2):
        assert re.search(rf"\bPage {number}\s*$", page), page[-40:]
    assert "Page" not in pages[0]  # the title page has no running furniture


def test_exercise_is_a_worksheet_with_writing_space(seed_pdf: Path, seed_text: str) -> None:
    text = squash(seed_text)
    assert "EXERCISE ⏱ 20 MIN" in text.upper()
    assert "20 min" in text
    assert re.search(r"(?i)your answer — about 300 words", text)


def test_practice_refers_to_its_case_without_repeating_it(seed_text: str) -> None:
    text = squash(seed_text)
    scenario = "You have five years of PM experience at Zoho"
    assert text.count(scenario) == 1
    assert "Make the call in the judgment case above" in text  # both on one page
    assert "Minimum length: 80 characters" in text


def test_exercise_closing_is_set_like_its_instructions(seed_reader: pypdf.PdfReader) -> None:
    fonts: dict[str, set[str]] = {}

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        for key in ("Pick one AI-powered product", "Write 300 words."):
            if text.startswith(key) and font is not None:
                fonts.setdefault(key, set()).add(str(font["/BaseFont"]).split("+")[-1])

    for page in seed_reader.pages:
        page.extract_text(visitor_text=visit)
    assert fonts["Write 300 words."] == fonts["Pick one AI-powered product"] == {"Noto-Serif"}


def page_stream(page: Any) -> bytes:
    """A page's content stream, decoded."""
    return bytes(page.get_contents().get_data())


RULE_FILL = b"0.717647 0.752941 0.780392 rg"
"""The fill colour (#b7c0c7) of one ruled answer line, as the content stream sets it."""


def worksheet(paragraphs: int, word_target: int) -> str:
    filler = (
        "Paragraph {} of the instructions, long enough to wrap onto a second line of the"
        " worksheet so that each one takes some room on the page."
    )
    body = "\n\n".join(filler.format(n) for n in range(paragraphs))
    return (
        "---\nid: worksheet\ntitle: Worksheet\n---\n\n## One\n\n:::{exercise} Lines\n"
        f":duration: 10\n:word-target: {word_target}\n\n{body}\n:::\n"
    )


@pytest.mark.parametrize(
    ("paragraphs", "word_target", "lines"),
    [(11, 110, 10), (15, 110, 10), (1, 660, 60)],
)
def test_answer_lines_are_kept_together(
    paragraphs: int, word_target: int, lines: int, tmp_path: Path
) -> None:
    # Before answer lines were kept together these split 8 + 2, 1 + 9 and 32 + 27 + 1.
    out = EXPORTER.export(
        parse(worksheet(paragraphs, word_target)), tmp_path / "w.pdf", PdfOptions()
    )
    per_page = [page_stream(page).count(RULE_FILL) for page in pypdf.PdfReader(out).pages]
    drawn = [count for count in per_page if count]
    assert sum(drawn) == lines
    if lines <= 28:  # fits on one page: never split
        assert drawn == [lines]
    else:  # longer than a page: no one or two lines left on either side of a break
        assert min(drawn) >= 3, per_page


def test_reactions_stay_with_their_message(tmp_path: Path) -> None:
    filler = "Paragraph {} before the thread, long enough to wrap onto a second line of the page."
    messages = "\n\n".join(
        f"Person{n} (PM): Message {n} takes a line or two of the chat transcript to read"
        " through, all the way to its end. {fire=3 heart=2}"
        for n in range(4)
    )
    source = (
        "---\nid: chat\ntitle: Chat\n---\n\n## One\n\n"
        + "\n\n".join(filler.format(n) for n in range(24))
        + f"\n\n:::{{thread}}\n:channel: #team\n\n{messages}\n:::\n"
    )
    out = EXPORTER.export(parse(source), tmp_path / "chat.pdf", PdfOptions(answer_key=False))
    pages = pdf_text(out).split("\f")
    # Each message's reactions print on the page that holds the message (the first one's were
    # alone at the top of the next page when the message box was a flex row).
    assert sum(page.count("🔥") for page in pages) == 4
    for page in pages:
        assert page.count("🔥") == len(re.findall(r"Message \d", page)), page


def test_a_practice_names_where_its_case_is_without_a_page(tmp_path: Path) -> None:
    """A practice's case is laid out with it, so its page is not known yet: the practice says
    where the case is in words and links it."""
    far = "\n\n".join(f"Paragraph {n} between the case and its practice." for n in range(70))
    source = (
        "---\nid: refs\ntitle: Refs\n---\n\n## One\n\n:::{judgment}\n:id: judgment-a\n\n"
        "A case.\n\nThe call: what now?\n:::\n\n:::{practice}\n:case: judgment-a\n:id: near\n"
        ":min-chars: 40\n:::\n\n:::{judgment}\n:id: judgment-b\n\nAnother case.\n\n"
        "The call: and then?\n:::\n\n"
        f"{far}\n\n:::{{practice}}\n:case: judgment-b\n:id: far\n:min-chars: 40\n:::\n\n"
        "## Two\n\n:::{practice}\n:case: judgment-a\n:id: other\n:min-chars: 40\n:::\n"
    )
    out = EXPORTER.export(parse(source), tmp_path / "refs.pdf", PdfOptions(answer_key=False))
    pages = [squash(page) for page in pdf_text(out).split("\f")]
    text = " ".join(pages)
    near = next(n for n, page in enumerate(pages) if "A case." in page)
    assert "Make the call in the judgment case above" in pages[near]
    assert "Make the call in the judgment case earlier in this section and" in text
    assert "Make the call in the judgment case in the section “One” and" in text
    assert "on page" not in text
    reader = pypdf.PdfReader(out)
    targets = []
    for page in reader.pages[2:]:  # after the title page and contents, which link them too
        for annotation in page.get("/Annots") or []:
            name = str(annotation.get_object().get("/Dest", ""))
            if name.startswith("judgment-"):
                targets.append(
                    (name, reader.get_destination_page_number(reader.named_destinations[name]))
                )
    case_b = next(n for n, page in enumerate(pages) if "Another case." in page)
    assert sorted(targets) == [("judgment-a", near), ("judgment-a", near), ("judgment-b", case_b)]


def test_answer_key_holds_every_choice_with_feedback_and_score(
    seed_text: str, seed_lesson: Lesson
) -> None:
    pages = seed_text.split("\f")
    key_at = next(i for i, page in enumerate(pages) if "Answer key" in page and "Try each" in page)
    key = squash("".join(pages[key_at:]))
    decision = next(b for _, b in seed_lesson.blocks() if b.type == "decision")
    for choice in decision.choices:
        assert choice.feedback is not None
        assert squash(choice.feedback.text)[:50] in key
        assert f"{choice.score} POINT" in key.upper()
    assert "BEST ANSWER" in key.upper()
    # The choices are lettered where the decision is asked, without their feedback.
    body = squash("".join(pages[:key_at]))
    assert decision.choices[0].feedback is not None
    assert squash(decision.choices[0].feedback.text)[:50] not in body
    # It points at the key in words: the key's page is not known when the decision is laid out.
    assert (
        "Feedback and scores for each choice: in the answer key at the end of this lesson." in body
    )
    assert "answer key, page" not in body


def test_next_steps_print_their_addresses(seed_text: str) -> None:
    assert "https://pair.withgoogle.com/guidebook/" in seed_text


# ---------- structure ----------


def test_bookmarks_cover_every_section(seed_reader: pypdf.PdfReader, seed_lesson: Lesson) -> None:
    titles = list(outline_titles(seed_reader.outline))
    top = [str(item.title) for item in seed_reader.outline if not isinstance(item, list)]
    for section in seed_lesson.sections:
        assert (section.title or "Introduction") in top
    assert "Contents" in top and "Answer key" in top
    assert "AI product teardown" in titles  # activities nest under their section


def test_tagged_pdf_with_language_and_title(seed_reader: pypdf.PdfReader) -> None:
    root: Any = seed_reader.trailer["/Root"]
    assert root["/Lang"] == "en-IN"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert {"/H1", "/H2", "/H3", "/P", "/L", "/LI"} <= struct_types(root)
    assert seed_reader.metadata is not None
    assert seed_reader.metadata.title == "The AI PM career path"
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()


def test_links_are_clickable(seed_reader: pypdf.PdfReader) -> None:
    internal = external = 0
    for page in seed_reader.pages:
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A")
            if action is not None and "/URI" in action:
                external += 1
            elif "/Dest" in annot or (action is not None and action.get("/S") == "/GoTo"):
                internal += 1
    assert internal >= 10  # contents entries and page references
    assert external >= 2  # where to go next


def test_every_font_is_embedded(seed_reader: pypdf.PdfReader) -> None:
    fonts = fonts_of(seed_reader)
    assert fonts
    for name, font in fonts.items():
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, name


def test_every_seed_character_has_a_real_glyph(seed_pdf: Path, seed_lesson: Lesson) -> None:
    good, bad = glyph_report(seed_pdf.read_bytes())
    assert not bad
    assert lesson_characters(seed_lesson) - good == set()
    assert {"₹", "🔥"} <= good


def test_devanagari_and_emoji_render_with_real_glyphs(
    small_pdf: Path, small_lesson: Lesson
) -> None:
    good, bad = glyph_report(small_pdf.read_bytes())
    assert not bad
    assert lesson_characters(small_lesson) - good == set()
    assert {"🔥", "👍", "₹", "ह", "द"} <= good
    text = squash(pdf_text(small_pdf))
    assert re.search(r"🔥\s*3", text) and "₹499" in text and "बातचीत" in text


def test_the_glyph_check_catches_a_character_no_font_has(tmp_path: Path) -> None:
    html = '<html lang="en"><head><title>t</title></head><body><p>A \U0010fffd B</p></body></html>'
    good, bad = glyph_report(render_pdf(html, "", tmp_path))
    assert "\U0010fffd" in bad and "A" in good


def test_same_input_gives_identical_bytes(
    seed_pdf: Path, seed_lesson: Lesson, tmp_path: Path
) -> None:
    again = tmp_path / "again.pdf"
    EXPORTER.export(seed_lesson, again, PdfOptions(brand_name="Pragmatic Leaders"))
    assert again.read_bytes() == seed_pdf.read_bytes()


# ---------- options and settings ----------


def test_paper_sizes(seed_reader: pypdf.PdfReader, small_pdf: Path) -> None:
    a4 = seed_reader.pages[3].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    letter = pypdf.PdfReader(small_pdf).pages[0].mediabox
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


def test_brand_colour_reaches_the_stylesheet() -> None:
    css = lesson_css(PdfOptions(accent_color="#7A1F5C", highlight_color="#735"))
    assert "--accent: #7a1f5c" in css and "--highlight: #735" in css
    assert "size: letter" in lesson_css(PdfOptions(paper="letter"))


@pytest.mark.parametrize("bad", ["red", "#12345", "#gggggg", "1d5c7a", "#1d5c7a;}"])
def test_colours_must_be_hex(bad: str) -> None:
    with pytest.raises(ValidationError):
        PdfOptions(accent_color=bad)


@pytest.mark.parametrize(
    ("colour", "ratio"), [("#ffff00", "1.07"), ("#777777", "4.48"), ("#abc", "1.96")]
)
def test_brand_colours_must_be_readable_on_white(colour: str, ratio: str) -> None:
    with pytest.raises(ValidationError) as caught:
        PdfOptions(highlight_color=colour)
    assert f"contrast of {ratio}:1 on white" in str(caught.value)
    assert PdfOptions(accent_color="#767676").accent_color == "#767676"  # 4.54:1, just enough


def test_repository_settings_file_is_valid() -> None:
    options = load_settings(PdfOptions, "pdf", {}, ROOT / "exporters")
    assert isinstance(options, PdfOptions)
    assert options.paper == "a4" and options.brand_name


def test_settings_file_errors_are_located(tmp_path: Path) -> None:
    (tmp_path / "pdf.toml").write_text('paper = "a4"\naccent_color = "teal"\n', encoding="utf-8")
    with pytest.raises(LessonError) as caught:
        load_settings(PdfOptions, "pdf", {}, tmp_path)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.line == 2 and "accent_color" in diagnostic.message


def test_cli_exports_with_settings_and_preview(small_dir: Path, tmp_path: Path) -> None:
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "pdf.toml").write_text('paper = "letter"\nbrand_name = "Test School"\n', "utf-8")
    out = tmp_path / "handout.pdf"
    previews = tmp_path / "pages"
    result = CliRunner().invoke(
        cli,
        [
            "pdf",
            str(small_dir / "small-hindi.md"),
            "-o",
            str(out),
            "--settings",
            str(settings),
            "--preview",
            str(previews),
            "--preview-dpi",
            "30",
        ],
    )
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(out)
    assert round(float(reader.pages[0].mediabox.width)) == 612
    assert "Test School" in pdf_text(out)
    pngs = sorted(previews.glob("*.png"))
    assert len(pngs) == len(reader.pages)
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)


def test_cli_refuses_a_bad_colour_flag(small_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "pdf",
            str(small_dir / "small-hindi.md"),
            "-o",
            str(tmp_path / "x.pdf"),
            "--settings",
            str(tmp_path),
            "--accent-color",
            "blue",
        ],
    )
    assert result.exit_code == 2
    assert not (tmp_path / "x.pdf").exists()


def test_without_answer_key(small_lesson: Lesson, seed_lesson: Lesson, tmp_path: Path) -> None:
    out = EXPORTER.export(seed_lesson, tmp_path / "nokey.pdf", PdfOptions(answer_key=False))
    text = squash(pdf_text(out))
    assert "Answer key" not in text
    assert "shoppers get confident, wrong advice" not in text


# ---------- safety: only the lesson's folder and data: URIs ----------


def test_images_in_the_lesson_folder_are_embedded(small_pdf: Path) -> None:
    reader = pypdf.PdfReader(small_pdf)
    # Emoji are drawn as images too; the lesson's 4x4 pixel is the only one that small.
    sizes = {img.image.size for page in reader.pages for img in page.images if img.image}
    assert (4, 4) in sizes


MARGIN_PT = 21 / 25.4 * 72
"""print.css's left and right page margin (21 mm), in PDF points."""


def _times(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """The PDF matrix product m x n of two (a b c d e f) matrices."""
    return (
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    )


def drawn_images(reader: pypdf.PdfReader, page: Any) -> Iterator[tuple[int, int, float, float]]:
    """(pixel width, pixel height, left x, drawn width) of every image XObject a page paints,
    from the transformation matrix in force at its ``Do`` (q/Q/cm tracked)."""
    xobjects = page["/Resources"].get("/XObject", {})
    stream = pypdf.generic.ContentStream(page.get_contents(), reader)
    ctm: tuple[float, ...] = (1, 0, 0, 1, 0, 0)
    saved: list[tuple[float, ...]] = []
    for operands, operator in stream.operations:
        if operator == b"q":
            saved.append(ctm)
        elif operator == b"Q":
            ctm = saved.pop()
        elif operator == b"cm":
            ctm = _times(tuple(float(v) for v in operands), ctm)
        elif operator == b"Do":
            xobject = xobjects[operands[0]].get_object()
            if xobject["/Subtype"] == "/Image":
                left, right = sorted((ctm[4], ctm[4] + ctm[0]))
                yield int(xobject["/Width"]), int(xobject["/Height"]), left, right - left


def test_large_images_are_scaled_to_the_text_block(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (800, 400), (10, 90, 160)).save(tmp_path / "wide.png")
    Image.new("RGB", (1600, 200), (160, 90, 10)).save(tmp_path / "band.png")
    write_pixel(tmp_path / "pixel.png")
    source = tmp_path / "images.md"
    source.write_text(
        "---\nid: images\ntitle: Images\n---\n\n## Pictures\n\n![A wide chart](wide.png)\n\n"
        "A banner ![a banner](band.png) inside a sentence.\n\n"
        ":::{tension}\nA boxed chart: ![a boxed chart](wide.png)\n:::\n\n"
        "A dot ![a dot](pixel.png) stays small.\n",
        encoding="utf-8",
    )
    reader = pypdf.PdfReader(EXPORTER.export(load(source), tmp_path / "images.pdf", PdfOptions()))
    drawn = [
        (size, left, width, float(page.mediabox.width))
        for page in reader.pages
        for *size, left, width in drawn_images(reader, page)
    ]
    assert sorted(tuple(size) for size, *_ in drawn) == [
        (4, 4),
        (800, 400),
        (800, 400),
        (1600, 200),
    ]
    for size, left, width, page_width in drawn:
        assert left >= MARGIN_PT - 0.01, size
        assert left + width <= page_width - MARGIN_PT + 0.01, size
    dot = next(width for size, _, width, _ in drawn if size == [4, 4])
    assert dot == pytest.approx(3)  # 4 CSS px: a small image keeps its own size


PAGE = '<html lang="en"><head><title>t</title>{head}</head><body><p>x</p>{body}</body></html>'


@pytest.mark.parametrize(
    ("head", "body", "why"),
    [
        ("", '<a rel="attachment" href="file:///etc/passwd">passwords</a>', "outside"),
        ('<link rel="attachment" href="file:///etc/passwd"/>', "", "outside"),
        ('<link rel="stylesheet" href="file:///etc/passwd"/>', "", "outside"),
        ("", '<img src="http://127.0.0.1:9/x.png" alt="x"/>', "other URLs"),
        ("", '<img src="https://example.com/x.png" alt="x"/>', "other URLs"),
        ("", '<img src="file:///dev/zero" alt="x"/>', "outside"),
        ("", '<img src="../secret.png" alt="x"/>', "outside"),
        ("", '<img src="ftp://example.com/x.png" alt="x"/>', "other URLs"),
        ("<style>p { background: url(file:///etc/hostname) }</style>", "", "outside"),
        ("", '<img src="zero.png" alt="x"/>', "outside"),
        ("", '<img src="fifo.png" alt="x"/>', "not a regular file"),
        ("", '<img src="notes.png" alt="x"/>', "not a .png image"),
    ],
)
def test_fetcher_refuses_everything_else(tmp_path: Path, head: str, body: str, why: str) -> None:
    folder = tmp_path / "lesson"
    folder.mkdir()
    (tmp_path / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\nsecret")
    (folder / "zero.png").symlink_to("/dev/zero")
    os.mkfifo(folder / "fifo.png")
    (folder / "notes.png").write_text("not an image", encoding="utf-8")
    with pytest.raises(LessonError) as caught:
        render_pdf(PAGE.format(head=head, body=body), "", folder)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "refused-resource"
    assert why in diagnostic.message
    assert diagnostic.line >= 1


def test_fetcher_serves_data_uris_and_folder_images(tmp_path: Path) -> None:
    import base64

    write_pixel(tmp_path / "pixel.png")
    data = base64.b64encode((tmp_path / "pixel.png").read_bytes()).decode("ascii")
    body = f'<img src="data:image/png;base64,{data}" alt="a"/><img src="pixel.png" alt="b"/>'
    pdf = render_pdf(PAGE.format(head="", body=body), "", tmp_path)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    sizes = [img.image.size for page in reader.pages for img in page.images if img.image]
    assert sizes == [(4, 4), (4, 4)]


def test_refusal_names_the_source_line_and_keeps_the_old_file(tmp_path: Path) -> None:
    folder = tmp_path / "lesson"
    folder.mkdir()
    write_pixel(folder / "pixel.png")
    (folder / "small-hindi.md").write_text(SMALL_LESSON, encoding="utf-8")
    lesson = load(folder / "small-hindi.md")
    (folder / "pixel.png").unlink()  # gone between checking and printing
    out = tmp_path / "out.pdf"
    out.write_bytes(b"previous")
    with pytest.raises(LessonError) as caught:
        EXPORTER.export(lesson, out, PdfOptions())
    (diagnostic,) = caught.value.diagnostics
    line = SMALL_LESSON.splitlines().index("![A small red dot](pixel.png)") + 1
    assert (diagnostic.path, diagnostic.line) == (str(folder / "small-hindi.md"), line)
    assert "does not exist" in diagnostic.message
    assert out.read_bytes() == b"previous"
    assert list(tmp_path.glob(".out.pdf.*")) == []


def test_importing_the_exporter_does_not_load_weasyprint() -> None:
    code = "import sys, aipm_content.exporters.pdf; sys.exit('weasyprint' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
