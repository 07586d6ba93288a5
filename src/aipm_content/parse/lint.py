"""Likely mistakes in a source that still builds: each becomes a warning, never an error.

A warning names what the author probably meant; ``--strict`` makes every one an error.
"""

from __future__ import annotations

import re

from ..model.inline import _SCHEME
from ..model.reactions import REACTION_EMOJI

# "www.site.com" or "site.com/page": a web address written without its scheme. The last label
# must be a common top-level domain, so "notes.md" or "slides.pdf" are not mistaken for hosts.
_HOST_WITHOUT_SCHEME = re.compile(
    r"^(?:www\.[^/\s]+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\."
    r"(?:com|org|net|io|in|edu|gov|co|ai|dev|app|info|uk|us|de|fr))(?:[/?#]|$)",
    re.IGNORECASE,
)


def link_warning(href: str) -> tuple[str, str] | None:
    """(code, message) for a link that is safe but will not work where the lesson is read."""
    if not href or _SCHEME.match(href) or href.startswith(("#", "//")):
        return None  # absolute, unsafe (an error elsewhere) or a place in this lesson
    if _HOST_WITHOUT_SCHEME.match(href):
        return (
            "missing-scheme",
            f"link {href!r} has no https:// in front, so it points at a file next to the "
            f"lesson; write 'https://{href}'",
        )
    return (
        "relative-link",
        f"relative link {href!r} leads nowhere once the lesson is in an LMS or e-book; use an "
        "https:// address (or #id for a place in this lesson)",
    )


_BARE_OPENING = re.compile(r"^(:{3,})[ \t]*([A-Za-z][\w-]*)")


def bare_directive(content: str) -> str | None:
    """The message for a line like ``:::sidebar`` (an unknown name without braces), which
    would show as text with its colons; known names are directives already."""
    for line in content.split("\n"):
        found = _BARE_OPENING.match(line)
        if found is not None:
            return f"{found.group(0)!r} is not a directive; known ones open like ':::{{scene}}'"
    return None


def misplaced_option(content: str, allowed: set[str]) -> str | None:
    """The message for an option line that ended up in the body (after other lines)."""
    from .directives import option_line

    found = option_line(content.split("\n", 1)[0])
    if found is None or found[0].replace("_", "-") not in allowed:
        return None
    return (
        f"':{found[0]}:' is shown as text here: options go right after the directive's "
        "opening line, before any text"
    )


def longer_fence(fence: str, name: str) -> str:
    """The opening an outer directive needs around ``fence``-long inner ones."""
    return f"'{':' * (len(fence) + 1)}{{{name}}}'"


def drop_comments(text: str, body_start: int) -> tuple[str, list[tuple[int, int, str]]]:
    """``text`` with each ``<!-- ... -->`` after offset ``body_start`` removed (its newlines
    kept, so lines stay where they were), and (line, col, message) for each: a comment is
    meant for authors, and raw HTML would show it to learners as text. A comment inside a
    code span (after an odd number of backticks on its line) is code, and stays."""
    out: list[str] = [text[:body_start]]
    found: list[tuple[int, int, str]] = []
    position = body_start
    while (start := text.find("<!--", position)) >= 0:
        line_start = text.rfind("\n", 0, start) + 1
        if text.count("`", line_start, start) % 2:
            out.append(text[position : start + 4])
            position = start + 4
            continue
        end = text.find("-->", start + 4)
        line, col = text.count("\n", 0, start) + 1, start - line_start + 1
        if end < 0:
            found.append((line, col, "'<!--' is never closed with '-->', so it shows as text"))
            break
        out.append(text[position:start])
        out.append("\n" * text.count("\n", start, end))
        found.append((line, col, "HTML comment left out of every output (a note to yourself?)"))
        position = end + 3
    out.append(text[position:])
    return "".join(out), found


def reaction_warning(name: str) -> tuple[str, str] | None:
    """(code, message) for a reaction name no emoji is known for: it would show as a word."""
    if name in REACTION_EMOJI:
        return None
    known = ", ".join(REACTION_EMOJI)
    return (
        "unknown-reaction",
        f"reaction {name!r} has no emoji and shows as the word {name!r}; known: {known}",
    )
