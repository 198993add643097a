"""A loopback HTTP server for the bundled sample newsroom.

It plays the part of the publishers: it serves samples/site/, rewrites the
`__BASE__` placeholder in text files to its own address, answers conditional
GETs, and from edition 2 on serves the pages in samples/updates/ instead (the
"same URL, changed text" case a newsroom meets every day).
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

PLACEHOLDER = b"__BASE__"
TEXT_TYPES = (".html", ".xml", ".json", ".opml", ".txt", ".css", ".js")


def samples_dir() -> Path:
    """The bundled samples: inside the installed package, or the repository's samples/."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "samples", here.parents[1] / "samples"):
        if (candidate / "site").is_dir():
            return candidate
    raise FileNotFoundError("The bundled samples are missing from this installation.")


@dataclass
class SampleServer:
    root: Path
    host: str = "127.0.0.1"
    port: int = 0
    edition: int = 1
    requests: list[str] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)  # time.monotonic() of each request
    _server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def netloc(self) -> str:
        return f"{self.host}:{self.port}"

    def resolve(self, path: str) -> Path | None:
        rel = unquote(urlsplit(path).path).lstrip("/")
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        if rel == "newsroom.opml":
            candidates = [self.root / rel]
        else:
            candidates = [self.root / "site" / rel]
            if self.edition >= 2:
                candidates.insert(0, self.root / "updates" / rel)
        for candidate in candidates:
            resolved = candidate.resolve()
            # Never serve outside the samples tree.
            if resolved.is_file() and self.root.resolve() in resolved.parents:
                return resolved
        return None

    def body_for(self, file: Path) -> bytes:
        data = file.read_bytes()
        if file.suffix in TEXT_TYPES:
            data = data.replace(PLACEHOLDER, self.base_url.encode())
        return data

    def start(self) -> SampleServer:
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer((self.host, self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def _make_handler(state: SampleServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "RetoldSamples/1.0"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # quiet: the demo prints its own progress

        def do_GET(self) -> None:  # noqa: N802
            state.arrivals.append(time.monotonic())
            state.requests.append(self.path)
            if urlsplit(self.path).path == "/robots.txt":
                self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
                return
            file = state.resolve(self.path)
            if file is None:
                self._send(404, b"<h1>Not found</h1>", "text/html")
                return
            body = state.body_for(file)
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            ctype = _content_type(file)
            self._send(200, body, ctype, {"ETag": etag})

        def _send(
            self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _content_type(file: Path) -> str:
    if file.name.endswith("rss.xml"):
        return "application/rss+xml; charset=utf-8"
    if file.name.endswith("atom.xml"):
        return "application/atom+xml; charset=utf-8"
    if file.suffix == ".json":
        return "application/feed+json; charset=utf-8"
    if file.suffix == ".opml":
        return "text/x-opml; charset=utf-8"
    guessed = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return guessed + ("; charset=utf-8" if guessed.startswith("text/") else "")


@contextmanager
def serve_samples(root: Path | None = None, port: int = 0) -> Iterator[SampleServer]:
    server = SampleServer(root or samples_dir(), port=port).start()
    try:
        yield server
    finally:
        server.stop()
