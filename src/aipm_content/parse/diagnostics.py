"""Problems found in a lesson source: data with a location, collected and reported together."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at a place in a source file (line and column are 1-based)."""

    path: str
    line: int
    col: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: error[{self.code}]: {self.message}"


class LessonError(Exception):
    """A lesson source could not be turned into a valid model; ``diagnostics`` says why."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(set(diagnostics))
        super().__init__("\n".join(str(d) for d in self.diagnostics))


def error(path: str, line: int, col: int, code: str, message: str) -> LessonError:
    """A LessonError with a single diagnostic."""
    return LessonError([Diagnostic(path, line, col, code, message)])
