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

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model.ids import slugify
from ..model.lesson import Lesson
from .build import normalise_newlines
from .builder import Builder, Loc, _shift
from .ids import assign_ids, derived_id
from .lint import reaction_warning
from .markdown import typographic
from .validate import validate

DEFAULT_LANGUAGE = "en-IN"
"""The reading app serves one course, in Indian English."""
MAX_HEADING_WORDS = 12
TERMINAL = (".", "?", "!", ":", "”", '"', "’")
THE_CALL = "The call:"

CHROME_TIME = re.compile(r"^\d+\s+min(?:utes?)?\s+left(?:\s+\d{1,3}%)?$")
# The title ends on a non-space, so the spaces before the percentage are scanned once, not
# once per possible title length (tests/test_regex.py counts the steps of every pattern).
CHROME_PROGRESS = re.compile(r"^(?P<title>.*?\S)\s++\d{1,3}%$")
MARKER = re.compile(r"^//")
SCENE = re.compile(r"^//\s*scene:\s*$", re.IGNORECASE)
TENSION = re.compile(r"^//\s*tension:\s*$", re.IGNORECASE)
THREAD = re.compile(r"^//\s*thread:(?P<rest>.*)$", re.IGNORECASE)
THREAD_HEAD = re.compile(r"^\s*(?P<channel>#\S+)(?:\s+[—–-]\s+(?P<topic>\S.*?))?\s*$")
EXERCISE = re.compile(r"^//\s*exercise:(?P<rest>.*)$", re.IGNORECASE)
# `\s*·?\s*` would split a run of spaces between its two halves (quadratic); one run, then
# the optional dot with its own spaces, reads the same lines.
DURATION = re.compile(r"^\s*(?:·\s*)?(?P<minutes>\d{1,4})\s*min(?:ute)?s?\s*$")
JUDGMENT = re.compile(r"^//\s*learn the judgment\s*$", re.IGNORECASE)
PRACTICE = re.compile(r"^//\s*practice for score\s*$", re.IGNORECASE)
INTERACTIVE = re.compile(r"^//\s*interactive:\s*$", re.IGNORECASE)

# A name ends on a non-space and the spaces after it are taken possessively, so no run of
# spaces is rescanned for each of the name's possible lengths.
NAME = r"(?P<name>[^\W\d_](?:[^:()\n]{0,58}[^:()\s])?)"
DIALOGUE = re.compile(
    rf"^{NAME}(?:\s*+\((?P<role>[^()\n]{{1,60}})\)|[^\S\n]*+):\s++“(?P<text>.*)”$"
)
MESSAGE = re.compile(
    rf"^{NAME}(?:\s*+\((?P<role>[^()\n]{{1,60}})\)\s++|[^\S\n]*+:\s++)(?P<text>\S.*)$"
)
# Trailing reactions "fire: 3, +1: 2", matched on the reversed message: anchored at its end,
# one scan, where a search from the front rescans the rest of the line from every space.
REACTION_REVERSED = r"\d{1,7}\s*:[a-z0-9_+-]{1,32}"
REACTIONS_REVERSED = re.compile(
    rf"\s*(?P<list>{REACTION_REVERSED}(?:\s*,\s*{REACTION_REVERSED}|\s+{REACTION_REVERSED})*)\s"
)
REACTION_PAIR = re.compile(r"(?<![a-z0-9_+-])(?P<name>[a-z0-9_+-]{1,32}):\s*(?P<count>\d{1,7})")
STEP = re.compile(r"^\s*(?P<n>\d{1,9})\.\s+(?P<text>\S.*)$")
INDENTED_STEP = re.compile(r"^\s+\d{1,9}\.\s+\S")
NUMBERED = re.compile(r"^(?P<n>\d{1,9})\.\s+(?P<text>\S.*)$")
ANSWER_BOX = re.compile(
    r"^\d+\s+chars?\s+\(min\s+(?P<min>\d{1,9})(?:,\s*max\s+(?P<max>\d{1,9}))?\)$"
)
WORD_TARGET = re.compile(r"\bWrite\s+(?P<n>\d{1,6})\s+words\b")
WORD = re.compile(r"\w+(?:[-'’]\w+)*")


