"""The reading app's text form: the seed imports to the authoring model, fixtures round-trip."""

from __future__ import annotations

from pathlib import Path

import pytest

import aipm_content
from aipm_content.model.blocks import Decision
from aipm_content.model.lesson import Lesson
from aipm_content.parse.reading_app import parse_reading_app
from aipm_content.parse.reading_text import restore_title
from aipm_content.write import to_markdown

ROOT = Path(__file__).resolve().parent.parent
TEXT = ROOT / "tests" / "fixtures" / "text"
SEED_MD = ROOT / "content" / "ai-pm-career-path.md"
SEED_TXT = TEXT / "ai-pm-career-path.txt"
GOOD = sorted(TEXT.glob("*.txt"))
BAD = sorted((TEXT / "bad").glob("*.txt"))


def parse_text(text: str, path: str = "<text>") -> Lesson:
    return aipm_content.parse(text, format="text", path=path)


def errors(text: str, path: str = "t.txt") -> list[str]:
    with pytest.raises(aipm_content.LessonError) as caught:
        parse_text(text, path)
    return [f"{d.line}:{d.col}:{d.code}" for d in caught.value.diagnostics]


def lesson_text(body: str, title: str = "a short lesson") -> str:
    return f"5 min left 0%\n\n{title}\n\n{body}\n\n{title} 0%\n5 min left\n"


def test_seed_import_matches_markdown_block_for_block() -> None:
    md = aipm_content.load(SEED_MD)
    text = aipm_content.load(SEED_TXT)
    assert text.id == md.id
    assert text.title == md.title == "The AI PM career path"
    assert text.language == md.language == "en-IN"
    assert text.epigraph == md.epigraph
    assert [(s.id, s.title) for s in text.sections] == [(s.id, s.title) for s in md.sections]
    for md_section, text_section in zip(md.sections, text.sections, strict=True):
        # The text form lost the decision's choices and the next steps block.
        expected = [
            b.model_copy(update={"choices": []}) if isinstance(b, Decision) else b
            for b in md_section.blocks
            if b.type != "next_steps"
        ]
        assert [b.id for b in text_section.blocks] == [b.id for b in expected]
        for want, got in zip(expected, text_section.blocks, strict=True):
            assert got == want, want.id


def test_seed_practice_refers_to_its_judgment() -> None:
    lesson = aipm_content.load(SEED_TXT)
    practice = lesson.find("practice-you-have-five-years-of-pm")
    assert practice is not None and practice.type == "practice"
    assert practice.case == "judgment-you-have-five-years-of-pm"
    assert practice.min_chars == 80


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_text_to_markdown_round_trip(path: Path) -> None:
    lesson = aipm_content.load(path)
    again = aipm_content.parse(to_markdown(lesson), path="<written>", source_dir=path.parent)
    assert again == lesson


def test_fixtures_differ_from_the_seed() -> None:
    evals = aipm_content.load(TEXT / "prompt-evals-for-pms.txt")
    voice = aipm_content.load(TEXT / "shipping-a-hindi-voice-bot.txt")
    assert evals.title == "Prompt evals for PMs"
    assert evals.epigraph is None
    assert voice.title == "Shipping a Hindi voice bot"
    assert voice.sections[0].title is not None  # no introduction
    kinds = [b.type for _, b in evals.blocks()]
    assert kinds.count("scene") == 2 and kinds.count("thread") == 2
    practice = next(b for _, b in evals.blocks() if b.type == "practice")
    assert practice.case is None and practice.min_chars == 150 and practice.question is not None
    exercise = next(b for _, b in evals.blocks() if b.type == "exercise")
    assert (exercise.duration_minutes, len(exercise.steps), exercise.word_target) == (45, 3, 500)
    thread = next(b for _, b in voice.blocks() if b.type == "thread")
    assert [[(r.name, r.count) for r in m.reactions] for m in thread.messages] == [
        [("eyes", 6), ("sob", 2)],
        [("fire", 1), ("eyes", 3)],
        [("+1", 4)],
        [("rocket", 2), ("heart", 2), ("+1", 1)],
    ]
    scene = next(b for _, b in voice.blocks() if b.type == "scene")
    assert scene.setting is None
    assert scene.lines[0].text.text == "मुझे कल की अपॉइंटमेंट बदलनी है।"
    assert scene.lines[-1].type == "narration"


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_fixture_gives_exactly_its_diagnostics(path: Path) -> None:
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    with pytest.raises(aipm_content.LessonError) as caught:
        aipm_content.parse(path.read_text(encoding="utf-8"), format="text", path=path.name)
    assert [str(d) for d in caught.value.diagnostics] == expected


