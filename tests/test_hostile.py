"""Hostile and broken lessons: a located error or a correct export, never anything else.

Every case of tests/fixtures/hostile/ (plus the large and deep ones generated here) goes through
``aipm-export check`` and every registered exporter. Each run must end in exit 2 with
``path:line:col: error[code]: message`` lines, leaving an existing output file untouched, or in
exit 0 with an output that carries no executable content (no script from the source, no on*
attributes, no javascript:/vbscript:/data: URLs) and no file from outside the lesson's folder.
Expected outcomes are data: tests/fixtures/hostile/EXPECTED.toml.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import pypdf
import pytest
from click.testing import CliRunner, Result
from lxml import etree
from lxml import html as lxml_html

from aipm_content import load
from aipm_content.cli import main as cli
from aipm_content.exporters.base import Exporter, exporter_names, get_exporter
from aipm_content.parse.diagnostics import LessonError
from aipm_content.parse.limits import MAX_IMAGE_BYTES, MAX_SOURCE_BYTES
from aipm_content.render.labels import typeset
from hostile_images import write_png, write_truncated_png

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "aipm_content"
CORPUS = Path(__file__).resolve().parent / "fixtures" / "hostile"
CLI_BIN = Path(sys.executable).parent / "aipm-export"

LOCATED = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): error\[(?P<code>[a-z0-9-]+)\]: \S.*$"
)
SUMMARY = re.compile(r"^\d+ errors?(, \d+ warnings?)?$")
WARNING = re.compile(r"^.+?:\d+:\d+: warning\[[a-z0-9-]+\]: \S.*$")
SENTINEL = b"an earlier export: a failed run must leave these bytes alone\n"
SECRET = b"\x89PNG\r\n\x1a\n" + b"TOP-SECRET: this file lies outside the lesson's folder"
FRONT = "---\ntitle: Generated hostile case\n---\n\n"
DEPTH = 1000
TIME_LIMIT = 60.0
"""CPU seconds one in-process run may take before it counts as a hang."""

# Markup from the corpus that must never reach an output unescaped.
HOSTILE_MARKUP = re.compile(
    r"<script>alert|<img src=x|<iframe|<svg[ /]onload|</script><script>|<svg onload", re.I
)
DANGEROUS_SCHEMES = frozenset({"javascript", "vbscript", "data"})
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "poster", "data", "background", "cite", "srcset"}
)
FORBIDDEN_ELEMENTS = frozenset(
    {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
)


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


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    base = tmp_path_factory.mktemp("hostile")
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


def test_every_case_has_an_expectation_and_every_expectation_a_case() -> None:
    assert set(committed_cases()) | set(GENERATED) | set(SPECIAL) == set(EXPECTED)
    assert len(EXPECTED) >= 40
    assert {".md", ".txt"} <= {Path(case).suffix for case in EXPECTED}


def test_the_built_in_exporters_are_all_exercised() -> None:
    assert {"json", "pdf", "epub", "scorm"} <= set(EXPORTERS)


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


def run_cli(args: list[str]) -> Result:
    with time_limit(TIME_LIMIT):
        return CliRunner().invoke(cli, args, catch_exceptions=True)


@dataclass(frozen=True)
class Located:
    path: str
    line: int
    col: int
    code: str


def located_errors(stderr: str) -> list[Located]:
    """The errors of a failed run; every other line must be a warning or the summary."""
    found = []
    for line in stderr.splitlines():
        match = LOCATED.match(line)
        if match:
            found.append(
                Located(match["path"], int(match["line"]), int(match["col"]), match["code"])
            )
        else:
            assert SUMMARY.match(line) or WARNING.match(line), f"not located: {line!r}"
    return found


def assert_no_crash(result: Result) -> None:
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"exception escaped the CLI: {result.exception!r}")
    assert result.exit_code in (0, 2), f"exit {result.exit_code}:\n{result.output}"
    assert "Traceback" not in result.output
    assert "internal error" not in result.output


def assert_expected_errors(result: Result, case: str, source: Path) -> None:
    expected = EXPECTED[case]
    assert result.exit_code == 2, result.output
    errors = located_errors(result.stderr)
    assert errors, "exit 2 without a located error"
    codes = {e.code for e in errors}
    assert expected.errors <= codes, f"missing {expected.errors - codes}: {result.stderr}"
    extra = codes - expected.errors - expected.tolerated
    assert not extra, f"unexpected {extra}: {result.stderr}"
    for error in errors:
        assert error.line >= 1 and error.col >= 1
    # Errors point into the source (the SCORM and EPUB image checks may name the folder).
    assert any(e.path == str(source) for e in errors), result.stderr
    if expected.at is not None:
        spots = {(e.line, e.col) for e in errors if e.code in expected.errors}
        assert expected.at in spots, f"expected one at {expected.at}: {result.stderr}"


# ---------- check ----------


@pytest.mark.parametrize("case", CASES)
def test_check(corpus: Corpus, case: str) -> None:
    source = corpus.source(case)
    result = run_cli(["check", str(source)])
    assert_no_crash(result)
    if EXPECTED[case].ok:
        assert result.exit_code == 0, result.output
        assert f"{source}: ok (" in result.stdout
    else:
        assert_expected_errors(result, case, source)


# ---------- every exporter ----------


def export_case(corpus: Corpus, fmt: str, case: str, out_root: Path) -> tuple[Result, Path]:
    """Export one case into a folder of its own, over an existing output file."""
    exporter: Exporter = get_exporter(fmt)
    folder = out_root / fmt / case
    folder.mkdir(parents=True)
    out = folder / f"lesson{exporter.suffix}"
    out.write_bytes(SENTINEL)
    return run_cli([fmt, str(corpus.source(case)), "-o", str(out), *channel_args(fmt)]), out


def exporter_cases() -> list[Any]:
    """Every case through every exporter but PDF; PDF renders only what parses (the rest stops
    at the parser, the same code path as for the other exporters)."""
    params = []
    for fmt in EXPORTERS:
        for case in CASES if fmt != "pdf" else OK_CASES:
            params.append(pytest.param(fmt, case, id=f"{fmt}-{case}"))
    return params


@pytest.fixture(scope="module")
def out_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile-out")


@pytest.mark.parametrize(("fmt", "case"), exporter_cases())
def test_export(corpus: Corpus, out_root: Path, fmt: str, case: str) -> None:
    result, out = export_case(corpus, fmt, case, out_root)
    assert_no_crash(result)
    leftovers = sorted(p.name for p in out.parent.iterdir() if p != out)
    assert leftovers == [], f"partial files left behind: {leftovers}"
    if not EXPECTED[case].ok:
        assert_expected_errors(result, case, corpus.source(case))
        assert out.read_bytes() == SENTINEL
        return
    assert result.exit_code == 0, result.output
    assert out.read_bytes() != SENTINEL
    assert_inert(fmt, out.read_bytes(), corpus)


def test_pdf_rejects_what_the_parser_rejects(corpus: Corpus, out_root: Path) -> None:
    """The error cases PDF skips above stop in the parser; one of each kind shows it."""
    for case in ("html-script.md", "image-parent.md", "image-symlink-out.md", "gen-10mb.md"):
        if EXPECTED[case].ok:
            continue
        result, out = export_case(corpus, "pdf", case, out_root / "pdf-errors")
        assert_no_crash(result)
        assert_expected_errors(result, case, corpus.source(case))
        assert out.read_bytes() == SENTINEL


# ---------- outputs carry no executable content ----------


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see: it drops whitespace and control characters first."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", value).lower()
    match = re.match(r"^([a-z][a-z0-9+.\-]*):", cleaned)
    return match.group(1) if match else None


def assert_inert_tree(root: Any, where: str, package: set[str] | None = None) -> None:
    """No element, attribute or URL of an (X)HTML or SVG tree can run code.

    A script is allowed only as a reference to a file of the package (the player's own code) or
    as JSON data with every ``<`` escaped.
    """
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname.lower()
        assert name not in FORBIDDEN_ELEMENTS, f"{where}: <{name}>"
        if name == "script":
            src = element.get("src")
            if src is not None:
                assert url_scheme(src) is None and package is not None and src in package, (
                    f"{where}: script {src!r} is not a file of the package"
                )
            else:
                assert element.get("type") == "application/json", f"{where}: inline script"
                assert "<" not in (element.text or ""), f"{where}: unescaped < in JSON data"
        if name == "meta":
            assert (element.get("http-equiv") or "").lower() != "refresh", where
        for attribute, value in element.attrib.items():
            local = etree.QName(attribute).localname.lower()
            assert not local.startswith("on"), f"{where}: <{name} {local}=...>"
            assert local != "srcdoc", f"{where}: srcdoc"
            if local in URL_ATTRIBUTES:
                assert url_scheme(value) not in DANGEROUS_SCHEMES, f"{where}: {local}={value!r}"
            if local == "style":
                lowered = value.lower()
                assert "javascript:" not in lowered and "expression(" not in lowered, where


def assert_inert_markup(data: bytes, where: str, package: set[str] | None = None) -> None:
    text = data.decode("utf-8")
    found = HOSTILE_MARKUP.search(text)
    assert found is None, f"{where}: source markup {found.group() if found else ''!r} got through"
    if where.endswith((".xhtml", ".svg", ".opf", ".ncx", ".xml")):
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    else:
        root = lxml_html.document_fromstring(text)
    assert_inert_tree(root, where, package)


def html_fields(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "html" and isinstance(item, str):
                yield item
            else:
                yield from html_fields(item)
    elif isinstance(value, list):
        for item in value:
            yield from html_fields(item)


def assert_inert_json(data: bytes) -> None:
    for fragment in html_fields(json.loads(data)):
        assert HOSTILE_MARKUP.search(fragment) is None, fragment
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
        assert_inert_tree(root, f"html field {fragment[:60]!r}")


def assert_safe_entries(archive: zipfile.ZipFile, where: str) -> None:
    """Relative names, no "..", no absolute or drive paths, no symlinks, nothing from outside."""
    for info in archive.infolist():
        name = info.filename
        parts = name.split("/")
        assert not name.startswith("/") and "\\" not in name, f"{where}: {name}"
        assert ".." not in parts and not re.match(r"^[A-Za-z]:", name), f"{where}: {name}"
        assert not stat.S_ISLNK(info.external_attr >> 16), f"{where}: {name} is a symlink"
        assert SECRET not in archive.read(name), f"{where}: {name} holds the outside file"


def shipped_file(name: str, data: bytes) -> bool:
    """Whether ``data`` is a file the package ships as is (the player's own script, a theme,
    with the shared font stacks written in)."""
    return any(
        data in (p.read_bytes(), typeset(p.read_text("utf-8")).encode("utf-8"))
        for p in SRC.rglob(Path(name).name)
        if p.is_file()
    )


def assert_inert_zip(data: bytes, fmt: str) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert_safe_entries(archive, fmt)
        names = set(archive.namelist())
        for name in sorted(names):
            content = archive.read(name)
            where = f"{fmt}:{name}"
            if name.endswith((".js", ".css")):
                assert shipped_file(name, content), f"{where} is not a shipped file"
            elif name.endswith((".xhtml", ".html", ".htm", ".svg")):
                assert_inert_markup(content, where, names)
            elif name.endswith((".opf", ".ncx", ".xml")):
                assert_inert_markup(content, where)


def assert_inert_pdf(data: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(data))
    catalog: Any = reader.trailer["/Root"]
    assert "/AA" not in catalog and "/OpenAction" not in catalog
    names = catalog.get("/Names")
    assert names is None or "/JavaScript" not in names.get_object()
    for page in reader.pages:
        assert "/AA" not in page
        for ref in page.get("/Annots") or []:
            annotation = ref.get_object()
            action = annotation.get("/A")
            if action is None:
                continue
            action = action.get_object()
            kind = action.get("/S")
            assert kind in ("/URI", "/GoTo"), f"PDF action {kind}"
            if kind == "/URI":
                uri = str(action["/URI"])
                assert url_scheme(uri) in ("http", "https", "mailto"), f"PDF link {uri!r}"


def assert_inert(fmt: str, data: bytes, corpus: Corpus) -> None:
    assert SECRET not in data
    if fmt == "json":
        assert_inert_json(data)
        assert str(corpus.folder).encode() not in data, "the JSON names a local path"
    elif fmt in ("epub", "scorm", "cmi5"):
        assert_inert_zip(data, fmt)
    elif fmt == "pdf":
        assert_inert_pdf(data)


# ---------- limits: size and time ----------


def test_size_limits_are_explained(corpus: Corpus) -> None:
    result = run_cli(["check", str(corpus.source("gen-10mb.md"))])
    assert f"{MAX_SOURCE_BYTES:,} byte limit" in result.stderr
    result = run_cli(["check", str(corpus.source("image-huge.md"))])
    assert str(MAX_IMAGE_BYTES) in result.stderr


@pytest.mark.parametrize("fmt", EXPORTERS)
def test_an_export_past_its_time_limit_stops_with_a_located_error(
    corpus: Corpus, tmp_path: Path, fmt: str
) -> None:
    if fmt == "pdf":  # a render takes a good part of a second; a millisecond is too little
        source = corpus.source("devanagari.md")
    else:  # 500 sections take a tenth of a second or more to export
        source = tmp_path / "big.md"
        parts = (f"## Part {i}\n\nThe words of part {i}, *to read*.\n\n" for i in range(500))
        source.write_text(FRONT + "".join(parts), encoding="utf-8")
    out = tmp_path / f"lesson.{fmt}"
    out.write_bytes(SENTINEL)
    result = run_cli([fmt, str(source), "-o", str(out), "--timeout", "0.001", *channel_args(fmt)])
    assert_no_crash(result)
    assert result.exit_code == 2
    (error,) = located_errors(result.stderr)
    assert (error.path, error.code) == (str(source), "render-timeout")
    assert out.read_bytes() == SENTINEL
    assert sorted(p.name for p in tmp_path.iterdir() if p != source) == [out.name]


# ---------- nothing read from outside the lesson's folder ----------


@pytest.mark.parametrize("fmt", [f for f in EXPORTERS if f != "json"])
def test_an_image_swapped_for_a_link_out_after_checking_is_refused(
    tmp_path: Path, fmt: str
) -> None:
    """Exporters read images through resolve_image again, so a file replaced between parsing
    and exporting by a symlink out of the folder is refused, not copied."""
    folder = tmp_path / "lesson"
    (folder / "images").mkdir(parents=True)
    (tmp_path / "secret.png").write_bytes(SECRET)
    shutil.copy(CORPUS / "image-ok.md", folder / "image-ok.md")
    shutil.copy(CORPUS / "images" / "dot.png", folder / "images" / "dot.png")
    lesson = load(folder / "image-ok.md")
    (folder / "images" / "dot.png").unlink()
    (folder / "images" / "dot.png").symlink_to(tmp_path / "secret.png")
    exporter = get_exporter(fmt)
    out = tmp_path / f"out{exporter.suffix}"
    out.write_bytes(SENTINEL)
    with time_limit(TIME_LIMIT), pytest.raises(LessonError) as caught:
        exporter.export(lesson, out, exporter.options_model(**CHANNEL_OPTIONS.get(fmt, {})))
    assert caught.value.diagnostics
    # Located at the source line that shows the image, in the lesson's own file.
    image_line = next(
        n
        for n, line in enumerate((folder / "image-ok.md").read_text().splitlines(), 1)
        if "images/dot.png" in line
    )
    assert {(d.path, d.line) for d in caught.value.diagnostics} == {
        (str(folder / "image-ok.md"), image_line)
    }
    assert "outside" in str(caught.value)
    assert out.read_bytes() == SENTINEL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lesson", out.name, "secret.png"]


LIBRARY_LOOKUP = frozenset({"ldconfig", "gcc", "cc", "ld", "objdump"})
"""Programs ctypes.util.find_library runs when a library binding loads; none sees the lesson."""

AUDIT_RUNNER = """
import json, sys
log = open(sys.argv[1], "w", encoding="utf-8")
WATCH = {"open", "os.listdir", "os.scandir", "socket.connect", "socket.getaddrinfo",
         "urllib.Request", "http.client.connect", "subprocess.Popen"}
def hook(event, args):
    if event in WATCH:
        log.write(json.dumps([event, str(args[0]) if args else ""]) + "\\n")
sys.addaudithook(hook)
from aipm_content.cli import main
for argv in json.loads(sys.argv[2]):
    log.write(json.dumps(["run", " ".join(argv)]) + "\\n")
    try:
        main(argv, standalone_mode=True)
    except SystemExit:
        pass
log.close()
"""


def test_exports_open_no_file_outside_the_folder_and_no_connection(
    corpus: Corpus, tmp_path: Path
) -> None:
    """Under Python audit hooks, every file an export opens and every connection it tries is
    logged: nothing may touch the sibling folder, the network or a subprocess."""
    cases = [
        "image-ok.md",
        "image-symlink-inside.md",
        "image-parent.md",
        "image-symlink-out.md",
        "image-in-option.md",
        "link-safe.md",
        "html-in-options.md",
    ]
    runs = [
        [
            fmt,
            str(corpus.source(case)),
            "-o",
            str(tmp_path / "out" / f"{case}.{fmt}"),
            *channel_args(fmt),
        ]
        for fmt in EXPORTERS
        for case in cases
    ]
    log = tmp_path / "audit.jsonl"
    done = subprocess.run(
        [sys.executable, "-c", AUDIT_RUNNER, str(log), json.dumps(runs)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    events = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    assert sum(1 for event, _ in events if event == "run") == len(runs)
    opened = [arg for event, arg in events if event == "open"]
    assert any(arg.endswith("dot.png") for arg in opened), "the audit log saw no image read"
    for event, arg in events:
        assert not event.startswith(("socket", "urllib", "http")), (event, arg)
        if event == "subprocess.Popen":  # ctypes.util.find_library asks ldconfig for libraries
            assert Path(arg).name in LIBRARY_LOOKUP, (event, arg)
        if event in ("open", "os.listdir", "os.scandir"):
            assert str(corpus.outside) not in arg, f"{event} {arg}"
            assert not arg.endswith("secret.png"), f"{event} {arg}"


# ---------- real processes ----------


def run_bin(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI_BIN), *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_the_installed_command_reports_every_error_case_located(corpus: Corpus) -> None:
    failing = [str(corpus.source(case)) for case in CASES if not EXPECTED[case].ok]
    done = run_bin(["check", *failing])
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    errors = located_errors(done.stderr)
    assert {e.path for e in errors} == set(failing)


@pytest.mark.parametrize(
    ("fmt", "case"),
    [
        ("epub", "html-in-options.md"),
        ("scorm", "title-markup.md"),
        ("pdf", "image-symlink-out.md"),
        ("json", "gen-deep-directives.md"),
    ],
)
def test_the_installed_command_exports_or_refuses(
    corpus: Corpus, tmp_path: Path, fmt: str, case: str
) -> None:
    if fmt not in EXPORTERS:
        pytest.fail(f"exporter {fmt} is not available")
    out = tmp_path / f"lesson.{fmt}"
    out.write_bytes(SENTINEL)
    done = run_bin([fmt, str(corpus.source(case)), "-o", str(out)])
    assert "Traceback" not in done.stderr
    if EXPECTED[case].ok:
        assert done.returncode == 0, done.stderr
        assert_inert(fmt, out.read_bytes(), corpus)
    else:
        assert done.returncode == 2, done.stderr
        assert located_errors(done.stderr)
        assert out.read_bytes() == SENTINEL
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_a_json_lesson_with_control_characters_is_refused(tmp_path: Path) -> None:
    """The third source form: a lesson JSON whose text hides a control character that no
    XHTML page or SCORM manifest could carry."""
    seed = tmp_path / "seed.json"
    made = run_cli(["json", str(ROOT / "content" / "ai-pm-career-path.md"), "-o", str(seed)])
    assert made.exit_code == 0, made.output
    data = json.loads(seed.read_text("utf-8"))
    data["sections"][0]["blocks"][0]["text"]["inlines"][0]["text"] += "\x1b[31m"
    source = tmp_path / "bell.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    for fmt in ["check", *EXPORTERS]:
        out = tmp_path / f"out-{fmt}"
        out.write_bytes(SENTINEL)
        args = [fmt, str(source)] if fmt == "check" else [fmt, str(source), "-o", str(out)]
        result = run_cli(args)
        assert_no_crash(result)
        assert result.exit_code == 2, result.output
        (error,) = located_errors(result.stderr)
        assert (error.path, error.code) == (str(source), "control-character")
        assert "sections.0.blocks.0.text.inlines.0.text" in result.stderr
        assert out.read_bytes() == SENTINEL


def test_a_parse_past_its_time_limit_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bracket-heavy text is slow for markdown-it (linear, but ~15 µs a character): the parse
    stops at limits.PARSE_SECONDS with a located error instead of holding the worker."""
    from aipm_content.parse import limits

    monkeypatch.setattr(limits, "PARSE_SECONDS", 0.05)
    source = tmp_path / "brackets.md"
    source.write_text("---\ntitle: Brackets\n---\n\n" + "![" * 100_000 + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(source)])
    assert result.exit_code == 2, result.output
    assert f"{source}:1:1: error[parse-timeout]: reading the lesson took longer than 0.05 s" in (
        result.output
    )
