"""Problems found in a lesson source: data with a location, collected and reported together."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

Severity = Literal["error", "warning"]

# What a terminal would act on rather than show: C0 and C1 controls (newline, ESC, ...), DEL,
# bidirectional overrides and Unicode line separators. A file name holding them could forge a
# diagnostic line or send escape sequences, so they are shown escaped, as Python would.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` with every character a terminal would interpret escaped (``\\n``, ``\\x1b``)."""
    return _UNPRINTABLE.sub(lambda m: _SHORT.get(m.group(), _escape(m.group())), text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at a place in a source file (line and column are 1-based).

    An error stops the lesson from being built; a warning names a likely mistake in a lesson
    that still builds (``--strict`` turns warnings into errors).
    """

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.col}"
        return printable(f"{where}: {self.severity}[{self.code}]: {self.message}")

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def as_error(self) -> Diagnostic:
        """The same problem as an error (``--strict``)."""
        return replace(self, severity="error")


class LessonError(Exception):
    """A lesson source could not be turned into a valid model; ``diagnostics`` says why.

    The diagnostics are the errors and, when the parser found any, its warnings too.
    """

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sorted(set(diagnostics))
        super().__init__("\n".join(str(d) for d in self.diagnostics))


def error(path: str, line: int, col: int, code: str, message: str) -> LessonError:
    """A LessonError with a single diagnostic."""
    return LessonError([Diagnostic(path, line, col, code, message)])


def count_summary(diagnostics: Iterable[Diagnostic]) -> str:
    """``3 errors``, ``1 error, 2 warnings`` or ``2 warnings``."""
    found = list(diagnostics)
    errors = sum(1 for d in found if d.is_error)
    warnings = len(found) - errors
    parts = []
    if errors or not warnings:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts)