def test_every_bad_fixture_has_its_expectation() -> None:
    assert BAD
    for path in BAD:
        assert path.with_suffix(".expected").is_file(), path.name


def test_problems_are_collected_not_raised_one_at_a_time() -> None:
    body = (
        "First paragraph.\n\n// quiz:\n\nWhat?\n\n// tension:\n\nShort heading\n\n"
        "// practice for score\n\nThe call: Which one?"
    )
    assert errors(lesson_text(body)) == [
        "7:1:unknown-marker",
        "11:1:empty-block",
        "15:1:missing-min-chars",
    ]


def test_title_casing_follows_the_body() -> None:
    body = "An AI PM works with AI. Most PMs say AI, and a PM is a PM."
    assert restore_title("the ai pm career path", body) == "The AI PM career path"
    assert restore_title("what is an llm", "No word here.") == "What is an llm"
    assert restore_title("ai", "ai AI") == "Ai"  # a tie keeps the word as written


def test_chrome_is_dropped_and_language_defaults() -> None:
    lesson = parse_text(lesson_text("Only a paragraph."))
    assert lesson.title == "A short lesson"
    assert lesson.language == "en-IN"
    assert lesson.id == "a-short-lesson"
    assert [b.type for _, b in lesson.blocks()] == ["paragraph"]


def test_heading_word_limit() -> None:
    twelve = "one two three four five six seven eight nine ten eleven twelve"
    lesson = parse_text(lesson_text(f"Intro.\n\n{twelve}\n\nBody."))
    assert lesson.sections[1].title == twelve
    assert errors(lesson_text(f"Intro.\n\n{twelve} thirteen\n\nBody.")) == ["7:1:ambiguous-heading"]


def test_numbered_paragraphs_become_a_list() -> None:
    lesson = parse_text(lesson_text("Intro.\n\n1. First.\n\n2. Second.\n\n4. Not next."))
    blocks = lesson.sections[0].blocks
    assert [b.type for b in blocks] == ["paragraph", "list", "list"]
    assert blocks[1].type == "list" and [i.text for i in blocks[1].items] == ["First.", "Second."]
    assert blocks[2].type == "list" and blocks[2].start == 4


def test_text_is_never_read_as_markdown() -> None:
    lesson = parse_text(lesson_text("Use *stars*, `ticks` and [links](x) as they are."))
    paragraph = lesson.sections[0].blocks[0]
    assert paragraph.type == "paragraph"
    assert [n.type for n in paragraph.text.inlines] == ["text"]
    assert paragraph.text.text == "Use *stars*, `ticks` and [links](x) as they are."


def test_thread_reactions_and_roles() -> None:
    body = (
        "Intro.\n\n// thread: #team\n"
        "Priya (PM) Ship it. fire: 3\n"
        "Arjun: Plain author, no role. fire: 1, +1: 2\n"
        "Meera (EM) Wait for the eval. heart: 2 eyes: 1"
    )
    thread = parse_text(lesson_text(body)).sections[0].blocks[1]
    assert thread.type == "thread" and thread.topic is None
    assert [(m.author, m.role) for m in thread.messages] == [
        ("Priya", "PM"),
        ("Arjun", None),
        ("Meera", "EM"),
    ]
    assert [[(r.name, r.count) for r in m.reactions] for m in thread.messages] == [
        [("fire", 3)],
        [("fire", 1), ("+1", 2)],
        [("heart", 2), ("eyes", 1)],
    ]


def test_model_errors_are_located() -> None:
    # 300 minutes is past the model's 240: reported on the exercise's marker line.
    body = "Intro.\n\n// exercise: · 300 min\nA long one\n\nDo it all."
    assert errors(lesson_text(body)) == ["7:1:out-of-range"]


def test_direct_call_matches_api() -> None:
    text = SEED_TXT.read_text(encoding="utf-8")
    direct = parse_reading_app(text, "seed.txt", lesson_id="ai-pm-career-path", source_dir=None)
    assert direct == aipm_content.parse(text, format="text", lesson_id="ai-pm-career-path")


def test_quotes_and_dashes_are_set_as_the_markdown_parser_sets_them() -> None:
    body = 'Don\'t call it "AI PM" -- not yet...\n\nA section\'s "title" here\n\nMore text.'
    lesson = parse_text(lesson_text(body))
    intro, section = lesson.sections
    assert intro.blocks[0].type == "paragraph"
    assert intro.blocks[0].text.text == "Don’t call it “AI PM” – not yet…"
    assert section.title == "A section’s “title” here"
    assert section.id == "a-section-s-title-here"  # the id it had before quotes were curled
    assert aipm_content.parse(to_markdown(lesson)) == lesson
