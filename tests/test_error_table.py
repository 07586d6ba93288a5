"""docs/authoring.md's error table lists every code an author can meet from the parsers.

The codes are collected from the source (every ``fail``/``warn``/``error``/``Diagnostic``/
``PydanticCustomError`` call, every ``(code, message)`` a check returns or yields, and the
pydantic error types the parsers rename), so a new code without a row fails here.
"""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

from aipm_content.parse.validate import error_code

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "aipm_content"
READ_BY_AUTHORS = [
    *sorted((PACKAGE / "parse").glob("*.py")),
    *sorted((PACKAGE / "model").glob("*.py")),
    PACKAGE / "api.py",
    PACKAGE / "sources.py",
    PACKAGE / "exporters" / "theme.py",
]
"""Everything between a source file and its model (what `check` runs), and the theme check."""
CALLS = {"fail", "warn", "error", "Diagnostic", "PydanticCustomError", "refusal"}
CODE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
NOT_CODES = {"warning", "error", "lesson", "strict"}
"""Words passed to those calls that are not codes (a severity, a path's default)."""
PYDANTIC_TYPES = [
    "greater_than_equal",
    "less_than_equal",
    "missing",
    "too_short",
    "string_too_short",
    "string_too_long",
    "too_long",
    "string_pattern_mismatch",
    "literal_error",
]


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _codes_in(node: ast.AST) -> set[str]:
    found = set()
    for item in ast.walk(node):
        if isinstance(item, ast.Call) and _name(item.func) in CALLS:
            args = [*item.args, *(k.value for k in item.keywords if k.arg == "code")]
            found |= {
                a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)
            }
        # `return "bad-image", message` and `yield loc, "missing-case", message`: a string
        # followed by a message (not `return ("sections", index)`, a model path)
        elif isinstance(item, ast.Return | ast.Yield) and isinstance(item.value, ast.Tuple):
            elts = item.value.elts
            found |= {
                e.value
                for e, after in itertools.pairwise(elts[:3])
                if isinstance(e, ast.Constant)
                and isinstance(e.value, str)
                and isinstance(after, ast.Constant | ast.JoinedStr | ast.Call)
            }
    return {c for c in found if CODE.match(c) and c not in NOT_CODES}


def emitted_codes() -> set[str]:
    codes: set[str] = set()
    for path in READ_BY_AUTHORS:
        if path.exists():
            codes |= _codes_in(ast.parse(path.read_text(encoding="utf-8")))
    return codes | {error_code(t) for t in PYDANTIC_TYPES}


def documented_codes() -> set[str]:
    text = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    table = text[text.index("## Error codes") :]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    return {code for row in rows for code in re.findall(r"`([a-z0-9-]+)`", row.split("|")[1])}


def test_the_collector_sees_codes_of_every_kind() -> None:
    codes = emitted_codes()
    # a builder error, a builder warning, a model error, a lesson check, a lint tuple
    assert {"bad-dialogue", "underscore", "bad-revision", "missing-case", "relative-link"} <= codes


def test_every_code_the_parsers_emit_is_in_the_error_table() -> None:
    missing = emitted_codes() - documented_codes()
    assert not missing, f"docs/authoring.md's error table lacks {sorted(missing)}"


def test_the_error_table_names_no_code_that_does_not_exist() -> None:
    everything: set[str] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        everything |= _codes_in(ast.parse(path.read_text(encoding="utf-8")))
    unknown = documented_codes() - everything - emitted_codes()
    assert not unknown, f"the error table lists codes nothing emits: {sorted(unknown)}"
