"""A tiny LMS-and-LRS for the cmi5 tests: packages, the one-time fetch URL, and the xAPI
resources an AU uses (statements, activities/state, agents/profile) behind Basic auth.

Routes, all on one 127.0.0.1 origin (as an LMS that hosts its own LRS; the package's CSP then
needs nothing beyond 'self'):
``/pkg/<name>/<path>``      a folder registered with ``serve_package``;
``POST /fetch/<key>``       the auth token once, then cmi5's "already in use" error (8.2.3);
``/xapi/statements``        POST one statement or a list; stored in ``statements``;
``/xapi/activities/state``  GET/PUT/POST (merge) documents by (activityId, agent, registration,
                            stateId); LMS.LaunchData only by an LMS (``lms_tokens``);
``/xapi/agents/profile``    GET/PUT/POST documents by (agent, profileId);
``/return.html``            where a launch's returnURL points.
Every request is logged in ``log`` as ``(method, path, query)``; a failing LRS is simulated by
``refuse_statements_from`` (the statement number from which POSTs get 400).
"""

from __future__ import annotations

import hashlib
import json
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .server import LocalServer

RETURN_PAGE = b"<!DOCTYPE html><html lang=en><title>LMS</title><p id=back>Back in the LMS</p>"


class LrsServer(LocalServer):
    """The LMS's launch side (packages, fetch URL) and its LRS."""

    def __init__(self) -> None:
        self.tokens: dict[str, str] = {}
        """fetch key -> the token it hands out once."""
        self.fetched: dict[str, int] = {}
        """fetch key -> how often it was POSTed."""
        self.valid_tokens: set[str] = set()
        self.lms_tokens: set[str] = set()
        """Credentials of an LMS in front of this LRS, which may write LMS.LaunchData."""
        self.statements: list[dict[str, Any]] = []
        self.documents: dict[tuple[str, ...], bytes] = {}
        """State and agent profile documents by ``document_key``."""
        self.log: list[tuple[str, str, dict[str, str]]] = []
        self.refuse_statements_from: int | None = None
        super().__init__()

    def requests(self, path: str, method: str | None = None) -> list[dict[str, str]]:
        """The queries of the logged requests to ``path`` (with ``method``), in order."""
        with self.lock:
            return [q for m, p, q in self.log if p == path and method in (None, m)]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _begin(self) -> tuple[str, dict[str, str], bytes]:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with server.lock:
                    server.log.append((self.command, parts.path, query))
                return parts.path, query, body

            def _send(
                self, status: int, body: bytes = b"", kind: str = "application/json", tag: str = ""
            ) -> None:
                self.send_response(status)
                if body:
                    self.send_header("Content-Type", kind)
                if tag:
                    self.send_header("ETag", tag)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def _authorised(self) -> bool:
                header = self.headers.get("Authorization") or ""
                token = header.removeprefix("Basic ")
                return header.startswith("Basic ") and token in server.valid_tokens

            def do_GET(self) -> None:
                path, query, _ = self._begin()
                if path == "/return.html":
                    return self._send(200, RETURN_PAGE, "text/html")
                if path.startswith("/pkg/"):
                    return self._file(path)
                if not path.startswith("/xapi/"):
                    return self._send(404)
                if not self._authorised():
                    return self._send(401)
                key = document_key(path, query)
                if key is None:
                    return self._send(400)
                with server.lock:
                    found = server.documents.get(key)
                if found is None:
                    return self._send(404)
                self._send(200, found, tag=etag(found))  # xAPI: documents carry an ETag

            def do_PUT(self) -> None:
                path, query, body = self._begin()
                self._store(path, query, body, merge=False)

            def _store(self, path: str, query: dict[str, str], body: bytes, merge: bool) -> None:
                """PUT a document, or POST it: xAPI's merge of JSON objects."""
                if not path.startswith("/xapi/") or not self._authorised():
                    return self._send(401 if path.startswith("/xapi/") else 404)
                key = document_key(path, query)
                token = (self.headers.get("Authorization") or "").removeprefix("Basic ")
                launch_data = query.get("stateId") == "LMS.LaunchData"
                if key is None or (launch_data and token not in server.lms_tokens):
                    return self._send(403 if key else 400)  # the AU may not change the launch data
                document = json.loads(body)
                wanted = self.headers.get("If-Match")
                with server.lock:
                    current = server.documents.get(key)
                    if wanted and (current is None or wanted != etag(current)):
                        return self._send(412)  # changed since the writer read it
                    if merge and key in server.documents:
                        document = {**json.loads(server.documents[key]), **document}
                    server.documents[key] = json.dumps(document).encode()
                self._send(204)

            def do_POST(self) -> None:
                path, query, body = self._begin()
                if path.startswith("/fetch/"):
                    return self._fetch(path.removeprefix("/fetch/"))
                if path in ("/xapi/activities/state", "/xapi/agents/profile"):
                    return self._store(path, query, body, merge=True)
                if path != "/xapi/statements":
                    return self._send(404)
                if not self._authorised():
                    return self._send(401)
                received = json.loads(body)
                batch = received if isinstance(received, list) else [received]
                with server.lock:
                    limit = server.refuse_statements_from
                    if limit is not None and len(server.statements) + len(batch) > limit:
                        return self._send(400, b'{"error":"refused by the test"}')
                    server.statements.extend(batch)
                self._send(200, json.dumps([s.get("id") for s in batch]).encode())

            def _fetch(self, key: str) -> None:
                with server.lock:
                    server.fetched[key] = server.fetched.get(key, 0) + 1
                    first = server.fetched[key] == 1
                    token = server.tokens.get(key)
                if token is None:
                    body = {"error-code": "2", "error-text": "Unknown launch"}
                elif first:
                    body = {"auth-token": token}
                else:
                    body = {"error-code": "1", "error-text": "Already in Use"}
                self._send(200, json.dumps(body).encode())

            def _file(self, path: str) -> None:
                target = server.package_file(path)
                if target is None or not target.is_file():
                    return self._send(404)
                kinds = {".html": "text/html", ".css": "text/css", ".js": "text/javascript"}
                kind = kinds.get(target.suffix, "application/octet-stream")
                self._send(200, target.read_bytes(), kind)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def document_key(path: str, query: dict[str, str]) -> tuple[str, ...] | None:
    """A State or agent profile document's key: the resource and its identifying parameters
    (the agent as canonical JSON), or None when one is missing."""
    if path == "/xapi/activities/state":
        names: tuple[str, ...] = ("activityId", "agent", "registration", "stateId")
    elif path == "/xapi/agents/profile":
        names = ("agent", "profileId")
    else:
        return None
    if any(n not in query for n in names):
        return None
    try:
        agent = json.dumps(json.loads(query["agent"]), sort_keys=True)
    except ValueError:
        return None
    return (path, *(agent if n == "agent" else query[n] for n in names))


def etag(document: bytes) -> str:
    """A document's ETag: its SHA-1, quoted, as LRSs commonly give it."""
    return '"' + hashlib.sha1(document).hexdigest() + '"'
