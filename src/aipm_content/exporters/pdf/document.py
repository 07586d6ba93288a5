"""Lesson -> print HTML -> PDF bytes: the handout's parts, laid out each once and joined."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from ...model.blocks import Block
from ...model.lesson import Lesson, activity_title
from ...render.html import TEMPLATES, environment, render_section, themed
from ...render.labels import LABELS
from . import PdfOptions
from .press import Press, anchor_pages, front_first, write

THEME = TEMPLATES.parent / "themes" / "default" / "print.css"
PAPER = {"a4": "A4", "letter": "letter"}
# Spelled out here rather than through strftime, whose month names follow the locale.
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


WORDS_PER_LINE = 11
"""Handwritten words that fit one ruled line across the text column."""
CHARS_PER_LINE = 55
AVATAR_COLOURS = 6


def print_environment() -> Environment:
    """The shared print environment, with the filters only the handout uses."""
    env = environment("print")
    env.filters.update(
        activity_kind=lambda block: LABELS[block.type],
        activity_name=_activity_name,
        initials=_initials,
        avatar=lambda name: sum(map(ord, name)) % AVATAR_COLOURS,
        ruled_lines=lambda words: min(60, max(6, -(-words // WORDS_PER_LINE))),
        answer_lines=lambda chars: min(30, max(4, -(-chars // CHARS_PER_LINE) + 2)),
        truncate_words=_truncate,
        activity_verb=_activity_verb,
        data_page=lambda page: Markup(' data-page="{}"').format(page) if page else "",
    )
    return env


def _activity_name(block: Block, lesson: Lesson) -> str:
    if block.type == "practice" and block.case is not None:
        return "Your call on the judgment case"  # the case is named once, by the judgment
    if block.type in ("exercise", "judgment", "practice", "decision"):
        name = activity_title(lesson, block)
        return name.split(": ", 1)[1] if block.type in ("judgment", "practice") else name
    return block.id


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _activity_verb(block: Block) -> str:
    """One line for the title page's list of what the learner will do."""
    if block.type == "exercise":
        return f"work through “{block.title}”"
    if block.type == "judgment":
        return "weigh a judgment case and make the call"
    if block.type == "practice":
        return f"write a scored answer of at least {block.min_chars} characters"
    if block.type == "decision":
        return f"decide “{block.title}”"
    return block.type


def _initials(name: str) -> str:
    letters = [word[0] for word in name.split() if word[:1].isalnum()]
    return "".join(letters[:2]).upper() or "?"


def lesson_html(lesson: Lesson, options: PdfOptions) -> str:
    """The whole handout as one HTML document (title page, contents, sections, answer key),
    without page numbers: the browser's print view. The PDF lays these parts out apart."""
    template = print_environment().get_template("document.html.j2")
    return template.render(
        **lesson_context(lesson, options), sections=sections_html(lesson, options)
    )


