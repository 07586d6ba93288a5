"""The published JSON Schemas (2020-12) of the lesson's and the course's JSON forms, generated
from the model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from .attribute_docs import field_docs
from .model.course import COURSE_SCHEMA_VERSION, Course
from .model.lesson import SCHEMA_VERSION, Lesson

SCHEMA_ID = f"https://aipm-content.dev/schemas/lesson-{SCHEMA_VERSION}.schema.json"
SCHEMA_PATH = Path("schemas") / "lesson.schema.json"
COURSE_SCHEMA_ID = f"https://aipm-content.dev/schemas/course-{COURSE_SCHEMA_VERSION}.schema.json"
COURSE_SCHEMA_PATH = Path("schemas") / "course.schema.json"


class _Generator(GenerateJsonSchema):
    """Plain 2020-12: no OpenAPI ``discriminator`` (strict ajv rejects it; ``oneOf`` with each
    variant's ``const`` type tag already decides)."""

    def generate(self, schema: Any, mode: Any = "validation") -> Any:
        result = super().generate(schema, mode=mode)
        return _strip_discriminators(result)

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        """A model's schema, each field described by its attribute docstring (the model
        leaves them out of its config: see model/base.py)."""
        json_schema = super().model_schema(schema)
        cls = schema["cls"]
        properties = json_schema.get("properties", {})
        if issubclass(cls, BaseModel):
            for name, field in cls.model_fields.items():
                key = field.serialization_alias or field.alias or name
                doc = field_docs(cls).get(name)
                if doc and field.description is None and key in properties:
                    properties[key].setdefault("description", doc)
        return json_schema


def _strip_discriminators(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_discriminators(v) for k, v in node.items() if k != "discriminator"}
    if isinstance(node, list):
        return [_strip_discriminators(v) for v in node]
    return node


def _schema(model: type[BaseModel], schema_id: str, title: str) -> dict[str, Any]:
    body = model.model_json_schema(mode="serialization", schema_generator=_Generator)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id,
        **body,
        "title": title,
    }


def lesson_schema() -> dict[str, Any]:
    """The schema of ``Lesson.model_dump(mode="json")``, i.e. of ``aipm-export json``."""
    return _schema(Lesson, SCHEMA_ID, "aipm-content lesson")


def course_schema() -> dict[str, Any]:
    """The schema of ``Course.model_dump(mode="json")``, i.e. of ``aipm-export json course.yml``."""
    return _schema(Course, COURSE_SCHEMA_ID, "aipm-content course")


def schema_text(kind: str = "lesson") -> str:
    """A schema as committed: two-space JSON with a trailing newline."""
    schema = course_schema() if kind == "course" else lesson_schema()
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
