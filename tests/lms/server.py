"""A tiny same-origin web server for the SCORM tests: the LMS page, scorm-again, packages.

Routes: ``/lms.html``; ``/scorm-again/<file>`` from tests/js/node_modules/scorm-again/dist;
``/pkg/<name>/<path>`` from folders registered with ``serve_package``; ``POST /commit/<version>``
stores the commit body (scorm-again's CMI JSON) in ``commits``. Everything else is a 404, and
every path served is logged in ``requests``.
"""

from __future__ import annotations

import json
import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCORM_AGAIN = (HERE.parent / "js" / "node_modules" / "scorm-again" / "dist").resolve()


class LocalServer:
    """An HTTP server on 127.0.0.1 (ephemeral port, its own thread) until ``close``, serving
    registered package folders under /pkg/<name>/; subclasses give the request handler."""

    def __init__(self) -> None:
        self.packages: dict[str, Path] = {}
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def serve_package(self, name: str, folder: Path) -> str:
        """Serve ``folder`` under /pkg/<name>/ and return that URL."""
        self.packages[name] = folder.resolve()
        return f"{self.origin}/pkg/{name}/"

    def package_file(self, path: str) -> Path | None:
        """The file a /pkg/<name>/<path> URL path names, never outside the package's folder."""
        name, _, rest = path.removeprefix("/pkg/").partition("/")
        folder = self.packages.get(name)
        return _inside(folder, rest or "index.html") if folder else None

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError


class LmsServer(LocalServer):
    """The SCORM LMS page with scorm-again, and the packages it launches."""

    def __init__(self) -> None:
        self.commits: list[tuple[str, Any]] = []
        self.requests: list[str] = []
        super().__init__()

    def _file(self, path: str) -> Path | None:
        if path == "/lms.html":
            return HERE / "lms.html"
        if path.startswith("/scorm-again/"):
            return _inside(SCORM_AGAIN, path.removeprefix("/scorm-again/"))
        if path.startswith("/pkg/"):
            return self.package_file(path)
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                with server.lock:
                    server.requests.append(path)
                target = server._file(path)
                if target is None or not target.is_file():
                    self.send_error(404)
                    return
                body = target.read_bytes()
                kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                path = self.path.split("?", 1)[0]
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if not path.startswith("/commit/"):
                    self.send_error(404)
                    return
                with server.lock:
                    server.requests.append(path)
                    server.commits.append(
                        (path.removeprefix("/commit/"), json.loads(raw or b"null"))
                    )
                body = b'{"result": true, "errorCode": 0}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def _inside(root: Path, rel: str) -> Path | None:
    target = (root / rel).resolve()
    return target if target.is_relative_to(root) else None
