"""``aipm-export build``: every lesson in a folder to every chosen format."""

from __future__ import annotations

from pathlib import Path

from .api import SUFFIXES, load
from .exporters.base import get_exporter
from .parse.diagnostics import Diagnostic, LessonError
from .settings import load_settings


def lesson_sources(folder: Path) -> list[Path]:
    """Lesson files directly in ``folder``, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith("."))


def build_catalog(
    folder: Path,
    out_dir: Path,
    formats: list[str],
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    settings_dir: Path | None = None,
) -> list[Diagnostic]:
    """Export each lesson; one lesson's problems don't stop the others. Returns all problems."""
    failures: list[Diagnostic] = []
    exporters = {name: get_exporter(name) for name in formats}
    options = {name: load_settings(e.options_model, name, {}, settings_dir) for name, e in exporters.items()}
    for source in lesson_sources(folder):
        try:
            lesson = load(source)
            for name, exporter in exporters.items():
                exporter.export(lesson, out_dir / f"{source.stem}{exporter.suffix}", options[name])
        except LessonError as exc:
            failures.extend(exc.diagnostics)
    return failures
