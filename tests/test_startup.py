"""Start-up cost: commands that need no rendering library never import one.

Each command runs in a fresh interpreter that records ``sys.modules`` as it exits, so what a
command imported is observed, not inferred from reading the code.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import FunctionType
from typing import Annotated

import pytest
from pydantic import BaseModel, Field, StringConstraints, TypeAdapter, ValidationError

from aipm_content import Course, Lesson
from aipm_content.channel_commands import FieldOption
from aipm_content.exporters.base import ExportOptions
from aipm_content.model.base import Node
from aipm_content.model.channel import CHANNEL_PATTERN, Channel
from conftest import SEED_MD
from harness import recorded

HEAVY = ("weasyprint", "ebooklib", "playwright")
# Runs the CLI and, however it exits, writes the names of all imported modules to argv[1].
HARNESS = """
import atexit, json, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
from aipm_content.cli import main
main(sys.argv[2:], prog_name="aipm-export")
"""


def modules_after(tmp_path: Path, *args: str, codes: tuple[int, ...] = (0,)) -> set[str]:
    return set(recorded(tmp_path, HARNESS, *args, codes=codes))


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


@pytest.mark.parametrize(
    "args",
    [
        ["check", str(SEED_MD)],
        ["json", str(SEED_MD), "-o", "lesson.json"],
        ["--help"],
        ["build", "{folder}", "-o", "dist", "--formats", "json", "--jobs", "1"],
    ],
    ids=["check", "json", "help", "build-json"],
)
def test_command_imports_no_rendering_library(tmp_path: Path, args: list[str]) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    shutil.copy(SEED_MD, folder)
    modules = modules_after(tmp_path, *(a.format(folder=folder) for a in args))
    assert heavy_in(modules) == []
    if args[0] != "--help":
        # The record is real: the command did parse a lesson in this process.
        assert "aipm_content.parse.build" in modules


COMMON = ["rich", "tinycss2", "weasyprint", "playwright", "aipm_content.attribute_docs"]
NOT_NEEDED = {
    # rich prints only colour and trees; tinycss2 checks a theme, and the seed has none; the
    # flags' help (attribute_docs) is read when help is shown; tomllib reads a settings file
    # (the seed's project has none for JSON); jinja2 and lxml render HTML and XML; the course
    # classes are for courses.
    "check": [*COMMON, "tomllib", "jinja2", "lxml", "ebooklib", "aipm_content.model.course"],
    "json": [*COMMON, "tomllib", "jinja2", "lxml", "ebooklib", "aipm_content.model.course"],
    "epub": COMMON,
    "scorm": [*COMMON, "ebooklib", "lxml"],
}


@pytest.mark.parametrize("command", list(NOT_NEEDED))
def test_a_command_imports_only_what_it_uses(tmp_path: Path, command: str) -> None:
    args = [command, str(SEED_MD)]
    if command != "check":
        args += ["-o", f"lesson.{command}"]
    modules = modules_after(tmp_path, *args)
    unused = NOT_NEEDED[command]
    assert (
        sorted(m for m in modules if m in unused or m.startswith(tuple(u + "." for u in unused)))
        == []
    )
    assert "aipm_content.parse.build" in modules


# Runs the CLI and, at exit after the CLI's own handlers, writes how many objects are frozen
# and how many the interpreter's last collections would still scan.
FROZEN_HARNESS = """
import atexit, gc, json, sys
out = sys.argv[1]
atexit.register(
    lambda: open(out, "w").write(json.dumps([gc.get_freeze_count(), len(gc.get_objects())]))
)
from aipm_content.cli import main
main(sys.argv[2:], prog_name="aipm-export")
"""


@pytest.mark.parametrize(
    "args",
    [["check", str(SEED_MD)], ["build", "{folder}", "-o", "dist", "--formats", "json,epub"]],
    ids=["check", "build"],
)
def test_a_command_exits_with_its_objects_frozen(tmp_path: Path, args: list[str]) -> None:
    # A build unfreezes what it froze for its workers; the exit freezes everything again.
    folder = tmp_path / "content"
    folder.mkdir()
    shutil.copy(SEED_MD, folder)
    seed = SEED_MD.read_text(encoding="utf-8")
    (folder / "second.md").write_text(seed.replace("\nid: ", "\nid: second-", 1), encoding="utf-8")
    frozen, scanned = recorded(tmp_path, FROZEN_HARNESS, *(a.format(folder=folder) for a in args))
    assert frozen > 10_000
    assert scanned < frozen / 100


# Runs the CLI and writes how many objects were frozen when its export began and ended.
EXPORT_HARNESS = """
import gc, json, sys
from aipm_content.exporters import base
seen = []
chosen = base.get_exporter
def spied(name):
    exporter = chosen(name)
    export = exporter.export
    def counted(*args, **kwargs):
        seen.append(gc.get_freeze_count())
        export(*args, **kwargs)
        seen.append(gc.get_freeze_count())
    exporter.export = counted
    return exporter
base.get_exporter = spied
from aipm_content.cli import main
try:
    main(sys.argv[2:], prog_name="aipm-export")
finally:
    seen.append(gc.get_freeze_count())  # after the command, before the exit's freeze
    open(sys.argv[1], "w").write(json.dumps(seen))
