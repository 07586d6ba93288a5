"""YAML front matter: strings and lists of strings only, every key located."""

from __future__ import annotations

from typing import Any

from .diagnostics import Diagnostic
from .yaml_mapping import load_yaml_mapping

FRONT_MATTER_KEYS = {
    "id": str,
    "title": str,
    "language": str,
    "authors": list,
    "tags": list,
    "summary": str,
    "revision": str,
    "base-iri": str,
}
MODEL_FIELDS = {"base-iri": "base_iri"}
"""Front matter keys whose model field is spelled differently."""


def read_front_matter(
    text: str, first_line: int, path: str
) -> tuple[dict[str, Any], dict[str, tuple[int, int]], list[Diagnostic]]:
    """Values by model field, the (line, col) of each value, and problems (warnings too).

    ``first_line`` is 1-based.
    """
    mapping = load_yaml_mapping(text, path, first_line, "front matter")
    values: dict[str, Any] = {}
    where: dict[str, tuple[int, int]] = {}
    problems = mapping.problems

    def fail(line: int, col: int, code: str, message: str) -> None:
        problems.append(Diagnostic(path, line, col, code, message))

    for written, value in mapping.values.items():
        line, col = mapping.key_at[(written,)]
        key = (
            written.replace("_", "-") if written.replace("_", "-") in FRONT_MATTER_KEYS else written
        )
        if key != written:
            message = f"write front matter key {written!r} with a hyphen: {key!r}"
            problems.append(Diagnostic(path, line, col, "underscore", message, "warning"))
            if key in mapping.values:
                fail(line, col, "duplicate-key", f"front matter key {key!r} appears twice")
                continue
        expected = FRONT_MATTER_KEYS.get(key)
        if expected is None:
            known = ", ".join(FRONT_MATTER_KEYS)
            fail(line, col, "unknown-key", f"unknown front matter key {key!r} (known: {known})")
            continue
        field = MODEL_FIELDS.get(key, key)
        where[field] = mapping.value_at[(written,)]
        if (expected is str and isinstance(value, str)) or (
            expected is list and isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            values[field] = value
        else:
            kind = "a single value" if expected is str else "a list of values"
            fail(line, col, "bad-front-matter", f"front matter key {key!r} must be {kind}")
    return values, where, problems
