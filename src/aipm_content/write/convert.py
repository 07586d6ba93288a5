"""``aipm-export convert SRC -o OUT``: any lesson source -> authoring Markdown, atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..api import load, parse
from ..parse.diagnostics import error
from .markdown import to_markdown


def convert(source: Path, out: Path) -> None:
    """Load ``source`` (.md, .txt or .json) and write it to ``out`` as authoring Markdown.

    The Markdown is parsed back before anything is written; if it would not give the same
    model, nothing is written and a LessonError says so. The file is written to a temporary
    file in ``out``'s folder and renamed over ``out``, so readers never see half a file.
    """
    source, out = Path(source), Path(out)
    lesson = load(source)
    text = to_markdown(lesson)
    again = parse(text, path=str(out), source_dir=source.parent)
    if again.model_dump() != lesson.model_dump():
        raise error(
            str(out), 1, 1, "round-trip", "the Markdown would not read back as the same lesson"
        )
    folder = out.parent if str(out.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
