"""The Markdown authoring format, case by case, from fixture files.

Each file in tests/fixtures/markdown/ holds cases in markdown-it-py's fixture format: a title
line, ``.``, the lesson source, ``.``, the expected outcome, ``.``. The outcome is a summary of
the parsed model (one line per section and block) followed by its warnings or, for a source with
errors, the exact diagnostics. Adding a case is adding text to a file; this module is the one
helper that reads them. Nothing rewrites the expected outcomes: a change in behaviour shows up
as a failing case.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest
from markdown_it.utils import read_fixture_file
from pydantic import BaseModel

from aipm_content.api import parse
from aipm_content.model import Lesson, RichText
from aipm_content.model.blocks import BLOCK_TYPES
from aipm_content.parse.diagnostics import LessonError

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "markdown"
"""Also the lesson folder of every case, so image paths resolve against images/ here."""
PATH = "case.md"


def load_cases() -> list[Any]:
    cases = []
    for file in sorted(FIXTURE_DIR.glob("*.md")):
        for line, title, source, expected in read_fixture_file(file):
            case_id = f"{file.stem}:{line + 1}:{title}"
            cases.append(pytest.param(source, expected, id=case_id))
    return cases


CASES = load_cases()


def plain(value: Any) -> Any:
    """JSON-able form of a model value: rich text as its safe HTML, fields left at their default
    omitted, computed fields (html, interaction, ...) left out."""
    if isinstance(value, RichText):
        return value.html
    if isinstance(value, BaseModel):
        out = {}
        for name, field in type(value).model_fields.items():
            item = getattr(value, name)
            if field.is_required() or item != field.get_default(call_default_factory=True):
                out[name] = plain(item)
        return out
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()  # as in the JSON
    return value


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def summary(lesson: Lesson) -> str:
    """``lesson {...}``, then ``section <id> <title>`` and ``  <type> <id> {...}`` lines."""
    head = plain(lesson)
    head.pop("sections")
    lines = [f"lesson {dumps(head)}"]
    for section in lesson.sections:
        lines.append(f"section {section.id} {dumps(section.title)}")
        for block in section.blocks:
            fields = plain(block)
            fields.pop("type", None)
            fields.pop("id")
            lines.append(f"  {block.type} {block.id} {dumps(fields)}")
    return "\n".join(lines) + "\n"


def outcome(source: str) -> str:
    """The summary of the parsed lesson then its warnings, or its diagnostics (errors and
    warnings), one per line."""
    try:
        lesson = parse(source, format="markdown", path=PATH, source_dir=FIXTURE_DIR)
    except LessonError as exc:
        assert any(d.is_error for d in exc.diagnostics), "a LessonError says what is wrong"
        return "".join(f"{d}\n" for d in exc.diagnostics)
    return summary(lesson) + "".join(f"{d}\n" for d in lesson.warnings)


def test_fixture_files_hold_cases() -> None:
    assert len(CASES) >= 100
    titles = [p.id for p in CASES]
    assert len(titles) == len(set(titles)), "two cases share a file, line and title"


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_case(source: str, expected: str) -> None:
    assert outcome(source) == expected


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_bom_and_crlf_parse_the_same_as_lf(source: str, expected: str) -> None:
    # Lines and columns included: CRLF and a byte-order mark move nothing.
    assert outcome("\ufeff" + source.replace("\n", "\r\n")) == expected
    assert outcome(source.replace("\n", "\r")) == expected


HEAD = "---\ntitle: Case\n---\n\n"
TOO_DEEP = "error[too-deep]: blocks are nested more than 20 levels deep"
IN_QUOTE = "error[unexpected-block]: a quote cannot contain"
NESTED = "error[unsupported-list]: list items must be single paragraphs (no nesting)"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            ">" * 1000 + " deep\n",
            [f"case.md:5:1: {TOO_DEEP}", f"case.md:5:1: {IN_QUOTE} blockquote"],
            id="quotes",
        ),
        pytest.param(
            "- " * 1000 + "deep\n",
            [f"case.md:5:1: {TOO_DEEP}", f"case.md:5:1: {NESTED}"],
            id="bullets",
        ),
        pytest.param(
            "1. " * 1000 + "deep\n",
            [f"case.md:5:1: {TOO_DEEP}", f"case.md:5:1: {NESTED}"],
            id="numbers",
        ),
        pytest.param(
            "> - " * 500 + "deep\n",
            [f"case.md:5:1: {TOO_DEEP}", f"case.md:5:1: {IN_QUOTE} bullet list"],
            id="quoted-lists",
        ),
        pytest.param(
            ":::{scene}\n" * 1000 + "Ana: deep\n",
            [
                "case.md:5:1: error[unclosed-directive]: ':::{scene}' is never closed",
                "case.md:6:1: error[unexpected-block]: ':::{scene}' (line 5) is not closed before"
                " ':::{scene}': close it first, or give it a longer fence ('::::{scene}') if it"
                " holds the scene",
                f"case.md:24:1: {TOO_DEEP}",
            ],
            id="directives",
        ),
        pytest.param(
            "".join(":" * (1003 - i) + "{tension}\n" for i in range(1000)) + "deep\n",
            [
                "case.md:5:1: error[tension-text]: a tension holds exactly one paragraph",
                "case.md:5:1: error[unclosed-directive]: ':::…(1003 colons){tension}' is never"
                " closed",
                "case.md:6:1: error[unexpected-block]: a tension cannot contain tension",
                f"case.md:24:1: {TOO_DEEP}",
            ],
            id="fences",
        ),
        pytest.param(
            "*" * 1000 + "deep" + "*" * 1000 + "\n",
            ["case.md:5:1: error[too-deep]: emphasis or links are nested too deeply"],
            id="emphasis",
        ),
    ],
)
def test_deep_nesting_is_a_located_error(body: str, expected: list[str]) -> None:
    """Past markdown-it's nesting limit text would vanish silently; it must be an error instead
    (and never a RecursionError)."""
    with pytest.raises(LessonError) as caught:
        parse(HEAD + body, path=PATH)
    assert [str(d) for d in caught.value.diagnostics] == expected


GUIDE = Path(__file__).resolve().parent.parent / "docs" / "authoring.md"


def test_every_example_of_the_authoring_guide_parses() -> None:
    """docs/authoring.md shows the format by example; each example must be valid as written."""
    examples = re.findall(r"```markdown\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    front, body = examples[0], examples[1:]
    lesson = parse(front + "\nBody.\n", path="guide.md")
    assert (lesson.id, lesson.language, lesson.revision) == (
        "ai-pm-career-path",
        "en-IN",
        datetime.date(2026, 11, 1),
    )
    assert lesson.warnings == ()
    # The rest together make one lesson; the epigraph must open it.
    body.sort(key=lambda example: "{epigraph}" not in example)
    lesson = parse("---\ntitle: Guide\n---\n\n" + "\n".join(body), path="guide.md")
    assert lesson.epigraph is not None
    assert lesson.warnings == (), "the guide's examples are written as the guide recommends"
    kinds = {block.type for _, block in lesson.blocks()}
    assert kinds == set(BLOCK_TYPES)
