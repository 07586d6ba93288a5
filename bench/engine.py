"""The bare-engine rows: WeasyPrint's own command line on the very HTML and CSS our PDF channel
lays out, so what our command adds around the engine (start-up, parsing, templating, the
contents' page numbers) is measured apart from the layout itself; and for a course, the same
workbook laid out as one document, which our parts-and-join layout is to beat."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

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


ONE_DOCUMENT = "weasyprint CLI, the same workbook as one document"
# One document cannot know its pages before it is laid out: its contents asks WeasyPrint.
ONE_DOCUMENT_CONTENTS = """
.toc a::after { content: leader(".") target-counter(attr(href), page); }
"""
BODY = re.compile(r"<body([^>]*)>(.*)</body>", re.S)


def write_course_inputs(source: Path, folder: Path) -> tuple[Path, Path]:
    """The course workbook as ONE HTML document (the front, then every lesson's parts, as our
    exporter lays them out apart) and its CSS, the contents numbered by ``target-counter``,
    as files in ``folder``."""
    from aipm_content.api import load_course
    from aipm_content.exporters.pdf import PdfOptions
    from aipm_content.exporters.pdf.course import course_pdf
    from aipm_content.exporters.pdf.press import Press

    laid_out: list[str] = []
    themes: list[str] = []
    original_init, original_lay_out = Press.__init__, Press.lay_out

    def init(self: Press, css: str, *args: Any, **kwargs: Any) -> None:
        themes.append(css)
        original_init(self, css, *args, **kwargs)

    def lay_out(self: Press, html: str, *args: Any, **kwargs: Any) -> Any:
        laid_out.append(html)
        return original_lay_out(self, html, *args, **kwargs)

    Press.__init__, Press.lay_out = init, lay_out  # type: ignore[method-assign]
    try:
        course_pdf(load_course(source), PdfOptions())
    finally:
        Press.__init__, Press.lay_out = original_init, original_lay_out  # type: ignore[method-assign]
    # The last layout is the front with its real numbers; the parts came just before it.
    front, parts = laid_out[-1], laid_out[-1 - count_parts(laid_out) : -1]
    # Each part's body becomes a <div> with the body's class, which the course theme styles by.
    bodies = [
        f"<div{match.group(1)}>{match.group(2)}</div>"
        for html in (front, *parts)
        if (match := BODY.search(html))
    ]
    head = front[: front.index("<body")]
    folder.mkdir(parents=True, exist_ok=True)
    html, css = folder / "course.html", folder / "course.css"
    html.write_text(f"{head}<body>\n" + "\n".join(bodies) + "\n</body>\n</html>\n", "utf-8")
    css.write_text(themes[-1] + ONE_DOCUMENT_CONTENTS, encoding="utf-8")
    return html, css


def count_parts(laid_out: list[str]) -> int:
    """How many lesson parts the last round laid out: those after the previous front."""
    fronts = [i for i, html in enumerate(laid_out) if 'class="course-front' in html]
    return len(laid_out) - 1 - (fronts[-2] + 1 if len(fronts) > 1 else 0)
