"""Bounds on a lesson JSON checked before ``json.loads`` builds anything from it.

``json.loads`` recurses once per nesting level (``[`` x 100,000 is a RecursionError) and turns a
4,300-digit integer into a ValueError, so the text is scanned first, in one linear pass that
skips over strings: nesting deeper than MAX_JSON_DEPTH or a number longer than
MAX_NUMBER_DIGITS is a located error. Counts (sections, blocks, inlines) are bounded by the size
limit, as for the text sources.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pydantic import BaseModel

from . import limits
from .diagnostics import Diagnostic, LessonError, error

MAX_JSON_DEPTH = 100
"""Deepest nesting of arrays and objects; a lesson exported by ``aipm-export json`` with
inline nesting at its limit (20) stays under 60."""
MAX_NUMBER_DIGITS = 20
"""Longest number; every number of the model is a small count, score or minute value."""

# A string (unrolled, so linear), a bracket, or a run of number characters.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]|[-+0-9.eE]+')


def check_json_shape(text: str, path: str) -> None:
    """LessonError at the first place the text is too large, too deep or holds a huge number."""
    if len(text) > limits.MAX_SOURCE_BYTES:
        limit = limits.MAX_SOURCE_BYTES
        raise error(path, 1, 1, "too-large", f"source is larger than the {limit:,} character limit")
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        first = token[0]
        if first in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise _at(text, match.start(), path, "too-deep", _deep_message())
        elif first in "]}":
            depth -= 1
        elif first != '"' and len(token) > MAX_NUMBER_DIGITS:
            message = f"a number of {len(token):,} characters; at most {MAX_NUMBER_DIGITS}"
            raise _at(text, match.start(), path, "out-of-range", message)


def _deep_message() -> str:
    return f"arrays and objects are nested more than {MAX_JSON_DEPTH} levels deep"


def _at(text: str, offset: int, path: str, code: str, message: str) -> LessonError:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return error(path, line, col, code, message)


def check_json_images(lesson: BaseModel, source_dir: Path, text: str, path: str) -> None:
    """Every image a JSON lesson shows must be usable, as ``check`` demands of Markdown: each
    refusal is located at the line of the JSON that names it."""
    from ..model.measure import image_sources

    problems = []
    for src in sorted(image_sources(lesson)):
        found = limits.check_image(source_dir, src)
        if found is not None:
            offset = max(text.find(json.dumps(src)), 0)
            line = text.count("\n", 0, offset) + 1
            problems.append(Diagnostic(path, line, 1, *found))
    if problems:
        raise LessonError(problems)
