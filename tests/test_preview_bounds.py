"""The preview's PDF has the PDF channel's time limit, and page previews are all or nothing.

The preview renders PDFs away from its main thread, where the SIGALRM deadline cannot ring; a
worker process of its own runs them under the ``timeout`` setting (preview/pdf_worker.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from aipm_content.cli import main as cli
from preview_server import LESSON_ID, Server, write_lesson

TIMED_OUT = re.compile(r"error\[render-timeout\]")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "lesson"
    folder.mkdir()
    (tmp_path / "settings").mkdir()
    write_lesson(folder, f"---\nid: {LESSON_ID}\ntitle: Slow\n---\n\nA paragraph.\n")
    return folder


def test_the_preview_pdf_stops_at_the_timeout_setting(project: Path) -> None:
    """A render that needs longer than ``timeout`` (here a millisecond; a render takes a good
    part of a second) is stopped with the same located error as ``aipm-export pdf``, and the
    server goes on serving."""
    (project.parent / "settings" / "pdf.toml").write_text("timeout = 0.001\n", encoding="utf-8")
    running = Server(project / "lesson.md", project.parent / "settings")
    try:
        status, body = running.get(f"/{LESSON_ID}/{LESSON_ID}.pdf")
        assert status == 422, body
        text = body.decode()
        assert f"{project / 'lesson.md'}:3:1: error[render-timeout]: " in text
        assert "the PDF render took longer than 0.001 s" in text
        running.wait_for_line(TIMED_OUT)  # the terminal says it too
        assert running.get(f"/{LESSON_ID}/")[0] == 200
    finally:
        assert running.stop() == 0, running.output
    assert "Traceback" not in running.output


def test_an_epub_whose_pages_cannot_be_rendered_is_not_written(
    project: Path, tmp_path: Path
) -> None:
    """``epub --preview DIR`` keeps the book only if its pages were written too."""
    out = tmp_path / "book.epub"
    out.write_bytes(b"an earlier book")
    blocked = tmp_path / "pages"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    args = ["epub", str(project / "lesson.md"), "-o", str(out), "--preview", str(blocked)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "error[" in result.stderr and "Traceback" not in result.output
    assert out.read_bytes() == b"an earlier book"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "book.epub",
        "lesson",
        "pages",
        "settings",
    ]
