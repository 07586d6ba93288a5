"""The bare-engine row: WeasyPrint's own command line on the very HTML and CSS our PDF channel
lays out, so what our command adds around the engine (start-up, parsing, templating, the
contents' page numbers) is measured apart from the layout itself."""

from __future__ import annotations

import sys
from pathlib import Path

WEASYPRINT = str(Path(sys.executable).parent / "weasyprint")


def write_inputs(source: Path, folder: Path) -> tuple[Path, Path]:
    """The print HTML and CSS of ``source`` with default options, as files in ``folder``."""
    from aipm_content.api import load
    from aipm_content.exporters.pdf import PdfOptions
    from aipm_content.exporters.pdf.document import lesson_css, lesson_html

    folder.mkdir(parents=True, exist_ok=True)
    lesson, options = load(source), PdfOptions()
    html, css = folder / "lesson.html", folder / "lesson.css"
    html.write_text(lesson_html(lesson, options), encoding="utf-8")
    css.write_text(lesson_css(options), encoding="utf-8")
    return html, css


def weasyprint_args(html: Path, css: Path, out: Path) -> list[str | Path]:
    return [WEASYPRINT, "--pdf-variant", "pdf/ua-1", "-s", css, html, out]