def lesson_context(
    lesson: Lesson, options: PdfOptions, pages: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """What every print template of ``lesson`` is given: ``page_of`` prints ``pages``."""
    known = dict(pages or {})
    return {
        "lesson": lesson,
        "options": options,
        "revised": _revised(lesson.revision),
        "page_of": lambda anchor: str(known[anchor]) if anchor in known else None,
        **answer_key_blocks(lesson),
    }


def sections_html(lesson: Lesson, options: PdfOptions, **context: Any) -> list[str]:
    """Every section of ``lesson`` as print HTML."""
    print_environment()  # the print filters, on the environment render_section uses
    places = case_places(lesson)
    return [
        render_section("print", lesson, i, options=options, case_places=places, **context)
        for i in range(len(lesson.sections))
    ]


def answer_key_blocks(lesson: Lesson) -> dict[str, list[Block]]:
    """What the answer key covers: ``decisions`` with choices and ``practices``."""
    return {
        "decisions": [b for _, b in lesson.blocks() if b.type == "decision" and b.choices],
        "practices": [b for _, b in lesson.blocks() if b.type == "practice"],
    }


def lesson_css(options: PdfOptions, extra: str = "") -> str:
    """The print theme (with ``extra`` rules after it) in the page size and brand colours of
    ``options``, the project's theme override last."""
    brand = options.brand_name or ""
    settings = (
        f"@page {{ size: {PAPER[options.paper]}; }}\n"
        f":root {{ --accent: {options.accent_color}; --highlight: {options.highlight_color}; }}\n"
        f"html {{ string-set: brand {_css_string(brand)}; }}\n"
    )
    default = THEME.read_text(encoding="utf-8") + extra + "\n/* options */\n" + settings
    return themed(default, options.theme_css)


def lesson_pdf(lesson: Lesson, options: PdfOptions) -> bytes:
    """The handout of ``lesson`` as PDF bytes: its sections and answer key laid out, then its
    title page and contents with their pages known (press.front_first)."""
    press = Press(lesson_css(options), lesson.source_dir, lesson.source_line)

    def front(pages: Mapping[str, int] | None) -> Any:
        context = lesson_context(lesson, options, pages or placeholders(lesson))
        html = print_environment().get_template("handout-front.html.j2").render(**context)
        return press.lay_out(html, lesson.source_dir, lesson.source_line)

    def rest(first_page: int) -> tuple[list[Any], dict[str, int]]:
        return lay_out_lesson(press, lesson, options, first_page)

    return write(front_first(front, rest, handout_front_pages(lesson)))


def lay_out_lesson(
    press: Press, lesson: Lesson, options: PdfOptions, first_page: int, **context: Any
) -> tuple[list[Any], dict[str, int]]:
    """A lesson's sections, then its answer key, each laid out once from ``first_page`` on:
    the documents, and the page of every anchor in them (``context`` as for part_html)."""
    root, locate = lesson.source_dir, lesson.source_line
    body = press.lay_out(part_html(lesson, options, "body", **context), root, locate, first_page)
    documents, pages = [body], anchor_pages(body, first_page)
    blocks = answer_key_blocks(lesson)
    if options.answer_key and any(blocks.values()):
        key_page = first_page + len(body.pages)
        html = part_html(lesson, options, "key", pages, **context)
        documents.append(press.lay_out(html, root, locate, key_page))
        pages.update(anchor_pages(documents[1], key_page))
    return documents, pages


def part_html(
    lesson: Lesson,
    options: PdfOptions,
    part: str,
    pages: Mapping[str, int] | None = None,
    **context: Any,
) -> str:
    """One laid-out part of a lesson as an HTML document: ``body``, its sections (after its
    title block when ``context`` has a ``title_id``, as in a course), or ``key``, its answer
    key printing the ``pages`` of the blocks it scores."""
    context = {"title_id": None, "body_class": "", **context}
    sections = sections_html(lesson, options, **context) if part == "body" else []
    template = print_environment().get_template("lesson-part.html.j2")
    return template.render(
        **lesson_context(lesson, options, pages), **context, part=part, sections=sections
    )


PLACEHOLDER = 999
"""Printed for every page number of a front laid out only to learn its length."""


def placeholders(lesson: Lesson) -> dict[str, int]:
    """PLACEHOLDER for every anchor the handout's contents names."""
    return dict.fromkeys(contents_anchors(lesson), PLACEHOLDER)


def contents_anchors(lesson: Lesson) -> Iterator[str]:
    for section in lesson.sections:
        yield f"{section.id}-title" if section.title else section.id
        yield from (block.id for block in section.blocks if block.type in ACTIVITIES)
    yield "answer-key-title"


ACTIVITIES = ("exercise", "decision", "judgment", "practice")
ONE_PAGE_UNITS = 22.0
"""A contents sure to fit one page, in lines of a section's entry (11 pt, 3 mm apart; an
activity's takes 0.7 of one, the heading 1): letter paper holds 27, A4 30."""
COVER_ACTIVITIES = 8
"""Activities the title page lists with room to spare (letter paper holds 11)."""


def handout_front_pages(lesson: Lesson) -> int | None:
    """2 (title page, one page of contents) when that is sure enough, else None."""
    entries = [(1.0, s.title or "") for s in lesson.sections]
    entries += [(0.7, "") for _, b in lesson.blocks() if b.type in ACTIVITIES]
    if len(entries) - len(lesson.sections) > COVER_ACTIVITIES:
        return None
    return 2 if contents_units(entries) <= ONE_PAGE_UNITS else None


def contents_units(entries: list[tuple[float, str]]) -> float:
    """How many section-entry lines ``entries`` (weight, title) take; a long title wraps."""
    return sum(weight * (1 + len(title) // 70) for weight, title in entries) + 1.0


def case_places(lesson: Lesson) -> dict[str, str]:
    """Where each practice's judgment case is printed, in words (its page is not known when
    the practice is laid out): right before or after it "above" or "below", else earlier or
    later in the section, else in the section it is in."""
    where: dict[str, tuple[int, int]] = {}  # the first of an id, as lesson.find takes it
    for s, section in enumerate(lesson.sections):
        for b, block in enumerate(section.blocks):
            where.setdefault(block.id, (s, b))
    found: dict[str, str] = {}
    for s, section in enumerate(lesson.sections):
        for b, block in enumerate(section.blocks):
            if block.type != "practice" or block.case not in where:
                continue
            case_s, case_b = where[block.case]
            if case_s != s:
                home = lesson.sections[case_s].title or LABELS["introduction"]
                found[block.id] = f"{LABELS['case_in_section']} “{home}”"
                continue
            key = {b - 1: "case_above", b + 1: "case_below"}.get(case_b)
            found[block.id] = LABELS[key or ("case_earlier" if case_b < b else "case_later")]
    return found


def _revised(revision: datetime.date | None) -> str | None:
    if revision is None:
        return None
    return f"{revision.day} {MONTHS[revision.month - 1]} {revision.year}"


def _css_string(text: str) -> str:
    escaped = "".join(ch if ch.isalnum() or ch in " .,&'-" else f"\\{ord(ch):x} " for ch in text)
    return f'"{escaped}"'
