"""``aipm-export``: check lessons, write the schema, convert, and export to every channel.

Exit status: 0 ok, 2 the input has problems (each printed as ``path:line:col: error[code]: ...``),
1 an internal fault. Exporter sub-commands are built from each exporter's options model, and are
imported only when called, so ``check`` never loads WeasyPrint or ebooklib.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TypeVar, Union, get_args, get_origin

import click

from . import __version__
from .api import SourceFormat, load_source
from .parse.diagnostics import Diagnostic, LessonError, count_summary, error, printable

if TYPE_CHECKING:
    from pydantic import BaseModel
    from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])
SOURCE_FORMATS = ["markdown", "text", "json"]


@cache
def console(stderr: bool = False) -> Console:
    """rich's console on stdout or stderr, made when first needed: colour and trees need it,
    plain messages do not (start-up: a command that only says "ok" never imports rich)."""
    from rich.console import Console

    # emoji=False: rich would otherwise print a message's ":id:" (or a lesson's ":fire:") as
    # an emoji.
    return Console(stderr=stderr, highlight=False, soft_wrap=True, emoji=False)


def say(text: str) -> None:
    """Print a message verbatim: no markup, and file names' control characters escaped (what
    rich printed for it, unstyled, byte for byte)."""
    click.echo(printable(text))


def report(diagnostics: list[Diagnostic]) -> None:
    """Print every diagnostic, one per line, in the compiler-style format, then the counts."""
    err_console = console(stderr=True)
    for diagnostic in diagnostics:
        colour = "red" if diagnostic.is_error else "yellow"
        err_console.print(
            str(diagnostic), markup=False, style=colour if err_console.is_terminal else None
        )
    err_console.print(count_summary(diagnostics), markup=False)


def settle(diagnostics: list[Diagnostic], strict: bool) -> None:
    """Raise if there are errors (or, with ``strict``, warnings); else print the warnings."""
    if strict:
        diagnostics = [d.as_error() for d in diagnostics]
    if any(d.is_error for d in diagnostics):
        raise LessonError(diagnostics)
    if diagnostics:
        report(sorted(diagnostics))


STRICT_HELP = "Treat warnings as errors (exit status 2)."
OPTIONAL_MODULES = {
    "weasyprint": "pdf",
    "ebooklib": "epub",
    "playwright": "preview",
    "uvicorn": "preview",
    "starlette": "preview",
    "watchfiles": "preview",
}
"""Libraries installed only by an extra, and the extra that installs each."""


def missing_extra(exc: ModuleNotFoundError) -> Diagnostic | None:
    """The located error for a library the command needs from an extra that is not installed."""
    module = (exc.name or "").partition(".")[0]
    extra = OPTIONAL_MODULES.get(module)
    if extra is None:
        return None
    message = (
        f"this command needs {module}, which is not installed; "
        f"install the {extra!r} extra: pip install 'aipm-content[{extra}]' (or [all])"
    )
    return Diagnostic("<command line>", 1, 1, "missing-extra", message)


def guarded(func: F) -> F:
    """Turn LessonError into exit 2 and unexpected faults into exit 1, never a traceback."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LessonError as exc:
            report(exc.diagnostics)
            sys.exit(2)
        except (click.exceptions.Exit, click.ClickException, KeyboardInterrupt, SystemExit):
            raise
        except ModuleNotFoundError as exc:
            found = missing_extra(exc)
            if found is None:
                internal_error(exc)
            report([found])
            sys.exit(2)
        except Exception as exc:
            internal_error(exc)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper  # type: ignore[return-value]


def internal_error(exc: Exception) -> NoReturn:
    """Exit 1 with one line naming the fault (our bug, not the author's)."""
    fault = printable(f"internal error: {type(exc).__name__}: {exc}")
    console(stderr=True).print(fault, markup=False)
    console(stderr=True).print("please report this with the lesson that caused it", markup=False)
    sys.exit(1)


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 module``, ``2 modules``."""
    return f"{count} {one if count == 1 else many or one + 's'}"


def source_options(func: F) -> F:
    """SOURCE argument and --from, shared by every command that reads a lesson."""
    func = click.option(
        "--from",
        "source_format",
        type=click.Choice(SOURCE_FORMATS),
        default=None,
        help="Source format (default: from the extension: .md, .txt, .json).",
    )(func)
    return click.argument("source", type=click.Path(path_type=Path))(func)


class Cli(click.Group):
    """A group whose exporter commands are created on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from .exporters.base import exporter_names

        return [*super().list_commands(ctx), *exporter_names()]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        from .exporters.base import BUILTIN, exporter_names

        # A built-in channel needs no look through the installed packages' entry points.
        if cmd_name not in BUILTIN and cmd_name not in exporter_names():
            return None
        return exporter_command(cmd_name)


