"""Shared configuration for every model class."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


class Node(BaseModel):
    """Base of every model class: frozen, strict about unknown keys.

    Computed fields (``text``, ``html``, ``interaction``, ``activities`` ...) appear in the JSON
    export; they are dropped again on input so an export loads back into the same model.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        json_schema_serialization_defaults_required=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data: Any) -> Any:
        if isinstance(data, dict) and cls.model_computed_fields:
            return {k: v for k, v in data.items() if k not in cls.model_computed_fields}
        return data
