"""``aipm-export``: check lessons, write the schema, convert, and export to every channel.

Exit status: 0 ok, 2 the input has problems (each printed as ``path:line:col: error[code]: ...``),
1 an internal fault. Exporter sub-commands are built from each exporter's options model, and are
imported only when called, so ``check`` never loads WeasyPrint or ebooklib.
"""

from __future__ import annotations

import atexit
import gc
from functools import cache
from pathlib import Path
from typing import Any

import click

from . import __version__
from .api import SourceFormat, load_source
from .channel_commands import SOURCE_FORMATS, exporter_command
from .cli_output import STRICT_HELP, F, console, guarded, plural, report, say, settle
from .parse.diagnostics import Diagnostic, LessonError, error, printable


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
    freeze_at_exit()


@cache
def freeze_at_exit() -> None:
    """Freeze every object at exit: the interpreter's last collections then scan none of what
    the command made (~0.1 s of every command, ~0.2 s after a build). Nothing waits on them:
    every output is written and closed before the command returns."""
    atexit.register(gc.freeze)


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
