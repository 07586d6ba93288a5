"""Lesson -> print HTML -> PDF bytes, with WeasyPrint confined to the lesson's folder."""

from __future__ import annotations

import contextlib
import datetime
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment

from ...model.blocks import Block
from ...model.lesson import Lesson, activity_title
from ...parse.diagnostics import LessonError
from ...render.html import TEMPLATES, environment, render_section, themed
from ...render.labels import LABELS
from . import PdfOptions
from .fetcher import LESSON_BASE, LessonFetcher, Locate, RefusedResource, nowhere

THEME = TEMPLATES.parent / "themes" / "default" / "print.css"
PAPER = {"a4": "A4", "letter": "letter"}
FONT_EPOCH = "1577836800"
"""2020-01-01T00:00:00Z: the fixed time stamped into re-saved fonts."""
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


def lesson_html(
    lesson: Lesson, options: PdfOptions, nearby_cases: Mapping[str, str] | None = None
) -> str:
    """The whole handout as one HTML document (title page, contents, sections, answer key).

    ``nearby_cases`` maps a practice's id to "above" or "below" when the judgment case it
    answers is printed on the same page, where "on page N" would point at the page itself.
    """
    env = print_environment()
    count = len(lesson.sections)
    nearby = dict(nearby_cases or {})
    sections = [
        render_section("print", lesson, i, options=options, nearby_cases=nearby)
        for i in range(count)
    ]
    template = env.get_template("document.html.j2")
    return template.render(
        lesson=lesson,
        sections=sections,
        options=options,
        revised=_revised(lesson.revision),
        **answer_key_blocks(lesson),
    )


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


Revise = Callable[[Any], str | None]
"""Looks at a laid-out WeasyPrint document; returns HTML to lay out instead, or None."""
MAX_LAYOUTS = 4


def layout(
    html: str, css: str, root: Path | None, locate: Locate = nowhere, revise: Revise | None = None
) -> Any:
    """``html`` laid out as a WeasyPrint document (PDF/UA tagged); every resource goes through
    a LessonFetcher for ``root``.

    ``revise`` may ask for another layout once it sees where things fell (at most
    MAX_LAYOUTS in all), for wording that depends on the page.
    """
    from .engine import CSS, HTML

    fetcher = LessonFetcher(root, locate)
    base_url = LESSON_BASE if root is not None else None
    with weasyprint_errors():
        stylesheet = CSS(string=css, base_url=base_url, url_fetcher=fetcher)
        for _ in range(MAX_LAYOUTS):
            document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
            rendered = document.render(stylesheets=[stylesheet], pdf_variant="pdf/ua-1")
            again = revise(rendered) if revise is not None else None
            if again is None:
                break
            html = again
    keep_only_web_links(rendered)
    return rendered


def write(document: Any) -> bytes:
    """The PDF/UA bytes of a laid-out document (or of pages joined with ``Document.copy``)."""
    with weasyprint_errors():
        data: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    return data


def render_pdf(
    html: str, css: str, root: Path | None, locate: Locate = nowhere, revise: Revise | None = None
) -> bytes:
    """PDF/UA bytes for ``html``; every resource goes through a LessonFetcher for ``root``."""
    return write(layout(html, css, root, locate, revise))


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


def lesson_pdf(lesson: Lesson, options: PdfOptions) -> bytes:
    """The handout of ``lesson`` as PDF bytes."""
    adjacent = adjacent_cases(lesson)
    revise = case_references(
        lesson, "", lambda nearby: lesson_html(lesson, options, nearby), adjacent
    )
    return render_pdf(
        lesson_html(lesson, options, adjacent),
        lesson_css(options),
        lesson.source_dir,
        lesson.source_line,
        revise,
    )


def adjacent_cases(lesson: Lesson) -> dict[str, str]:
    """Practices printed right after (or before) the judgment case they answer, with "above"
    (or "below"): true wherever the page breaks, so they need no page number, and the usual
    case needs no second layout to find out whether the two share a page."""
    found: dict[str, str] = {}
    for section in lesson.sections:
        blocks = section.blocks
        for index, block in enumerate(blocks):
            if block.type != "practice" or block.case is None:
                continue
            if index > 0 and blocks[index - 1].id == block.case:
                found[block.id] = "above"
            elif index + 1 < len(blocks) and blocks[index + 1].id == block.case:
                found[block.id] = "below"
    return found


def case_references(
    lesson: Lesson,
    prefix: str,
    rebuild: Callable[[dict[str, str]], str],
    settled: Mapping[str, str] | None = None,
) -> Revise:
    """The reviser of a lesson's practice-to-case references (html ids start with ``prefix``).

    A practice refers to its judgment case by page; when both land on one page it says
    "above" (or "below") instead, which needs a second layout. Only references switch, each
    at most once, and the shorter wording cannot push its practice to a later page.
    ``settled`` references (adjacent_cases) were laid out with their wording already.
    """
    nearby: dict[str, str] = dict(settled or {})
    order = {block.id: n for n, (_, block) in enumerate(lesson.blocks())}

    def revise(document: Any) -> str | None:
        page_of = {name: n for n, page in enumerate(document.pages) for name in page.anchors}
        found = dict(nearby)
        for _, block in lesson.blocks():
            if block.type != "practice" or block.case is None or block.id in found:
                continue
            here = page_of.get(f"{prefix}{block.id}-case-ref")
            if here == page_of.get(f"{prefix}{block.case}", -1):
                found[block.id] = "above" if order[block.case] < order[block.id] else "below"
        if found == nearby:
            return None
        nearby.update(found)
        return rebuild(nearby)

    return revise


def _revised(revision: datetime.date | None) -> str | None:
    if revision is None:
        return None
    return f"{revision.day} {MONTHS[revision.month - 1]} {revision.year}"


def _css_string(text: str) -> str:
    escaped = "".join(ch if ch.isalnum() or ch in " .,&'-" else f"\\{ord(ch):x} " for ch in text)
    return f'"{escaped}"'
