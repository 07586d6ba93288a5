"""Run the preview: bind 127.0.0.1, print the URL, serve with uvicorn until Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import webbrowser
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import FrameType

import anyio
import uvicorn
from starlette.applications import Starlette

from ..api import SourceFormat
from ..parse.diagnostics import error
from .app import Preview, Report, Say, create_app
from .watch import Watcher

HOST = "127.0.0.1"
"""Loopback only: the preview is the author's, never the network's."""
GRACE_SECONDS = 3
"""How long a stop waits for open responses (the event streams end at once)."""


class PreviewServer(uvicorn.Server):
    """uvicorn's server, ending the pages' event streams as soon as a stop is asked for."""

    def __init__(self, config: uvicorn.Config, preview: Preview) -> None:
        super().__init__(config)
        self.preview = preview
        self.event_loop: asyncio.AbstractEventLoop | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        if self.event_loop is not None:
            self.event_loop.call_soon_threadsafe(self.preview.close)


def serve(
    source: Path,
    *,
    port: int,
    open_browser: bool,
    source_format: SourceFormat | None,
    settings_dir: Path | None,
    report: Report,
    say: Say,
) -> None:
    """Serve the preview of ``source`` until interrupted."""
    preview = Preview(source, source_format, settings_dir, report, say)
    preview.rebuild()
    watcher = Watcher(preview)
    listener = bind(port)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        server.event_loop = asyncio.get_running_loop()
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(watcher.run)
            yield
            watcher.stop()

    config = uvicorn.Config(
        create_app(preview, lifespan),
        loop="asyncio",
        http="h11",
        ws="none",
        lifespan="on",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=GRACE_SECONDS,
    )
    server = PreviewServer(config, preview)
    url = f"http://{HOST}:{listener.getsockname()[1]}/"
    say(f"Previewing {source} at {url} (Ctrl-C to stop)")
    if open_browser:
        webbrowser.open(url)
    with quiet_signals():
        server.run(sockets=[listener])
    say("Preview stopped.")


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1 (port 0: a free one), or a located error."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((HOST, port))
        listener.listen(64)
    except OSError as exc:
        listener.close()
        why = f"cannot listen on {HOST}:{port}: {exc.strerror or exc}"
        raise error("<command line>", 1, 1, "port", why) from None
    return listener


@contextlib.contextmanager
def quiet_signals() -> Iterator[None]:
    """Ctrl-C is how a preview ends: uvicorn re-raises the signal it caught once it has shut
    down, and this handler takes it, so the command exits 0 without a traceback."""
    handled = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda s, f: None) for sig in handled}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
