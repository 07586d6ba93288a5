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
from model_builders import choices, error_types, judgment, lesson_with, para, rich

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
