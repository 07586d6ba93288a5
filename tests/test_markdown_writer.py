"""Model -> authoring Markdown -> model is the identity."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings

import aipm_content
from aipm_content.model.lesson import Lesson
from aipm_content.write import to_markdown
from strategies import lessons

ROOT = Path(__file__).resolve().parent.parent
SEED_MD = ROOT / "content" / "ai-pm-career-path.md"


def reparse(lesson: Lesson) -> Lesson:
    return aipm_content.parse(to_markdown(lesson), path="<written>")


def test_seed_markdown_round_trips() -> None:
    lesson = aipm_content.load(SEED_MD)
    assert reparse(lesson).model_dump() == lesson.model_dump()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lessons())
def test_markdown_round_trip_is_identity(lesson: Lesson) -> None:
    written = to_markdown(lesson)
    again = aipm_content.parse(written, path="<written>")
    assert again == lesson, written