@click.group(cls=Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aipm-export")
def main() -> None:
    """Publish course lessons as PDF, EPUB 3, LMS JSON and SCORM from one validated model."""


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--from",
    "source_format",
    type=click.Choice(SOURCE_FORMATS),
    default=None,
    help="Source format.",
)
@click.option("--strict", is_flag=True, help=STRICT_HELP)
@guarded
def check(sources: tuple[Path, ...], source_format: SourceFormat | None, strict: bool) -> None:
    """Validate lessons and courses: print "ok" or every problem with its line.

    A folder holding course.yml is that course; any other folder stands for every lesson and
    course below it (hidden folders, build outputs, node_modules and virtualenvs left out).
    Warnings are printed and leave the exit status 0, unless --strict.
    """
    from .api import is_course
    from .model.lesson import Lesson
    from .sources import list_sources

    problems: list[Diagnostic] = []
    files = [
        f
        for s in sources
        for f in (list_sources(s, courses=True) if s.is_dir() and not is_course(s) else [s])
    ]
    for source in files:
        try:
            loaded = load_source(source, format=source_format)
        except LessonError as exc:
            problems.extend(exc.diagnostics)
            continue
        problems.extend(loaded.warnings)
        if strict and loaded.warnings:
            continue  # not ok: its warnings are errors here
        if not isinstance(loaded, Lesson):  # a course
            counts = (
                plural(len(loaded.modules), "module"),
                plural(len(loaded.lessons), "lesson"),
                plural(len(loaded.activities), "activity", "activities"),
            )
            summary = "course, " + ", ".join(counts)
        else:
            # Reading time counts words only; exercises add their own minutes (docs/authoring.md).
            summary = f"{loaded.reading_minutes} min read"
            if loaded.exercise_minutes:
                summary += f" + {loaded.exercise_minutes} min of exercises"
            summary += f", {plural(len(loaded.activities), 'activity', 'activities')}"
        say(f"{source}: ok ({summary})")
    settle(problems, strict)


@main.command()
@click.option(
    "--write",
    is_flag=True,
    help="Write schemas/lesson.schema.json and schemas/course.schema.json instead of printing.",
)
@click.option("--course", is_flag=True, help="The course JSON's schema, not the lesson's.")
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), default=None, help="Where --write puts it."
)
@guarded
def schema(write: bool, course: bool, output: Path | None) -> None:
    """Print (or --write) the JSON Schema of the lesson JSON (or --course: the course JSON)."""
    from .exporters.output import write_atomic
    from .schema import COURSE_SCHEMA_PATH, SCHEMA_PATH, schema_text

    kind = "course" if course else "lesson"
    if not write:
        click.echo(schema_text(kind), nl=False)
        return
    if output is not None:
        targets = {kind: output}
    else:
        targets = {"lesson": SCHEMA_PATH, "course": COURSE_SCHEMA_PATH}
    for which, target in targets.items():
        write_atomic(target, schema_text(which).encode("utf-8"))
        say(f"wrote {target}")


@main.command()
@source_options
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    required=True,
    help="Markdown file to write (for a course: the folder to write its lessons into).",
)
@guarded
def convert(source: Path, source_format: SourceFormat | None, output: Path) -> None:
    """Convert a lesson (reading-app .txt, .json, or .md to normalise) to authoring Markdown.

    A course (its course.yml or folder) becomes a folder of Markdown lessons and a course.yml.
    """
    from .api import is_course
    from .write.convert import convert as convert_file
    from .write.convert import convert_course

    if is_course(source, source_format):
        for written in convert_course(source, output):
            say(f"wrote {written}")
        return
    convert_file(source, output, source_format=source_format)
    say(f"wrote {output}")


