"""Base IRIs: where a lesson's (and a channel's) activity IRIs start."""

from __future__ import annotations

import re

from pydantic_core import PydanticCustomError

MAX_BASE_IRI_LENGTH = 2000
"""Longest base IRI: with a lesson id and an activity id (64 characters each) an activity IRI
stays within SCORM 2004's 4,000-character interaction id, which the player sends it as."""
# ASCII URL characters only (RFC 3986, percent-escapes whole), no query or fragment.
_URL_CHARACTER = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2}")


def check_base_iri(value: str | None) -> str | None:
    """An http(s) URL ending with "/", with no query or fragment, or None."""
    if value is None:
        return value
    if len(value) > MAX_BASE_IRI_LENGTH:
        raise PydanticCustomError(
            "bad-base-iri",
            "base IRI is {length} characters; at most {limit}",
            {"length": len(value), "limit": MAX_BASE_IRI_LENGTH},
        )
    if not re.match(r"^https?://[^/]", value) or not value.endswith("/"):
        raise PydanticCustomError(
            "bad-base-iri", "base IRI must be an http(s) URL ending with '/' and no query"
        )
    rest = value[value.index("//") + 2 :]
    position = 0
    while position < len(rest):
        match = _URL_CHARACTER.match(rest, position)
        if match is None:
            raise PydanticCustomError(
                "bad-base-iri",
                "base IRI may not hold {char} (ASCII URL characters only: percent-encode others;"
                " no query or fragment)",
                {"char": repr(rest[position])},
            )
        position = match.end()
    return value
