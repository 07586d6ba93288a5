"""The reading app's text, line by line: its markers and line patterns, paragraphs, the
progress "chrome" around the lesson, and the title's casing (the conventions are listed in
reading_app's docstring)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .recorder import Loc

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
