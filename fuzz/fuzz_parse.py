"""Coverage-guided fuzzing of both lesson parsers with atheris (libFuzzer for Python).

    pip install atheris
    python fuzz/fuzz_parse.py -atheris_runs=100000

Seeds come from the bundled lesson and the test fixtures (pass a corpus folder as the last
argument to keep what the fuzzer finds: ``python fuzz/fuzz_parse.py -atheris_runs=100000
fuzz/corpus``). The property checked is the one tests/test_fuzz.py checks with hypothesis:
any input gives a valid model or a LessonError whose every diagnostic is located in the input.
Anything else (another exception, a diagnostic pointing nowhere) is a crash libFuzzer reports,
with the input saved as ``crash-<hash>``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import atheris  # type: ignore[import-untyped, import-not-found, unused-ignore]

with atheris.instrument_imports():
    from aipm_content import parse
    from aipm_content.api import SourceFormat
    from aipm_content.parse.diagnostics import LessonError

ROOT = Path(__file__).resolve().parent.parent
CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FORMATS: tuple[SourceFormat, ...] = ("markdown", "text")


def check(text: str, fmt: SourceFormat) -> None:
    """Parse ``text``; a LessonError must locate every diagnostic inside the text."""
    try:
        parse(text, format=fmt, path="fuzz")
    except LessonError as exc:
        last = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 2
        if not exc.diagnostics:
            raise AssertionError("LessonError without diagnostics") from None
        for d in exc.diagnostics:
            if d.path != "fuzz" or not 1 <= d.line <= last or d.col < 1:
                raise AssertionError(f"diagnostic outside the input: {d}") from None
            if not CODE.match(d.code) or not d.message.strip():
                raise AssertionError(f"malformed diagnostic: {d}") from None


def test_one_input(data: bytes) -> None:
    """First byte: the source form; the rest: the text (UTF-8, errors replaced)."""
    if not data:
        return
    check(data[1:].decode("utf-8", "replace"), FORMATS[data[0] % len(FORMATS)])


def seed_corpus(folder: Path) -> None:
    """Write the bundled lesson and fixtures into ``folder`` as starting inputs."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = [
        ROOT / "content" / "ai-pm-career-path.md",
        *sorted((ROOT / "tests" / "fixtures").rglob("*.md")),
        *sorted((ROOT / "tests" / "fixtures").rglob("*.txt")),
    ]
    for number, path in enumerate(sources):
        prefix = b"\x00" if path.suffix == ".md" else b"\x01"
        (folder / f"seed-{number:03d}").write_bytes(prefix + path.read_bytes()[:100_000])


def main() -> None:
    args = sys.argv[:]
    corpus_dirs = [a for a in args[1:] if not a.startswith("-")]
    if not corpus_dirs:
        default = ROOT / "fuzz" / "corpus"
        seed_corpus(default)
        args.append(str(default))
    else:
        seed_corpus(Path(corpus_dirs[0]))
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