@dataclass
class Para:
    """A paragraph of the text: its lines (trailing spaces dropped) and first line number."""

    lines: list[str]
    line: int

    @property
    def text(self) -> str:
        """The paragraph as one line of plain text."""
        return " ".join(part.strip() for part in self.lines)

    @property
    def first(self) -> str:
        return self.lines[0].strip()


@dataclass
class Pending:
    """A block opened by a marker, collecting its paragraphs until the next marker or heading."""

    kind: str
    marker: Para
    paras: list[Para] = field(default_factory=list)
    title: str | None = None
    needs_title: bool = False


def paragraphs(lines: list[tuple[int, str]]) -> list[Para]:
    """Blank lines separate paragraphs; a marker line always starts a new one."""
    out: list[Para] = []
    current: Para | None = None
    for number, raw in lines:
        text = raw.rstrip()
        if not text.strip():
            current = None
            continue
        if current is None or MARKER.match(text.lstrip()):
            current = Para([text], number)
            out.append(current)
        else:
            current.lines.append(text)
    return out


def is_heading_like(para: Para) -> bool:
    """One line and no final punctuation: a heading, if it is short enough."""
    return len(para.lines) == 1 and not para.first.endswith(TERMINAL)


def restore_title(title: str, body: str) -> str:
    """Casing of a lowercased title: first letter up, other words as the body spells them most."""
    forms: dict[str, Counter[str]] = {}
    for word in WORD.findall(body):
        forms.setdefault(word.lower(), Counter())[word] += 1

    def recase(match: re.Match[str]) -> str:
        word = match.group(0)
        counts = forms.get(word.lower())
        if not counts:
            return word
        ranked = counts.most_common()
        best, top = ranked[0]
        tied = [form for form, n in ranked if n == top]
        return word if len(tied) > 1 and word in tied else best if len(tied) == 1 else word

    restored = WORD.sub(recase, title)
    return restored[:1].upper() + restored[1:]


