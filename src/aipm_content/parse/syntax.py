"""The authoring format's small grammar: line patterns, directive options, fixed phrases."""

from __future__ import annotations

import re

from ..model.blocks import ACTIVITY_TYPES
from .directives import DirectiveInfo

ACTIVITY_KINDS = {cls.model_fields["type"].default for cls in ACTIVITY_TYPES}

# Linear time: the patterns below run on source text, so none may backtrack over a run it
# already scanned (tests/test_regex.py counts their steps). The name is taken possessively up
# to the first colon or parenthesis (callers strip it): a lazy name retries each of its 60
# lengths against the rest of the line.
# "Speaker (role): text" — the speaker starts with a letter and holds no colon or parentheses.
SPEAKER = re.compile(
    r"^(?P<name>[^\W\d_][^:()\\\n]{0,59}+)[^\S\n]*+"
    r"(?:\((?P<role>[^()\\\n]*)\))?"
    r":[ \t]*+(?P<rest>\S.*)$",
    re.DOTALL,
)
# "Rohan:If" — a one to three word name, then text straight after the colon (not "http://").
SPEAKER_NO_SPACE = re.compile(r"^([^\W\d_][\w.'-]*(?: [^\W\d_][\w.'-]*){0,2}):(?=[^\s/\d])")
# Trailing reactions "{fire=3 +1=2}" on a thread message (an escaped "\{" is text).
REACTIONS = re.compile(r"(?<!\\)\{(?P<list>[a-z0-9_+-]+=\d+(?:[ ,]+[a-z0-9_+-]+=\d+)*)\}\s*$")
# A dialogue line that lost its speaker: "(Role): text" or ": text".
NAMELESS = re.compile(r"^(\([^()\n]*\))?[ \t]*:[ \t]")
THE_CALL = "The call:"
# "## Title {#section-id}" pins a section's id (an escaped "\\{" is title text). It is matched
# on the reversed title, anchored at its end: one scan, where a search from the front rescans
# the rest of the line from every "{#".
HEADING_ID_REVERSED = re.compile(r"\s*\}(?P<id>[^}]*)#\{(?!\\)")
NEXT_STEP_SEPARATOR = re.compile(r"^\s*(?:[—–-]\s+|:\s*)?")
# A paragraph that is only a closing fence; ":duration: 20", "20 min", "20 minutes".
STRAY_FENCE = re.compile(r":{3,}\s*")
DURATION = re.compile(r"(\d{1,9})(?:\s*min(?:utes)?)?")
# One "name=count" pair of a reactions list; a pair starts only where a name can (findall
# would otherwise rescan a long name from each of its letters).
REACTION_PAIR = re.compile(r"(?<![a-z0-9_+-])(?P<name>[a-z0-9_+-]++)=(?P<count>\d++)")

# Directive name -> options it accepts (every directive also takes :id:).
OPTIONS: dict[str, set[str]] = {
    "epigraph": {"attribution"},
    "scene": {"id", "setting"},
    "tension": {"id"},
    "thread": {"id", "channel", "topic"},
    "exercise": {"id", "duration", "word-target"},
    "judgment": {"id"},
    "practice": {"id", "case", "min-chars", "max-chars", "points", "rubric"},
    "decision": {"id"},
    "choice": {"id", "score"},
    "next-steps": {"id"},
}
# Option name -> model field, so a pydantic error on a field points at its option line.
OPTION_FIELDS = {
    "duration": "duration_minutes",
    "word-target": "word_target",
    "min-chars": "min_chars",
    "max-chars": "max_chars",
}


def heading_id(title: str) -> tuple[int, str] | None:
    """(where "{#" starts, the id) of the trailing "{#id}" of a heading, if it has one."""
    found = HEADING_ID_REVERSED.match(title[::-1])
    if found is None:
        return None
    return len(title) - found.end(), found.group("id")[::-1]


def opening(info: DirectiveInfo) -> str:
    """The directive's opening as the author typed it, with a very long fence abbreviated."""
    fence = info.fence if len(info.fence) <= 8 else f"{info.fence[:3]}…({len(info.fence)} colons)"
    return f"'{fence}{{{info.name}}}'"
