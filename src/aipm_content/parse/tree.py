"""markdown-it's flat token stream as a tree, and inline tokens as model dictionaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markdown_it.token import Token

MAX_INLINE_DEPTH = 20
"""Emphasis/link nesting the model accepts; deeper nesting is reported, not recursed into."""


@dataclass
class TNode:
    """A block token with the tokens it encloses (for ``*_open``) or its inline content."""

    token: Token
    children: list[TNode] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.token.type.removesuffix("_open")

    @property
    def line(self) -> int:
        """1-based line of the token (markdown-it maps are 0-based)."""
        return self.token.map[0] + 1 if self.token.map else 0

    @property
    def inline(self) -> Token | None:
        """The inline token of a paragraph or heading."""
        for child in self.children:
            if child.token.type == "inline":
                return child.token
        return None


def token_tree(tokens: list[Token]) -> list[TNode]:
    """Nest the flat stream: each ``*_open`` takes the tokens up to its ``*_close``."""
    root: list[TNode] = []
    stack: list[TNode] = []
    for token in tokens:
        if token.nesting == -1:
            if stack:
                stack.pop()
            continue
        node = TNode(token)
        (stack[-1].children if stack else root).append(node)
        if token.nesting == 1:
            stack.append(node)
    return root


class InlineTooDeep(Exception):
    """Inline nesting beyond MAX_INLINE_DEPTH."""


def inline_dicts(children: list[Token]) -> list[dict[str, Any]]:
    """Model dictionaries for an inline token's children (validated later, with the lesson)."""
    out: list[dict[str, Any]] = []
    stack: list[list[dict[str, Any]]] = [out]
    for tok in children:
        here = stack[-1]
        if tok.type == "text":
            here.append({"type": "text", "text": tok.content})
        elif tok.type == "softbreak":
            here.append({"type": "text", "text": " "})
        elif tok.type == "hardbreak":
            here.append({"type": "line_break"})
        elif tok.type == "code_inline":
            here.append({"type": "code", "text": tok.content})
        elif tok.type == "image":
            alt = "".join(c.content for c in tok.children or [])
            here.append({"type": "image", "src": str(tok.attrGet("src") or ""), "alt": alt})
        elif tok.type in ("em_open", "strong_open", "link_open"):
            node: dict[str, Any] = {"type": _NAMES[tok.type], "children": []}
            if tok.type == "link_open":
                node["href"] = str(tok.attrGet("href") or "")
            here.append(node)
            stack.append(node["children"])
            if len(stack) > MAX_INLINE_DEPTH:
                raise InlineTooDeep
        elif tok.type in ("em_close", "strong_close", "link_close") and len(stack) > 1:
            stack.pop()
        # html_inline is disabled in the parser; nothing else reaches here.
    return out


_NAMES = {"em_open": "emphasis", "strong_open": "strong", "link_open": "link"}


def inline_plain(children: list[Token]) -> str:
    """The plain text of inline tokens (for titles)."""
    parts = []
    for tok in children:
        if tok.type in ("text", "code_inline"):
            parts.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif tok.type == "image":
            parts.append("".join(c.content for c in tok.children or []))
    return "".join(parts)
