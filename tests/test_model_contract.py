"""What an integrator reads off the model: the JSON contract, reading time, activities and
their xAPI interactions."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from aipm_content.model import (
    Decision,
    Exercise,
    Lesson,
    Practice,
)
from aipm_content.model.lesson import WORDS_PER_MINUTE
from aipm_content.model.measure import words_in
from model_builders import choices, judgment, lesson_with, para, rich, words

# -- the JSON contract ----------------------------------------------------------------------------


def test_seed_round_trips_through_json(seed_lesson: Lesson) -> None:
    data = seed_lesson.model_dump(mode="json")
    again = Lesson.model_validate(data)
    assert again == seed_lesson
    assert again.model_dump(mode="json") == data
    assert Lesson.model_validate_json(seed_lesson.model_dump_json()) == seed_lesson


def test_equal_content_is_an_equal_lesson_wherever_it_was_read(seed_lesson: Lesson) -> None:
    again = Lesson.model_validate(seed_lesson.model_dump(mode="json"))
    assert again.source_dir is None and seed_lesson.source_dir is not None
    assert again == seed_lesson


def test_json_carries_the_derived_fields(seed_lesson: Lesson) -> None:
    data = seed_lesson.model_dump(mode="json")
    assert data["schema_version"] == "1.0"
    for key in ("word_count", "reading_minutes", "exercise_minutes", "duration", "activities"):
        assert key in data
    first = data["sections"][0]["blocks"][0]["text"]
    assert set(first) == {"inlines", "text", "html"}


# -- reading time ---------------------------------------------------------------------------------


def test_reading_rate_is_the_documented_250_words_a_minute() -> None:
    assert WORDS_PER_MINUTE == 250
    assert "250" in (Lesson.model_computed_fields["reading_minutes"].description or "")


@pytest.mark.parametrize(
    ("count", "minutes"),
    [(1, 1), (124, 1), (374, 1), (375, 2), (500, 2), (624, 2), (625, 3), (2241, 9)],
)
def test_reading_minutes_round_half_up_and_at_least_one(count: int, minutes: int) -> None:
    lesson = lesson_with(para("p-a", words(count)))
    assert lesson.word_count == count
    assert lesson.reading_minutes == minutes


def test_words_are_counted_in_every_text_and_section_title() -> None:
    exercise = Exercise(
        id="e",
        title="Not counted as a title",
        duration_minutes=15,
        instructions=[rich("two words")],
        steps=[rich("three more words")],
        closing=[rich("— one")],  # a lone dash is not a word
    )
    sections = [{"id": "s", "title": "Four words of title", "blocks": [exercise, para("p", "x y")]}]
    epigraph = {"text": "Five words in the epigraph", "attribution": "Not counted"}
    lesson = lesson_with(sections=sections, epigraph=epigraph)
    assert lesson.word_count == 4 + 2 + 3 + 1 + 2 + 5
    assert lesson.exercise_minutes == 15
    assert lesson.duration == "PT16M"


@given(st.text(st.sampled_from("a1_-— \t\n\u00a0\u2003\x1c\u200béé٣²½\u0301.\u3000\ufeff")))
@example("— one -- a_b _ __ x")
def test_a_word_is_a_whitespace_run_holding_a_letter_or_digit(text: str) -> None:
    assert words_in(text) == sum(1 for run in text.split() if any(c.isalnum() for c in run))


def test_seed_reading_time(seed_lesson: Lesson) -> None:
    assert seed_lesson.word_count == 2258
    assert seed_lesson.reading_minutes == 9
    assert seed_lesson.exercise_minutes == 20
    assert seed_lesson.duration == "PT29M"


# -- activities and their interactions -------------------------------------------------------------


def test_seed_activities(seed_lesson: Lesson) -> None:
    rows = [(a.kind, a.id, a.section, a.required) for a in seed_lesson.activities]
    assert rows == [
        ("exercise", "exercise-ai-product-teardown", "how-to-make-the-transition", False),
        ("judgment", "judgment-you-have-five-years-of-pm", "how-to-make-the-transition", False),
        ("practice", "practice-you-have-five-years-of-pm", "how-to-make-the-transition", True),
        ("decision", "decision-the-ai-feature-decision", "test-yourself", True),
    ]
    for activity in seed_lesson.activities:
        assert activity.iri == f"urn:aipm:ai-pm-career-path:{activity.id}"
        assert seed_lesson.find(activity.id) is not None
    titles = [a.title for a in seed_lesson.activities]
    assert titles[0] == "AI product teardown"
    assert titles[1].startswith("Judgment: Do you take the Zoho AI team role")
    assert titles[2].startswith("Practice: Do you take the Zoho AI team role")
    assert titles[3] == "The AI Feature Decision"
    assert all(len(t) <= 91 for t in titles)


def test_activity_iris_follow_the_base_iri(seed_lesson: Lesson) -> None:
    based = seed_lesson.model_copy(update={"base_iri": "https://learn.example.com/l/"})
    assert based.activities[0].iri == (
        "https://learn.example.com/l/ai-pm-career-path/exercise-ai-product-teardown"
    )


def test_activities_are_only_the_four_activity_kinds(seed_lesson: Lesson) -> None:
    kinds = {block.type for _, block in seed_lesson.blocks()}
    assert kinds >= {"paragraph", "list", "scene", "tension", "thread", "next_steps"}
    assert {a.kind for a in seed_lesson.activities} == {
        "exercise",
        "judgment",
        "practice",
        "decision",
    }


def test_interaction_vocabulary() -> None:
    exercise = Exercise(id="e", title="Teardown", duration_minutes=5, steps=[rich("Do.")])
    assert exercise.interaction.interactionType == "long-fill-in"
    assert exercise.interaction.description == "Teardown"
    assert exercise.interaction.scoring is None

    assert judgment().interaction.interactionType == "long-fill-in"
    assert judgment().interaction.description == "Which one?"

    practice = Practice(
        id="p",
        question=rich("Why?"),
        min_chars=80,
        max_chars=900,
        points=10,
        rubric=[{"keyword": "risk", "points": 2}, {"keyword": "data", "points": 3}],
    )
    got = practice.interaction
    assert (got.interactionType, got.min_chars, got.max_chars) == ("long-fill-in", 80, 900)
    assert got.scoring is not None
    assert (got.scoring.min, got.scoring.max, got.scoring.passing) == (0, 15, 10)

    decision = Decision(id="d", title="Pick", scenario=[rich("S")], choices=choices(0, 10, 10, 4))
    got = decision.interaction
    assert got.interactionType == "choice"
    assert [c.id for c in got.choices] == ["c0", "c1", "c2", "c3"]
    assert [c.description for c in got.choices] == ["C0", "C1", "C2", "C3"]
    assert got.correctResponsesPattern == ["c1", "c2"]
    assert got.scoring is not None and (got.scoring.max, got.scoring.passing) == (10, 10)


def test_unscored_and_open_decisions_are_not_graded() -> None:
    unscored = Decision(id="d", title="Pick", scenario=[rich("S")], choices=choices(0, 0))
    assert unscored.interaction.interactionType == "choice"
    assert unscored.interaction.correctResponsesPattern == []
    assert unscored.interaction.scoring is None
    open_one = Decision(id="d", title="Pick", scenario=[rich("S")])
    assert open_one.interaction.interactionType == "long-fill-in"
    assert open_one.interaction.scoring is None


def test_interaction_types_are_the_xapi_names(seed_lesson: Lesson) -> None:
    types = {a.interaction.interactionType for a in seed_lesson.activities}
    assert types == {"long-fill-in", "choice"}
    schema = seed_lesson.model_json_schema(mode="serialization")
    enum = schema["$defs"]["Interaction"]["properties"]["interactionType"]["enum"]
    assert sorted(enum) == ["choice", "long-fill-in"]
