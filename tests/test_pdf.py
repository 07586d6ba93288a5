"""The PDF handout, read back: its text and its structure (fonts, tags, links, bytes)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pypdf
import pytest

from aipm_content import parse
from aipm_content.exporters.pdf import EXPORTER, PdfOptions
from aipm_content.exporters.pdf.press import render_pdf
from aipm_content.model.lesson import Lesson
from pdf_reading import (
    fonts_of,
    glyph_report,
    lesson_characters,
    outline_titles,
    page_stream,
    pdf_text,
    squash,
    struct_types,
)

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
