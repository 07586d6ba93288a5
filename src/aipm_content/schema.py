"""The published JSON Schema (2020-12) of the lesson's JSON form, generated from the model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from .model.lesson import SCHEMA_VERSION, Lesson

SCHEMA_ID = f"https://aipm-content.dev/schemas/lesson-{SCHEMA_VERSION}.schema.json"
SCHEMA_PATH = Path("schemas") / "lesson.schema.json"


class _Generator(GenerateJsonSchema):
    """Plain 2020-12: no OpenAPI ``discriminator`` (strict ajv rejects it; ``oneOf`` with each
    variant's ``const`` type tag already decides)."""

    def generate(self, schema: Any, mode: Any = "validation") -> Any:
        result = super().generate(schema, mode=mode)
        return _strip_discriminators(result)


def _strip_discriminators(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_discriminators(v) for k, v in node.items() if k != "discriminator"}
    if isinstance(node, list):
        return [_strip_discriminators(v) for v in node]
    return node


def lesson_schema() -> dict[str, Any]:
    """The schema of ``Lesson.model_dump(mode="json")``, i.e. of ``aipm-export json``."""
    body = Lesson.model_json_schema(mode="serialization", schema_generator=_Generator)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **body,
        "title": "aipm-content lesson",
    }


def schema_text() -> str:
    """The schema as committed: two-space JSON with a trailing newline."""
    return json.dumps(lesson_schema(), ensure_ascii=False, indent=2) + "\n"
