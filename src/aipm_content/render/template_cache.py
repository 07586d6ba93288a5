"""Compiled templates kept between runs: Jinja's bytecode cache, in a folder only the user can
write.

Compiling the templates a channel uses is ~0.1 s of every ``epub``, ``scorm`` or ``pdf``
command (Jinja turns each template into Python source, which Python then compiles); loading
them compiled takes a few milliseconds. Jinja checks each entry against its template's source,
so an edited template is compiled again. Outputs never depend on the cache: a folder that is
not the user's own, or an entry that cannot be read or written, is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache
from jinja2.bccache import Bucket

CACHE_VARIABLE = "AIPM_CONTENT_CACHE"
"""The cache's folder, or ``off``; by default ``$XDG_CACHE_HOME/aipm-content`` (or
``~/.cache/aipm-content``)."""


def template_cache() -> BytecodeCache | None:
    """The user's cache of compiled templates, or None where there is no safe folder for it."""
    folder = cache_folder()
    return None if folder is None else TemplateCache(str(folder), "%s.cache")


def cache_folder() -> Path | None:
    """The templates folder of the cache, made private (0700) if new; None when the variable
    says ``off``, or the folder cannot be made, or is not a directory of this user's with no
    group or other access (a symlink is refused too)."""
    chosen = os.environ.get(CACHE_VARIABLE, "")
    if chosen == "off" or not hasattr(os, "getuid"):
        return None
    try:
        if chosen:
            base = Path(chosen)
        else:
            xdg = os.environ.get("XDG_CACHE_HOME", "")
            base = (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache") / "aipm-content"
        folder = base / "templates"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        found = os.lstat(folder)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None
    private = stat.S_ISDIR(found.st_mode) and not found.st_mode & 0o077
    return folder if private and found.st_uid == os.getuid() else None


class TemplateCache(FileSystemBytecodeCache):
    """Jinja's file cache, each entry keyed by the environment's compile settings as well, and
    any failure to read or write an entry taken as a miss."""

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        # The compiled code depends on the environment too: its syntax and whitespace
        # settings, autoescaping, and what each filter is passed.
        keyed = f"{filename}|{compile_settings(environment)}"
        return super().get_bucket(environment, name, keyed, source)

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged entry (its checksum is unpickled), compiled anew
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def compile_settings(env: Environment) -> str:
    """A digest of everything of ``env`` that Jinja's code generator reads."""
    settings: tuple[Any, ...] = (
        jinja2.__version__,
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        env.is_async,
        _named(env.autoescape),
        _named(env.finalize),
        sorted(env.extensions),
        _passed(env.filters),
        _passed(env.tests),
    )
    return hashlib.sha256(repr(settings).encode()).hexdigest()[:16]


def _named(value: Any) -> str:
    return f"{value.__module__}.{value.__qualname__}" if callable(value) else repr(value)


def _passed(functions: dict[str, Any]) -> list[tuple[str, str]]:
    # Jinja decides at compile time whether a filter or test is passed the context, the
    # eval context or the environment (its ``jinja_pass_arg``).
    return sorted((name, repr(getattr(f, "jinja_pass_arg", None))) for name, f in functions.items())
