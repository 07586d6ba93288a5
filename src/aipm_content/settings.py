"""Per-channel settings files (``exporters/<format>.toml``) merged under command-line flags."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .parse.diagnostics import Diagnostic, LessonError, error

SETTINGS_DIR = Path("exporters")
"""Looked up relative to the working directory, like a project's config folder."""


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith((f"{key} ", f"{key}=", f'"{key}"')):
            return number
    return 1


def load_settings(
    model: type[BaseModel], name: str, flags: dict[str, Any], settings_dir: Path | None = None
) -> BaseModel:
    """Defaults < ``<settings_dir>/<name>.toml`` < flags given on the command line."""
    folder = settings_dir if settings_dir is not None else SETTINGS_DIR
    path = folder / f"{name}.toml"
    values: dict[str, Any] = {}
    text = ""
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        try:
            values = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise error(
                str(path), getattr(exc, "lineno", 1), getattr(exc, "colno", 1), "settings", str(exc)
            ) from None
        values = {k.replace("-", "_"): v for k, v in values.items()}
    theme = folder / f"{name}.css"
    theme_from_file = (
        "theme_css" in model.model_fields and flags.get("theme_css") is None and theme.is_file()
    )
    if theme_from_file:
        values["theme_css"] = theme.read_text(encoding="utf-8")
    values.update({k: v for k, v in flags.items() if v is not None})
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"])
            if key == "theme_css" and theme_from_file:
                problems.append(Diagnostic(str(theme), 1, 1, "settings", err["msg"]))
                continue
            from_file = bool(text) and key.split(".")[0] not in flags
            where = str(path) if from_file else "<command line>"
            line = _line_of(text, key.split(".")[0]) if from_file else 1
            problems.append(Diagnostic(where, line, 1, "settings", f"{key}: {err['msg']}"))
        raise LessonError(problems) from None
