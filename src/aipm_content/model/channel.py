"""A chat thread's channel name: the published pattern, checked the cheap way."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    StringConstraints,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
)
from pydantic_core import PydanticKnownError

CHANNEL_PATTERN = r"^#[\w.-]{1,80}$"
"""What the schema publishes and errors name: '#' then 1 to 80 word characters, '.' or '-'."""
_UNBOUNDED = r"^#[\w.-]+$"
_LONGEST = 1 + 80

# Start-up: the regex crate pydantic-core uses builds Unicode \w repeated {1,80} into a large
# automaton, ~0.09 s at every start (half the lesson validator's build). The same rule as
# "+" and a length check compiles in ~2 ms; \w stays the crate's (Devanagari vowel signs are
# word characters there, not in Python's re), and errors still name CHANNEL_PATTERN.


def _bounded(value: Any, handler: ValidatorFunctionWrapHandler) -> str:
    try:
        channel: str = handler(value)
    except ValidationError as exc:
        if exc.errors()[0]["type"] != "string_pattern_mismatch":
            raise  # not a string at all: pydantic's own error, as before
    else:
        if len(channel) <= _LONGEST:
            return channel
    raise PydanticKnownError("string_pattern_mismatch", {"pattern": CHANNEL_PATTERN})


Channel = Annotated[
    str,
    StringConstraints(pattern=_UNBOUNDED),
    WrapValidator(_bounded),
    WithJsonSchema({"pattern": CHANNEL_PATTERN, "type": "string"}),
]
"""A channel, e.g. "#ai-product-team"."""
