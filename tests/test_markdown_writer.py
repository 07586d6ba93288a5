"""Model -> authoring Markdown -> model is the identity."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import aipm_content
from aipm_content.model.lesson import Lesson
from aipm_content.write import convert, to_markdown
from strategies import lessons

ROOT = Path(__file__).resolve().parent.parent
SEED_MD = ROOT / "content" / "ai-pm-career-path.md"
SEED_TXT = ROOT / "tests" / "fixtures" / "text" / "ai-pm-career-path.txt"


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


def lesson_with(*blocks: Any) -> Lesson:
    data = {
        "id": "t",
        "title": "T",
        "language": "en-IN",
        "sections": [{"id": "introduction", "blocks": list(blocks)}],
    }
    return Lesson.model_validate(data)


def test_narration_that_looks_like_dialogue_is_escaped() -> None:
    scene = {
        "type": "scene",
        "id": "scene-x",
        "lines": [
            {"type": "narration", "text": "Note: the caller hung up."},
            {"type": "narration", "text": "Bob (PM): not a line of dialogue."},
            {"type": "narration", "text": "(aside): nor this."},
            {"type": "dialogue", "speaker": "Bob", "text": "This one is."},
        ],
    }
    lesson = lesson_with(scene)
    written = to_markdown(lesson)
    assert "Note\\: the caller" in written
    assert "Bob (PM)\\: not" in written
    assert "Bob: This one is." in written
    assert reparse(lesson) == lesson


def test_metacharacters_and_line_starts_are_escaped() -> None:
    text = "1. *not* a list, <b> & {x} | # [a](b) `c` \\ _d_ !"
    lesson = lesson_with(
        {"type": "paragraph", "id": "p-1-not-a-list-b-x", "text": text},
    )
    written = to_markdown(lesson)
    assert (
        "1\\. \\*not\\* a list, \\<b\\> \\& \\{x\\} \\| \\# \\[a\\](b) \\`c\\` \\\\ \\_d\\_ \\!"
        in written
    )
    assert reparse(lesson) == lesson


def test_typographer_input_held_as_typed_is_escaped() -> None:
    # A model from JSON may hold straight quotes and "--"; the parser would curl and dash them.
    text = '"AI PM" isn\'t -- yet... (c) +- ,, ????'
    lesson = lesson_with({"type": "paragraph", "id": "p-ai-pm-isn-t-yet-c", "text": text})
    written = to_markdown(lesson)
    assert '\\"AI PM\\" isn\\\'t -\\- yet.\\.\\. \\(c) +\\- ,\\, ?\\?\\?\\?' in written
    assert reparse(lesson) == lesson


def test_curly_quotes_from_the_parser_are_written_as_they_are() -> None:
    lesson = aipm_content.parse('---\ntitle: T\n---\n\nShe said "it\'s -- fine".\n')
    (block,) = lesson.sections[0].blocks
    assert block.type == "paragraph" and block.text.text == "She said “it’s – fine”."
    assert "She said “it’s – fine”." in to_markdown(lesson)
    assert reparse(lesson) == lesson


def test_code_links_and_reactions() -> None:
    paragraph = {
        "type": "paragraph",
        "id": "p-run-a-b-c-see-docs",
        "text": {
            "inlines": [
                {"type": "text", "text": "Run "},
                {"type": "code", "text": "a `b` c"},
                {"type": "text", "text": ", see "},
                {
                    "type": "link",
                    "href": "https://x.in/a_(b)",
                    "children": [{"type": "text", "text": "docs"}],
                },
            ]
        },
    }
    thread = {
        "type": "thread",
        "id": "thread-t",
        "channel": "#team",
        "messages": [
            {
                "author": "Priya",
                "role": "PM",
                "text": "Ends with {braces}",
                "reactions": [{"name": "fire", "count": 3}, {"name": "+1", "count": 2}],
            }
        ],
    }
    lesson = lesson_with(paragraph, thread)
    written = to_markdown(lesson)
    assert "``a `b` c``" in written
    assert "[docs](<https://x.in/a_(b)>)" in written
    assert "Priya (PM): Ends with \\{braces\\} {fire=3 +1=2}" in written
    assert reparse(lesson) == lesson


def test_front_matter_keeps_all_metadata() -> None:
    lesson = Lesson.model_validate(
        {
            "id": "meta",
            "title": "Title: with 'quotes' and \"more\" # not a comment",
            "language": "hi-IN",
            "authors": ["A: B", "yes"],
            "tags": ["- dash", "2026-11-01"],
            "summary": "Line one, line two: ✓ 🔥 नमस्ते",
            "revision": "2026-11-01",
            "base_iri": "https://example.com/",
            "sections": [
                {"id": "introduction", "blocks": [{"type": "paragraph", "id": "p-x", "text": "x"}]}
            ],
        }
    )
    assert reparse(lesson) == lesson


def test_adjacent_lists_do_not_merge() -> None:
    lesson = lesson_with(
        {"type": "list", "id": "list-a", "items": ["a"]},
        {"type": "list", "id": "list-b", "items": ["b"]},
        {"type": "list", "id": "list-c", "ordered": True, "start": 0, "items": ["c"]},
        {"type": "list", "id": "list-d", "ordered": True, "items": ["d"]},
    )
    assert reparse(lesson) == lesson


def test_convert_writes_markdown_atomically(tmp_path: Path) -> None:
    out = tmp_path / "lesson.md"
    out.write_text("old", encoding="utf-8")
    convert(SEED_TXT, out)
    assert [p.name for p in tmp_path.iterdir()] == ["lesson.md"]  # no temporary file left
    converted = aipm_content.load(out)
    original = aipm_content.load(SEED_TXT)
    assert converted.model_dump() == original.model_dump()


def test_convert_leaves_out_untouched_when_source_is_bad(tmp_path: Path) -> None:
    out = tmp_path / "lesson.md"
    out.write_text("old", encoding="utf-8")
    bad = next((ROOT / "tests" / "fixtures" / "text" / "bad").glob("*.txt"))
    with pytest.raises(aipm_content.LessonError):
        convert(bad, out)
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["lesson.md"]
