"""A build worker that dies: only the lesson that killed it fails, the rest are built.

The channel below is a real plugin that kills its own process (SIGKILL, as the kernel's
out-of-memory killer does) on one lesson. It is registered in the parent before the pool
forks, so the workers inherit it like any built-in channel.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner
from rich.console import Console
from rich.progress import Progress

from aipm_content.build_pool import run_jobs
from aipm_content.build_worker import Job, LessonResult
from aipm_content.cli import main
from aipm_content.exporters import base
from aipm_content.exporters.base import ExportOptions
from aipm_content.exporters.output import write_atomic
from aipm_content.model.lesson import Lesson

DEADLY = "Deadly"


class KillingExporter:
    """Writes the lesson's title, except for the lesson titled DEADLY: that kills its worker."""

    name: ClassVar[str] = "killing"
    suffix: ClassVar[str] = ".txt"
    description: ClassVar[str] = "dies on one lesson"
    options_model: ClassVar[type[ExportOptions]] = ExportOptions
    courses: ClassVar[bool] = False

    def export(self, lesson: Lesson, out: Path, options: object) -> Path:
        if lesson.title == DEADLY:
            os.kill(os.getpid(), signal.SIGKILL)
        return write_atomic(out, lesson.title.encode())


EXPORTER = KillingExporter()


def build(folder: Path, titles: list[str], workers: int) -> list[LessonResult]:
    """Each title as a lesson, built by ``workers`` workers: the results in the titles' order.
    Earlier lessons are made larger, so they are sent first and the deadly one's place in
    the queue is known."""
    jobs = []
    for number, title in enumerate(titles):
        source = folder / f"l{number:03d}.md"
        padding = "Text. " * (len(titles) - number)
        source.write_text(f"---\ntitle: {title}\n---\n\n{padding}\n", encoding="utf-8")
        jobs.append(Job(source, {"killing": source.with_suffix(".txt")}))
    with open(os.devnull, "w", encoding="utf-8") as quiet:
        progress = Progress(console=Console(file=quiet))
        tasks = {name: progress.add_task(name) for name in ("killing", "lessons")}
        results = run_jobs(jobs, {"killing": ExportOptions()}, workers, progress, tasks)
    assert sorted(r.source for r in results) == [job.source for job in jobs]  # each once
    return sorted(results, key=lambda result: result.source)


def check(folder: Path, titles: list[str], results: list[LessonResult]) -> None:
    """The deadly lessons failed as worker-crashed with nothing written, the rest built."""
    for title, result in zip(titles, results, strict=True):
        written = result.source.with_suffix(".txt")
        if title == DEADLY:
            assert [d.code for d in result.diagnostics] == ["worker-crashed"]
            assert [o.status for o in result.outcomes] == ["failed"]
            assert not written.exists()
        else:
            assert [o.status for o in result.outcomes] == ["built"], result.diagnostics
            assert written.read_text("utf-8") == title


@pytest.fixture(autouse=True)
def killing_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(base.BUILTIN, "killing", f"{__name__}:EXPORTER")


@pytest.mark.parametrize(("lessons", "deadly_at"), [(6, 0), (40, 0), (40, 17), (40, 39)])
def test_only_the_lesson_that_kills_its_worker_fails(
    tmp_path: Path, lessons: int, deadly_at: int
) -> None:
    # 40 quick lessons go out in batches of up to 5, so the deadly one shares its batch.
    titles = [f"Lesson {n}" for n in range(lessons)]
    titles[deadly_at] = DEADLY
    check(tmp_path, titles, build(tmp_path, titles, workers=2))


def test_every_deadly_lesson_is_reported_and_nothing_else(tmp_path: Path) -> None:
    titles = [f"Lesson {n}" for n in range(30)]
    titles[3] = titles[4] = titles[20] = DEADLY
    check(tmp_path, titles, build(tmp_path, titles, workers=2))


def test_the_build_reports_the_deadly_lesson_and_keeps_the_rest(tmp_path: Path) -> None:
    folder, out = tmp_path / "content", tmp_path / "dist"
    folder.mkdir()
    titles = ["One", DEADLY, "Three", "Four"]
    for number, title in enumerate(titles):
        (folder / f"l{number}.md").write_text(f"---\ntitle: {title}\n---\n\nText.\n", "utf-8")
    args = ["build", str(folder), "-o", str(out), "--formats", "killing", "--jobs", "2"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 2
    assert f"{folder / 'l1.md'}:1:1: error[worker-crashed]: the worker process died" in (
        " ".join(result.output.split())
    )
    assert sorted(p.name for p in out.glob("*.txt")) == ["l0.txt", "l2.txt", "l3.txt"]
