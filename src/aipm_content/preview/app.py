"""The preview's ASGI app: the last good pages, the PDFs on request, and the reload events.

Only paths the current render holds are served, looked up by exact name, so ``..``, encoded
or not, absolute paths and files the lesson does not use are all simply not there (404).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from ..api import SourceFormat
from ..parse.diagnostics import Diagnostic, LessonError, printable
from .pdf_worker import PdfWorker
from .render import ASSETS, CSP, PDF_EXTRA, Resource, Site, build, injected, waiting_page

Report = Callable[[list[Diagnostic]], None]
Say = Callable[[str], None]
STATIC = {
    "overlay.js": Resource((ASSETS / "overlay.js").read_bytes(), "text/javascript; charset=utf-8"),
    "preview.css": Resource((ASSETS / "preview.css").read_bytes(), "text/css; charset=utf-8"),
}
HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
KEEPALIVE_SECONDS = 15.0


class Preview:
    """The preview's state: the last good site, the current diagnostics, the open pages."""

    def __init__(
        self,
        source: Path,
        source_format: SourceFormat | None,
        settings_dir: Path | None,
        report: Report,
        say: Say,
    ) -> None:
        self.source, self.source_format, self.settings_dir = source, source_format, settings_dir
        self.report, self.say = report, say
        self.site: Site | None = None
        self.generation = 0
        """Counts the good renders that changed a page; a page carries the one it came from."""
        self.diagnostics: list[Diagnostic] = []
        self.listeners: set[asyncio.Queue[str | None]] = set()
        self.closed = False
        self.pdfs: dict[tuple[int, str], bytes | LessonError] = {}
        self.pdf_locks: dict[tuple[int, str], asyncio.Lock] = {}
        self.pdf_worker = PdfWorker()

    @property
    def failed(self) -> bool:
        return any(d.is_error for d in self.diagnostics)

    def rebuild(self) -> None:
        """Render the source again, tell the terminal, and tell every open page."""
        started = time.perf_counter()
        site, self.diagnostics = build(self.source, self.source_format, self.settings_dir)
        if site is not None:
            if self.site is None or site.files != self.site.files:
                self.generation += 1
                self.pdfs.clear()
                self.pdf_locks.clear()
            self.site = site
        if self.diagnostics:
            self.report(self.diagnostics)
        took = (time.perf_counter() - started) * 1000
        if self.failed:
            kept = "the preview keeps the last good version" if self.site else "nothing to show"
            self.say(f"{self.source}: not updated ({kept})")
        else:
            self.say(f"{self.source}: updated in {took:.0f} ms")
        self.publish()

    def state(self) -> str:
        """What the overlay script is told: the current generation and every diagnostic."""
        return json.dumps(
            {
                "generation": self.generation,
                "failed": self.failed,
                "course": self.site is not None and self.site.home == "/",
                "diagnostics": [
                    {
                        "where": printable(f"{d.path}:{d.line}:{d.col}"),
                        "severity": d.severity,
                        "code": d.code,
                        "message": printable(d.message),
                    }
                    for d in self.diagnostics
                ],
            },
            ensure_ascii=False,
        )

    def publish(self) -> None:
        message = self.state()
        for queue in self.listeners:
            queue.put_nowait(message)

    def close(self) -> None:
        """End every event stream, so the server can stop without waiting on open pages."""
        self.closed = True
        self.pdf_worker.close()
        for queue in self.listeners:
            queue.put_nowait(None)

    async def pdf(self, lesson_id: str) -> bytes | LessonError:
        """The lesson's PDF, rendered once per generation in the worker process, under the
        PDF channel's time limit (``pdf_worker.py``)."""
        if importlib.util.find_spec("weasyprint") is None:
            raise ModuleNotFoundError("weasyprint", name="weasyprint")
        site, key = self.site, (self.generation, lesson_id)
        assert site is not None
        async with self.pdf_locks.setdefault(key, asyncio.Lock()):
            if key not in self.pdfs:
                lesson, options = site.lessons[lesson_id], site.pdf_options
                result = await self.pdf_worker.render(lesson, options)
                if isinstance(result, LessonError):
                    self.report(result.diagnostics)
                self.pdfs[key] = result
            return self.pdfs[key]


def create_app(
    preview: Preview, lifespan: Callable[[Starlette], AbstractAsyncContextManager[None]]
) -> Starlette:
    async def events(request: Request) -> Response:
        if preview.closed:
            return Response("stopping", status_code=503, headers=HEADERS)
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        queue.put_nowait(preview.state())
        preview.listeners.add(queue)

        async def stream() -> AsyncIterator[str]:
            try:
                while True:
                    try:
                        message = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                    except TimeoutError:
                        yield ": keep-alive\n\n"
                        continue
                    if message is None:
                        return
                    yield f"data: {message}\n\n"
            finally:
                preview.listeners.discard(queue)

        return StreamingResponse(stream(), media_type="text/event-stream", headers=HEADERS)

    async def static(request: Request) -> Response:
        found = STATIC.get(request.path_params["name"])
        return respond(found, preview.generation) if found else not_found()

    async def page(request: Request) -> Response:
        path: str = request.path_params["path"]
        site = preview.site
        if site is None:
            return respond(waiting_page(preview.source), 0) if path == "" else not_found()
        if path == "" and site.home != "/":
            return RedirectResponse(site.home, headers=HEADERS)
        if path in site.lessons:  # /<id> -> /<id>/, so the page's relative links work
            return RedirectResponse(f"/{path}/", headers=HEADERS)
        lesson_id, _, name = path.partition("/")
        if lesson_id in site.lessons and name == f"{lesson_id}.pdf":
            return await pdf_response(lesson_id)
        found = site.files.get(path + "index.html" if path == "" or path.endswith("/") else path)
        return respond(found, preview.generation) if found else not_found()

    async def pdf_response(lesson_id: str) -> Response:
        try:
            result = await preview.pdf(lesson_id)
        except ModuleNotFoundError:
            return plain(f"The PDF needs WeasyPrint, from the pdf extra: {PDF_EXTRA}\n", 501)
        if isinstance(result, LessonError):
            return plain("".join(f"{d}\n" for d in result.diagnostics), 422)
        disposition = f'inline; filename="{lesson_id}.pdf"'
        headers = {**HEADERS, "Content-Disposition": disposition}
        return Response(result, media_type="application/pdf", headers=headers)

    return Starlette(
        routes=[
            Route("/_preview/events", events),
            Route("/_preview/{name}", static),
            Route("/{path:path}", page),
        ],
        middleware=[
            # A page on another site that rebinds its name to 127.0.0.1 must not read ours.
            Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost"])
        ],
        lifespan=lifespan,
    )


def respond(resource: Resource, generation: int) -> Response:
    headers: dict[str, Any] = dict(HEADERS)
    body = resource.body
    if resource.media_type.startswith("text/html"):
        body = injected(body, generation)
        headers["Content-Security-Policy"] = CSP
    return Response(body, media_type=resource.media_type, headers=headers)


def plain(text: str, status: int) -> Response:
    return Response(text, status_code=status, media_type="text/plain", headers=HEADERS)


def not_found() -> Response:
    return plain("not found\n", 404)
