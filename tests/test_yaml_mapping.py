"""The one YAML loader of front matter and course files: bounded, located, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from aipm_content import parse
from aipm_content.parse.diagnostics import LessonError
from aipm_content.parse.yaml_mapping import MAX_YAML_DEPTH, load_yaml_mapping


def problems(text: str) -> list[str]:
    return [str(d) for d in load_yaml_mapping(text, "f.yml", 1, "course file").problems]


def test_values_and_places() -> None:
    found = load_yaml_mapping("title: A\nlessons:\n  - file: a.md\n    id: a\n", "f.yml", 1, "x")
    assert found.problems == []
    assert found.values == {"title": "A", "lessons": [{"file": "a.md", "id": "a"}]}
    assert found.key_at[("lessons", 0, "file")] == (3, 5)
    assert found.value_at[("lessons", 0, "id")] == (4, 9)
    assert found.value_at[("title",)] == (1, 8)


def test_nothing_is_converted() -> None:
    found = load_yaml_mapping("a: 2026-11-01\nb: yes\nc: 3\nd:\n", "f.yml", 1, "x")
    assert found.values == {"a": "2026-11-01", "b": "yes", "c": "3", "d": ""}


def test_a_flat_alias_bomb_stops_at_the_limit() -> None:
    """600,000 uses of one anchor (1.8 MB) used to pass as a 124 MB lesson."""
    text = 'title: &a "T"\ntags: [' + ", ".join(["*a"] * 600_000) + "]\n"
    (problem,) = problems(text)
    assert problem.startswith("f.yml:2:")
    assert "error[too-large]: course file is too large: more than 10,000 values" in problem


def test_aliases_of_long_text_count_their_characters() -> None:
    text = f"a: &a {'x' * 100_000}\nb: [*a, *a, *a, *a, *a]\n"
    (problem,) = problems(text)
    assert "more than 500,000 characters of text (each use of an alias counts)" in problem


def test_a_few_aliases_are_fine() -> None:
    found = load_yaml_mapping("a: &a [x, y]\nb: *a\n", "f.yml", 1, "x")
    assert found.problems == []
    assert found.values == {"a": ["x", "y"], "b": ["x", "y"]}


@pytest.mark.parametrize("text", ["a: " + "[" * 500 + "]" * 500, "a: " + "{b: " * 500 + "}" * 500])
def test_deep_nesting_is_located_not_a_recursion_error(text: str) -> None:
    (problem,) = problems(text)
    assert problem.startswith("f.yml:1:")
    assert problem.endswith(
        f"error[too-large]: course file is too large: lists or mappings nested more than"
        f" {MAX_YAML_DEPTH} deep"
    )


def test_an_alias_cycle_is_refused() -> None:
    (problem,) = problems("a: &a [*a]\n")
    assert "nested more than" in problem


def test_a_complex_key_is_named_not_printed_as_a_node() -> None:
    (problem,) = problems("? [a, b]\n: c\n")
    assert (
        problem
        == "f.yml:1:3: error[front-matter]: course file keys are plain names, not lists or mappings"
    )
    assert "ScalarNode" not in problem


def test_front_matter_recursion_is_a_located_exit_2_error() -> None:
    source = "---\ntitle: " + "[" * 500 + "]" * 500 + "\n---\n\nBody.\n"
    with pytest.raises(LessonError) as caught:
        parse(source, path="case.md")
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.path, diagnostic.line, diagnostic.code) == ("case.md", 2, "too-large")


def test_course_file_alias_bomb_and_deep_nesting_are_located(tmp_path: Path) -> None:
    from aipm_content.parse.course_file import read_course

    for text in (
        'title: &a "T"\nauthors: ['
        + ", ".join(["*a"] * 40_000)
        + "]\n",  # under the 200 kB file limit
        "title: " + "[" * 500 + "]" * 500 + "\n",
    ):
        course = tmp_path / "course.yml"
        course.write_text(text, encoding="utf-8")
        with pytest.raises(LessonError) as caught:
            read_course(course)
        (diagnostic,) = caught.value.diagnostics
        assert (diagnostic.path, diagnostic.code) == (str(course), "too-large")
        assert "the course file is too large: " in diagnostic.message
