"""The ``aipm-export FORMAT`` sub-commands, made from each exporter's options model: one flag
per field, its help the field's docstring."""

from __future__ import annotations

import gc
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Union, get_args, get_origin

import click

from .api import SourceFormat, load_source
from .cli_output import guarded, report, say
from .parse.diagnostics import error

if TYPE_CHECKING:
    from pydantic import BaseModel

SOURCE_FORMATS = ["markdown", "text", "json"]


def _click_type(annotation: Any) -> tuple[Any, bool]:
    """(click type, is_flag) for an options-model field annotation; ``X | None`` reads as X."""
    members = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) in (types.UnionType, Union) and len(members) == 1:
        annotation = members[0]
    if get_origin(annotation) is Literal:
        return click.Choice([str(a) for a in get_args(annotation)]), False
    if annotation is bool:
        return None, True
    if annotation is Path:
        return click.Path(path_type=Path), False
    if annotation in (int, float):
        return annotation, False
    return str, False


def exporter_command(name: str) -> click.Command:
    """A sub-command for an exporter, with one flag per field of its options model."""
    from .exporters.base import get_exporter
    from .settings import load_settings, read_theme

    exporter = get_exporter(name)
    model = exporter.options_model

    @guarded
    def run(
        source: Path,
        source_format: SourceFormat | None,
        output: Path | None,
        settings: Path | None,
        **flags: Any,
    ) -> None:
        lesson = load_source(source, format=source_format)
        if lesson.warnings:
            report(list(lesson.warnings))
        theme_file = flags.get("theme_css")
        if isinstance(theme_file, Path):
            flags["theme_css"] = read_theme(theme_file)
        near = source if source.is_dir() else source.parent
        options = load_settings(model, name, flags, settings, near=near, theme_file=theme_file)
        from .model.lesson import Lesson

        stem = source.stem if isinstance(lesson, Lesson) else lesson.id  # a course: its id
        target = output or Path(f"{stem}{exporter.suffix}")
        # What the command holds so far (its imports, the lesson) outlives the export: frozen
        # meanwhile, the export's collections do not scan it (~0.09 s of a PDF's). Unfrozen
        # after, so a caller's garbage (CliRunner's, in tests) is collected as ever.
        gc.freeze()
        try:
            exporter.export(lesson, target, options)
        except OSError as exc:  # the output path: a missing or read-only folder, a full disk
            why = f"{exc.strerror}: {exc.filename}" if exc.filename else str(exc)
            raise error(str(target), 1, 1, "output", f"cannot write: {why}") from None
        finally:
            gc.unfreeze()
        say(f"wrote {target}")

    params: list[click.Parameter] = [
        click.Argument(["source"], type=click.Path(path_type=Path)),
        click.Option(
            ["--from", "source_format"],
            type=click.Choice(SOURCE_FORMATS),
            default=None,
            help="Source format (default: from the extension).",
        ),
        click.Option(
            ["--output", "-o"],
            type=click.Path(path_type=Path, dir_okay=False),
            default=None,
            help=f"File to write (default: SOURCE name with {exporter.suffix}).",
        ),
        click.Option(
            ["--settings"],
            type=click.Path(path_type=Path, file_okay=False),
            default=None,
            help=f"Folder holding {name}.toml (default: the exporters/ folder nearest above "
            "SOURCE).",
        ),
    ]
    for field_name, field in model.model_fields.items():
        if field_name == "theme_css":  # the flag names a file; its text becomes the option
            css_file = click.Path(exists=True, dir_okay=False, path_type=Path)
            params.append(FieldOption(["--theme", "theme_css"], model, type=css_file))
            continue
        click_type, is_flag = _click_type(field.annotation)
        flag = "--" + field_name.replace("_", "-")
        decls = [f"{flag}/--no-{flag[2:]}" if is_flag else flag, field_name]
        params.append(FieldOption(decls, model, type=click_type, default=None))
    return click.Command(name, callback=run, params=params, help=exporter.description)


class FieldOption(click.Option):
    """The flag of an options-model field. Its help is the field's attribute docstring, read
    from the source when first shown (``--help``, shell completion), not at every export."""

    def __init__(self, decls: list[str], model: type[BaseModel], **attrs: Any) -> None:
        self._model = model
        self._help: str | None = None
        super().__init__(decls, **attrs)

    @property
    def help(self) -> str | None:
        if self._help is None and self.name is not None:
            from .attribute_docs import field_docs

            # An explicit Field(description=...) wins, as with use_attribute_docstrings.
            field = self._model.model_fields[self.name]
            self._help = field.description or field_docs(self._model).get(self.name)
        return self._help

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value