class ReadingAppReader:
    """Turns the paragraphs of a reading-app export into the dictionaries build.py validates."""

    def __init__(self, b: Builder) -> None:
        self.b = b
        self.judgments: list[tuple[list[str], dict[str, Any]]] = []

    # -- text --------------------------------------------------------------------------------

    def plain(self, text: str, line: int, loc: Loc) -> dict[str, Any] | None:
        """Rich text holding ``text`` as one plain run: nothing in it is Markdown."""
        text = text.strip()
        if not text:
            self.b.fail(line, 1, "empty", "text is empty")
            return None
        self.b.at(loc, line)
        return {"inlines": [{"type": "text", "text": typographic(text)}]}

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

    def empty(self, pending: Pending, what: str) -> None:
        self.b.fail(
            pending.marker.line,
            1,
            "empty-block",
            f"{what} has no text before the next marker or heading",
        )

    def build_scene(self, pending: Pending, paras: list[Para], loc: Loc) -> dict[str, Any] | None:
        setting = None
        if paras and DIALOGUE.match(paras[0].text) is None:
            setting_para = paras.pop(0)
            setting = self.plain(setting_para.text, setting_para.line, loc + ("setting",))
        if not paras:
            self.empty(pending, "a scene")
            return None
        lines: list[dict[str, Any]] = []
        for para in paras:
            line_loc = loc + ("lines", len(lines))
            self.b.at(line_loc, para.line)
            spoken = DIALOGUE.match(para.text)
            if spoken is not None:
                lines.append(
                    {
                        "type": "dialogue",
                        "speaker": spoken.group("name").strip(),
                        "role": spoken.group("role"),
                        "text": self.plain(spoken.group("text"), para.line, line_loc + ("text",)),
                    }
                )
            else:
                lines.append(
                    {
                        "type": "narration",
                        "text": self.plain(para.text, para.line, line_loc + ("text",)),
                    }
                )
        return {"type": "scene", "setting": setting, "lines": lines}

    def build_tension(self, pending: Pending, paras: list[Para], loc: Loc) -> dict[str, Any] | None:
        if not paras:
            self.empty(pending, "a tension")
            return None
        if len(paras) > 1:
            self.b.fail(paras[1].line, 1, "tension-text", "a tension holds exactly one paragraph")
            return None
        text = self.plain(paras[0].text, paras[0].line, loc + ("text",))
        return {"type": "tension", "text": text} if text else None

    def build_thread(self, pending: Pending, paras: list[Para], loc: Loc) -> dict[str, Any] | None:
        head = THREAD_HEAD.match(THREAD.match(pending.marker.first).group("rest"))  # type: ignore[union-attr]
        if head is None:
            self.b.fail(
                pending.marker.line, 1, "bad-marker", "a thread opens '// thread: #channel — topic'"
            )
            return None
        self.b.at(loc + ("channel",), pending.marker.line)
        self.b.at(loc + ("topic",), pending.marker.line)
        messages: list[dict[str, Any]] = []
        for para in paras:
            for n, raw in enumerate(para.lines):
                line = para.line + n
                message = self.message(raw, line, loc + ("messages", len(messages)))
                if message is not None:
                    messages.append(message)
        if not messages and not paras:
            self.empty(pending, "a thread")
            return None
        return {
            "type": "thread",
            "channel": head.group("channel"),
            "topic": typographic(head.group("topic")) if head.group("topic") else None,
            "messages": messages,
        }

    def message(self, raw: str, line: int, loc: Loc) -> dict[str, Any] | None:
        text = raw.strip()
        col = len(raw) - len(raw.lstrip()) + 1
        reactions: list[dict[str, Any]] = []
        found = trailing_reactions(text)
        if found:
            start, listed = found
            for pair in REACTION_PAIR.finditer(listed):
                name = pair.group("name")
                reactions.append({"name": name, "count": int(pair.group("count"))})
                problem = reaction_warning(name)
                if problem is not None:
                    self.b.warn(line, col + text.rfind(pair.group(0), start), *problem)
            text = text[:start].rstrip()
        match = MESSAGE.match(text)
        if match is None:
            self.b.fail(
                line,
                col,
                "bad-message",
                "a thread message reads 'Name (Role) text' (or 'Name: text')",
            )
            return None
        self.b.at(loc, line, col)
        return {
            "author": match.group("name").strip(),
            "role": match.group("role"),
            "text": self.plain(match.group("text"), line, loc + ("text",)),
            "reactions": reactions,
        }

    def build_exercise(
        self, pending: Pending, paras: list[Para], loc: Loc
    ) -> dict[str, Any] | None:
        marker = pending.marker
        head = EXERCISE.match(marker.first)
        duration = DURATION.match(head.group("rest")) if head else None
        if duration is None:
            self.b.fail(
                marker.line, 1, "missing-duration", "an exercise opens '// exercise: · 20 min'"
            )
        if pending.title is None:
            self.b.fail(
                marker.line,
                1,
                "missing-title",
                "the exercise's title goes on the line after its marker",
            )
        parts: dict[str, list[Any]] = {"instructions": [], "steps": [], "closing": []}
        stage = "instructions"
        word_target = None
        for para in paras:
            if all(STEP.match(line) for line in para.lines) and stage != "closing":
                for n, raw in enumerate(para.lines):
                    step = STEP.match(raw)
                    assert step is not None
                    text = self.plain(
                        step.group("text"), para.line + n, loc + ("steps", len(parts["steps"]))
                    )
                    if text:
                        parts["steps"].append(text)
                stage = "steps"
                continue
            if stage == "steps":
                stage = "closing"
            target = WORD_TARGET.search(para.text)
            if target and word_target is None:
                word_target = int(target.group("n"))
                self.b.at(loc + ("word_target",), para.line)
            text = self.plain(para.text, para.line, loc + (stage, len(parts[stage])))
            if text:
                parts[stage].append(text)
        if not paras:
            self.empty(pending, "an exercise")
            return None
        self.b.at(loc + ("duration_minutes",), marker.line)
        self.b.at(loc + ("title",), marker.line + 1)
        return {
            "type": "exercise",
            "title": pending.title,
            "duration_minutes": int(duration.group("minutes")) if duration else None,
            "word_target": word_target,
            **parts,
        }

    def case_and_call(
        self, pending: Pending, paras: list[Para], loc: Loc, what: str
    ) -> tuple[list[Any], dict[str, Any] | None]:
        if not paras:
            self.empty(pending, what)
            return [], None
        last = paras[-1]
        if not last.text.startswith(THE_CALL):
            self.b.fail(
                last.line, 1, "missing-call", f"{what} ends with a paragraph starting '{THE_CALL}'"
            )
            return [], None
        scenario: list[dict[str, Any]] = []
        for para in paras[:-1]:
            text = self.plain(para.text, para.line, loc + ("scenario", len(scenario)))
            if text:
                scenario.append(text)
        question = self.plain(last.text[len(THE_CALL) :], last.line, loc + ("question",))
        return scenario, question

    def build_judgment(
        self, pending: Pending, paras: list[Para], loc: Loc
    ) -> dict[str, Any] | None:
        scenario, question = self.case_and_call(pending, paras, loc, "a judgment")
        if question is None:
            return None
        block = {"type": "judgment", "scenario": scenario, "question": question}
        self.judgments.append(([p.text for p in paras], block))
        return block

    def build_practice(
        self, pending: Pending, paras: list[Para], loc: Loc
    ) -> dict[str, Any] | None:
        box = ANSWER_BOX.match(paras[-1].text) if paras else None
        if box is None:
            self.b.fail(
                pending.marker.line,
                1,
                "missing-min-chars",
                "a practice ends with its answer box, e.g. '0 chars (min 80)'",
            )
            return None
        box_line = paras[-1].line
        paras = paras[:-1]
        for para in paras:
            if ANSWER_BOX.match(para.text):
                self.b.fail(
                    para.line, 1, "unexpected-text", "a practice has one answer box, at its end"
                )
                return None
        data: dict[str, Any] = {
            "type": "practice",
            "min_chars": int(box.group("min")),
            "max_chars": int(box.group("max")) if box.group("max") else None,
        }
        self.b.at(loc + ("min_chars",), box_line)
        self.b.at(loc + ("max_chars",), box_line)
        texts = [p.text for p in paras]
        case = next((block for seen, block in reversed(self.judgments) if seen == texts), None)
        if case is not None:
            return {**data, "case": derived_id(case)}
        scenario, question = self.case_and_call(pending, paras, loc, "a practice")
        if question is None:
            return None
        return {**data, "scenario": scenario, "question": question}

    def build_decision(
        self, pending: Pending, paras: list[Para], loc: Loc
    ) -> dict[str, Any] | None:
        if pending.title is None:
            self.b.fail(
                pending.marker.line,
                1,
                "missing-title",
                "the decision's title goes on the line after its marker",
            )
            return None
        if not paras:
            self.empty(pending, "an interactive decision")
            return None
        self.b.at(loc + ("title",), pending.marker.line + 1)
        scenario: list[dict[str, Any]] = []
        for para in paras:
            text = self.plain(para.text, para.line, loc + ("scenario", len(scenario)))
            if text:
                scenario.append(text)
        return {"type": "decision", "title": pending.title, "scenario": scenario, "choices": []}


