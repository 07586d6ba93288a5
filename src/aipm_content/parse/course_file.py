"""``course.yml``: a course's title, modules and lesson files, every problem located.

The YAML is read as strictly as front matter (strings and lists only, no implicit types), then
each lesson is loaded with the lesson loader; the course adds order and the checks that span
lessons (ids, ``lesson:`` links), reported at the line of the course file or of the lesson.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from ..model.ids import ID_PATTERN, slugify
from ..model.lesson import Lesson
from ..model.links import lesson_links
from .diagnostics import Diagnostic, LessonError
from .validate import error_code
from .yaml_mapping import YamlLimit, compose_bounded

if TYPE_CHECKING:
    from ..model.course import Course
# The course model is imported when a course is read: every command asks course_path whether
# its source is a course, and a lesson needs none of the course classes.

COURSE_FILE = "course.yml"
MAX_COURSE_FILE_BYTES = 200_000
"""Largest course file accepted; a 40-lesson course file is about 3 kB."""

COURSE_KEYS: dict[str, type] = {
    "id": str,
    "title": str,
    "language": str,
    "summary": str,
    "revision": str,
    "authors": list,
    "modules": list,
    "mastery": str,
}
MODULE_KEYS: dict[str, type] = {"title": str, "id": str, "lessons": list}
REQUIRED = ("id", "title", "modules")


def course_path(path: Path) -> Path | None:
    """The course file named by ``path`` (the file itself or a folder holding one), else None."""
    if path.name == COURSE_FILE:
        return path
    if path.is_dir() and (path / COURSE_FILE).is_file():
        return path / COURSE_FILE
    return None


@dataclass
class _Reader:
    """Collects problems while the course file is read."""

    path: str
    problems: list[Diagnostic] = field(default_factory=list)

    def fail(self, node: yaml.Node | None, code: str, message: str) -> None:
        line, col = _position(node)
        self.problems.append(Diagnostic(self.path, line, col, code, message))


def _position(node: yaml.Node | None) -> tuple[int, int]:
    if node is None:
        return 1, 1
    return node.start_mark.line + 1, node.start_mark.column + 1


def _position_of_mark(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _compose(text: str, reader: _Reader) -> yaml.MappingNode | None:
    try:
        root = compose_bounded(text)
    except YamlLimit as exc:
        line, col = _position_of_mark(exc.problem_mark)
        problem = f"the course file is too large: {exc.problem}"
        reader.problems.append(Diagnostic(reader.path, line, col, "too-large", problem))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = getattr(exc, "problem", None) or str(exc)
        reader.problems.append(
            Diagnostic(reader.path, line, col, "course-file", f"not valid YAML: {problem}")
        )
        return None
    if not isinstance(root, yaml.MappingNode):
        reader.fail(root, "course-file", "a course file is a mapping: id, title, modules ...")
        return None
    return root


def _mapping(
    node: yaml.MappingNode, keys: dict[str, type], what: str, reader: _Reader
) -> tuple[dict[str, Any], dict[str, yaml.Node]]:
    """A mapping of strings and lists of strings (modules: list of mappings), keys checked."""
    values: dict[str, Any] = {}
    nodes: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else None
        if key is None or key not in keys:
            known = ", ".join(keys)
            shown = repr(key) if key is not None else "a complex key"
            reader.fail(key_node, "unknown-key", f"unknown {what} key {shown} (known: {known})")
            continue
        if key in values:
            reader.fail(key_node, "duplicate-key", f"{what} key {key!r} appears twice")
            continue
        nodes[key] = value_node
        expected = keys[key]
        if expected is str and isinstance(value_node, yaml.ScalarNode):
            values[key] = str(value_node.value)
        elif expected is list and isinstance(value_node, yaml.SequenceNode):
            values[key] = value_node.value
        else:
            kind = "a single value" if expected is str else "a list"
            reader.fail(value_node, "bad-course-file", f"{what} key {key!r} must be {kind}")
    return values, nodes


def _strings(nodes: list[yaml.Node], what: str, reader: _Reader) -> list[tuple[str, yaml.Node]]:
    found: list[tuple[str, yaml.Node]] = []
    for node in nodes:
        if isinstance(node, yaml.ScalarNode):
            found.append((str(node.value), node))
        else:
            reader.fail(node, "bad-course-file", f"each of {what} must be a single value")
    return found


@dataclass
class _Entry:
    """A lesson file named in the course file."""

    module: int
    name: str
    node: yaml.Node


def read_course(path: Path, *, load_lesson: Any = None) -> Course:
    """The course described by ``path`` (a ``course.yml``); LessonError lists every problem."""
    from ..api import load, read_source
    from ..model.course import Course

    where = str(path)
    reader = _Reader(where)
    text = read_source(path)
    if len(text) > MAX_COURSE_FILE_BYTES:
        reader.fail(None, "too-large", f"a course file is at most {MAX_COURSE_FILE_BYTES} bytes")
        raise LessonError(reader.problems)
    root = _compose(text, reader)
    if root is None:
        raise LessonError(reader.problems)
    values, nodes = _mapping(root, COURSE_KEYS, "course", reader)
    for key in REQUIRED:
        if key not in values and key not in nodes:
            reader.fail(root, "missing-key", f"the course file needs {key!r}")
    mastery = _mastery(values, nodes, reader)
    revision = _revision(values, nodes, reader)
    modules, entries = _modules(values.get("modules", []), reader)
    if "modules" in values and not values["modules"]:
        reader.fail(nodes["modules"], "empty-course", "a course needs at least one module")
    lessons = _lessons(path.parent, entries, reader, load_lesson or load)
    if reader.problems:
        raise LessonError(reader.problems)
    data: dict[str, Any] = {
        **{k: values[k] for k in ("id", "title", "language", "summary") if k in values},
        "revision": revision,
        "authors": [name for name, _ in _strings(values.get("authors", []), "authors", reader)],
        "mastery": mastery,
        "modules": [
            {"id": m["id"], "title": m["title"], "lessons": [lessons[e].id for e in m["entries"]]}
            for m in modules
        ],
        "lessons": [lessons[e] for m in modules for e in m["entries"]],
    }
    problems: list[Any] = []
    try:
        course = Course.model_validate(data, context={"problems": problems})
    except ValidationError as exc:
        raise LessonError(_model_problems(exc, nodes, modules, root, reader)) from None
    if problems:
        raise LessonError(_cross_problems(problems, modules, lessons, nodes, reader))
    return course.located(where)


def _mastery(values: dict[str, Any], nodes: dict[str, yaml.Node], reader: _Reader) -> int | None:
    raw = values.get("mastery")
    if raw is None:
        return None
    text = str(raw).strip().removesuffix("%").strip()
    if not text.isdigit() or not 0 <= int(text) <= 100:
        message = f"mastery {raw!r} must be a whole percent from 0 to 100, e.g. mastery: 80"
        reader.fail(nodes["mastery"], "bad-mastery", message)
        return None
    return int(text)


def _revision(
    values: dict[str, Any], nodes: dict[str, yaml.Node], reader: _Reader
) -> datetime.date | None:
    raw = values.get("revision")
    if raw is None:
        return None
    try:
        if len(raw) == 10:  # fromisoformat also takes 20261201 and week dates
            return datetime.date.fromisoformat(raw)
    except ValueError:
        pass
    message = f"revision {raw!r} is not a real date; write it as YYYY-MM-DD, e.g. 2026-12-01"
    reader.fail(nodes["revision"], "bad-revision", message)
    return None


def _modules(items: list[yaml.Node], reader: _Reader) -> tuple[list[dict[str, Any]], list[_Entry]]:
    """Each module's id, title and lesson entries; and every entry in course order."""
    from ..model.course import MAX_COURSE_LESSONS, MAX_MODULES

    if len(items) > MAX_MODULES:
        message = f"a course holds at most {MAX_MODULES} modules"
        reader.fail(items[MAX_MODULES], "too-large", message)
        items = items[:MAX_MODULES]
    modules: list[dict[str, Any]] = []
    entries: list[_Entry] = []
    seen_ids: dict[str, yaml.Node] = {}
    for index, item in enumerate(items):
        if not isinstance(item, yaml.MappingNode):
            reader.fail(item, "bad-course-file", "each module is a mapping: title, lessons")
            continue
        values, nodes = _mapping(item, MODULE_KEYS, "module", reader)
        title = values.get("title", "").strip()
        if not title:
            reader.fail(item, "missing-key", f"module {index + 1} needs a 'title'")
        module_id = values.get("id") or slugify(title) or f"module-{index + 1}"
        id_node = nodes.get("id", nodes.get("title", item))
        if "id" in values and not _is_id(values["id"]):
            message = (
                f"module id {values['id']!r} must be lowercase letters, digits and single "
                "hyphens, starting with a letter"
            )
            reader.fail(id_node, "bad-id", message)
        if module_id in seen_ids:
            line = _position(seen_ids[module_id])[0]
            message = f"module id {module_id!r} is already used by the module at line {line}"
            reader.fail(id_node, "duplicate-module", message)
        seen_ids.setdefault(module_id, id_node)
        names = _strings(values.get("lessons", []), "a module's lessons", reader)
        if not names and "lessons" not in values:
            reader.fail(item, "missing-key", f"module {title or index + 1!r} needs 'lessons'")
        elif not names:
            message = f"module {title or index + 1!r} has no lessons; list at least one file"
            reader.fail(nodes["lessons"], "empty-module", message)
        start = len(entries)
        entries.extend(_Entry(index, name, node) for name, node in names)
        modules.append(
            {"id": module_id, "title": title, "entries": list(range(start, len(entries)))}
        )
    if len(entries) > MAX_COURSE_LESSONS:
        node = entries[MAX_COURSE_LESSONS].node
        reader.fail(node, "too-large", f"a course holds at most {MAX_COURSE_LESSONS} lessons")
        entries = entries[:MAX_COURSE_LESSONS]
        for module in modules:
            module["entries"] = [e for e in module["entries"] if e < MAX_COURSE_LESSONS]
    return modules, entries


