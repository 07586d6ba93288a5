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
longer fences outside. Option lines (``:key: value``) follow the opening line (blank lines
between are allowed; so are ``:key:value`` and ``:key : value``).

``::: {name}``, ``:::name`` and ``::: name`` open a directive too when ``name`` is one the
format knows (the names are given to the plugin); any other word stays text, for the builder to
report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

_OPEN = re.compile(r"^(:{3,})[ \t]*\{([^}\s]*)\}(.*)$")
_OPEN_BARE = re.compile(r"^(:{3,})[ \t]*([A-Za-z][\w-]*+)(.*)$")
_OPTION_KEY = re.compile(r"^:([A-Za-z][\w-]*)[ \t]*:")
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


def option_line(text: str) -> tuple[str, str, int] | None:
    """(key, value, column of the value) of a ``:key: value`` line, else None."""
    found = _OPTION_KEY.match(text)
    if found is None:
        return None
    rest = text[found.end() :]
    value = rest.strip(" \t")
    return found.group(1), value, found.end() + (len(rest) - len(rest.lstrip(" \t")))


def _opening(text: str, names: frozenset[str]) -> tuple[str, str, str] | None:
    """(fence, name, argument) of a directive's opening line."""
    found = _OPEN.match(text)
    if found is None:
        found = _OPEN_BARE.match(text)
        if found is None or found.group(2).replace("_", "-") not in names:
            return None
    return found.group(1), found.group(2), found.group(3).strip()


def _options(state: StateBlock, line: int, end_line: int) -> tuple[list[Option], int]:
    """The option lines after the opening (blank lines before them skipped), and the line
    the body starts at."""
    first = line
    while line < end_line and state.isEmpty(line):
        line += 1
    if line == end_line or option_line(_line(state, line)) is None:
        return [], first  # no options: the blank lines belong to the body
    options: list[Option] = []
    while line < end_line:
        text = _line(state, line)
        found = option_line(text)
        if found is None or _FENCE.match(text):
            break
        key, value, col = found
        options.append(Option(key, value, line, state.tShift[line] + (col if value else 0)))
        line += 1
    return options, line


def directive_rule(
    state: StateBlock, start_line: int, end_line: int, silent: bool, names: frozenset[str]
) -> bool:
    """Tokenise one directive: ``directive_open``, its body's tokens, ``directive_close``."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # indented code
    opening = _opening(_line(state, start_line), names)
    if opening is None:
        return False
    if silent:
        return True
    fence, name, argument = opening
    options, body_start = _options(state, start_line + 1, end_line)

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


def directive_plugin(md: MarkdownIt, names: frozenset[str] = frozenset()) -> None:
    """Register the directive rule ahead of fenced code, able to interrupt a paragraph.

    ``names`` are the directives that may also be written without braces (``:::tension``).
    """

    def rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        return directive_rule(state, start_line, end_line, silent, names)

    md.block.ruler.before(
        "fence",
        "directive",
        rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
