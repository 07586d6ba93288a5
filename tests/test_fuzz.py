"""Fuzzing both parsers: any text gives a valid model or a LessonError with located diagnostics.

Inputs are random text and random mutations (cuts, copies, swapped lines, inserted syntax) of
the seed lesson and the fixtures, in both source forms. Valid models from mutated lessons must
then export through every channel, with outputs as inert as tests/test_hostile.py demands.
The longer-running coverage-guided fuzzer is fuzz/fuzz_parse.py (atheris).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from aipm_content import parse
from aipm_content.exporters.base import get_exporter
from aipm_content.model.lesson import Lesson
from aipm_content.parse.diagnostics import LessonError
from hostile_corpus import CORPUS, EXPECTED, EXPORTERS, Corpus, assert_inert, time_limit

Format = Literal["markdown", "text"]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = FIXTURES.parent.parent
PATH = "fuzzed-lesson"
CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def seed_texts(suffix: str) -> list[str]:
    """The seed lesson and every fixture of one source form that parses, to mutate."""
    paths = sorted(FIXTURES.rglob(f"*{suffix}"))
    if suffix == ".md":
        paths.insert(0, ROOT / "content" / "ai-pm-career-path.md")
    texts = []
    for path in paths:
        if path.parent == CORPUS and not EXPECTED.get(path.name, EXPECTED["empty.md"]).ok:
            continue
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            continue
    return texts


SEEDS: dict[Format, list[str]] = {"markdown": seed_texts(".md"), "text": seed_texts(".txt")}

# Syntax of both forms, and the characters that have broken parsers before.
TOKENS = [
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\ufeff",
    ":::",
    "::::",
    ":::{tension}\n",
    "::::{decision} T\n",
    ":::{choice} C\n",
    ":::{exercise} E\n:duration: 5\n",
    ":::{practice}\n:min-chars: 80\n",
    ":::{judgment}\n",
    ":::{scene}\n",
    ":::{thread}\n:channel: #t\n",
    ":::{next_steps}\n",
    ":::{epigraph}\n:attribution: A\n",
    ":id: same\n",
    ":score: 3\n",
    "The call: ",
    "{fire=3}",
    "Priya (PM): ",
    "---\n",
    "title: T\n",
    "## ",
    "# ",
    "1. ",
    "- ",
    "> ",
    "    ",
    "*",
    "**",
    "_",
    "`",
    "```\n",
    "[",
    "]",
    "](",
    "[x](https://example.com/)",
    "[x](javascript:alert(1))",
    "![a](images/dot.png)",
    "![a](../outside/secret.png)",
    "<script>alert(1)</script>",
    "&amp;",
    "&#0;",
    "\\",
    "// scene:\n",
    "// tension:\n",
    "// thread: #t — topic\n",
    "// exercise: · 20 min\n",
    "// learn the judgment\n",
    "// practice for score\n",
    "// interactive:\n",
    "0 chars (min 80)",
    "8 min left 0%\n",
    "\x00",
    "\x07",
    "\u202e",
    "\u200b",
    "नमस्ते ",
    "🚀",
    "👨‍👩‍👧",
]


@st.composite
def mutated(draw: st.DrawFn, fmt: Format) -> str:
    """A fixture with one to six random edits."""
    text = draw(st.sampled_from(SEEDS[fmt]))
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 400)))
        operation = draw(st.sampled_from(["cut", "copy", "insert", "token", "swap", "text"]))
        if operation == "cut":
            text = text[:start] + text[end:]
        elif operation == "copy":
            text = text[:start] + text[start:end] * 2 + text[end:]
        elif operation == "token":
            text = text[:start] + draw(st.sampled_from(TOKENS)) + text[start:]
        elif operation == "text":
            text = text[:start] + draw(st.text(max_size=40)) + text[start:]
        elif operation == "insert":
            text = text[:start] + draw(st.sampled_from(TOKENS)) + text[end:]
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


def line_count(text: str) -> int:
    return text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


def model_or_diagnostics(text: str, fmt: Format, folder: Path | None = None) -> Lesson | None:
    """The lesson, or None after checking that every diagnostic points into the text."""
    try:
        with time_limit(60):
            return parse(text, format=fmt, path=PATH, source_dir=folder)
    except LessonError as exc:
        assert exc.diagnostics, "a LessonError without diagnostics"
        last = line_count(text) + 1
        for diagnostic in exc.diagnostics:
            assert diagnostic.path == PATH
            assert 1 <= diagnostic.line <= last, (str(diagnostic), last)
            assert diagnostic.col >= 1, str(diagnostic)
            assert CODE.match(diagnostic.code), str(diagnostic)
            assert diagnostic.message.strip(), str(diagnostic)
        return None


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_MORE = settings(FUZZ, max_examples=400)
"""Random text is cheap to parse (most of it fails early), so it gets more examples."""


@FUZZ_MORE
@given(st.text(max_size=2000))
def test_random_text_as_markdown(text: str) -> None:
    model_or_diagnostics(text, "markdown")


@FUZZ_MORE
@given(st.text(max_size=2000))
def test_random_text_as_reading_app_text(text: str) -> None:
    model_or_diagnostics(text, "text")


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map("".join))
def test_random_syntax_as_markdown(text: str) -> None:
    model_or_diagnostics("---\ntitle: T\n---\n" + text, "markdown")


@FUZZ
@given(mutated("markdown"))
def test_mutated_markdown(text: str) -> None:
    model_or_diagnostics(text, "markdown")


@FUZZ
@given(mutated("text"))
def test_mutated_reading_app_text(text: str) -> None:
    model_or_diagnostics(text, "text")


def test_the_seeds_parse() -> None:
    """Mutations start from valid lessons (otherwise the export fuzzing below tests nothing)."""
    assert len(SEEDS["markdown"]) >= 5 and len(SEEDS["text"]) >= 3
    for fmt, texts in SEEDS.items():
        with tempfile.TemporaryDirectory() as tmp:
            folder = _lesson_folder(Path(tmp))
            assert any(model_or_diagnostics(t, fmt, folder) is not None for t in texts), fmt


def _lesson_folder(base: Path) -> Path:
    """A folder with the images the fixtures show, so mutated lessons can be valid."""
    folder = base / "lesson"
    shutil.copytree(CORPUS / "images", folder / "images")
    for image in (FIXTURES / "epub" / "images", FIXTURES / "markdown" / "images"):
        if image.is_dir():
            shutil.copytree(image, folder / "images", dirs_exist_ok=True)
    return folder


def export_all(text: str, fmt: Format, channels: list[str]) -> None:
    """A valid mutated lesson exports through ``channels``; invalid ones are not counted."""
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        folder = _lesson_folder(base)
        lesson = model_or_diagnostics(text, fmt, folder)
        assume(lesson is not None)
        assert lesson is not None
        for channel in channels:
            exporter = get_exporter(channel)
            out = base / "out" / f"lesson{exporter.suffix}"
            with time_limit(120):
                exporter.export(lesson, out, exporter.options_model())
            assert_inert(channel, out.read_bytes(), Corpus(folder, base / "outside"))


def export_fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


@pytest.mark.parametrize("fmt", ["markdown", "text"])
@export_fuzz(10)
@given(data=st.data())
def test_valid_mutations_export_to_json_epub_and_scorm(fmt: Format, data: st.DataObject) -> None:
    text = data.draw(mutated(fmt))
    export_all(text, fmt, [c for c in EXPORTERS if c in ("json", "epub", "scorm")])


@export_fuzz(3)
@given(mutated("markdown"))
def test_valid_mutations_export_to_pdf(text: str) -> None:
    export_all(text, "markdown", ["pdf"])
