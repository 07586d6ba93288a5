"""Saves that change the preview, noticed by watchfiles (the OS's file events, no polling).

Only the folders that matter are watched, each on its own (not recursively, so a lesson next
to a virtualenv costs nothing): the source's, every lesson's, every image's, and the settings
folder. When a rebuild adds a folder (a new image somewhere else), watching starts again.
"""

from __future__ import annotations

from contextlib import aclosing
from pathlib import Path

import anyio
from watchfiles import Change, awatch

from ..api import SUFFIXES, is_course
from ..parse.course_file import course_path
from ..settings import SETTINGS_NAME, settings_folder
from .app import Preview

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})
COURSE_SUFFIXES = frozenset({*SUFFIXES, ".yml", ".yaml"}) | IMAGE_SUFFIXES
SETTINGS_SUFFIXES = frozenset({".toml", ".css"})
STEP_MS = 50
"""Quiet time after a change before the batch is handled (an editor's save is several events)."""


class Watcher:
    """Rebuilds ``preview`` after every save of a file it renders from."""

    def __init__(self, preview: Preview) -> None:
        self.preview = preview
        source = preview.source
        self.course = is_course(source, preview.source_format)
        found = course_path(source) if self.course else None
        self.source = (found or source).resolve()
        near = self.source.parent
        settings = settings_folder(preview.settings_dir, near) or near / SETTINGS_NAME
        self.settings = settings.resolve()
        self.folders = {self.source.parent}
        self.stop_event: anyio.Event | None = None

    def wanted(self) -> set[Path]:
        """The folders to watch now: the last good render's, or the last ones if it failed."""
        folders = {self.source.parent}
        site = self.preview.site
        folders |= set(site.folders) if site is not None else self.folders
        if self.settings.is_dir():
            folders.add(self.settings)
        return {folder for folder in folders if folder.is_dir()}

    def relevant(self, change: Change, name: str) -> bool:
        path = Path(name)
        suffix = path.suffix.lower()
        if path.parent == self.settings and suffix in SETTINGS_SUFFIXES:
            return True
        if self.course:  # any lesson file: course.yml may name one that is not loaded yet
            return suffix in COURSE_SUFFIXES
        return path.resolve() == self.source or suffix in IMAGE_SUFFIXES

    async def run(self) -> None:
        self.stop_event = stop = anyio.Event()
        while not stop.is_set():
            self.folders = self.wanted()
            changes = awatch(
                *sorted(self.folders),
                watch_filter=self.relevant,
                stop_event=stop,
                recursive=False,
                step=STEP_MS,
            )
            async with aclosing(changes):
                async for _ in changes:
                    self.preview.rebuild()  # in the loop's thread: the parse time limit holds
                    if self.wanted() != self.folders:
                        break

    def stop(self) -> None:
        if self.stop_event is not None:
            self.stop_event.set()