def _is_id(value: str) -> bool:
    import re

    return re.fullmatch(ID_PATTERN, value) is not None and len(value) <= 64


def _lessons(folder: Path, entries: list[_Entry], reader: _Reader, load: Any) -> dict[int, Lesson]:
    """Each entry's lesson, loaded once; missing files, repeats and escapes are located."""
    root = folder.resolve()
    loaded: dict[int, Lesson] = {}
    first_entry: dict[Path, _Entry] = {}
    first_id: dict[str, _Entry] = {}
    for index, entry in enumerate(entries):
        name = entry.name.strip()
        candidate = folder / name
        resolved = candidate.resolve() if name else root
        if not name or Path(name).is_absolute() or not resolved.is_relative_to(root):
            message = f"lesson {name!r} must be a file inside the course's folder"
            reader.fail(entry.node, "lesson-outside", message)
            continue
        if not resolved.is_file():
            what = "is not a file" if resolved.exists() else "does not exist"
            reader.fail(entry.node, "missing-lesson", f"lesson file {name!r} {what}")
            continue
        if resolved in first_entry:
            line = _position(first_entry[resolved].node)[0]
            message = f"{name!r} is already listed at line {line}"
            reader.fail(entry.node, "duplicate-lesson", message)
            continue
        first_entry[resolved] = entry
        try:
            lesson = load(candidate)
        except LessonError as exc:
            reader.problems.extend(exc.diagnostics)
            continue
        if lesson.id in first_id:
            other = first_id[lesson.id]
            message = (
                f"lesson {name!r} has the id {lesson.id!r}, already the id of {other.name!r}; "
                "give one of them another id (front matter 'id:')"
            )
            reader.fail(entry.node, "duplicate-lesson", message)
            continue
        first_id[lesson.id] = entry
        loaded[index] = lesson
    return loaded