def pending_title_loc(index: int, section: dict[str, Any]) -> Loc:
    """Where the title of the block about to be added to ``section`` lives in the model."""
    return ("sections", index, "blocks", len(section["blocks"]), "title")


def trailing_reactions(text: str) -> tuple[int, str] | None:
    """(where the reactions start, the list) of a message ending in "name: count, ...", or None."""
    found = REACTIONS_REVERSED.match(text[::-1])
    if found is None:
        return None
    return len(text) - found.end(), found.group("list")[::-1]


def strip_chrome(
    lines: list[tuple[int, str]],
) -> tuple[tuple[int, str] | None, list[tuple[int, str]]]:
    """The title line and the body, without the reading app's progress lines."""
    body = [(n, text) for n, text in lines]
    while body and not body[0][1].strip():
        body.pop(0)
    if body and CHROME_TIME.match(body[0][1].strip()):
        body.pop(0)
    while body and not body[0][1].strip():
        body.pop(0)
    if not body:
        return None, []
    title = body.pop(0)
    while body:
        last = body[-1][1].strip()
        progress = CHROME_PROGRESS.match(last)
        if (
            not last
            or CHROME_TIME.match(last)
            or (progress and progress.group("title").lower() == title[1].strip().lower())
        ):
            body.pop()
            continue
        break
    return title, body


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
