"""One validation of the whole lesson, with each pydantic error mapped to its source line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..model.blocks import BLOCK_TYPES, SceneLine, type_tags
from ..model.inline import Inline
from ..model.lesson import Lesson
from .diagnostics import LessonError
from .messages import author_message

if TYPE_CHECKING:
    from .builder import Builder
    from .recorder import Loc


def strip_private(value: Any) -> Any:
    """Drop builder bookkeeping (``_line``) and Nones the model would default."""
    if isinstance(value, dict):
        return {
            k: strip_private(v) for k, v in value.items() if not k.startswith("_") and v is not None
        }
    if isinstance(value, list):
        return [strip_private(v) for v in value]
    return value


def validate(b: Builder, data: dict[str, Any]) -> Lesson:
    """Validate the whole lesson once; map each pydantic error to the source line it came from."""
    problems: list[Any] = []
    lesson = None
    structural = bool(b.diagnostics)
    try:
        lesson = Lesson.model_validate(strip_private(data), context={"problems": problems})
    except ValidationError as exc:
        for err in exc.errors():
            loc = _model_loc(err["loc"])
            if err["type"] in CONSEQUENCES and any(
                loc[:n] in b.incomplete for n in range(len(loc) + 1)
            ):
                continue
            line, col = lookup(b, loc)
            b.fail(line, col, error_code(err["type"]), author_message(loc, err))
    # Checks across nodes are only trusted once every node could be built.
    for loc, code, message in problems if not structural else []:
        line, col = lookup(b, tuple(loc))
        b.fail(line, col, code, message)
    if b.diagnostics or lesson is None:
        raise LessonError(b.diagnostics + b.warnings)
    return lesson.warned(tuple(sorted(set(b.warnings))))


CONSEQUENCES = {"missing", "too_short"}
"""Pydantic error types that follow from content the builder refused (and reported)."""
# Discriminator tags pydantic puts in union locations (after a list index).
UNION_TAGS = {*BLOCK_TYPES, *type_tags(SceneLine), *type_tags(Inline)}


def _model_loc(loc: tuple[Any, ...]) -> Loc:
    """Drop the discriminator tags pydantic puts in union locations."""
    return tuple(
        p
        for i, p in enumerate(loc)
        if not (p in UNION_TAGS and i > 0 and isinstance(loc[i - 1], int))
    )


def lookup(b: Builder, loc: Loc) -> tuple[int, int]:
    """Position of the nearest located ancestor of a model path."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in b.positions:
            return b.positions[loc[:end]]
    return 1, 1


def error_code(pydantic_type: str) -> str:
    known = {
        "greater_than_equal": "out-of-range",
        "less_than_equal": "out-of-range",
        "greater_than": "out-of-range",
        "less_than": "out-of-range",
        "missing": "missing",
        "too_short": "empty",
        "string_too_short": "empty",
        "string_too_long": "too-long",
        "too_long": "too-long",
        "string_pattern_mismatch": "invalid-value",
        "literal_error": "invalid-value",
    }
    return known.get(pydantic_type, pydantic_type.replace("_", "-"))
