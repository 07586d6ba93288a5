"""The preview's pages, rebuilt whole from the source on every change.

Each lesson lives under ``/<lesson-id>/``: the SCORM package's own files (``index.html``, its
stylesheet, scripts and images, as ``package_files`` renders them) and the print view
(``print.html``: the PDF's HTML, with its stylesheet as ``print.css``). A course adds an index
at ``/``. Nothing here is written to disk, and nothing else is ever served.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from ..api import SourceFormat, load_source
from ..exporters.pdf import PdfOptions
from ..exporters.scorm import ScormOptions
from ..exporters.scorm.manifest import LAUNCH, MANIFEST
from ..exporters.scorm.package import PLAYER_DIR, package_files
from ..exporters.scorm.policy import SCOPE_SCRIPT, player_policy
from ..model.course import Course
from ..model.lesson import Lesson
from ..parse.diagnostics import Diagnostic, LessonError
from ..settings import load_settings

ASSETS = Path(__file__).parent / "assets"
PDF_EXTRA = "pip install 'aipm-content[pdf]'"


@dataclass(frozen=True)
class Resource:
    body: bytes
    media_type: str


@dataclass(frozen=True)
class Site:
    """One good render: every path it serves (no leading slash) and what its PDFs need."""

    files: dict[str, Resource]
    home: str
    """Where ``/`` leads: the lesson's player, or ``/`` itself (the course index)."""
    lessons: dict[str, Lesson]
    pdf_options: PdfOptions
    folders: frozenset[Path] = frozenset()
    """Folders holding the lessons and the images they show (what the watcher watches)."""


def build(
    source: Path, source_format: SourceFormat | None, settings_dir: Path | None
) -> tuple[Site | None, list[Diagnostic]]:
    """The site and its warnings, or None and every problem (source and settings alike)."""
    problems: list[Diagnostic] = []
    loaded: Lesson | Course | None = None
    try:
        loaded = load_source(source, format=source_format)
    except LessonError as exc:
        problems.extend(exc.diagnostics)
    scorm = pdf = None
    near = source if source.is_dir() else source.parent  # settings belong to the project
    try:
        scorm = load_settings(ScormOptions, "scorm", {}, settings_dir, near=near)
    except LessonError as exc:
        problems.extend(exc.diagnostics)
    try:
        pdf = load_settings(PdfOptions, "pdf", {}, settings_dir, near=near)
    except LessonError as exc:
        problems.extend(exc.diagnostics)
    if loaded is None or scorm is None or pdf is None:
        return None, sorted(set(problems))
    assert isinstance(scorm, ScormOptions) and isinstance(pdf, PdfOptions)
    warnings = list(loaded.warnings)
    try:
        site = render_site(loaded, scorm, pdf)
    except LessonError as exc:  # what only a channel checks (SCORM limits, images)
        return None, sorted({*exc.diagnostics, *warnings})
    return site, sorted(set(warnings))


def render_site(loaded: Lesson | Course, scorm: ScormOptions, pdf: PdfOptions) -> Site:
    lessons = loaded.lessons if isinstance(loaded, Course) else [loaded]
    files: dict[str, Resource] = {}
    folders: set[Path] = set()
    for lesson in lessons:
        package = package_files(lesson, scorm.scorm, scorm.mastery_score, scorm.theme_css)
        del package[MANIFEST]  # the LMS's, not the learner's
        for name, body in package.items():
            files[f"{lesson.id}/{name}"] = Resource(body, media_type(name))
        files.update(print_view(lesson, pdf))
        if lesson.source_dir is not None:
            folders.add(lesson.source_dir.resolve())
            folders.update(
                (lesson.source_dir / name).resolve().parent
                for name in package
                if name != LAUNCH and not name.endswith((".css", ".js"))
            )
    if isinstance(loaded, Course):
        index = page_template().render(course=loaded, title=loaded.title, text="")
        files["index.html"] = html(index)
        home = "/"
    else:
        home = f"/{loaded.id}/"
    return Site(files, home, {lesson.id: lesson for lesson in lessons}, pdf, frozenset(folders))


def print_view(lesson: Lesson, options: PdfOptions) -> dict[str, Resource]:
    """``print.html`` and ``print.css``: the PDF exporter's document, for the browser."""
    prefix = f"{lesson.id}/"
    try:
        from ..exporters.pdf.document import lesson_css, lesson_html
    except ModuleNotFoundError:  # the print HTML builder lives beside WeasyPrint's fetcher
        why = f"The print view needs WeasyPrint, from the pdf extra: {PDF_EXTRA}"
        return {prefix + "print.html": notice(lesson.title, why)}
    page = lesson_html(lesson, options).replace(
        "</head>", '<link rel="stylesheet" href="print.css"/>\n</head>', 1
    )
    return {
        prefix + "print.html": html(page),
        prefix + "print.css": Resource(lesson_css(options).encode(), "text/css; charset=utf-8"),
    }


def waiting_page(source: Path) -> Resource:
    """What ``/`` shows before the source has ever built: the overlay says why."""
    return notice(source.name, "The source has errors; this page updates once they are fixed.")


def notice(title: str, text: str) -> Resource:
    return html(page_template().render(course=None, title=title, text=text))


def html(text: str) -> Resource:
    return Resource(text.encode("utf-8"), "text/html; charset=utf-8")


def media_type(name: str) -> str:
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


@cache
def page_template() -> Template:
    """The course index and notice page (autoescaped like every template)."""
    env = Environment(
        loader=FileSystemLoader(ASSETS),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("index.html.j2")


# The player's own policy forbids every connection; the preview sends it as a header instead,
# with its event stream (same origin) allowed. The scope script, which would narrow the page to
# its lesson's folder, goes too: the preview's own script and stylesheet live in /_preview/.
# Only preview responses are changed.
_CSP_META = re.compile(rb'<meta http-equiv="Content-Security-Policy"[^>]*>\n?')
_SCOPE = f'<script src="{PLAYER_DIR}/{SCOPE_SCRIPT}"></script>\n'.encode()
CSP = player_policy(connect_src="'self'") + "; frame-ancestors 'none'"


def injected(page: bytes, generation: int) -> bytes:
    """A page with the preview's reload-and-overlay script and stylesheet in its head."""
    tags = (
        '<link rel="stylesheet" href="/_preview/preview.css"/>\n'
        f'<script src="/_preview/overlay.js" data-generation="{generation}" defer="defer">'
        "</script>\n"
    ).encode()
    # Lesson text is escaped in every page, so the first </head> is the real one.
    page = _CSP_META.sub(b"", page, count=1).replace(_SCOPE, b"", 1)
    return page.replace(b"</head>", tags + b"</head>", 1)
