"""Pydantic's findings in the author's words: the option as written, the value refused, why."""

from __future__ import annotations

from typing import Any

from .syntax import OPTION_FIELDS, OPTIONS

ID_RULE = "lowercase ASCII letters, digits and single hyphens, starting with a letter"
PATTERN_RULES = {
    "id": f"an id: {ID_RULE}",
    "case": f"an id: {ID_RULE}",
    "channel": "a channel: '#' then letters, digits, '.', '-' or '_' (no spaces)",
}
"""Fields whose pattern an author should read as a rule, not as a regular expression."""

FRONT_MATTER_NAMES = {"base_iri": "base-iri"}
OPTION_NAMES = {field: option for option, field in OPTION_FIELDS.items()} | {
    option: option for names in OPTIONS.values() for option in names
}
"""Model field -> the option an author writes (``min_chars`` -> ``min-chars``)."""


def author_name(loc: tuple[Any, ...]) -> str:
    """The field at ``loc`` as the author wrote it: ``:min-chars:`` for a directive's option,
    ``base-iri`` for a front matter key, the field itself otherwise; "" for a whole node."""
    field = loc[-1] if loc else None
    if not isinstance(field, str):
        return ""
    if len(loc) == 1:
        return FRONT_MATTER_NAMES.get(field, field)
    if loc[0] == "sections" and field in OPTION_NAMES and len(loc) > 2:
        return f":{OPTION_NAMES[field]}:"
    return field


def author_message(loc: tuple[Any, ...], err: Any) -> str:
    """``:duration: must be at most 240, not 300``; ``role: at most 60 characters ...``."""
    name = author_name(loc)
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    field = str(loc[-1]) if loc else ""
    if field == "alt" and kind == "string_too_short":
        return "an image needs alt text saying what it shows: ![a chart of churn](images/x.png)"
    if kind == "string_pattern_mismatch" and field in PATTERN_RULES:
        message = f"{value!r} is not {PATTERN_RULES[field]}"
    elif kind in ("greater_than_equal", "less_than_equal") and "ge" in ctx:
        message = f"must be at least {ctx['ge']}, not {value}"
    elif kind == "less_than_equal":
        message = f"must be at most {ctx['le']}, not {value}"
    elif kind == "string_too_long" and isinstance(value, str):
        message = f"must be at most {ctx['max_length']} characters (this one has {len(value)})"
    elif kind == "string_too_short":
        message = "must not be empty"
    else:
        message = str(err["msg"])
    if not name:
        return message
    return f"{name} {message}" if name.startswith(":") else f"{name}: {message}"
