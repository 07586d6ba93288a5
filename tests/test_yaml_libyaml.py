"""YAML composed from libyaml's events gives the pure-Python loader's tree, limits and errors."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
import yaml
from yaml._yaml import Mark as LibyamlMark

ym = importlib.import_module("aipm_content.parse.yaml_mapping")

CORPUS = [
    "title: A lesson\nauthors: [Asha, Ben]\n",
    "title: A lesson\nauthors: [Asha, Ben]",  # no final line break (front matter has none)
    "“quoted”: “smart” é\n😀: [नमस्ते, “x”, 😀]\nkey: 'after é 😀 नमस्ते: no'\n"
    "é😀नमस्ते: [“a”, é]  # é\n",
    "a: é😀\nb: 'it''s “x”'\nc: \"\\u00e9 \\x41 \\U0001F600 \\n \\\" \\\\ \\/ \\N \\_ \\0\"\n",
    "d: \"folded\n  over lines\"\ne: 'single\n\n  two breaks'",
    "a: |\n  literal é\n   kept\n\nb: >-\n  folded\n  text\n\nc: |+\n  keep\n\n",
    "list:\n- a\n- b: c\n  d: e\n-\n- [x, {y: z}]\nnested:\n  - - 1\n    - 2\n",
    "a: &x [1, 2]\nb: *x\nc: &y {k: v}\nd: [*y, *x]\ne: &s text\nf: *s",
    "# a comment\na: b # trailing\n# another\nc:   # empty, commented\nd:\n",
    "a: [x, y,]\nb: {c: d, e: [f]}\nc: [a: b, c]\nd: {a, b: c}\ne: []\nf: {}\n",
    "? complex\n: value\n? other\n",
    "a:\n  b:\n    c:\n      - d\n      -   e\n",
    "---\na: b\n...\n",
    "--- plain document",
    "",
    "# only a comment",
    "---\n",
    "a: 2026-11-01\nb: yes\nc: 3\nd: ~\ne: null\nf: 1.5e3\n",
    "url: http://x.example/a?b=c#d\nratio: 1:2\ndash: -x\nq: what?\n",
    "a:\n- x\nb:\n  - y\n",  # an indentless and an indented sequence
    "a: b\n  continued plain\n  on lines\n",
    "- a\n- b",
    "a:",
    "a: [x,\n  y]",
    "a: b\n? c",  # an empty value at the very end of the text
    "a:\n  - ? x",
    "{a: 1}",
    "'quoted key': 1\n\"dq key\": 2\n",
]
"""Texts the libyaml path composes: the same tree as the pure-Python loader, start and end marks
included (columns count characters, so they must agree after é, emoji and Devanagari)."""

SCREENED = [
    "a:\tb\n",  # libyaml takes a tab after ':'; PyYAML refuses it
    "a: b\ufeff c\n",  # a byte-order mark: libyaml counts it as a column
    "\rx: y\n",
    "a: b\u2028c: d\n",
    "a: >#c\n  text\n",  # PyYAML wants a space before the comment
    "a: !x...!e!x b\n",  # a tag only libyaml reads
    "{a: b, c: }",  # the empty value: placed on the '}' by libyaml
    "[x?y]",  # '?' inside a flow collection
]
"""One text of each class where libyaml and PyYAML differ: they go to the pure-Python loader."""

ERRORS = [  # and odd input: what the pure-Python loader makes of it is the answer
    "a: b: c\n",
    "a: [b\n",
    "a: *undefined\n",
    "a: b\n---\nc: d\n",  # two documents
    "a: &x 1\nb: &x 2\n",
    "a: 'unclosed\n",
    'a: "\\q"\n',
    "a: \x07\n",
    'a: "\\ud800"\n',
    "- a\nb: c\n",
    'title: "A"\ntags: [' + ", ".join(["*a"] * 20) + "]\n",
]


def tree(node: Any) -> Any:
    """Everything of a node but its mark's kind: kind, tag, value, style, start and end."""
    if node is None:
        return None
    end = node.end_mark and (node.end_mark.line, node.end_mark.column)
    marks = ((node.start_mark.line, node.start_mark.column), end)
    head = (type(node).__name__, node.tag, marks)
    if isinstance(node, yaml.ScalarNode):
        return (*head, node.value, node.style)
    if isinstance(node, yaml.SequenceNode):
        return (*head, node.flow_style, [tree(item) for item in node.value])
    pairs = [(tree(key), tree(value)) for key, value in node.value]
    return (*head, node.flow_style, pairs)


def python_tree(text: str) -> Any:
    return tree(ym._compose(ym._BoundedLoader, text))


@pytest.mark.parametrize("text", CORPUS)
def test_libyaml_composes_the_same_tree(text: str) -> None:
    assert not ym._libyaml_differs(text)
    assert tree(ym._compose(ym._CLoader, text)) == python_tree(text)
    assert tree(ym.compose_bounded(text)) == python_tree(text)


def test_libyaml_is_the_path_taken() -> None:
    """PyYAML's wheels carry libyaml (CI installs them): front matter goes through it."""
    assert ym._CLoader is not None
    node = ym.compose_bounded("title: A\n")
    assert isinstance(node, yaml.MappingNode)
    assert isinstance(node.start_mark, LibyamlMark)


@pytest.mark.parametrize("text", SCREENED)
def test_where_libyaml_differs_the_python_loader_composes(text: str) -> None:
    assert ym._libyaml_differs(text)
    try:
        libyaml: Any = tree(ym._compose(ym._CLoader, text))
    except yaml.YAMLError:
        libyaml = "error"
    try:
        python: Any = python_tree(text)
    except yaml.YAMLError:
        python = "error"
    assert libyaml != python  # the reason it is screened
    node = ym.compose_bounded(text) if python != "error" else None
    assert node is None or not isinstance(node.start_mark, LibyamlMark)


@pytest.mark.parametrize("text", ERRORS + SCREENED)
def test_every_problem_reads_as_the_python_loaders(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = ym.load_yaml_mapping(text, "f.yml", 1, "front matter")
    monkeypatch.setattr(ym, "_CLoader", None)
    today = ym.load_yaml_mapping(text, "f.yml", 1, "front matter")
    assert [str(d) for d in found.problems] == [str(d) for d in today.problems]
    assert (found.values, found.value_at, found.key_at) == (
        today.values,
        today.value_at,
        today.key_at,
    )


@pytest.mark.parametrize(
    "text",
    [
        'title: &a "T"\ntags: [' + ", ".join(["*a"] * 20_000) + "]\n",
        f"a: &a {'x' * 100_000}\nb: [*a, *a, *a, *a, *a]\n",
        "a: " + "[" * 500 + "]" * 500,
        "a: " + "{b: " * 500 + "}" * 500,
    ],
)
def test_libyaml_stops_at_the_same_located_limit(text: str) -> None:
    """The libyaml path is bounded by the same composer: it stops where the Python one does."""
    with pytest.raises(ym.YamlLimit) as libyaml:
        ym._compose(ym._CLoader, text)
    with pytest.raises(ym.YamlLimit) as python:
        ym._compose(ym._BoundedLoader, text)
    c_mark, py_mark = libyaml.value.problem_mark, python.value.problem_mark
    assert libyaml.value.problem == python.value.problem
    assert (c_mark.line, c_mark.column) == (py_mark.line, py_mark.column)
    assert isinstance(c_mark, LibyamlMark)
