"""Benchmarks: aipm-export beside pandoc, in one run on one machine; writes bench/RESULTS.md.

    .venv/bin/python -m bench            # full run: catalogs of 50 and 200 lessons (~10-15 min)
    .venv/bin/python -m bench --quick    # catalogs of 10 and 30, fewer repeats (~2 min)

Not part of the test suite. Scratch files go to bench/work/ (git-ignored).
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from . import report
from .commands import AIPM, ENV, FORMATS, PANDOC_LABEL, ROOT, SUFFIX, pandoc_args, pdf_pages
from .engine import ONE_DOCUMENT, weasyprint_args, write_course_inputs, write_inputs
from .generate import SEED, write_catalog, write_course, write_scaled
from .machine import describe
from .measure import Sample, run_once
from .plan import FULL, QUICK, Plan
from .profile import profile_cli, profile_function


class Bench:
    def __init__(self, plan: Plan, work: Path) -> None:
        self.plan = plan
        self.work = work
        self.results = report.Results(plan_name="quick" if plan is QUICK else "full")
        self.settings = work / "settings"  # empty: default options everywhere
        self.loads: list[float] = []

    def note_load(self) -> None:
        self.loads.append(os.getloadavg()[0])

    def interleaved(
        self,
        ours: tuple[str, list[str | Path]],
        theirs: tuple[str, list[list[str | Path]]] | None,
        repeats: int,
        their_repeats: int | None = None,
        before: Callable[[], None] | None = None,
    ) -> tuple[Sample, Sample | None]:
        """Alternate our command and the baseline so load changes hit both alike."""
        mine = Sample(ours[0])
        base = Sample(theirs[0]) if theirs else None
        their_repeats = repeats if their_repeats is None else their_repeats
        for index in range(max(repeats, their_repeats)):
            if index < repeats:
                if before is not None:
                    before()
                mine.add(*run_once(ours[1], ENV))
            if theirs and base is not None and index < their_repeats:
                start, peak, cpu = time.perf_counter(), 0, 0.0
                for argv in theirs[1]:
                    _, one_peak, one_cpu = run_once(argv, ENV)
                    peak, cpu = max(peak, one_peak), cpu + one_cpu
                base.add(time.perf_counter() - start, peak, cpu)
            self.note_load()
        return mine, base

    # -- the measurements ------------------------------------------------------------------

    def parse(self) -> None:
        from markdown_it import MarkdownIt

        from aipm_content import parse
        from aipm_content.parse.markdown import markdown_parser

        text = SEED.read_text(encoding="utf-8")
        plain, ours = MarkdownIt(), markdown_parser()
        n = self.plan.parse_repeats

        def parse_validate() -> object:
            return parse(text, path=str(SEED), source_dir=SEED.parent)

        floor = Sample("markdown-it-py tokenisation (MarkdownIt(), the floor)")
        configured = Sample("our configured markdown-it (directives, front matter)")
        full = Sample("parse + validate (aipm_content.parse)")
        runs: list[tuple[Sample, Callable[[], object]]] = [
            (floor, lambda: plain.parse(text)),
            (configured, lambda: ours.parse(text)),
            (full, parse_validate),
        ]
        for _, func in runs:  # warm up
            for _ in range(5):
                func()
        for _ in range(n):  # alternated, so a burst of load elsewhere hits all three alike
            for sample, func in runs:
                start = time.perf_counter()
                func()
                sample.seconds.append(time.perf_counter() - start)
        self.results.parse = [floor, configured, full]
        self.results.parse_profile = profile_function(parse_validate)
        self.note_load()

    def single(self) -> None:
        out = self.work / "single"
        out.mkdir(parents=True, exist_ok=True)
        for fmt in FORMATS:
            target = out / f"ours{SUFFIX[fmt]}"
            mine, base = self.interleaved(
                (
                    f"aipm-export {fmt}",
                    [AIPM, fmt, SEED, "-o", target, "--settings", self.settings],
                ),
                (PANDOC_LABEL[fmt], [pandoc_args(fmt, SEED, out / f"pandoc{SUFFIX[fmt]}")]),
                self.plan.single_repeats,
            )
            assert base is not None
            self.results.single[fmt] = (mine, base)
        mine, base = self.interleaved(
            ("aipm-export check", [AIPM, "check", SEED]),
            ("pandoc -t json (parse only, nearest)", [pandoc_args("json", SEED, out / "p.json")]),
            self.plan.single_repeats,
        )
        assert base is not None
        self.results.single["check"] = (mine, base)

    def engine(self) -> None:
        out = self.work / "engine"
        html, css = write_inputs(SEED, out)
        mine, base = self.interleaved(
            (
                "aipm-export pdf",
                [AIPM, "pdf", SEED, "-o", out / "ours.pdf", "--settings", self.settings],
            ),
            ("weasyprint CLI, our HTML and CSS", [weasyprint_args(html, css, out / "bare.pdf")]),
            self.plan.single_repeats,
        )
        assert base is not None
        self.results.engine = (mine, base)

    def catalogs(self) -> None:
        for size in self.plan.sizes:
            folder = self.work / f"lessons-{size}"
            write_catalog(folder, size)
            sources = sorted(folder.glob("*.md"))
            for fmt in FORMATS:
                out = self.work / f"out-{size}-{fmt}"
                theirs_out = self.work / f"pandoc-{size}-{fmt}"
                theirs_out.mkdir(parents=True, exist_ok=True)
                loop = [pandoc_args(fmt, s, theirs_out / f"{s.stem}{SUFFIX[fmt]}") for s in sources]
                build: list[str | Path] = [
                    AIPM,
                    "build",
                    folder,
                    "-o",
                    out,
                    "--formats",
                    fmt,
                    "--no-cache",
                    "--settings",
                    self.settings,
                ]
                slow = fmt == "pdf"
                mine, base = self.interleaved(
                    (f"aipm-export build --formats {fmt}", build),
                    (f"loop of {PANDOC_LABEL[fmt]}", loop),
                    self.plan.pdf_repeats if slow else self.plan.repeats,
                    self.plan.slow_repeats if slow else self.plan.repeats,
                )
                assert base is not None
                self.results.catalog[size, fmt] = (mine, base)
                if size == self.plan.sizes[-1]:
                    self.incremental(folder, out, fmt)
            if size == self.plan.sizes[-1]:
                self.incremental(
                    folder, self.work / f"out-{size}-all", ",".join(FORMATS), full=True
                )

    def incremental(self, folder: Path, out: Path, fmt: str, full: bool = False) -> None:
        """After a full build: a rebuild with nothing changed, then with one lesson edited.
        With ``full``, the full build (every format at once) is timed here first."""
        build: list[str | Path] = [
            AIPM,
            "build",
            folder,
            "-o",
            out,
            "--formats",
            fmt,
            "--settings",
            self.settings,
        ]
        lesson = folder / "lesson-0001.md"
        original = lesson.read_text(encoding="utf-8")
        edits = iter(range(1, 100))

        def edit() -> None:
            lesson.write_text(
                original + f"\nEdited for the incremental benchmark, run {next(edits)}.\n", "utf-8"
            )

        if full:
            whole = [*build, "--no-cache"]
            self.results.full_all, _ = self.interleaved((f"build {fmt}", whole), None, 1)
        noop, _ = self.interleaved(
            (f"build {fmt}, nothing changed", build), None, self.plan.repeats
        )
        changed, _ = self.interleaved(
            (f"build {fmt}, one lesson edited", build), None, self.plan.repeats, before=edit
        )
        lesson.write_text(original, encoding="utf-8")
        self.results.incremental[fmt] = (noop, changed)
        if full:
            edit()
            self.results.incremental_profile = profile_cli([str(a) for a in build[1:]], ROOT)
            lesson.write_text(original, encoding="utf-8")

    def memory(self) -> None:
        big = write_scaled(self.work / "big" / f"seed-x{self.plan.scale}.md", self.plan.scale)
        out = self.work / "big"
        rows: list[Sample] = []
        for fmt in ("pdf", "epub"):
            mine, base = self.interleaved(
                (
                    f"aipm-export {fmt}, seed x{self.plan.scale}",
                    [AIPM, fmt, big, "-o", out / f"ours{SUFFIX[fmt]}", "--settings", self.settings]
                    # ~2 minutes of layout: the default 120 s render limit would stop it.
                    + (["--timeout", "0"] if fmt == "pdf" else []),
                ),
                (
                    f"{PANDOC_LABEL[fmt]}, seed x{self.plan.scale}",
                    [pandoc_args(fmt, big, out / f"pandoc{SUFFIX[fmt]}")],
                )
                if fmt == "epub" or self.plan.big_pandoc
                else None,
                1,
            )
            rows.append(mine)
            if base is not None:
                rows.append(base)
        self.results.memory = rows
        self.results.big_pages = pdf_pages(out / "ours.pdf")

    def course(self) -> None:
        """A generated course as one PDF workbook, beside the same workbook laid out as one
        document by the bare WeasyPrint CLI, and as one EPUB book: time and peak memory."""
        folder = self.work / f"course-{self.plan.course_lessons}"
        course = write_course(folder, self.plan.course_lessons)
        html, css = write_course_inputs(course, folder / "one-document")
        ours: list[str | Path] = [AIPM, "pdf", course, "-o", folder / "course.pdf"]
        mine, whole = self.interleaved(
            ("aipm-export pdf course.yml", [*ours, "--settings", self.settings]),
            (ONE_DOCUMENT, [weasyprint_args(html, css, folder / "one-document.pdf")]),
            1,
        )
        book: list[str | Path] = [AIPM, "epub", course, "-o", folder / "course.epub"]
        epub, _ = self.interleaved(
            ("aipm-export epub course.yml", [*book, "--settings", self.settings]), None, 1
        )
        assert whole is not None
        self.results.course = [mine, whole, epub]
        self.results.course_pages = pdf_pages(folder / "course.pdf")

    def preview(self) -> None:
        from .preview import reload_latency

        self.results.preview = reload_latency(
            AIPM, self.work, self.settings, self.plan.preview_edits
        )
        self.note_load()

    def profiles_for_misses(self) -> None:
        """cProfile summaries of the commands behind each missed target."""
        small = self.work / "lessons-profile"
        write_catalog(small, 10)
        commands = {
            "single-pdf": [
                "pdf",
                str(SEED),
                "-o",
                str(self.work / "profile.pdf"),
                "--settings",
                str(self.settings),
            ],
            "catalog-pdf": [
                "build",
                str(small),
                "-o",
                str(self.work / "profile-pdf"),
                "--formats",
                "pdf",
                "--jobs",
                "1",
                "--no-cache",
                "--settings",
                str(self.settings),
            ],
            "catalog-epub": [
                "build",
                str(small),
                "-o",
                str(self.work / "profile-epub"),
                "--formats",
                "epub",
                "--jobs",
                "1",
                "--no-cache",
                "--settings",
                str(self.settings),
            ],
        }
        for target in self.results.targets():
            if not target.met and target.key in commands:
                self.results.profiles[target.key] = profile_cli(commands[target.key], ROOT)


STEPS = {
    "parse": "parse",
    "single": "single",
    "engine": "engine",
    "catalogs": "catalogs",
    "large": "memory",
    "course": "course",
    "preview": "preview",
    "profiles": "profiles_for_misses",
}
"""Each step of a run (``--only`` names one) and its method of Bench."""


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small catalogs and few repeats")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="default: bench/RESULTS.md (quick: bench/work/RESULTS-quick.md)",
    )
    parser.add_argument(
        "--only",
        choices=sorted(STEPS),
        default=None,
        help="run one step (its rows only; RESULTS.md is not touched unless --output is given)",
    )
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    work = ROOT / "bench" / "work"
    shutil.rmtree(work, ignore_errors=True)
    (work / "settings").mkdir(parents=True)
    output = args.output or (
        work.parent / "work" / "RESULTS-quick.md"
        if args.quick or args.only
        else ROOT / "bench" / "RESULTS.md"
    )

    # What a pip-installed package has: the commands read our modules' bytecode rather than
    # compile them at every start (an editable checkout with PYTHONDONTWRITEBYTECODE=1 would).
    compileall.compile_dir(ROOT / "src", quiet=1)
    started = time.perf_counter()
    bench = Bench(plan, work)
    bench.results.facts = describe()
    bench.note_load()
    steps: list[tuple[str, Callable[[], None]]] = [
        (name, getattr(bench, method))
        for name, method in STEPS.items()
        if args.only in (None, name)
    ]
    for name, step in steps:
        print(f"[{time.perf_counter() - started:6.0f} s] {name}", file=sys.stderr, flush=True)
        step()
    bench.results.loads = bench.loads
    bench.results.cores = os.cpu_count() or 1
    bench.results.wall = time.perf_counter() - started
    output.write_text(report.render(bench.results, plan), encoding="utf-8")
    print(f"wrote {output} in {bench.results.wall:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