def _model_problems(
    exc: ValidationError,
    nodes: dict[str, yaml.Node],
    modules: list[dict[str, Any]],
    root: yaml.Node,
    reader: _Reader,
) -> list[Diagnostic]:
    """Pydantic's complaints about course-level values, at the value's line."""
    for err in exc.errors():
        loc = err["loc"]
        key = str(loc[0]) if loc else ""
        node = nodes.get(key, root)
        if key == "modules" and len(loc) > 1 and isinstance(loc[1], int):
            node = nodes.get("modules", root)
        reader.fail(node, error_code(err["type"]), f"{key or 'course'}: {err['msg']}")
    return reader.problems


def _cross_problems(
    problems: list[Any],
    modules: list[dict[str, Any]],
    lessons: dict[int, Lesson],
    nodes: dict[str, yaml.Node],
    reader: _Reader,
) -> list[Diagnostic]:
    """Checks across lessons; a broken ``lesson:`` link is located in the linking lesson."""
    ordered = [lessons[e] for m in modules for e in m["entries"]]
    for loc, code, message in problems:
        lesson = ordered[loc[1]] if code == "broken-lesson-link" and len(loc) > 1 else None
        hrefs = lesson_links(lesson) if lesson is not None else iter(())
        href = next((h for h in hrefs if message.startswith(f"link {h!r}")), None)
        if lesson is not None and href is not None:
            path, line, col = lesson.source_position(href)
            reader.problems.append(Diagnostic(path, line, col, code, message))
        else:
            reader.fail(nodes.get(str(loc[0]) if loc else ""), code, message)
    return reader.problems


__all__ = ["COURSE_FILE", "course_path", "read_course"]
