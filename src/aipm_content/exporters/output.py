"""Atomic output: a failed export leaves no partial file and never replaces a good one.

The temporary file is ``.<name>.<pid>.<random>.part`` beside the target: a run killed before it
could clean up (SIGKILL) leaves one behind, and the next write of that target, or the next
build of that folder, removes it once the process named in it is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

_PART = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]{16}\.part$")


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target``; renamed onto it only if the block succeeds.

    The output keeps an existing file's permissions; a new one gets the umask's (0666 & ~umask),
    as any file the user creates would.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(target.parent, target.name)
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
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        match = _PART.match(entry.name)
        if match is None or (name is not None and match["name"] != name):
            continue
        if not _alive(int(match["pid"])) and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def remove_stale_parts(out_dir: Path) -> None:
    """Temporary files a killed build left anywhere in its output folder."""
    if not out_dir.is_dir():
        return
    for top, dirs, _files in os.walk(out_dir):
        _remove_stale(Path(top))
        dirs[:] = [d for d in dirs if not d.startswith(".")]
