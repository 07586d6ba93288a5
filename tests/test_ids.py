"""Ids: valid SCORM 1.2 / XML identifiers, unique, derived from text, stable under edits around
them, and overridable with ``:id:``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from aipm_content.api import parse
from aipm_content.model import Decision, Lesson, ids
from aipm_content.model.blocks import ACTIVITY_TYPES
from aipm_content.model.ids import ID_PATTERN, MAX_ID_LENGTH, make_id, slugify, with_suffix
from aipm_content.parse.markdown import markdown_parser
from conftest import SEED_MD

SCORM_SAFE = re.compile(r"^[a-z0-9-]{1,64}$")
SEED = SEED_MD.read_text(encoding="utf-8")


def all_ids(lesson: Lesson) -> Iterator[str]:
    yield lesson.id
    for section in lesson.sections:
        yield section.id
        for block in section.blocks:
            yield block.id
            if isinstance(block, Decision):
                yield from (c.id for c in block.choices)


def activity_ids(lesson: Lesson) -> list[str]:
    """Ids of every block a learner acts on, and of every choice (an LMS stores those too)."""
    ids = []
    for _, block in lesson.blocks():
        if isinstance(block, ACTIVITY_TYPES):
            ids.append(block.id)
        if isinstance(block, Decision):
            ids.extend(f"{block.id}/{c.id}" for c in block.choices)
    return ids


def reparse(text: str) -> Lesson:
    return parse(text, path="seed.md")


# -- shape and uniqueness -----------------------------------------------------------------------


def test_every_seed_id_is_a_scorm_identifier(seed_lesson: Lesson) -> None:
    ids = list(all_ids(seed_lesson))
    assert len(ids) > 40
    for node_id in ids:
        assert SCORM_SAFE.match(node_id), node_id
        assert re.match(ID_PATTERN, node_id), node_id  # also starts with a letter: an XML id


def test_seed_ids_are_unique(seed_lesson: Lesson) -> None:
    ids = [seed_lesson.id]
    for section in seed_lesson.sections:
        ids.append(section.id)
        ids.extend(block.id for block in section.blocks)
    assert len(ids) == len(set(ids))
    for _, block in seed_lesson.blocks():
        if isinstance(block, Decision):
            choice_ids = [c.id for c in block.choices]
            assert len(choice_ids) == len(set(choice_ids))


def test_ids_are_derived_deterministically(seed_lesson: Lesson) -> None:
    assert list(all_ids(reparse(SEED))) == list(all_ids(reparse(SEED)))
    assert list(all_ids(reparse(SEED)))[1:] == list(all_ids(seed_lesson))[1:]


def test_seed_ids_come_from_titles_and_first_words(seed_lesson: Lesson) -> None:
    assert [a.id for a in seed_lesson.activities] == [
        "exercise-ai-product-teardown",
        "judgment-you-have-five-years-of-pm",
        "practice-you-have-five-years-of-pm",
        "decision-the-ai-feature-decision",
    ]
    assert seed_lesson.sections[0].id == "introduction"
    assert seed_lesson.sections[0].title is None
    assert seed_lesson.sections[1].id == "what-an-ai-pm-actually-does"


# -- stability ----------------------------------------------------------------------------------


def top_level_starts(text: str) -> list[int]:
    """0-based lines where a top-level block starts, and the end: every place a paragraph can
    go, after the front matter and the epigraph (which must open the lesson)."""
    tokens = [t for t in markdown_parser().parse(text) if t.level == 0 and t.map]
    opening = [t for t in tokens if t.type == "front_matter" or t.info == "epigraph"]
    after = max(t.map[1] for t in opening if t.map)
    starts = {t.map[0] for t in tokens if t.map and t.map[0] >= after}
    return sorted(starts | {len(text.splitlines())})


SEED_STARTS = top_level_starts(SEED)
INSERTS = [
    "An inserted paragraph about nothing in particular.",
    # Same first words as paragraphs around it, so paragraph ids get numbered suffixes.
    "Role 1: PM on an AI-powered product, again.",
    "You do not need to learn Python.",
    "Month 1: Build AI literacy, once more.",
]


def insert_at(text: str, line: int, paragraph: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join([*lines[:line], f"{paragraph}\n\n", *lines[line:]])


def test_there_are_many_places_to_insert() -> None:
    assert len(SEED_STARTS) > 40


@pytest.mark.parametrize("line", SEED_STARTS)
def test_inserting_a_paragraph_anywhere_keeps_activity_ids(seed_lesson: Lesson, line: int) -> None:
    expected = activity_ids(seed_lesson)
    for paragraph in INSERTS:
        edited = reparse(insert_at(SEED, line, paragraph))
        assert sum(1 for _ in edited.blocks()) == sum(1 for _ in seed_lesson.blocks()) + 1
        assert activity_ids(edited) == expected


def test_editing_other_text_keeps_activity_ids(seed_lesson: Lesson) -> None:
    edited = SEED.replace("Every second PM", "Nearly every PM").replace(
        "## What you do NOT need", "## What you can skip"
    )
    lesson = reparse(edited)
    assert activity_ids(lesson) == activity_ids(seed_lesson)
    assert lesson.sections[0].blocks[0].id != seed_lesson.sections[0].blocks[0].id


# -- pinned ids -----------------------------------------------------------------------------------


HEAD = "---\ntitle: Case\n---\n\n"


def test_a_pinned_id_wins_and_survives_a_retitle() -> None:
    source = HEAD + ":::{exercise} Teardown\n:id: exercise-pinned\n:duration: 5\nDo it.\n:::\n"
    assert reparse(source).sections[0].blocks[0].id == "exercise-pinned"
    retitled = source.replace("Teardown", "A completely different title")
    assert reparse(retitled).sections[0].blocks[0].id == "exercise-pinned"


def test_a_pinned_id_pushes_a_derived_paragraph_id_aside() -> None:
    lesson = reparse(HEAD + "Same words.\n\n:::{tension}\n:id: p-same-words\nT.\n:::\n")
    assert [b.id for _, b in lesson.blocks()] == ["p-same-words-2", "p-same-words"]


def test_pinned_choice_ids_win_over_derived_ones() -> None:
    source = (
        HEAD + "::::{decision} Pick\nSituation.\n\n:::{choice} First option\n:id: first\n:::\n\n"
        ":::{choice} Second option\n:::\n::::\n"
    )
    decision = reparse(source).sections[0].blocks[0]
    assert isinstance(decision, Decision)
    assert [c.id for c in decision.choices] == ["first", "second-option"]


def test_the_seed_practice_id_follows_its_case(seed_lesson: Lesson) -> None:
    practice = seed_lesson.find("practice-you-have-five-years-of-pm")
    assert practice is not None and practice.type == "practice"
    assert practice.case == "judgment-you-have-five-years-of-pm"


# -- the slug functions ---------------------------------------------------------------------------


def test_slugify_examples() -> None:
    assert slugify("The AI PM career path") == "the-ai-pm-career-path"
    assert slugify("Café à la carte — 2026!") == "cafe-a-la-carte-2026"
    assert slugify("नमस्ते 🔥") == ""
    assert slugify("one two three four five six seven eight nine", max_words=3) == "one-two-three"
    assert slugify("abcdef ghijkl", max_length=10) == "abcdef"  # cut at a word boundary


def whole_text_words(text: str, limit: int) -> list[str]:
    """The words a slug is made of, folding the whole text at once (as slugify once did)."""
    folded = unicodedata.normalize("NFKD", text.translate(ids._TYPOGRAPHIC))
    return re.findall("[a-z0-9]+", folded.encode("ascii", "ignore").decode().lower())[:limit]


TRICKY = "aZ9 -'’—“\u00a0\u2003\t\né\u0301\u0327Å©½ｆｉ\ufb01नम🔥ǅ"


@given(text=st.text(st.sampled_from(TRICKY)) | st.text(), limit=st.integers(0, 10))
@example(text="e \u0301x", limit=2)  # a combining mark right after a space
def test_a_slug_has_the_words_of_the_whole_text(text: str, limit: int) -> None:
    assert ids.ascii_words(text, limit) == whole_text_words(text, limit)


def test_a_long_paragraph_is_folded_only_as_far_as_its_slug_needs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folded: list[str] = []
    normalize = unicodedata.normalize

    def counted(form: str, text: str) -> str:
        folded.append(text)
        return normalize(form, text)  # type: ignore[arg-type]

    monkeypatch.setattr(unicodedata, "normalize", counted)
    assert make_id("p", "Café crème — déjà vu " * 500) == "p-cafe-creme-deja-vu-cafe-creme"
    assert sum(map(len, folded)) < 50


def test_make_id_and_suffix_fit_the_limit() -> None:
    assert make_id("exercise", "नमस्ते") == "exercise"
    long_id = make_id("judgment", " ".join(["x" * 20] * 6))
    assert len(long_id) <= MAX_ID_LENGTH
    assert long_id == "judgment-" + "-".join(["x" * 20] * 2)
    base = "a" * MAX_ID_LENGTH
    assert with_suffix(base, 12) == "a" * (MAX_ID_LENGTH - 3) + "-12"
    assert with_suffix("p-x", 2) == "p-x-2"


@given(text=st.text(max_size=300), prefix=st.sampled_from(["p", "exercise", "next-steps"]))
def test_derived_ids_are_always_valid(text: str, prefix: str) -> None:
    node_id = make_id(prefix, text)
    assert re.match(ID_PATTERN, node_id)
    assert len(node_id) <= MAX_ID_LENGTH
    for n in (2, 10, 1000):
        assert len(with_suffix(node_id, n)) <= MAX_ID_LENGTH
        assert re.match(ID_PATTERN, with_suffix(node_id, n))
