"""Stable ids: slugs that are valid SCORM 1.2 identifiers and xAPI IRI segments."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import StringConstraints

MAX_ID_LENGTH = 64
ID_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"

NodeId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)]
"""Lowercase ASCII letters, digits and single hyphens, starting with a letter, at most 64 chars.

Starting with a letter keeps ids valid as XML ids (EPUB) and HTML fragment names."""

_WORD = re.compile(r"[a-z0-9]+")
# The typographer's quotes and dashes slug like the straight characters an author typed, so
# "don't" and "a--b" keep the ids they had before the typographer ("don-t", "a-b"); symbols
# such as © slug to nothing, as before.
_TYPOGRAPHIC = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "‚": "'",
        "‹": "'",
        "›": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "「": '"',
        "」": '"',
        "『": "'",
        "』": "'",
    }
)


def slugify(text: str, *, max_words: int = 8, max_length: int = MAX_ID_LENGTH) -> str:
    """Lowercase ASCII words joined by hyphens, cut at a word boundary.

    Non-ASCII letters are transliterated where Unicode gives a base letter (é -> e); scripts
    without one (Devanagari, emoji) contribute nothing, so the caller must have a fallback.
    """
    words = ascii_words(text, max_words)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug


def ascii_words(text: str, limit: int) -> list[str]:
    """The first ``limit`` words of ``text`` folded to lowercase ASCII.

    Ids are made from whole paragraphs, of which a few words are kept: the text is folded a
    space-separated piece at a time, until there are enough. Every step works per character
    and NFKD reorders nothing across a space, so the words are those of the whole text.
    """
    words: list[str] = []
    for piece in text.split(" "):
        if not piece.isascii():  # the table's keys are not ASCII; ASCII is its own NFKD
            folded = unicodedata.normalize("NFKD", piece.translate(_TYPOGRAPHIC))
            piece = folded.encode("ascii", "ignore").decode()
        words += _WORD.findall(piece.lower())
        if len(words) >= limit:
            break
    return words[:limit]


def make_id(prefix: str, text: str, *, max_words: int = 6) -> str:
    """``prefix-slug-of-text``; just ``prefix`` when the text has no ASCII words."""
    room = MAX_ID_LENGTH - len(prefix) - 1
    slug = slugify(text, max_words=max_words, max_length=room)
    return f"{prefix}-{slug}" if slug else prefix


def with_suffix(base: str, n: int) -> str:
    """``base-n``, shortening ``base`` so the result still fits the id length."""
    suffix = f"-{n}"
    return base[: MAX_ID_LENGTH - len(suffix)].rstrip("-") + suffix
