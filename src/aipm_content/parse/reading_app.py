"""The reading app's plain-text form of a lesson -> the same model the authoring Markdown gives.

The reading app exports a lesson as the text a reader sees. Its conventions:

* **Chrome.** The reading progress lines at the top ("8 min left 0%") and the bottom
  ("<title> 0%", "8 min left") are dropped.
* **Title.** The first line. The app lowercases it, so its casing is restored: the first letter
  is capitalised and every other word takes the casing it has most often in the body
  ("ai" -> "AI", "pm" -> "PM"; on a tie, or if the word never occurs, it stays as written).
* **Epigraph.** If the first paragraph after the title is exactly two lines, a quotation and an
  attribution without final punctuation, it is the epigraph.
* **Headings.** A one-line paragraph without final punctuation (``. ? ! : ” " ’``) of at most
  12 words starts a section ("Test yourself" and "Where to go next" included). A one-line
  paragraph without final punctuation but longer is an ``ambiguous-heading`` error.
* **Blocks.** A line starting ``//`` opens a block, which runs to the next marker or heading:

  - ``// scene:`` — the next paragraph is the setting (unless it is already dialogue), then
    lines: ``Speaker (role): “text”`` is dialogue (the outer curly quotes are dropped), any
    other paragraph narration;
  - ``// tension:`` — one paragraph;
  - ``// thread: #channel — topic`` — one message a line, ``Name (Role) text`` (or
    ``Name: text``), with trailing reactions ``fire: 3`` (several: ``fire: 3 heart: 2`` or
    ``fire: 3, heart: 2``);
  - ``// exercise: · 20 min`` — the title on the next line, then instructions, the steps
    (lines ``  1. ...``) and closing paragraphs; "Write 300 words." gives the word target;
  - ``// learn the judgment`` — scenario paragraphs, the last starting "The call:";
  - ``// practice for score`` — like a judgment, then the answer box "0 chars (min 80)" that
    gives the minimum length; a practice repeating a preceding judgment's text refers to it;
  - ``// interactive:`` — a decision: its title on the next line, then its scenario (the text
    form has no choices).
* **Lists.** Consecutive paragraphs "1. ", "2. " ... outside blocks are a numbered list.
* Text is plain: nothing in it is read as Markdown, but straight quotes, ``--`` and ``...`` are
  set as the Markdown parser's typographer sets them (parse.markdown.typographic). The
  language is "en-IN" (the reading app only serves the Indian English course), and ids are
  derived exactly as for the Markdown form.

Problems are collected as located diagnostics, never raised one at a time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..model.ids import slugify
from ..model.lesson import Lesson
from .build import normalise_newlines
from .builder import Builder, _shift
from .ids import assign_ids
from .markdown import typographic
from .reading_blocks import BlockReader
from .reading_text import (
    ANSWER_BOX,
    EXERCISE,
    INDENTED_STEP,
    INTERACTIVE,
    JUDGMENT,
    MARKER,
    MAX_HEADING_WORDS,
    MESSAGE,
    NUMBERED,
    PRACTICE,
    SCENE,
    TENSION,
    TERMINAL,
    THREAD,
    Para,
    Pending,
    is_heading_like,
    paragraphs,
    pending_title_loc,
    restore_title,
    strip_chrome,
)
from .recorder import Loc
from .validate import validate

DEFAULT_LANGUAGE = "en-IN"
"""The reading app serves one course, in Indian English."""


class ReadingAppReader(BlockReader):
    """Turns the paragraphs of a reading-app export into the dictionaries build.py validates."""

    # -- structure ---------------------------------------------------------------------------

    def lesson(self, paras: list[Para]) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        intro: dict[str, Any] = {
            "type": "section",
            "id": "introduction",
            "title": None,
            "blocks": [],
        }
        sections: list[dict[str, Any]] = [intro]
        epigraph = None
        if paras and not MARKER.match(paras[0].first) and self.is_epigraph(paras[0]):
            epigraph = self.epigraph(paras.pop(0))
        pending: Pending | None = None
        flow: list[Para] = []  # loose paragraphs of the current section, not yet turned into blocks

        def flush() -> None:
            nonlocal pending
            section = sections[-1]
            self.flow_blocks(flow, section, len(sections) - 1)
            flow.clear()
            if pending is not None:
                loc = ("sections", len(sections) - 1, "blocks", len(section["blocks"]))
                block = self.block(pending, loc)
                if block is not None:
                    section["blocks"].append(block)
                pending = None

        for para in paras:
            if MARKER.match(para.first):
                flush()
                pending = self.open_block(para)
                continue
            if pending is not None and pending.needs_title:
                pending.needs_title = False
                pending.title = typographic(para.first)
                self.b.at(pending_title_loc(len(sections) - 1, sections[-1]), para.line)
                if len(para.lines) > 1:
                    pending.paras.append(Para(para.lines[1:], para.line + 1))
                continue
            if pending is not None and self.takes(pending, para):
                pending.paras.append(para)
                continue
            if is_heading_like(para):
                words = len(para.first.split())
                if words <= MAX_HEADING_WORDS:
                    flush()
                    sections.append(
                        {
                            "type": "section",
                            "id": None,
                            "title": typographic(para.first),
                            "blocks": [],
                            "_line": para.line,
                        }
                    )
                    continue
                self.b.fail(
                    para.line,
                    1,
                    "ambiguous-heading",
                    "a line without final punctuation reads as a heading, but this one has "
                    f"{words} words (at most {MAX_HEADING_WORDS}); "
                    "end it with punctuation or shorten it",
                )
                continue
            if pending is not None:
                pending.paras.append(para)
            else:
                flow.append(para)
        flush()

        if not intro["blocks"]:
            sections.pop(0)
            self.b.positions = {_shift(k): v for k, v in self.b.positions.items()}
            self.b.incomplete = {_shift(k) for k in self.b.incomplete}
        for index, section in enumerate(sections):
            if "_line" in section:
                self.b.at(("sections", index), section["_line"])
        if not sections:
            self.b.fail(1, 1, "empty-lesson", "the lesson has no content")
        assign_ids(self.b, sections)
        return epigraph, sections

    def is_epigraph(self, para: Para) -> bool:
        return len(para.lines) == 2 and not para.lines[1].strip().endswith(TERMINAL)

    def epigraph(self, para: Para) -> dict[str, Any] | None:
        self.b.at(("epigraph",), para.line)
        text = self.plain(para.lines[0], para.line, ("epigraph", "text"))
        self.b.at(("epigraph", "attribution"), para.line + 1)
        attribution = typographic(para.lines[1].strip())
        return {"text": text, "attribution": attribution} if text else None

    def flow_blocks(self, flow: list[Para], section: dict[str, Any], index: int) -> None:
        """Loose paragraphs: numbered runs "1. ", "2. " ... become a list, the rest paragraphs."""
        i = 0
        while i < len(flow):
            loc = ("sections", index, "blocks", len(section["blocks"]))
            para = flow[i]
            first = NUMBERED.match(para.text)
            if first is None:
                text = self.plain(para.text, para.line, loc + ("text",))
                self.b.at(loc, para.line)
                if text:
                    section["blocks"].append(
                        {"type": "paragraph", "text": text, "_line": para.line}
                    )
                i += 1
                continue
            start = int(first.group("n"))
            items: list[Any] = []
            self.b.at(loc, para.line)
            while i < len(flow):
                match = NUMBERED.match(flow[i].text)
                if match is None or int(match.group("n")) != start + len(items):
                    break
                item = self.plain(match.group("text"), flow[i].line, loc + ("items", len(items)))
                if item:
                    items.append(item)
                i += 1
            section["blocks"].append(
                {
                    "type": "list",
                    "ordered": True,
                    "start": start,
                    "items": items,
                    "_line": para.line,
                }
            )

    # -- blocks ------------------------------------------------------------------------------

    def open_block(self, para: Para) -> Pending | None:
        head = para.first
        rest = [Para([line], para.line + n) for n, line in enumerate(para.lines[1:], 1)]
        for kind, pattern in (
            ("scene", SCENE),
            ("tension", TENSION),
            ("thread", THREAD),
            ("exercise", EXERCISE),
            ("judgment", JUDGMENT),
            ("practice", PRACTICE),
            ("decision", INTERACTIVE),
        ):
            if pattern.match(head):
                pending = Pending(kind, para, needs_title=kind in ("exercise", "decision"))
                if pending.needs_title and rest:
                    pending.title = rest.pop(0).first
                    pending.needs_title = False
                if kind == "thread":
                    pending.paras.extend(rest)  # one message a line
                elif rest:
                    pending.paras.append(
                        Para(para.lines[len(para.lines) - len(rest) :], rest[0].line)
                    )
                return pending
        known = (
            "// scene:, // tension:, // thread:, // exercise:, // learn the judgment, "
            "// practice for score, // interactive:"
        )
        self.b.fail(para.line, 1, "unknown-marker", f"unknown marker {head!r} (known: {known})")
        return Pending("unknown", para)

    def takes(self, pending: Pending, para: Para) -> bool:
        """Whether a heading-like paragraph still belongs to the open block."""
        if pending.kind == "scene" and not pending.paras:
            return True  # the setting
        if pending.kind == "thread":
            return all(MESSAGE.match(line.strip()) for line in para.lines)
        if pending.kind == "exercise":
            return all(INDENTED_STEP.match(line) for line in para.lines)
        if pending.kind == "practice":
            return bool(ANSWER_BOX.match(para.text))
        return False

    def block(self, pending: Pending, loc: Loc) -> dict[str, Any] | None:
        self.b.at(loc, pending.marker.line)
        paras = [p for p in pending.paras if p.lines]
        if pending.kind == "unknown":
            self.b.forget(loc)
            return None
        builder = getattr(self, f"build_{pending.kind}")
        before = len(self.b.diagnostics)
        block: dict[str, Any] | None = builder(pending, paras, loc)
        if block is None:
            self.b.forget(loc)  # the next block takes this place in the model
            return None
        block["_line"] = pending.marker.line
        if len(self.b.diagnostics) > before:
            # Already reported: pydantic's "missing" and "too short" under it are consequences.
            self.b.incomplete.add(loc)
        return block


def parse_reading_app(
    text: str,
    path: str = "<string>",
    *,
    lesson_id: str | None = None,
    source_dir: Path | None = None,
) -> Lesson:
    """Parse a reading-app text export into a validated Lesson, or raise LessonError."""
    text = normalise_newlines(text, path)
    b = Builder(path, source_dir)
    numbered = list(enumerate(text.split("\n"), 1))
    title_line, body = strip_chrome(numbered)
    meta: dict[str, Any] = {"language": DEFAULT_LANGUAGE}
    if title_line is None:
        b.fail(1, 1, "missing-title", "the text has no title line")
        title = ""
    else:
        raw_title = title_line[1].strip()
        if MARKER.match(raw_title):
            b.fail(
                title_line[0], 1, "missing-title", "the text starts with a marker, not the title"
            )
        title = restore_title(raw_title, "\n".join(line for _, line in body))
        b.at(("title",), title_line[0])
        meta["title"] = title
    meta["id"] = lesson_id or slugify(title) or "lesson"
    reader = ReadingAppReader(b)
    epigraph, sections = reader.lesson(paragraphs(body))
    return validate(b, {**meta, "epigraph": epigraph, "sections": sections})
