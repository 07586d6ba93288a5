"""YAML mappings from untrusted files (a lesson's front matter, ``course.yml``), bounded.

One loader for both, as strict as each other: safe tags only, no implicit types (``2026-11-01``
and ``yes`` stay text), plain keys, and limits on what the YAML may expand to. An alias is
counted every time it is used, so a flat alias bomb (one anchor repeated 600,000 times) stops
at the limit instead of growing into a 100 MB lesson; nesting is bounded so a ``[[[[...`` value
is an error, not a RecursionError.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .diagnostics import Diagnostic

MAX_YAML_VALUES = 10_000
"""Values (scalars, lists, mappings) a YAML mapping may hold once its aliases are expanded."""
MAX_YAML_CHARS = 500_000
"""Characters its text values may add up to once its aliases are expanded."""
MAX_YAML_DEPTH = 20
"""Lists and mappings nested inside each other."""

Path_ = tuple[str | int, ...]


class YamlLimit(yaml.YAMLError):
    """A limit reached while composing; located like PyYAML's own errors."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


class _BoundedLoader(yaml.SafeLoader):
    """Safe loader that resolves no implicit types and counts what it composes."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.values = 0
        self.chars = 0
        self.depth = 0
        self.sizes: dict[int, tuple[int, int]] = {}

    def spend(self, values: int, chars: int, mark: Any) -> None:
        self.values += values
        self.chars += chars
        if self.values > MAX_YAML_VALUES:
            raise YamlLimit(
                f"more than {MAX_YAML_VALUES:,} values (each use of an alias counts)", mark
            )
        if self.chars > MAX_YAML_CHARS:
            raise YamlLimit(
                f"more than {MAX_YAML_CHARS:,} characters of text (each use of an alias counts)",
                mark,
            )

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            anchored = self.anchors.get(event.anchor) if event.anchor else None
            if anchored is not None:
                self.spend(*self.sizes.get(id(anchored), (1, 0)), event.start_mark)
            return super().compose_node(parent, index)
        self.depth += 1
        if self.depth > MAX_YAML_DEPTH:
            raise YamlLimit(
                f"lists or mappings nested more than {MAX_YAML_DEPTH} deep", event.start_mark
            )
        before = (self.values, self.chars)
        node = super().compose_node(parent, index)
        self.depth -= 1
        if node is not None:
            chars = len(node.value) if isinstance(node, yaml.ScalarNode) else 0
            self.spend(1, chars, node.start_mark)
            self.sizes[id(node)] = (self.values - before[0], self.chars - before[1])
        return node


_BoundedLoader.yaml_implicit_resolvers = {}


@dataclass
class YamlMapping:
    """A YAML mapping as plain values (text, lists, mappings) with the place of each."""

    values: dict[str, Any] = field(default_factory=dict)
    """Keys in file order; every scalar is a string."""
    value_at: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    """(line, col), 1-based, of every value by its path: ``("lessons", 0, "file")``."""
    key_at: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    """(line, col) of every mapping key by its path."""
    problems: list[Diagnostic] = field(default_factory=list)


def compose_bounded(text: str) -> yaml.Node | None:
    """The YAML node tree of ``text`` (tags and implicit types resolved to nothing), within
    the limits above; YamlLimit (a YAMLError, located the same way) past them."""
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def load_yaml_mapping(text: str, path: str, first_line: int, what: str) -> YamlMapping:
    """The mapping in ``text`` (whose first line is ``first_line`` of ``path``), every problem
    collected in ``problems`` and named after ``what`` ("front matter", "course file")."""
    result = YamlMapping()

    def fail(mark: yaml.Mark | None, code: str, message: str) -> None:
        line, col = (first_line + mark.line, mark.column + 1) if mark else (first_line, 1)
        result.problems.append(Diagnostic(path, line, col, code, message))

    try:
        root = compose_bounded(text)
    except YamlLimit as exc:
        fail(exc.problem_mark, "too-large", f"{what} is too large: {exc.problem}")
        return result
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = str(getattr(exc, "problem", None) or exc)
        fail(
            mark, "front-matter", f"{what} is not valid YAML: {problem}{_hint(problem, text, mark)}"
        )
        return result
    if root is None:
        return result
    if not isinstance(root, yaml.MappingNode):
        fail(root.start_mark, "front-matter", f"{what} must be a mapping of keys to values")
        return result

    def place(node: yaml.Node) -> tuple[int, int]:
        return first_line + node.start_mark.line, node.start_mark.column + 1

    def plain(node: yaml.Node, where: Path_, depth: int) -> Any:
        result.value_at.setdefault(where, place(node))
        if depth > MAX_YAML_DEPTH:  # only an alias to its own ancestor gets here: a cycle
            raise YamlLimit(
                f"lists or mappings nested more than {MAX_YAML_DEPTH} deep", node.start_mark
            )
        if isinstance(node, yaml.ScalarNode):
            return str(node.value)
        if isinstance(node, yaml.SequenceNode):
            return [plain(item, (*where, i), depth + 1) for i, item in enumerate(node.value)]
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                fail(
                    key_node.start_mark,
                    "front-matter",
                    f"{what} keys are plain names, not lists or mappings",
                )
                continue
            key = str(key_node.value)
            if key in mapping:
                fail(key_node.start_mark, "duplicate-key", f"{what} key {key!r} appears twice")
                continue
            result.key_at[(*where, key)] = place(key_node)
            mapping[key] = plain(value_node, (*where, key), depth + 1)
        return mapping

    try:
        result.values = plain(root, (), 0)
    except YamlLimit as exc:
        fail(exc.problem_mark, "too-large", f"{what} is too large: {exc.problem}")
    return result


def _hint(problem: str, text: str, mark: yaml.Mark | None) -> str:
    """What to do about the commonest YAML mistake: a ': ' inside an unquoted value."""
    if "mapping values are not allowed" not in problem or mark is None:
        return ""
    line = text.split("\n")[mark.line] if mark.line < len(text.split("\n")) else ""
    key, sep, value = line.partition(": ")
    if not sep or not key.strip() or '"' in value:
        return "; put the value in quotes"
    return f"; a value holding ': ' goes in quotes: {key}: \"{value.strip()}\""
