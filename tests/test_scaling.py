"""Every exporter's work grows linearly with the lesson: 4x the sections cost at most ~5x.

Work is counted, not timed: the number of Python function calls (and generator resumptions)
an export makes, through ``sys.setprofile``. Counts are deterministic, so the test does not
depend on the machine's load. A quadratic step (a whole-lesson total recomputed per section,
a block looked up by scanning the lesson once per activity) makes the ratio grow with N: at
these sizes it gives 8-30x where linear work gives about 4x.

The PDF is counted up to the HTML WeasyPrint lays out (our part); WeasyPrint's own layout is
linear in the document (docs/performance.md) and too slow to run at 4N here.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import aipm_content
from aipm_content import export, load
from aipm_content.exporters.pdf import PdfOptions
from aipm_content.exporters.pdf.document import lesson_html
from aipm_content.model.lesson import Lesson

SMALL = 20
"""Sections of the smaller lesson; the larger has four times as many."""
MAX_RATIO = 5.0


PRACTICES = 3
"""Practices answering each judgment: lookups by id are what went quadratic."""


def practice(i: int, j: int) -> str:
    return f":::{{practice}}\n:id: practice-{i}-{j}\n:case: judgment-{i}\n:min-chars: 80\n:::\n"


def section(i: int) -> str:
    """Text, a judgment, practices answering it and a scored decision."""
    practices = "\n".join(practice(i, j) for j in range(PRACTICES))
    return f"""## Part {i}

Words of part {i} for the reader, with *some* emphasis and a [link](https://example.com/{i}).

:::{{judgment}}
:id: judgment-{i}
The situation of part {i}: a team, a deadline and a model that is not ready.

The call: Do you ship part {i} now or wait?
:::

{practices}
::::{{decision}} Decision {i}
What do you do in part {i}?

:::{{choice}} Ship it
:score: 0
Too early.
:::

:::{{choice}} Wait a week
:score: 5
Better.
:::
::::
"""


def write_lesson(folder: Path, sections: int) -> Path:
    path = folder / f"lesson-{sections}.md"
    front = f"---\ntitle: Scaling {sections}\nid: scaling-{sections}\nlanguage: en\n---\n\n"
    path.write_text(front + "\n".join(section(i) for i in range(sections)), encoding="utf-8")
    return path


OURS = str(Path(aipm_content.__file__).parent)


def calls(work: Callable[[], Any]) -> tuple[int, Counter[str]]:
    """Python-level calls (and generator resumptions) ``work`` makes: in all, and of each of
    our own functions (a quadratic helper can hide under a large linear total)."""
    total = 0
    ours: Counter[str] = Counter()

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal total
        if event == "call":
            total += 1
            code = frame.f_code
            if code.co_filename.startswith(OURS):
                ours[f"{Path(code.co_filename).name}:{code.co_firstlineno} {code.co_name}"] += 1

    sys.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(None)
    return total, ours


def parse_work(path: Path, out: Path) -> Callable[[], Any]:
    return lambda: load(path)


def pdf_work(path: Path, out: Path) -> Callable[[], Any]:
    lesson = load(path)
    return lambda: lesson_html(lesson, PdfOptions())


def channel_work(fmt: str) -> Callable[[Path, Path], Callable[[], Any]]:
    def make(path: Path, out: Path) -> Callable[[], Any]:
        lesson = load(path)
        return lambda: export(lesson, fmt, out)

    return make


WORK = {
    "parse": parse_work,
    "json": channel_work("json"),
    "epub": channel_work("epub"),
    "scorm": channel_work("scorm"),
    "pdf-html": pdf_work,
}


@pytest.mark.parametrize("name", list(WORK))
def test_work_grows_linearly_with_the_sections(name: str, tmp_path: Path) -> None:
    small, large = write_lesson(tmp_path, SMALL), write_lesson(tmp_path, 4 * SMALL)
    out = tmp_path / "out"
    WORK[name](small, out)()  # warm: templates compiled, modules imported, caches filled
    cost_small, ours_small = calls(WORK[name](small, out))
    cost_large, ours_large = calls(WORK[name](large, out))
    assert cost_large <= MAX_RATIO * cost_small, (
        f"{name}: {cost_small} calls for {SMALL} sections, {cost_large} for {4 * SMALL} "
        f"({cost_large / cost_small:.1f}x)"
    )
    # A few calls more than 5x is a constant (a function called once per lesson and per
    # section); a quadratic one is off by thousands.
    grown = {
        where: (ours_small[where], count)
        for where, count in ours_large.items()
        if count > MAX_RATIO * ours_small[where] + 10
    }
    assert not grown, f"{name}: calls for {SMALL} and {4 * SMALL} sections: {grown}"


def test_a_copied_lesson_does_not_reuse_the_originals_cached_totals(tmp_path: Path) -> None:
    """Totals are computed once per lesson; a copy with another base IRI gets its own."""
    lesson: Lesson = load(write_lesson(tmp_path, 2))
    assert lesson.activities[0].iri.startswith("urn:aipm:")
    based = lesson.model_copy(update={"base_iri": "https://learn.example.com/l/"})
    assert based.activities[0].iri.startswith("https://learn.example.com/l/")
    assert lesson.activities[0].iri.startswith("urn:aipm:")
