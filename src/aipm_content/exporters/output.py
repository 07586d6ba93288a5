"""Atomic output: a failed export leaves no partial file and never replaces a good one.

The temporary file is ``.<name>.<pid>.<random>.part`` beside the target: a run killed before it
could clean up (SIGKILL) leaves one behind, and the next write of that target, or the next
build of that folder, removes it once the process named in it is gone. A build clears its whole
output folder when it starts (``build_output``), so its own writes do not list their folder
again each time (at 200 outputs that listing was ~1 ms a write).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

_PART = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]{16}\.part$")
_CLEARED: set[Path] | None = None
"""While a build runs: the folders this process has already cleared of dead writers' temporary
files (None outside a build: every write clears its target's)."""


@contextlib.contextmanager
def build_output(out_dir: Path) -> Iterator[None]:
    """A build writing into ``out_dir``: every dead writer's temporary file in it is removed
    now, and a folder is listed again only at its first write (one the walk did not see, e.g.
    created by the build). Workers forked inside inherit what was cleared."""
    global _CLEARED
    outer = _CLEARED
    _CLEARED = set()
    try:
        remove_stale_parts(out_dir)
        yield
    finally:
        _CLEARED = outer


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target``; renamed onto it only if the block succeeds.

    The output keeps an existing file's permissions; a new one gets the umask's (0666 & ~umask),
    as any file the user creates would.
    """
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    if _CLEARED is None:
        _remove_stale(folder, target.name)
    elif folder not in _CLEARED:
        _remove_stale(folder)
        _CLEARED.add(folder)
    temp = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(8)}.part"
    os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666))
    try:
        yield temp
        commit(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def commit(temp: Path, target: Path) -> None:
    """Give ``temp`` the existing target's mode, then rename it over the target."""
    try:
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    if mode is not None:
        os.chmod(temp, mode)
    os.replace(temp, target)


def write_atomic(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as temp:
        temp.write_bytes(data)
    return target


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _remove_stale(folder: Path, name: str | None = None) -> None:
    """Delete temporary files of dead writers (of ``name``, or of any target)."""
    try:
        names = [entry.name for entry in os.scandir(folder)]
    except OSError:
        return
    _remove_dead_parts(folder, names, name)


def _remove_dead_parts(folder: Path, names: list[str], target: str | None = None) -> None:
    for name in names:
        match = _PART.match(name)
        if match is None or (target is not None and match["name"] != target):
            continue
        path = folder / name
        with contextlib.suppress(OSError):
            if not _alive(int(match["pid"])) and stat.S_ISREG(os.lstat(path).st_mode):
                os.unlink(path)


def remove_stale_parts(out_dir: Path) -> None:
    """Temporary files a killed build left anywhere in its output folder."""
    if not out_dir.is_dir():
        return
    for top, dirs, files in os.walk(out_dir):
        _remove_dead_parts(Path(top), files)
        if _CLEARED is not None:
            _CLEARED.add(Path(top))
        dirs[:] = [d for d in dirs if not d.startswith(".")]