@main.command()
@source_options
@click.option("--json", "as_json", is_flag=True, help="Print the outline as JSON.")
@guarded
def outline(source: Path, source_format: SourceFormat | None, as_json: bool) -> None:
    """Print the lesson's (or a course's lessons') sections, blocks, activities and choices
    with their ids.

    An id is what :case: names and what "#id" and "lesson:ID#section" links point at. A tree
    on a terminal, indented text when piped.
    """
    import json

    from .model.lesson import Lesson
    from .outline import Entry, lesson_outline, outline_text

    loaded = load_source(source, format=source_format)
    if isinstance(loaded, Lesson):
        root = lesson_outline(loaded)
    else:  # a course: its lessons, each with every id (``lesson:ID#section`` links name them)
        root = Entry("course", loaded.id, loaded.title, (loaded.language,))
        root.children.extend(lesson_outline(lesson) for lesson in loaded.lessons)
    if as_json:
        click.echo(json.dumps(root.as_json(), ensure_ascii=False, indent=2))
    elif console().is_terminal:
        console().print(rich_tree(root))
    else:
        click.echo(outline_text(root), nl=False)


def rich_tree(root: Any) -> Any:
    """The outline as a rich Tree: ids bold, notes dimmed, no markup read from the lesson."""
    from rich.text import Text
    from rich.tree import Tree

    def label(entry: Any) -> Text:
        text = Text()
        text.append(f"{entry.kind} ", style="dim")
        text.append(entry.id, style="bold cyan")
        if entry.text:
            text.append(f"  {printable(entry.text)}")
        if entry.notes:
            text.append("  [" + "; ".join(entry.notes) + "]", style="yellow")
        return text

    def grow(tree: Tree, entry: Any) -> None:
        for child in entry.children:
            grow(tree.add(label(child)), child)

    tree = Tree(label(root))
    grow(tree, root)
    return tree


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("dist"),
    show_default=True,
)
@click.option(
    "--formats", default="json,pdf,epub,scorm", show_default=True, help="Comma-separated channels."
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: all cores).",
)
@click.option(
    "--no-cache", is_flag=True, help="Rebuild every lesson, ignoring the incremental cache."
)
@click.option(
    "--settings",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of <format>.toml settings (default: the exporters/ folder nearest above FOLDER).",
)
@click.option("--strict", is_flag=True, help=STRICT_HELP)
@guarded
def build(
    folder: Path,
    output: Path,
    formats: str,
    jobs: int | None,
    no_cache: bool,
    settings: Path | None,
    strict: bool,
) -> None:
    """Export every lesson in FOLDER and its subfolders to every chosen format (outputs mirror
    the subfolders)."""
    from .catalog import build_catalog

    failures = build_catalog(
        folder,
        output,
        format_names(formats),
        jobs=jobs,
        use_cache=not no_cache,
        settings_dir=settings,
        strict=strict,
    )
    settle(failures, strict)


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "--from",
    "source_format",
    type=click.Choice(SOURCE_FORMATS),
    default=None,
    help="Source format (default: from the extension).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    help="Port on 127.0.0.1 (default: a free one, printed with the URL).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the web browser.")
@click.option(
    "--settings",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of scorm.toml, pdf.toml and their themes (default: ./exporters).",
)
@guarded
def preview(
    source: Path,
    source_format: SourceFormat | None,
    port: int,
    open_browser: bool,
    settings: Path | None,
) -> None:
    """Serve a live preview of a lesson or course on 127.0.0.1, updated on every save.

    Shows each lesson as the SCORM player shows it (offline), its print view and its PDF;
    while the source has problems they are laid over the last good version and printed here.
    Ctrl-C stops it.
    """
    if not source.exists():
        raise error(str(source), 1, 1, "unreadable", "no such file or folder")
    from .preview.serve import serve

    try:
        serve(
            source,
            port=port,
            open_browser=open_browser,
            source_format=source_format,
            settings_dir=settings,
            report=report,
            say=say,
        )
    except KeyboardInterrupt:  # before the server took over Ctrl-C
        say("Preview stopped.")


def format_names(formats: str) -> list[str]:
    """``--formats``: comma-separated, any letter case, at least one."""
    names = [f.strip().lower() for f in formats.split(",") if f.strip()]
    if not names:
        from .exporters.base import exporter_names

        known = ", ".join(exporter_names())
        message = f"--formats names no format (known: {known})"
        raise error("<command line>", 1, 1, "unknown-format", message)
    return names


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
        try:
            exporter.export(lesson, target, options)
        except OSError as exc:  # the output path: a missing or read-only folder, a full disk
            why = f"{exc.strerror}: {exc.filename}" if exc.filename else str(exc)
            raise error(str(target), 1, 1, "output", f"cannot write: {why}") from None
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
