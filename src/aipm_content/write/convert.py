"""``aipm-export convert SRC -o OUT``: any lesson source -> authoring Markdown, atomically."""

from __future__ import annotations

from pathlib import Path

from ..api import SourceFormat, load, parse
from ..exporters.output import write_atomic
from ..parse.diagnostics import error
from .markdown import to_markdown


def convert(source: Path, out: Path, *, source_format: SourceFormat | None = None) -> None:
    """Load ``source`` (.md, .txt or .json) and write it to ``out`` as authoring Markdown.

    The Markdown is parsed back before anything is written; if it would not give the same
    model, nothing is written and a LessonError says so. The write is atomic.
    """
    source, out = Path(source), Path(out)
    lesson = load(source, format=source_format)
    text = to_markdown(lesson)
    again = parse(text, path=str(out), source_dir=source.parent)
    if again.model_dump() != lesson.model_dump():
        raise error(
            str(out), 1, 1, "round-trip", "the Markdown would not read back as the same lesson"
        )
    write_atomic(out, text.encode("utf-8"))
