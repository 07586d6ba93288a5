"""The content model on its own: strict, frozen, self-checking, and a lossless JSON contract."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from aipm_content.model import (
    Choice,
    Decision,
    Exercise,
    Image,
    Judgment,
    Lesson,
    Link,
    ListBlock,
    Message,
    NextLink,
    Paragraph,
    Practice,
    Reaction,
    RichText,
    Scene,
    Section,
    Text,
    Thread,
)
from aipm_content.model.lesson import WORDS_PER_MINUTE


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


# -- strictness ---------------------------------------------------------------------------------


def test_nodes_are_frozen() -> None:
    node = para("p-a", "Text.")
    with pytest.raises(ValidationError) as caught:
        node.id = "p-b"  # type: ignore[misc]
    assert error_types(caught.value) == ["frozen_instance"]


def test_lesson_is_frozen(seed_lesson: Lesson) -> None:
    with pytest.raises(ValidationError):
        seed_lesson.title = "Another"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (Paragraph, {"id": "p-a", "text": "Text.", "style": "bold"}),
        (Text, {"type": "text", "text": "x", "lang": "hi"}),
        (Reaction, {"name": "fire", "count": 1, "by": "me"}),
        (Choice, {"id": "a", "text": "A", "correct": True}),
    ],
)
def test_unknown_keys_are_refused(model: type[BaseModel], data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    assert error_types(caught.value) == ["extra_forbidden"]


def test_computed_fields_are_dropped_on_input() -> None:
    # An export carries text/html/interaction; loading it back must not count them as extra.
    data = {"inlines": [{"type": "text", "text": "Hi"}], "text": "stale", "html": "<b>stale</b>"}
    assert RichText.model_validate(data).html == "Hi"


def test_block_union_is_discriminated_by_type() -> None:
    section = Section.model_validate(
        {"id": "s", "title": "S", "blocks": [{"type": "tension", "id": "t", "text": "T"}]}
    )
    assert section.blocks[0].type == "tension"
    with pytest.raises(ValidationError) as caught:
        Section.model_validate({"id": "s", "blocks": [{"type": "sidebar", "id": "x"}]})
    assert error_types(caught.value) == ["union_tag_invalid"]


# -- rich text ----------------------------------------------------------------------------------


def test_rich_text_from_a_string_and_merged_runs() -> None:
    assert RichText.model_validate("Hi") == RichText(inlines=[Text(text="Hi")])
    merged = RichText.model_validate(
        {"inlines": [{"type": "text", "text": "a"}, {"type": "text", "text": ""}, Text(text="b")]}
    )
    assert merged.inlines == [Text(text="ab")]


def test_rich_text_html_escapes_every_character() -> None:
    text = RichText.model_validate(
        {
            "inlines": [
                {"type": "text", "text": '<script>alert("x")</script> & '},
                {
                    "type": "link",
                    "href": "https://e.com/?a=1&b=2",
                    "children": [{"type": "text", "text": '"q"'}],
                },
                {"type": "image", "src": "img/a.png", "alt": '" onerror="x'},
            ]
        }
    )
    assert text.html == (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; "
        '<a href="https://e.com/?a=1&amp;b=2">&#34;q&#34;</a>'
        '<img src="img/a.png" alt="&#34; onerror=&#34;x"/>'
    )
    assert text.text == '<script>alert("x")</script> & "q"" onerror="x'


def test_rich_text_is_not_empty() -> None:
    with pytest.raises(ValidationError):
        RichText(inlines=[])


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "vbscript:msgbox",
        "data:text/html,x",
        "file:///etc/passwd",
        "//evil.example/",
        "java\tscript:x",
        "java\nscript:x",
        "https://e.com/a b",
        "\\\\server\\share",
        "",
    ],
)
def test_unsafe_links_are_refused(href: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Link(href=href, children=[Text(text="x")])
    assert error_types(caught.value) == ["unsafe-link"]
    with pytest.raises(ValidationError):
        NextLink(title="x", href=href)


@pytest.mark.parametrize(
    "href", ["https://e.com/", "http://e.com", "mailto:a@e.com", "../next/", "#frag", "a.html"]
)
def test_safe_links_are_kept(href: str) -> None:
    assert Link(href=href, children=[Text(text="x")]).href == href


@pytest.mark.parametrize(
    "src", ["../a.png", "/abs/a.png", "https://e.com/a.png", "a.svg", ".hidden.png", "a//b.png"]
)
def test_images_are_local_raster_files(src: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Image(src=src, alt="x")
    assert error_types(caught.value) == ["unsafe-asset"]


# -- block validators -----------------------------------------------------------------------------


def test_speaker_and_author_names_are_one_line_without_delimiters() -> None:
    for name in ["", "   ", "A: B", "A (B)", "x" * 61]:
        with pytest.raises(ValidationError):
            Message(author=name, text=rich("Hi"))
    assert Message(author="  Priya ", text=rich("Hi")).author == "Priya"


def test_a_reaction_is_listed_once() -> None:
    fire = Reaction(name="fire", count=1)
    with pytest.raises(ValidationError) as caught:
        Message(author="A", text=rich("Hi"), reactions=[fire, fire])
    assert error_types(caught.value) == ["duplicate-reaction"]


def test_a_thread_has_a_channel_and_messages() -> None:
    message = Message(author="A", text=rich("Hi"))
    assert Thread(id="t", channel="#team", messages=[message]).channel == "#team"
    for channel, messages in [("team", [message]), ("#team", [])]:
        with pytest.raises(ValidationError):
            Thread(id="t", channel=channel, messages=messages)


def test_a_scene_has_lines() -> None:
    with pytest.raises(ValidationError):
        Scene(id="s", lines=[])


@pytest.mark.parametrize(("minutes", "ok"), [(0, False), (1, True), (240, True), (241, False)])
def test_exercise_duration_is_1_to_240_minutes(minutes: int, ok: bool) -> None:
    data = {"id": "e", "title": "E", "duration_minutes": minutes, "steps": ["Do."]}
    if ok:
        assert Exercise.model_validate(data).duration_minutes == minutes
    else:
        with pytest.raises(ValidationError):
            Exercise.model_validate(data)


def test_an_exercise_needs_instructions_or_steps() -> None:
    with pytest.raises(ValidationError) as caught:
        Exercise(id="e", title="E", duration_minutes=5)
    assert error_types(caught.value) == ["empty-exercise"]


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"case": "judgment-a", "min_chars": 0}, "greater_than_equal"),
        ({"case": "judgment-a", "min_chars": 4001}, "less_than_equal"),
        ({"case": "judgment-a", "min_chars": 50, "max_chars": 10}, "min-over-max"),
        ({"min_chars": 5}, "practice-without-case"),
        (
            {"case": "judgment-a", "min_chars": 5, "question": "Own?"},
            "practice-case-and-scenario",
        ),
        ({"case": "judgment-a", "min_chars": 5, "points": 0}, "greater_than_equal"),
    ],
)
def test_practice_checks(fields: dict[str, Any], error: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Practice.model_validate({"id": "practice-a", **fields})
    assert error_types(caught.value) == [error]


def test_practice_min_equal_to_max_is_fine() -> None:
    practice = Practice(id="p", case="judgment-a", min_chars=100, max_chars=100)
    assert practice.interaction.min_chars == practice.interaction.max_chars == 100


def choices(*scores: int) -> list[Choice]:
    return [Choice(id=f"c{i}", text=rich(f"C{i}"), score=s) for i, s in enumerate(scores)]


def test_a_decision_has_no_choice_or_at_least_two() -> None:
    with pytest.raises(ValidationError) as caught:
        Decision(id="d", title="D", scenario=[rich("S")], choices=choices(5))
    assert error_types(caught.value) == ["single-choice"]
    assert Decision(id="d", title="D", scenario=[rich("S")]).choices == []


def test_choice_ids_are_unique_within_a_decision() -> None:
    same = [Choice(id="a", text=rich("A")), Choice(id="a", text=rich("B"))]
    with pytest.raises(ValidationError) as caught:
        Decision(id="d", title="D", scenario=[rich("S")], choices=same)
    assert error_types(caught.value) == ["duplicate-id"]


def test_list_start_and_items() -> None:
    assert ListBlock(id="l", ordered=True, start=0, items=[rich("a")]).start == 0
    with pytest.raises(ValidationError):
        ListBlock(id="l", items=[])
    with pytest.raises(ValidationError):
        ListBlock(id="l", start=-1, items=[rich("a")])


# -- lesson-wide checks ---------------------------------------------------------------------------


def test_duplicate_ids_across_the_lesson() -> None:
    with pytest.raises(ValidationError) as caught:
        lesson_with(para("p-a", "One."), para("p-a", "Two."))
    assert error_types(caught.value) == ["duplicate-id"]
    assert "sections.0.blocks.1.id: id 'p-a' is already used by sections.0.blocks.0" in str(
        caught.value
    )


def test_a_block_id_may_not_reuse_a_section_id() -> None:
    with pytest.raises(ValidationError) as caught:
        lesson_with(para("introduction", "One."))
    assert error_types(caught.value) == ["duplicate-id"]


def test_only_the_first_section_is_untitled() -> None:
    sections: list[dict[str, Any]] = [
        {"id": "introduction", "title": None, "blocks": []},
        {"id": "more", "title": None, "blocks": []},
    ]
    with pytest.raises(ValidationError) as caught:
        lesson_with(sections=sections)
    assert error_types(caught.value) == ["untitled-section"]


def test_practice_case_must_name_a_judgment() -> None:
    practice = Practice(id="practice-a", case="judgment-a", min_chars=10)
    assert lesson_with(judgment(), practice).find("practice-a") == practice
    with pytest.raises(ValidationError) as caught:
        lesson_with(practice)
    assert error_types(caught.value) == ["missing-case"]
    with pytest.raises(ValidationError) as caught:
        lesson_with(para("judgment-a", "Not a judgment."), practice)
    assert error_types(caught.value) == ["missing-case"]


def test_lesson_wide_problems_are_collected_with_a_context() -> None:
    # The parser passes a list to collect every problem, to report them all with lines.
    problems: list[Any] = []
    data = {
        "id": "case",
        "title": "Case",
        "language": "en-IN",
        "sections": [
            {
                "id": "introduction",
                "blocks": [
                    para("p-a", "One.").model_dump(),
                    para("p-a", "Two.").model_dump(),
                    Practice(id="practice-a", case="judgment-x", min_chars=1).model_dump(),
                ],
            }
        ],
    }
    Lesson.model_validate(data, context={"problems": problems})
    assert [code for _, code, _ in problems] == ["duplicate-id", "missing-case"]


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("language", "english", "bad-language"),
        ("revision", "1 Nov 2026", "bad-revision"),
        ("base_iri", "https://e.com/lessons", "bad-base-iri"),
        ("base_iri", "https://e.com/?x=1/", "bad-base-iri"),
        ("id", "Lesson One", "string_pattern_mismatch"),
        ("title", " ", "string_too_short"),
        ("schema_version", "2.0", "literal_error"),
    ],
)
def test_lesson_metadata_checks(field: str, value: str, error: str) -> None:
    with pytest.raises(ValidationError) as caught:
        lesson_with(para("p-a", "x"), **{field: value})
    assert error_types(caught.value) == [error]


def test_a_lesson_needs_a_section() -> None:
    with pytest.raises(ValidationError):
        lesson_with(sections=[])


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
