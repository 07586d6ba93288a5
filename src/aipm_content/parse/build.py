"""Authoring Markdown -> validated Lesson: tokenise, build, assign ids, validate once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markdown_it.token import Token

from ..model.ids import slugify
from ..model.lesson import Lesson
from . import limits
from .builder import Builder
from .diagnostics import Diagnostic, LessonError
from .front_matter import read_front_matter
from .lint import drop_comments
from .markdown import ENGLISH_QUOTES, MAX_NESTING, markdown_parser, quotes_for
from .tree import token_tree
from .validate import validate


def parse_markdown(
    text: str,
    path: str = "<string>",
    *,
    lesson_id: str | None = None,
    source_dir: Path | None = None,
) -> Lesson:
    """Parse authoring Markdown into a validated Lesson, or raise LessonError with every problem."""
    text = normalise_newlines(text, path)
    b = Builder(path, source_dir)
    text, comments = drop_comments(text, front_matter_end(text))
    for line, col, message in comments:
        b.warn(line, col, "html-comment", message)
    b.lines = text.split("\n")
    env: dict[str, Any] = {}
    tokens = markdown_parser().parse(text, env)
    check_nesting(b, tokens)
    nodes = token_tree(tokens)

    meta: dict[str, Any] = {}
    where: dict[str, tuple[int, int]] = {}
    if nodes and nodes[0].kind == "front_matter":
        meta, where, problems = read_front_matter(nodes[0].token.content, 2, path)
        b.diagnostics.extend(d for d in problems if d.is_error)
        b.warnings.extend(d for d in problems if not d.is_error)
    elif text.split("\n", 1)[0].rstrip() == "---":
        # Everything after an unclosed opening would be misread: say only that.
        message = "front matter not closed: end it with a line holding only '---'"
        raise LessonError([Diagnostic(path, 1, 1, "front-matter", message)])
    for key, pos in where.items():
        b.at((key,), *pos)
    meta.setdefault("language", "en-IN")
    quotes = quotes_for(str(meta["language"]))
    if quotes != ENGLISH_QUOTES:  # tokenise again, curling quotes the lesson's way
        b.md = markdown_parser(quotes)
        nodes = token_tree(b.md.parse(text, {}))
    if lesson_id and "id" not in meta:
        meta["id"] = lesson_id
    if "title" not in meta:
        b.incomplete.add(("title",))
        # A title that is there but unreadable (bad YAML, a list) is already reported.
        unreadable = "title" in where or any(
            d.code in ("front-matter", "too-large") for d in b.diagnostics
        )
        if not unreadable:
            b.fail(1, 1, "missing-title", "the front matter needs a title")
    if "id" not in meta:
        meta["id"] = slugify(meta.get("title", "")) or "lesson"
    data = b.lesson(nodes, meta)
    return validate(b, data)


def front_matter_end(text: str) -> int:
    """Offset just after the front matter's closing ``---`` line, or 0 if there is none."""
    if not text.startswith("---\n"):
        return 0
    end = text.find("\n---", 3)
    while end >= 0 and text[end + 4 : end + 5] not in ("", "\n", " ", "\t"):
        end = text.find("\n---", end + 4)
    return 0 if end < 0 else end + 4


def normalise_newlines(text: str, path: str) -> str:
    """Drop a BOM, turn CRLF and lone CR into LF, refuse sources past the size limit."""
    if len(text) > limits.MAX_SOURCE_BYTES:
        raise LessonError(
            [
                Diagnostic(
                    path,
                    1,
                    1,
                    "too-large",
                    f"source is larger than the {limits.MAX_SOURCE_BYTES:,} character limit",
                )
            ]
        )
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def check_nesting(b: Builder, tokens: list[Token]) -> None:
    """markdown-it stops silently at maxNesting; make that an error instead of lost text."""
    for token in tokens:
        if token.nesting == 1 and token.level >= MAX_NESTING - 1:
            line = token.map[0] + 1 if token.map else 1
            b.fail(line, 1, "too-deep", f"blocks are nested more than {MAX_NESTING} levels deep")
            return
