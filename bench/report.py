"""The benchmark's results, the targets they are judged by, and RESULTS.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .engine import ONE_DOCUMENT
from .measure import Sample

if TYPE_CHECKING:
    from .plan import Plan

NOTES = Path(__file__).resolve().parent / "NOTES.md"
# The goals of the speed issue (#18), each judged on ratios measured in one run.
SINGLE_PDF_GOAL = 1.4
SINGLE_GOAL = 3.0
ENGINE_GOAL = 1.1
CATALOG_GOAL = {"pdf": 3, "epub": 10}
MEMORY_LIMIT_MB = 300
COURSE_MEMORY_LIMIT_MB = 450


@dataclass
class Target:
    key: str
    text: str
    measured: str
    met: bool


@dataclass
class Results:
    plan_name: str
    facts: dict[str, str] = field(default_factory=dict)
    parse: list[Sample] = field(default_factory=list)
    parse_profile: str = ""
    single: dict[str, tuple[Sample, Sample]] = field(default_factory=dict)
    engine: tuple[Sample, Sample] | None = None
    """Our PDF command and the bare WeasyPrint CLI on our HTML and CSS."""
    catalog: dict[tuple[int, str], tuple[Sample, Sample]] = field(default_factory=dict)
    incremental: dict[str, tuple[Sample, Sample]] = field(default_factory=dict)
    incremental_profile: str = ""
    full_all: Sample | None = None
    """The full build of the largest catalog in every format at once."""
    memory: list[Sample] = field(default_factory=list)
    big_pages: int | None = None
    course: list[Sample] = field(default_factory=list)
    """The generated course as PDF and EPUB."""
    course_pages: int | None = None
    preview: Sample | None = None
    """Save-to-page-updated times of ``aipm-export preview``."""
    profiles: dict[str, str] = field(default_factory=dict)
    loads: list[float] = field(default_factory=list)
    cores: int = 1
    wall: float = 0.0

    @property
    def largest(self) -> int:
        return max(size for size, _ in self.catalog)

    def targets(self) -> list[Target]:
        found: list[Target] = []
        if self.parse:
            floor, _, full = self.parse
            ratio = full.median / floor.median
            found.append(
                Target(
                    "parse", "parse + validate <= 3x raw tokenisation", f"{ratio:.2f}x", ratio <= 3
                )
            )
        for fmt, (ours, base) in self.single.items():
            ratio = ours.median / base.median
            goal = SINGLE_PDF_GOAL if fmt == "pdf" else SINGLE_GOAL
            text = f"single-lesson {fmt}, whole command, <= {goal}x {base.label}"
            found.append(Target(f"single-{fmt}", text, f"{ratio:.2f}x", ratio <= goal))
        if self.engine is not None:
            ours, bare = self.engine
            ratio = ours.median / bare.median
            text = f"our PDF command <= {ENGINE_GOAL}x the bare WeasyPrint CLI on our HTML and CSS"
            found.append(Target("engine", text, f"{ratio:.2f}x", ratio <= ENGINE_GOAL))
        if self.catalog:
            n = self.largest
            for fmt in ("epub", "pdf"):
                if (n, fmt) in self.catalog:
                    ours, pandoc = self.catalog[n, fmt]
                    speedup = pandoc.median / ours.median
                    goal = CATALOG_GOAL[fmt]
                    text = (
                        f"{n}-lesson catalog >= {goal}x faster than the pandoc loop ({fmt.upper()})"
                    )
                    found.append(
                        Target(f"catalog-{fmt}", text, f"{speedup:.1f}x faster", speedup >= goal)
                    )
            for fmt, (_, changed) in self.incremental.items():
                if "," in fmt and self.full_all is not None:
                    share = changed.median / self.full_all.median
                    text = (
                        f"one edited lesson in {n} rebuilt in <= 5% of the full build (all formats)"
                    )
                    found.append(Target("incremental", text, f"{share:.1%}", share <= 0.05))
        big = next((s for s in self.memory if s.label.startswith("aipm-export pdf")), None)
        if big is not None:
            text = f"{big.label.split(', ')[1]} lesson as PDF under {MEMORY_LIMIT_MB} MB peak"
            found.append(
                Target("memory", text, f"{big.peak_mb:.0f} MB", big.peak_mb < MEMORY_LIMIT_MB)
            )
        pdf = next((s for s in self.course if s.label.startswith("aipm-export pdf")), None)
        if pdf is not None:
            text = f"course PDF under {COURSE_MEMORY_LIMIT_MB} MB peak"
            met = pdf.peak_mb < COURSE_MEMORY_LIMIT_MB
            found.append(Target("course-pdf", text, f"{pdf.peak_mb:.0f} MB", met))
        whole = next((s for s in self.course if s.label == ONE_DOCUMENT), None)
        if pdf is not None and whole is not None:
            text = "course PDF faster than the bare WeasyPrint CLI on the workbook as one document"
            ratio = pdf.median / whole.median
            found.append(Target("course-join", text, f"{ratio:.2f}x its time", ratio < 1))
        return found


def duration(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def runs(sample: Sample) -> str:
    return f"{sample.runs}"


def render(results: Results, plan: Plan) -> str:
    facts = results.facts
    max_load = max(results.loads) if results.loads else 0.0
    shared = max_load > results.cores * 0.75
    quick = " --quick" if results.plan_name == "quick" else ""
    lines = [
        "# Benchmark results",
        "",
        f"Written by `.venv/bin/python -m bench{quick}` on {facts.get('date', '?')}"
        f" in {results.wall / 60:.1f} min ({results.plan_name} run).",
        "Every figure is a median over the runs shown; ours and the baseline were run",
        "alternately in the same process tree, so a change in machine load hits both.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [f"| {key} | {value} |" for key, value in facts.items()]
    load_text = (
        ", ".join(f"{x:.1f}" for x in (min(results.loads), max(results.loads)))
        if results.loads
        else "?"
    )
    lines += [
        f"| 1-min load average during the run (min, max) | {load_text} on {results.cores} cores |",
        "",
    ]
    if shared:
        lines += [
            f"**The machine was busy**: the load average reached {max_load:.1f} on"
            f" {results.cores} cores (the catalog builds alone keep every core busy). Absolute",
            "times are inflated by any other work; the ratios, measured alternately, are the",
            "figures to read.",
            "",
        ]
    lines += ["## Targets", "", "| target | measured | met |", "|---|---|---|"]
    for target in results.targets():
        lines.append(f"| {target.text} | {target.measured} | {'yes' if target.met else '**no**'} |")
    lines += ["", "## Parse + validate (in-process, the seed lesson)", ""]
    lines += ["| what | median | runs |", "|---|---|---|"]
    for sample in results.parse:
        lines.append(f"| {sample.label} | {duration(sample.median)} | {runs(sample)} |")
    lines += ["", "## One lesson, whole command (process start included)", ""]
    rows = [(fmt, *pair) for fmt, pair in results.single.items()]
    if results.engine is not None:
        rows.append(("pdf, bare engine", *results.engine))
    lines += table_pairs(rows, "format")
    for size in sorted({s for s, _ in results.catalog}):
        lines += [
            "",
            f"## Catalog of {size} generated lessons (`aipm-export build`, all cores, no cache)",
            "",
        ]
        pairs = [(fmt, *results.catalog[s, fmt]) for s, fmt in results.catalog if s == size]
        lines += table_pairs(pairs, "format", speedup=True)
    if results.incremental:
        n = results.largest
        lines += ["", f"## Incremental rebuilds of the {n}-lesson catalog", ""]
        lines += [
            "| format | full build | nothing changed | one lesson edited | edited / full |",
            "|---|---|---|---|---|",
        ]
        for fmt, (noop, changed) in results.incremental.items():
            full = results.full_all if "," in fmt else results.catalog[n, fmt][0]
            assert full is not None
            lines.append(
                f"| {fmt.replace(',', ', ')} | {duration(full.median)} | {duration(noop.median)} | "
                f"{duration(changed.median)} | {changed.median / full.median:.1%} |"
            )
    if results.memory:
        pages = f" ({results.big_pages} pages of PDF)" if results.big_pages else ""
        lines += ["", f"## Large lesson{pages}: time and peak memory", ""]
        lines += ["| command | time | peak RSS |", "|---|---|---|"]
        for sample in results.memory:
            lines.append(
                f"| {sample.label} | {duration(sample.median)} | {sample.peak_mb:.0f} MB |"
            )
        lines += ["", "Peak RSS elsewhere (largest single process, from wait4):", ""]
        lines += ["| command | peak RSS |", "|---|---|"]
        for ours, pandoc in results.single.values():
            lines.append(f"| {ours.label}, seed | {ours.peak_mb:.0f} MB |")
            lines.append(f"| {pandoc.label}, seed | {pandoc.peak_mb:.0f} MB |")
        for (size, _fmt), (ours, _) in results.catalog.items():
            if size == results.largest:
                lines.append(
                    f"| {ours.label}, {size} lessons (per process) | {ours.peak_mb:.0f} MB |"
                )
    if results.course:
        pages = f", {results.course_pages} pages of PDF" if results.course_pages else ""
        lines += ["", f"## Course (generated, {plan.course_lessons} lessons{pages})", ""]
        lines += ["| command | time | CPU | peak RSS |", "|---|---|---|---|"]
        for sample in results.course:
            lines.append(
                f"| {sample.label} | {duration(sample.median)} | {sample.cpu_median:.2f} s | "
                f"{sample.peak_mb:.0f} MB |"
            )
    if results.preview is not None:
        sample = results.preview
        lines += ["", "## Live preview (`aipm-export preview`, headless Chromium)", ""]
        lines += ["| what | median | slowest | edits |", "|---|---|---|---|"]
        lines.append(
            f"| {sample.label} | {duration(sample.median)} | {duration(max(sample.seconds))} | "
            f"{sample.runs} |"
        )
    lines += ["", "## Profiles", ""]
    lines += [
        "Parse + validate of the seed, 50 calls (cProfile):",
        "",
        "```",
        results.parse_profile.rstrip(),
        "```",
    ]
    if results.incremental_profile:
        lines += [
            "",
            "Incremental PDF rebuild, one lesson edited (cProfile of the command, in-process):",
        ]
        lines += ["", "```", results.incremental_profile.rstrip(), "```"]
    for key, text in results.profiles.items():
        lines += [
            "",
            f"Missed target `{key}` (cProfile, one process, imports included):",
            "",
            "```",
            text.rstrip(),
            "```",
        ]
    if NOTES.is_file():
        lines += ["", NOTES.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines) + "\n"


def table_pairs(
    rows: list[tuple[str, Sample, Sample]], first: str, speedup: bool = False
) -> list[str]:
    head = f"| {first} | aipm-export | runs | baseline | baseline time | runs | "
    head += "baseline / ours |" if speedup else "ours / baseline |"
    head += " CPU s, ours / baseline |"
    lines = [head, "|---|---|---|---|---|---|---|---|"]
    for name, ours, base in rows:
        ratio = base.median / ours.median if speedup else ours.median / base.median
        lines.append(
            f"| {name} | {duration(ours.median)} | {ours.runs} | {base.label} | "
            f"{duration(base.median)} | {base.runs} | {ratio:.2f}x | "
            f"{ours.cpu_median:.2f} / {base.cpu_median:.2f} |"
        )
    return lines
