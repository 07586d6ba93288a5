"""The ``:::{name} argument`` block rule: a fenced directive whose body is Markdown again.

Modelled on mdit-py-plugins' container plugin, with MyST's syntax::

    ::::{decision} The AI feature decision
    :id: decision-style-advisor
    Body paragraphs ...

    :::{choice} Ship it
    :score: 0
    Feedback ...
    :::
    ::::

A directive closes at a line holding only a fence at least as long as its own, so nesting uses
longer fences outside. Option lines (``:key: value``) follow the opening line directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

_OPEN = re.compile(r"^(:{3,})\{([^}\s]*)\}(.*)$")
_OPTION = re.compile(r"^:([A-Za-z][\w-]*):(?:[ \t]+(.*?))?[ \t]*$")
_FENCE = re.compile(r"^(:{3,})[ \t]*$")


@dataclass(frozen=True)
class Option:
    """One ``:key: value`` line; ``line`` and ``col`` (0-based) locate the value."""

    key: str
    value: str
    line: int
    col: int


@dataclass(frozen=True)
class DirectiveInfo:
    """What the opening lines of a directive say, kept in ``token.meta["directive"]``."""

    name: str
    argument: str
    options: tuple[Option, ...]
    closed: bool
    fence: str


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def directive_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Tokenise one directive: ``directive_open``, its body's tokens, ``directive_close``."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # indented code
    opening = _OPEN.match(_line(state, start_line))
    if opening is None:
        return False
    if silent:
        return True
    fence, name, argument = opening.group(1), opening.group(2), opening.group(3).strip()

    options: list[Option] = []
    body_start = start_line + 1
    while body_start < end_line:
        text = _line(state, body_start)
        option = _OPTION.match(text)
        if option is None or _FENCE.match(text):
            break
        value = option.group(2) or ""
        col = state.tShift[body_start] + (
            text.find(value, len(option.group(1)) + 2) if value else 0
        )
        options.append(Option(option.group(1), value, body_start, col))
        body_start += 1

    close_line, closed = body_start, False
    while close_line < end_line:
        text = _line(state, close_line)
        if state.sCount[close_line] < state.blkIndent and text:
            break  # a less indented line ends the parent (a list item, say)
        closing = _FENCE.match(text)
        if closing and len(closing.group(1)) >= len(fence) and state.sCount[close_line] < 4:
            closed = True
            break
        close_line += 1

    old_parent, old_line_max = state.parentType, state.lineMax
    state.parentType = "directive"
    state.lineMax = close_line  # nothing inside may run past the closing fence

    token = state.push("directive_open", "div", 1)
    token.block = True
    token.info = name
    token.markup = fence
    token.map = [start_line, close_line + 1 if closed else close_line]
    token.meta["directive"] = DirectiveInfo(name, argument, tuple(options), closed, fence)

    state.md.block.tokenize(state, body_start, close_line)

    token = state.push("directive_close", "div", -1)
    token.block = True
    token.markup = fence

    state.parentType, state.lineMax = old_parent, old_line_max
    state.line = close_line + 1 if closed else close_line
    return True


def directive_plugin(md: MarkdownIt) -> None:
    """Register the directive rule ahead of fenced code, able to interrupt a paragraph."""
    md.block.ruler.before(
        "fence",
        "directive",
        directive_rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
