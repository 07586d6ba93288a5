"""Hostile and broken lessons: a located error or a correct export, never anything else.

Every case of tests/fixtures/hostile/ (plus the large and deep ones generated here) goes through
``aipm-export check`` and every registered exporter. Each run must end in exit 2 with
``path:line:col: error[code]: message`` lines, leaving an existing output file untouched, or in
exit 0 with an output that carries no executable content (no script from the source, no on*
attributes, no javascript:/vbscript:/data: URLs) and no file from outside the lesson's folder.
Expected outcomes are data: tests/fixtures/hostile/EXPECTED.toml.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from aipm_content import load
from aipm_content.cli import main as cli
from aipm_content.exporters.base import Exporter, get_exporter
from aipm_content.parse.diagnostics import LessonError
from aipm_content.parse.limits import MAX_IMAGE_BYTES, MAX_SOURCE_BYTES
from cli_runs import (
    SENTINEL,
    TIME_LIMIT,
    assert_no_crash,
    located_errors,
    run_cli,
)
from hostile_corpus import (
    CASES,
    CHANNEL_OPTIONS,
    CORPUS,
    EXPECTED,
    EXPORTERS,
    FRONT,
    GENERATED,
    OK_CASES,
    SPECIAL,
    Corpus,
    assert_inert,
    channel_args,
    committed_cases,
    make_corpus,
    time_limit,
)
from inert import SECRET

ROOT = Path(__file__).resolve().parent.parent
CLI_BIN = Path(sys.executable).parent / "aipm-export"


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return make_corpus(tmp_path_factory.mktemp("hostile"))


def test_every_case_has_an_expectation_and_every_expectation_a_case() -> None:
    assert set(committed_cases()) | set(GENERATED) | set(SPECIAL) == set(EXPECTED)
    assert len(EXPECTED) >= 40
    assert {".md", ".txt"} <= {Path(case).suffix for case in EXPECTED}


def test_the_built_in_exporters_are_all_exercised() -> None:
    assert {"json", "pdf", "epub", "scorm"} <= set(EXPORTERS)


# ---------- running the CLI ----------


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
