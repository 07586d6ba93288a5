"""YAML front matter: strings and lists of strings only, every key located."""

from __future__ import annotations

from typing import Any

import yaml

from .diagnostics import Diagnostic

FRONT_MATTER_KEYS = {
    "id": str,
    "title": str,
    "language": str,
    "authors": list,
    "tags": list,
    "summary": str,
    "revision": str,
    "base_iri": str,
}


class _StringLoader(yaml.SafeLoader):
    """Safe loader that resolves no implicit types: ``2026-11-01`` stays a string."""


_StringLoader.yaml_implicit_resolvers = {}


def read_front_matter(
    text: str, first_line: int, path: str
) -> tuple[dict[str, Any], dict[str, tuple[int, int]], list[Diagnostic]]:
    """Values, the (line, col) of each key's value, and problems. ``first_line`` is 1-based."""
    values: dict[str, Any] = {}
    where: dict[str, tuple[int, int]] = {}
    problems: list[Diagnostic] = []

    def fail(line: int, col: int, code: str, message: str) -> None:
        problems.append(Diagnostic(path, line, col, code, message))

    try:
        root = yaml.compose(text, Loader=_StringLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        col = (mark.column + 1) if mark else 1
        fail(
            line,
            col,
            "front-matter",
            f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}",
        )
        return values, where, problems
    if root is None:
        return values, where, problems
    if not isinstance(root, yaml.MappingNode):
        fail(first_line, 1, "front-matter", "front matter must be a mapping of keys to values")
        return values, where, problems

    for key_node, value_node in root.value:
        key = str(key_node.value)
        line, col = first_line + key_node.start_mark.line, key_node.start_mark.column + 1
        expected = FRONT_MATTER_KEYS.get(key)
        if expected is None:
            known = ", ".join(FRONT_MATTER_KEYS)
            fail(line, col, "unknown-key", f"unknown front matter key {key!r} (known: {known})")
            continue
        if key in values:
            fail(line, col, "duplicate-key", f"front matter key {key!r} appears twice")
            continue
        where[key] = (first_line + value_node.start_mark.line, value_node.start_mark.column + 1)
        if expected is str and isinstance(value_node, yaml.ScalarNode):
            values[key] = str(value_node.value)
        elif (
            expected is list
            and isinstance(value_node, yaml.SequenceNode)
            and all(isinstance(item, yaml.ScalarNode) for item in value_node.value)
        ):
            values[key] = [str(item.value) for item in value_node.value]
        else:
            kind = "a single value" if expected is str else "a list of values"
            fail(line, col, "bad-front-matter", f"front matter key {key!r} must be {kind}")
    return values, where, problems
