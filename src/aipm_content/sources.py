"""Reading the files a project hands us: lessons, settings and themes, all untrusted.

Every such file is read here, the same way: it must stay inside its folder once symlinks are
resolved (a link to ``../.git/config`` is refused, a link to a sibling file is fine), it must be
a regular file (not a fifo, ``/dev/zero`` or a device), and it is sized before it is read and
read at most one byte past its limit, so neither a 20 GB sparse file nor a pipe can hold a run.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from .parse.diagnostics import LessonError, error

SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})
"""Folders a scan never enters (besides hidden ones and build outputs)."""
OUTPUT_MARKER = ".aipm-cache.json"
"""A folder holding this file is the output of a build, not a source folder."""


def check_inside(path: Path, folder: Path) -> Path:
    """``path`` with symlinks resolved; a located error if that leaves ``folder``."""
    target = path.resolve()
    if not target.is_relative_to(folder.resolve()):
        raise error(
            str(path),
            1,
            1,
            "outside-folder",
            f"is a symbolic link to {str(target)!r}, outside {str(folder)!r}; copy the file in",
        )
    return target


def read_limited(path: Path, *, folder: Path, limit: int, what: str = "file") -> bytes:
    """The bytes of ``path``, a regular file inside ``folder`` of at most ``limit`` bytes."""
    target = check_inside(path, folder)
    where = str(path)
    try:
        # O_NONBLOCK: opening a fifo must not wait for a writer; fstat below refuses it.
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        raise error(where, 1, 1, "unreadable", f"cannot read the {what}: {why(exc)}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise error(where, 1, 1, "unreadable", f"the {what} is not a regular file")
        if info.st_size > limit:
            raise _too_large(where, what, limit)
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise error(where, 1, 1, "unreadable", f"cannot read the {what}: {why(exc)}") from None
    if len(data) > limit:  # it grew after it was sized
        raise _too_large(where, what, limit)
    return data


def _too_large(where: str, what: str, limit: int) -> LessonError:
    return error(where, 1, 1, "too-large", f"the {what} is larger than the {limit:,} byte limit")


def decode(data: bytes, where: str) -> str:
    """UTF-8 text; the first bad byte is a located ``encoding`` error."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error(where, line, col, "encoding", "the file is not valid UTF-8") from None


def read_text(path: Path, *, folder: Path, limit: int, what: str = "file") -> str:
    """``read_limited`` decoded as UTF-8."""
    return decode(read_limited(path, folder=folder, limit=limit, what=what), str(path))


def why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def is_output_folder(folder: Path) -> bool:
    return (folder / OUTPUT_MARKER).is_file()


def walk_files(
    folder: Path,
    suffixes: frozenset[str],
    skip: Path | None = None,
    names: frozenset[str] = frozenset(),
) -> Iterator[Path]:
    """Files below ``folder`` whose suffix is one of ``suffixes`` (or named one of ``names``),
    sorted, recursively.

    Hidden files and folders, build outputs (``skip`` and any folder with a build cache),
    ``node_modules`` and virtualenvs are left out; symlinked folders are not entered.
    """
    skipped = skip.resolve() if skip is not None else None
    for top, dirs, files in os.walk(folder):
        here = Path(top)
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in SKIPPED_FOLDERS
            and not (here / d / "pyvenv.cfg").exists()
            and not is_output_folder(here / d)
            and (skipped is None or (here / d).resolve() != skipped)
        )
        for name in sorted(files):
            wanted = Path(name).suffix.lower() in suffixes or name in names
            if not name.startswith(".") and wanted:
                yield here / name


def list_sources(folder: Path, skip: Path | None = None, *, courses: bool = False) -> list[Path]:
    """Every lesson source below ``folder`` (by extension), and with ``courses`` every
    ``course.yml``, sorted by path below it. ``check DIR`` and ``build DIR`` read this list."""
    from .api import SUFFIXES
    from .parse.course_file import COURSE_FILE

    names = frozenset({COURSE_FILE}) if courses else frozenset()
    found = walk_files(folder, frozenset(SUFFIXES), skip=skip, names=names)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())
