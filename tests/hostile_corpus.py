"""The hostile corpus: the committed cases of tests/fixtures/hostile/, the large, deep and
special ones generated here, what each must give (EXPECTED.toml), and the checks every
output of them must pass (tests/test_hostile.py; tests/test_fuzz.py uses the same).
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import os
import shutil
import signal
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from aipm_content.exporters.base import exporter_names, get_exporter
from aipm_content.parse.limits import MAX_IMAGE_BYTES, MAX_SOURCE_BYTES
from hostile_images import write_png, write_truncated_png
from inert import SECRET, assert_inert_json, assert_inert_pdf, assert_inert_zip

CORPUS = Path(__file__).resolve().parent / "fixtures" / "hostile"
FRONT = "---\ntitle: Generated hostile case\n---\n\n"
DEPTH = 1000


# ---------- the corpus and its expectations ----------


@dataclass(frozen=True)
class Expected:
    """What a case must give: no errors (a correct export) or these error codes."""

    errors: frozenset[str]
    tolerated: frozenset[str] = frozenset()
    """Codes allowed besides ``errors`` (consequences some importers still report)."""
    at: tuple[int, int] | None = None
    """line:col of one of the required diagnostics."""

    @property
    def ok(self) -> bool:
        return not self.errors


def _expected(value: Any) -> Expected:
    if value == "ok":
        return Expected(frozenset())
    at = None
    if "at" in value:
        line, col = value["at"].split(":")
        at = (int(line), int(col))
    return Expected(frozenset(value["errors"]), frozenset(value.get("tolerated", ())), at)


EXPECTED_DATA = tomllib.loads((CORPUS / "EXPECTED.toml").read_text("utf-8"))
EXPECTED: dict[str, Expected] = {
    name: _expected(value) for name, value in EXPECTED_DATA["cases"].items()
}


def _repeat_to(size: int, unit: str) -> str:
    return unit * (size // len(unit) + 1)


def _nested_directives(depth: int) -> str:
    """Directives inside directives: each opening fence one colon longer than the one within."""
    opening = "".join(":" * (3 + depth - i) + "{tension}\n" for i in range(depth))
    closing = "".join(":" * (4 + i) + "\n" for i in range(depth))
    return opening + "The innermost tension.\n" + closing


def _json_lesson(first_inlines: list[Any] | None = None) -> str:
    """A small lesson as ``aipm-export json`` writes it, with its first paragraph's inlines
    replaced."""
    from aipm_content import parse
    from aipm_content.exporters.json_export import lesson_json

    text = FRONT + "See ![A dot](images/dot.png).\n"
    data = json.loads(lesson_json(parse(text)))
    if first_inlines is not None:
        data["sections"][0]["blocks"][0]["text"]["inlines"] = first_inlines
    return json.dumps(data, indent=2)


def _nested(kind: str, depth: int) -> list[Any]:
    inlines: list[Any] = [{"type": "text", "text": "deep"}]
    for _ in range(depth):
        inlines = [{"type": kind, "children": inlines}]
    return inlines


GENERATED: dict[str, Callable[[], str]] = {
    "gen-json-image-ok.json": lambda: _json_lesson(),
    "gen-json-image-missing.json": lambda: _json_lesson(
        [{"type": "image", "src": "images/missing.png", "alt": "Gone"}]
    ),
    "gen-json-image-outside.json": lambda: _json_lesson(
        [{"type": "image", "src": "images/escape.png", "alt": "Out"}]
    ),
    "gen-json-image-bomb.json": lambda: _json_lesson(
        [{"type": "image", "src": "images/bomb.png", "alt": "Bomb"}]
    ),
    "gen-json-image-junk.json": lambda: _json_lesson(
        [{"type": "image", "src": "images/png-junk.png", "alt": "Junk"}]
    ),
    "gen-json-10mb.json": lambda: '{"title": "' + "a" * 10_000_000 + '"}',
    "gen-json-deep-arrays.json": lambda: "[" * 100_000 + "]" * 100_000,
    "gen-json-deep-emphasis.json": lambda: _json_lesson(_nested("emphasis", 300)),
    "gen-json-deep-extra-field.json": lambda: (
        _json_lesson().rstrip()[:-1] + ', "extra": ' + '{"a":' * 900 + "1" + "}" * 900 + "}"
    ),
    "gen-json-huge-integer.json": lambda: '{"schema_version": "1.0", "n": ' + "9" * 5000 + "}",
    "gen-10mb.md": lambda: FRONT + _repeat_to(10_000_000, "Lorem ipsum dolor sit amet.\n\n"),
    "gen-10mb.txt": lambda: "ten megabytes\n\n" + _repeat_to(10_000_000, "Lorem ipsum.\n\n"),
    "gen-over-limit.md": lambda: FRONT + "x" * MAX_SOURCE_BYTES,
    "gen-deep-list.md": lambda: FRONT + "- " * DEPTH + "deep\n",
    "gen-deep-indented-list.md": lambda: (
        FRONT + "".join("  " * i + "- item\n" for i in range(DEPTH))
    ),
    "gen-deep-quote.md": lambda: FRONT + "> " * DEPTH + "deep\n",
    "gen-deep-quote-list.md": lambda: FRONT + "> - " * (DEPTH // 2) + "deep\n",
    "gen-deep-directives.md": lambda: FRONT + _nested_directives(DEPTH),
    "gen-deep-same-fence.md": lambda: FRONT + ":::{scene}\n" * DEPTH + "x\n" + ":::\n" * DEPTH,
    "gen-unclosed-fence-deep-quotes.md": lambda: (
        FRONT + "".join("> " * i + "```\n" for i in range(DEPTH))
    ),
    "gen-many-code-fences.md": lambda: FRONT + "```\n" * DEPTH,
    "gen-deep-emphasis.md": lambda: FRONT + "*" * DEPTH + "deep" + "*" * DEPTH + "\n",
    "gen-deep-links.md": lambda: FRONT + "[" * DEPTH + "deep" + "](https://example.com/)" * DEPTH,
    "gen-many-markers.txt": lambda: "many markers\n\n" + "// scene:\n\n" * DEPTH,
}


def _symlink(target: str) -> Callable[[Path, Path], None]:
    return lambda source, outside: source.symlink_to(target.format(outside=outside))


def _sparse(size: int) -> Callable[[Path, Path], None]:
    def make(source: Path, outside: Path) -> None:
        with source.open("wb") as handle:
            handle.truncate(size)

    return make


# Sources that cannot be committed: links, a fifo, a file too large to read.
SPECIAL: dict[str, Callable[[Path, Path], None]] = {
    "gen-source-symlink-out.txt": _symlink("{outside}/secret.txt"),
    "gen-source-symlink-parent.md": _symlink("../outside/secret.md"),
    "gen-source-symlink-dev-zero.md": _symlink("/dev/zero"),
    "gen-source-symlink-inside.md": _symlink("link-safe.md"),
    "gen-source-fifo.md": lambda source, outside: os.mkfifo(source),
    "gen-source-sparse-20gb.md": _sparse(20 * 1024**3),
}
SECRET_TEXT = "Secret\n\nTOP-SECRET: this file lies outside the lesson's folder\n"


def _make_assets(folder: Path, outside: Path) -> None:
    """Files a committed case points at that cannot be committed: big, special or linked."""
    images = folder / "images"
    with (images / "huge.png").open("wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n")
        handle.truncate(MAX_IMAGE_BYTES + 1)
    (images / "escape.png").symlink_to(outside / "secret.png")
    (images / "zero.png").symlink_to("/dev/zero")
    (images / "alias.png").symlink_to("dot.png")
    os.mkfifo(images / "pipe.png")
    write_png(images / "bomb.png", 13_000, 13_000)  # 20 kB on disk, 169 MB decoded
    write_png(images / "bomb-50000.png", 50_000, 50_000, rows=False)
    write_png(images / "wide.png", 20_000, 10)
    write_truncated_png(images / "truncated.png")


@dataclass(frozen=True)
class Corpus:
    """The lesson folder every case is read from, and a sibling folder it must never read."""

    folder: Path
    outside: Path

    def source(self, case: str) -> Path:
        return self.folder / case


def make_corpus(base: Path) -> Corpus:
    """Every case in ``base``/lesson, with its assets, and the outside files beside it."""
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(SECRET)
    (outside / "secret.txt").write_text(SECRET_TEXT, encoding="utf-8")
    (outside / "secret.md").write_text("---\ntitle: Secret\n---\n\n" + SECRET_TEXT, "utf-8")
    folder = base / "lesson"
    shutil.copytree(CORPUS, folder, ignore=shutil.ignore_patterns("EXPECTED.toml", ".*"))
    _make_assets(folder, outside)
    for name, make in GENERATED.items():
        (folder / name).write_text(make(), encoding="utf-8")
    for name, make_special in SPECIAL.items():
        make_special(folder / name, outside)
    return Corpus(folder, outside)


def committed_cases() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".md", ".txt"))


CASES = sorted(EXPECTED)
OK_CASES = [case for case in CASES if EXPECTED[case].ok]


def available_exporters() -> list[str]:
    """Every registered channel whose module exists (channels join as they are written)."""
    names = []
    for name in exporter_names():
        try:
            get_exporter(name)
        except (ImportError, AttributeError, KeyError):
            continue
        names.append(name)
    return names


EXPORTERS = available_exporters()
CHANNEL_OPTIONS: dict[str, dict[str, Any]] = {"cmi5": {"base_iri": "https://hostile.example/l/"}}
"""Options a channel cannot do without (cmi5 has no default base IRI)."""


def channel_args(fmt: str) -> list[str]:
    """``CHANNEL_OPTIONS`` as command-line flags."""
    options = CHANNEL_OPTIONS.get(fmt, {})
    return [arg for k, v in options.items() for arg in ("--" + k.replace("_", "-"), str(v))]


# ---------- running the CLI ----------


class Hang(BaseException):
    """A run used more CPU than TIME_LIMIT: treated as a hang, never caught by the CLI."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop a run that spins (CPU timer, so the PDF exporter's own SIGALRM is left alone), and
    as a last resort dump every stack and exit if it blocks without spinning."""

    def ring(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"no result after {seconds} CPU seconds")

    previous = signal.signal(signal.SIGVTALRM, ring)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    faulthandler.dump_traceback_later(seconds * 4, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


def assert_inert(fmt: str, data: bytes, corpus: Corpus) -> None:
    assert SECRET not in data
    if fmt == "json":
        assert_inert_json(data)
        assert str(corpus.folder).encode() not in data, "the JSON names a local path"
    elif fmt in ("epub", "scorm", "cmi5"):
        assert_inert_zip(data, fmt)
    elif fmt == "pdf":
        assert_inert_pdf(data)
