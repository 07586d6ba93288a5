"""Per-channel settings files (``exporters/<format>.toml``) merged under command-line flags.

The settings folder belongs to the project, not to wherever the command runs: it is the
``exporters/`` folder of the nearest folder above the lesson (or the built folder) that has one,
looking no higher than a ``.git`` folder or the filesystem root. ``--settings DIR`` names it
directly. Settings and themes are read like lessons (``sources.read_limited``), and may not be
symlinks leaving the project root (the folder holding the settings folder).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .parse.diagnostics import Diagnostic, LessonError, error
from .sources import read_text

SETTINGS_NAME = "exporters"
MAX_SETTINGS_BYTES = 1_000_000
"""Largest settings or theme file read (a theme is then held to 200,000 characters)."""


def project_settings(start: Path) -> Path | None:
    """``exporters/`` of the nearest folder from ``start`` up that has one, or None."""
    here = start.resolve()
    for folder in (here, *here.parents):
        candidate = folder / SETTINGS_NAME
        # A Python package of that name (this project's own source tree) is not settings.
        if candidate.is_dir() and not (candidate / "__init__.py").exists():
            return candidate
        if (folder / ".git").exists():
            return None
    return None


def settings_folder(settings_dir: Path | None, near: Path | None) -> Path | None:
    """The folder to read settings from: given, else found from ``near`` (default: cwd)."""
    if settings_dir is not None:
        return settings_dir
    return project_settings(near if near is not None else Path.cwd())


def read_project_file(path: Path, what: str) -> str:
    """A settings or theme file: inside the project root (the settings folder's parent)."""
    root = path.parent.resolve().parent
    return read_text(path, folder=root, limit=MAX_SETTINGS_BYTES, what=what)


def read_theme(path: Path) -> str:
    """A ``--theme FILE``: it may not be a symlink leaving its own folder."""
    return read_text(path, folder=path.parent, limit=MAX_SETTINGS_BYTES, what="theme")


def _spelling(key: str) -> str:
    return key.replace("_", "-")


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith((f"{key} ", f"{key}=", f'"{key}"')):
            return number
    return 1


def read_toml(path: Path) -> tuple[dict[str, Any], dict[str, str], str]:
    """(values by field name, the author's spelling of each key, the file's text)."""
    import tomllib  # only when there is a settings file

    text = read_project_file(path, "settings file")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, col = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
        message = str(exc).split(" (at line", 1)[0]
        raise error(str(path), line, col, "settings", message) from None
    written = {key.replace("-", "_"): key for key in raw}
    return {key.replace("-", "_"): value for key, value in raw.items()}, written, text


def load_settings(
    model: type[BaseModel],
    name: str,
    flags: dict[str, Any],
    settings_dir: Path | None = None,
    *,
    near: Path | None = None,
    theme_file: Path | None = None,
) -> BaseModel:
    """Defaults < ``<settings>/<name>.toml`` (and ``<name>.css``) < flags on the command line.

    ``near``: the lesson's (or built folder's) folder the settings are looked up from;
    ``theme_file``: the ``--theme`` file the ``theme_css`` flag was read from.
    """
    folder = settings_folder(settings_dir, near)
    values: dict[str, Any] = {}
    written: dict[str, str] = {}
    text = ""
    path = folder / f"{name}.toml" if folder is not None else None
    if path is not None and os.path.lexists(path):
        values, written, text = read_toml(path)
    theme = folder / f"{name}.css" if folder is not None else None
    theme_from_file = (
        theme is not None
        and "theme_css" in model.model_fields
        and flags.get("theme_css") is None
        and os.path.lexists(theme)
    )
    if theme_from_file and theme is not None:
        values["theme_css"] = read_project_file(theme, "theme")
    values.update({k: v for k, v in flags.items() if v is not None})
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        from_css = theme if theme_from_file else None
        where = str(theme_file) if theme_file is not None else "<command line>"
        problems = []
        for err in exc.errors():
            if err["type"] == "theme-css":  # located in the CSS file, one line per problem
                css_path = str(from_css) if from_css is not None else where
                problems.extend(_theme_problems(err, css_path))
                continue
            found = _problem(err, model, flags, path, text, written, from_css)
            problems.append(found or Diagnostic(where, 1, 1, "settings", err["msg"]))
        raise LessonError(problems) from None


def _theme_problems(err: Any, css_path: str) -> list[Diagnostic]:
    """The theme check's refusals (``exporters.theme``), each at its line and column."""
    return [
        Diagnostic(css_path, line, col, code, message)
        for line, col, code, message in err["ctx"]["problems"]
    ]


def _problem(
    err: Any,
    model: type[BaseModel],
    flags: dict[str, Any],
    path: Path | None,
    text: str,
    written: dict[str, str],
    theme: Path | None,
) -> Diagnostic | None:
    """The diagnostic for one validation error, where the author wrote the value; None for
    an error in the ``--theme`` file (the caller locates it there)."""
    field = str(err["loc"][0]) if err["loc"] else ""
    if field == "theme_css":
        if theme is not None:
            return Diagnostic(str(theme), 1, 1, "settings", err["msg"])
        if flags.get("theme_css") is not None:
            return None
    rest = "".join(f".{p}" for p in err["loc"][1:])
    from_file = path is not None and field in written and flags.get(field) is None
    key = (written.get(field, field) if from_file else "--" + _spelling(field)) + rest
    if err["type"] == "extra_forbidden":
        known = ", ".join(_spelling(f) for f in model.model_fields if f != "theme_css")
        message = f"unknown setting {key!r} (known: {known})"
    else:
        message = f"{key}: {err['msg']}"
    if from_file and path is not None:
        return Diagnostic(str(path), _line_of(text, written[field]), 1, "settings", message)
    return Diagnostic("<command line>", 1, 1, "settings", message)
