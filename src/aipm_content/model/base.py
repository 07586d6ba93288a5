"""Shared configuration for every model class."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError


class Node(BaseModel):
    """Base of every model class: frozen, strict about unknown keys.

    Computed fields (``text``, ``html``, ``interaction``, ``activities`` ...) appear in the JSON
    export; they are dropped again on input so an export loads back into the same model.
    """

    # Start-up: validators are built on first use rather than for every class at import
    # (a lesson never needs the course's), and the attribute docstrings, which only the
    # published schema shows, are read by schema.py when it is generated: extracting them
    # here parsed each class's source at every start.
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        defer_build=True,
        json_schema_serialization_defaults_required=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data: Any) -> Any:
        # Runs for every node validated: the class attribute that ``model_computed_fields``
        # returns, without that property's wrapper, and no copy when there is nothing to drop.
        computed = cls.__pydantic_computed_fields__
        if computed and isinstance(data, dict) and not computed.keys().isdisjoint(data):
            return {k: v for k, v in data.items() if k not in computed}
        return data


def empty_list() -> list[Any]:
    """``default_factory`` of the list fields. Start-up: pydantic reads a factory's signature,
    and ``list``'s (a builtin's) is parsed from its text signature by tokenize, ~6 ms of every
    start for a dozen fields; a Python function's is read from its code."""
    return []


def collect_problems(
    found: Iterable[tuple[tuple[Any, ...], str, str]], info: ValidationInfo
) -> None:
    """Cross-node problems (location, code, message): handed to the parser's collector when it
    validates with ``context={"problems": [...]}`` (so it can locate each), else the first one
    raised as a validation error."""
    problems = list(found)
    collector = info.context.get("problems") if isinstance(info.context, dict) else None
    if isinstance(collector, list):
        collector.extend(problems)
    elif problems:
        loc, code, message = problems[0]
        where = ".".join(str(p) for p in loc)
        raise PydanticCustomError(code, "{where}: {message}", {"where": where, "message": message})