"""


def test_an_export_runs_with_the_commands_objects_frozen(tmp_path: Path) -> None:
    # Its imports and the lesson outlive the export, so its collections need not scan them;
    # unfrozen after, so nothing a caller made stays frozen.
    args = ["json", str(SEED_MD), "-o", "lesson.json"]
    during, inside, after = recorded(tmp_path, EXPORT_HARNESS, *args)
    assert during > 10_000
    assert inside > 10_000  # still frozen as it ends (refcounting may free some)
    assert after == 0


# Runs the CLI and writes the pydantic models whose validator the process built to argv[1].
BUILT_HARNESS = """
import atexit, json, sys
from pydantic import BaseModel
def built():
    found, stack = [], [BaseModel]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls is not BaseModel and cls.__dict__.get("__pydantic_complete__"):
            found.append(cls.__qualname__)
    return sorted(found)
atexit.register(lambda: open(sys.argv[1], "w").write(json.dumps(built())))
from aipm_content.cli import main
main(sys.argv[2:], prog_name="aipm-export")
"""
LESSON_VALIDATORS = ["ActivityRef", "Interaction", "Lesson", "Scoring"]


@pytest.mark.parametrize(
    ("command", "options"), [("check", []), ("json", ["JsonOptions"]), ("scorm", ["ScormOptions"])]
)
def test_a_command_builds_only_the_validators_it_uses(
    tmp_path: Path, command: str, options: list[str]
) -> None:
    """Validators are built on first use (model/base.py, exporters/base.py): the lesson's, and
    the chosen channel's options, not the option base classes' nor the course's."""
    args = [command, str(SEED_MD)] + ([] if command == "check" else ["-o", f"out.{command}"])
    assert recorded(tmp_path, BUILT_HARNESS, *args) == sorted(LESSON_VALIDATORS + options)


def test_the_harness_sees_a_rendering_library_when_one_is_loaded(tmp_path: Path) -> None:
    """Control: a catalog worker set up for EPUB imports ebooklib, and the record shows it."""
    folder = tmp_path / "content"
    folder.mkdir()
    shutil.copy(SEED_MD, folder)
    args = ["build", str(folder), "-o", "dist", "--formats", "epub", "--jobs", "1"]
    # Whether the export itself succeeds is tested elsewhere; here only the import matters.
    modules = modules_after(tmp_path, *args, codes=(0, 2))
    assert "ebooklib" in modules


def patterns_in(schema: object) -> list[str]:
    """Every ``pattern`` a core schema holds: each one is compiled when its validator is built."""
    if isinstance(schema, dict):
        own = [schema["pattern"]] if isinstance(schema.get("pattern"), str) else []
        return own + [p for value in schema.values() for p in patterns_in(value)]
    if isinstance(schema, list | tuple):
        return [p for value in schema for p in patterns_in(value)]
    return []


COUNTED_UNICODE_REPEAT = re.compile(r"\\w[^{}]*\]?\{\d+(,\d*)?\}")


@pytest.mark.parametrize("model", [Lesson, Course], ids=["lesson", "course"])
def test_no_validator_compiles_a_counted_repeat_of_a_unicode_class(model: type[BaseModel]) -> None:
    """pydantic-core's regex crate unrolls ``[\\w.-]{1,80}`` into 80 copies of the Unicode word
    class: 0.09 s at every start, whether or not the lesson has a thread. Such a rule is
    written as ``+`` and a length check (model/channel.py)."""
    model.model_rebuild()  # a deferred model's schema is built on first use
    found = patterns_in(model.__pydantic_core_schema__)
    assert found, "the walk found the model's patterns"
    assert [p for p in found if COUNTED_UNICODE_REPEAT.search(p)] == []


CHANNELS = ["#a", "#", "a", "#a b", "#हिंदी", "#a\n", "#a.b-c_d", "#\u0663", "#a$", b"#abc", 5, None]
CHANNELS += ["#" + "a" * 80, "#" + "a" * 81, "#" + "ि" * 80, "#" + "ि" * 81, b"#" + b"a" * 81]


@pytest.mark.parametrize("value", CHANNELS, ids=range(len(CHANNELS)))
def test_a_channel_is_checked_as_the_published_pattern_says(value: object) -> None:
    """The cheap check accepts, refuses and reports exactly what the published pattern does."""

    def outcome(adapter: TypeAdapter[str]) -> object:
        try:
            return adapter.validate_python(value)
        except ValidationError as exc:
            return exc.errors(include_url=False)

    cheap: TypeAdapter[str] = TypeAdapter(Channel)
    published: TypeAdapter[str] = TypeAdapter(
        Annotated[str, StringConstraints(pattern=CHANNEL_PATTERN)]
    )
    assert outcome(cheap) == outcome(published)
    assert cheap.json_schema() == published.json_schema()


def model_classes(root: type[BaseModel]) -> list[type[BaseModel]]:
    found = [root]
    for sub in root.__subclasses__():
        found.extend(model_classes(sub))
    return found


def test_no_default_factory_is_a_builtin() -> None:
    """pydantic reads each default factory's signature when it builds a validator; a builtin's
    (``list``) is parsed from text by tokenize, ~6 ms of every start for the model's dozen."""
    factories = {
        f"{model.__name__}.{name}": field.default_factory
        for model in model_classes(Node)
        for name, field in model.model_fields.items()
        if field.default_factory is not None
    }
    assert factories, "the walk found the model's list fields"
    assert {k: f for k, f in factories.items() if not isinstance(f, FunctionType)} == {}


class _ExampleOptions(ExportOptions):
    said: int = Field(default=1, description="Said in the field.")
    written: int = 2
    """Written under the field."""


def test_a_flag_reads_its_help_only_when_shown_and_as_pydantic_would() -> None:
    """An explicit description wins over the docstring (use_attribute_docstrings' rule)."""
    said = FieldOption(["--said", "said"], _ExampleOptions)
    written = FieldOption(["--written", "written"], _ExampleOptions)
    assert (said.help, written.help) == ("Said in the field.", "Written under the field.")
