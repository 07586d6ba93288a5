"""Small builders of model nodes for the model's tests (test_model, test_model_contract)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from aipm_content.model import Choice, Judgment, Lesson, Paragraph, RichText


def rich(text: str) -> RichText:
    return RichText.plain(text)


def error_types(exc: ValidationError) -> list[str]:
    return [e["type"] for e in exc.errors()]


def para(node_id: str, text: str) -> Paragraph:
    return Paragraph(id=node_id, text=rich(text))


def judgment(node_id: str = "judgment-a") -> Judgment:
    return Judgment(id=node_id, scenario=[rich("Two offers.")], question=rich("Which one?"))


def lesson_with(*blocks: Any, **fields: Any) -> Lesson:
    data: dict[str, Any] = {"id": "case", "title": "Case", "language": "en-IN"}
    data.update(fields)
    data.setdefault("sections", [{"id": "introduction", "title": None, "blocks": list(blocks)}])
    return Lesson.model_validate(data)


def words(n: int) -> str:
    return " ".join(["word"] * n)


def choices(*scores: int) -> list[Choice]:
    return [Choice(id=f"c{i}", text=rich(f"C{i}"), score=s) for i, s in enumerate(scores)]
