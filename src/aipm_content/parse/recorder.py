"""The Builder's record: diagnostics, source positions, and checked inline text.

builder.py turns the token tree into model dictionaries on top of this; the positions let
validate.py map every pydantic error back to the line it came from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markdown_it.token import Token
from pydantic_core import PydanticCustomError

from ..model.inline import check_asset_path
from .diagnostics import Diagnostic
from .limits import check_image
from .lint import link_warning
from .markdown import markdown_parser
from .tree import InlineTooDeep, inline_dicts, inline_plain

Loc = tuple[Any, ...]
"""Where a value sits in the lesson's dictionaries, as pydantic reports it."""


class Recorder:
    """What a Builder records as it goes: diagnostics, the source position of every node, and
    inline text checked against the lesson folder."""

    def __init__(self, path: str, source_dir: Path | None) -> None:
        self.path = path
        self.source_dir = source_dir
        self.diagnostics: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.lines: list[str] = []
        """The source's lines, where the parser has them (for columns inside a block)."""
        self.positions: dict[Loc, tuple[int, int]] = {}
        # Nodes the builder already reported and left incomplete: pydantic's "missing" and
        # "too short" errors under them are consequences, not news for the author.
        self.incomplete: set[Loc] = set()
        self.fence_cascade = False
        # Option values and headings are parsed with the lesson's quotation marks (build.py
        # switches this once the front matter has named the language).
        self.md = markdown_parser()

    # -- reporting -------------------------------------------------------------------------

    def fail(self, line: int, col: int, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.path, max(line, 1), max(col, 1), code, message))

    def warn(self, line: int, col: int, code: str, message: str) -> None:
        """A likely mistake: the lesson still builds (``--strict`` makes it an error)."""
        where = (self.path, max(line, 1), max(col, 1))
        self.warnings.append(Diagnostic(*where, code, message, severity="warning"))

    def column(self, line: int, offset: int) -> int:
        """1-based column of ``offset`` in a block's text, given the block starts ``line``
        (its indentation, as in a list or quote, is taken from the source line)."""
        source = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return len(source) - len(source.lstrip(" \t")) + offset + 1

    def at(self, loc: Loc, line: int, col: int = 1) -> None:
        self.positions.setdefault(loc, (line, col))

    def forget(self, loc: Loc) -> None:
        """Drop the positions of a node that was not built, so the next one can take its place."""
        self.positions = {k: v for k, v in self.positions.items() if k[: len(loc)] != loc}

    # -- inline ----------------------------------------------------------------------------

    def rich(self, inline: Token | None, line: int, loc: Loc) -> dict[str, Any] | None:
        """Rich text from an inline token; images are checked against the lesson folder."""
        if inline is None or not inline.children:
            self.fail(line, 1, "empty", "text is empty")
            return None
        return self.rich_from(inline.children, line, loc)

    def rich_from(self, children: list[Token], line: int, loc: Loc) -> dict[str, Any] | None:
        try:
            inlines = inline_dicts(children)
        except InlineTooDeep:
            self.fail(line, 1, "too-deep", "emphasis or links are nested too deeply")
            return None
        self.check_inlines(inlines, line)
        self.at(loc, line)
        return {"inlines": inlines}

    def title_of(self, text: str | None) -> str | None:
        """A one-line title from Markdown inline syntax: formatting dropped, words kept, as in
        a ``## heading`` (so ``*PRD*`` reads PRD, not stars)."""
        if not text:
            return text
        tokens = self.md.parseInline(text)
        return inline_plain(tokens[0].children or []) if tokens else text

    def rich_text_of(self, text: str, line: int, loc: Loc) -> dict[str, Any] | None:
        """Rich text from a string of Markdown inline syntax (an option value, a line's rest)."""
        tokens = self.md.parseInline(text)
        return self.rich_from(tokens[0].children or [] if tokens else [], line, loc)

    def check_inlines(self, inlines: list[dict[str, Any]], line: int) -> None:
        """Images against the lesson folder (errors); links that will not work (warnings)."""
        for node in inlines:
            if node["type"] == "link" and (problem := link_warning(node["href"])):
                self.warn(line, 1, *problem)
            if node["type"] == "image":
                try:
                    check_asset_path(node["src"])
                except PydanticCustomError:
                    continue  # the model refuses the path itself, with its own message
                problem = check_image(self.source_dir, node["src"])
                if problem:
                    self.fail(line, 1, *problem)
            elif "children" in node:
                self.check_inlines(node["children"], line)
