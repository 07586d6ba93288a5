"""A lesson's structure with every id: what an author needs to write ``:case:`` or ``#id`` links.

One tree of ``Entry`` nodes feeds the three forms ``aipm-export outline`` prints: indented plain
text (piped), a rich tree (terminal) and JSON (``--json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model.blocks import ACTIVITY_TYPES, Block
from .model.inline import RichText
from .model.lesson import Lesson, activity_title

SNIPPET = 60
"""Characters of a block's text shown beside its id."""


@dataclass(frozen=True)
class Entry:
    """One node of the outline: its kind, its id, a short description and what it holds."""

    kind: str
    id: str
    text: str = ""
    notes: tuple[str, ...] = ()
    children: list[Entry] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "id": self.id, "text": self.text}
        if self.notes:
            out["notes"] = list(self.notes)
        if self.children:
            out["children"] = [child.as_json() for child in self.children]
        return out

    def line(self) -> str:
        """``kind id  text  [notes]`` on one line."""
        parts = [f"{self.kind} {self.id}"]
        if self.text:
            parts.append(self.text)
        if self.notes:
            parts.append("[" + "; ".join(self.notes) + "]")
        return "  ".join(parts)


def snippet(text: str | RichText | None, limit: int = SNIPPET) -> str:
    """The first words of a text, on one line, cut at a word with an ellipsis."""
    plain = text.text if isinstance(text, RichText) else (text or "")
    plain = " ".join(plain.split())
    if len(plain) <= limit:
        return plain
    return plain[: limit - 1].rsplit(" ", 1)[0] + "…"


def block_entry(lesson: Lesson, block: Block) -> Entry:
    notes: list[str] = []
    children: list[Entry] = []
    text = ""
    if isinstance(block, ACTIVITY_TYPES):
        notes.append("activity")
        text = snippet(activity_title(lesson, block))
    if block.type == "paragraph":
        text = snippet(block.text)
    elif block.type in ("list", "quote"):
        first = block.items[0] if block.type == "list" else block.paragraphs[0]
        text = snippet(first)
    elif block.type == "tension":
        text = snippet(block.text)
    elif block.type == "scene":
        text = snippet(block.setting or block.lines[0].text)
    elif block.type == "thread":
        text = block.channel + (f" — {block.topic}" if block.topic else "")
    elif block.type == "exercise":
        notes.append(f"{block.duration_minutes} min")
    elif block.type == "practice":
        notes.append(f"case: {block.case}" if block.case else "own question")
        notes.append(f"{block.points} points")
    elif block.type == "decision":
        if not block.choices:
            notes.append("open: no choices")
        children = [
            Entry("choice", choice.id, snippet(choice.text), (f"score {choice.score}",))
            for choice in block.choices
        ]
    elif block.type == "next_steps":
        text = f"{len(block.links)} link{'s' if len(block.links) != 1 else ''}"
    return Entry(block.type, block.id, text, tuple(notes), children)


def lesson_outline(lesson: Lesson) -> Entry:
    """The lesson as a tree: sections, their blocks, a decision's choices."""
    sections = [
        Entry(
            "section",
            section.id,
            section.title or "(the introduction, untitled)",
            (),
            [block_entry(lesson, block) for block in section.blocks],
        )
        for section in lesson.sections
    ]
    return Entry("lesson", lesson.id, lesson.title, (lesson.language,), sections)


def outline_text(root: Entry) -> str:
    """Indented plain text, two spaces a level, one entry a line."""
    lines: list[str] = []

    def walk(entry: Entry, depth: int) -> None:
        lines.append("  " * depth + entry.line())
        for child in entry.children:
            walk(child, depth + 1)

    walk(root, 0)
    return "\n".join(lines) + "\n"
