"""A deliberately hostile HTTP server on loopback, for tests and benchmarks.

It serves the web at its worst: slow drips, endless bodies, gzip bombs, redirect
loops, redirects to internal addresses, flaky 429/500 answers, lying charsets,
truncated bodies, plus a few well-behaved pages. Use it as a context manager:

    with HostileServer() as server:
        server.url("/page")            # "http://127.0.0.1:PORT/page"
        server.add("/a.html", "<html>...</html>")   # your own static route
        server.robots = "User-agent: *\\nDisallow: /private"

Every request is recorded (``server.hits``, ``server.log``), and ``/slow`` counts
how many requests were in flight at once (``server.max_in_flight``).
"""

from __future__ import annotations

import gzip
import json
import ssl
import sys
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Route = Callable[["Handler"], None]

PAGE = "<!doctype html><html><head><title>{title}</title></head><body><p>{body}</p></body></html>"
UTF8_TEXT = "Café crème, naïve résumé — “quoted” 😀"
CP1252_TEXT = "Café crème, naïve résumé — “quoted”"
RUSSIAN_TEXT = (
    "Правительство объявило о новых мерах поддержки малого бизнеса. "
    "Министр экономики заявил, что программа начнёт работать в следующем месяце, "
    "а заявки можно будет подавать через портал государственных услуг. "
) * 6


@dataclass
class Static:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass  # keep test output clean

    # -- helpers --------------------------------------------------------------------

    @property
    def hostile(self) -> HostileServer:
        return self.server.hostile

    @property
    def query(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}

    def send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = "text/html; charset=utf-8",
        headers: tuple[tuple[str, str], ...] | list[tuple[str, str]] = (),
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def page(self, title: str = "Hello", body: str = "A page.") -> None:
        self.send(200, PAGE.format(title=title, body=body).encode())

    def stream_forever(self, chunks: Callable[[], bytes], pause: float = 0.0) -> None:
        """Write chunks until the client gives up (or a minute passes)."""
        self.close_connection = True
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline and not self.hostile.stopping.is_set():
                self.wfile.write(chunks())
                self.wfile.flush()
                if pause:
                    time.sleep(pause)
        except (BrokenPipeError, ConnectionResetError):
            pass

    # -- dispatch -------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        path = urlsplit(self.path).path
        self.hostile._record(path, dict(self.headers.items()))
        if self.hostile.latency:
            time.sleep(self.hostile.latency)
        route = self.hostile.routes.get(path)
        if route is None:
            prefix = path.rsplit("/", 1)[0] + "/"
            route = self.hostile.routes.get(prefix)
        if route is None:
            self.send(404, b"not found", "text/plain")
            return
        route(self)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    hostile: HostileServer

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.hostile._lock:
            self.hostile.connections += 1
        super().process_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up on us is the point of most routes; stay quiet about it.
        if not isinstance(sys.exc_info()[1], ConnectionError | ssl.SSLError | TimeoutError):
            super().handle_error(request, client_address)


class HostileServer:
    """A threaded HTTP server with hostile and friendly routes, on ``host`` (loopback)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        tls: tuple[str, str] | None = None,
    ) -> None:
        """``tls=(certfile, keyfile)`` serves HTTPS and records each client's SNI in ``sni``."""
        self.host = host
        self.sni: list[str | None] = []
        self.latency = latency  # seconds added to every request (benchmarks)
        self.robots: str | None = None  # None: /robots.txt is a 404
        self.robots_status = 200
        self.stopping = threading.Event()
        self.hits: Counter[str] = Counter()
        self.log: list[tuple[str, dict[str, str]]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.connections = 0  # TCP connections accepted
        self._flaky: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.routes: dict[str, Route] = dict(_ROUTES)
        self._httpd = _Server((host, port), Handler)
        self._httpd.hostile = self
        self.port = self._httpd.server_address[1]
        self.scheme = "http"
        if tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*tls)
            context.sni_callback = lambda _sock, name, _ctx: self.sni.append(name)
            # The handshake happens in the handler thread, not in the accept loop.
            self._httpd.socket = context.wrap_socket(
                self._httpd.socket, server_side=True, do_handshake_on_connect=False
            )
            self.scheme = "https"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(
        self,
        path: str,
        body: str | bytes,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """Serve a fixed answer at ``path``."""
        static = Static(
            body.encode() if isinstance(body, str) else body, content_type, status, headers
        )
        self.routes[path] = lambda h: h.send(
            static.status, static.body, static.content_type, static.headers
        )

    def start(self) -> HostileServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _record(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.hits[path] += 1
            self.log.append((path, headers))

    def flaky_count(self, key: str) -> int:
        with self._lock:
            self._flaky[key] += 1
            return self._flaky[key]


# -- routes ----------------------------------------------------------------------------


def _page(h: Handler) -> None:
    h.page()


def _echo(h: Handler) -> None:
    h.send(200, json.dumps(dict(h.headers.items())).encode(), "application/json")


def _robots(h: Handler) -> None:
    if h.hostile.robots is None:
        h.send(404, b"no robots here", "text/plain")
    else:
        h.send(h.hostile.robots_status, h.hostile.robots.encode(), "text/plain")


def _slow(h: Handler) -> None:
    """A normal page that takes a while; counts requests in flight at once."""
    server = h.hostile
    with server._lock:
        server.in_flight += 1
        server.max_in_flight = max(server.max_in_flight, server.in_flight)
    try:
        time.sleep(float(h.query.get("s", "0.2")))
    finally:
        with server._lock:
            server.in_flight -= 1
    h.page("Slow")


def _slow_drip(h: Handler) -> None:
    """Promises 10 kB and sends one byte every 0.1 s: read timeouts never fire."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "10000")
    h.end_headers()
    h.stream_forever(lambda: b"x", pause=0.1)


def _silent(h: Handler) -> None:
    """Sends headers, then nothing at all."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "100")
    h.end_headers()
    h.wfile.flush()
    h.hostile.stopping.wait(30)
    h.close_connection = True


def _huge(h: Handler) -> None:
    """An endless HTML body, with no Content-Length."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Connection", "close")
    h.end_headers()
    chunk = b"<p>" + b"x" * 65_000 + b"</p>"
    h.stream_forever(lambda: chunk)


def _huge_declared(h: Handler) -> None:
    """Announces a gigabyte up front."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", str(10**9))
    h.end_headers()
    h.stream_forever(lambda: b"x" * 65_536)


def _gzip_bomb(h: Handler) -> None:
    """A gzip stream of zeros: ~1 MB on the wire per GB inflated, sent until the client quits."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Encoding", "gzip")
    h.send_header("Connection", "close")
    h.end_headers()
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * 1_000_000
    first = [compressor.compress(b"<html><body>")]

    def chunk() -> bytes:
        out = first.pop() if first else b""
        return out + compressor.compress(zeros) + compressor.flush(zlib.Z_SYNC_FLUSH)

    h.stream_forever(chunk)


def _gzip_page(h: Handler) -> None:
    body = gzip.compress(PAGE.format(title="Zipped", body=UTF8_TEXT).encode())
    h.send(200, body, headers=[("Content-Encoding", "gzip")])


def _redirect(h: Handler) -> None:
    """``/redirect?to=URL&status=302``"""
    status = int(h.query.get("status", "302"))
    h.send(status, b"", None, headers=[("Location", h.query.get("to", "/page"))])


def _loop(h: Handler) -> None:
    """``/loop/a`` ↔ ``/loop/b``"""
    other = "b" if h.path.endswith("/a") else "a"
    h.send(302, b"", None, headers=[("Location", f"/loop/{other}")])


def _chain(h: Handler) -> None:
    """``/chain/N`` redirects N times before a page."""
    n = int(h.path.rsplit("/", 1)[1] or 0)
    if n <= 0:
        h.page("End of chain")
    else:
        h.send(301, b"", None, headers=[("Location", f"/chain/{n - 1}")])


def _flaky(h: Handler) -> None:
    """``/flaky?key=K&status=503&fail=1&retry_after=1``: fails ``fail`` times, then a page."""
    q = h.query
    count = h.hostile.flaky_count(q.get("key", h.path))
    if count <= int(q.get("fail", "1")):
        headers = [("Retry-After", q["retry_after"])] if "retry_after" in q else []
        h.send(int(q.get("status", "503")), b"try again later", "text/plain", headers)
    else:
        h.page("Recovered", f"after {count - 1} failures")


def _status(h: Handler) -> None:
    h.send(int(h.query.get("code", "404")), b"status page", "text/plain")


def _truncated(h: Handler) -> None:
    """Announces 1000 bytes, sends 100, hangs up."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "1000")
    h.end_headers()
    h.wfile.write(b"<html>" + b"x" * 94)
    h.wfile.flush()
    h.close_connection = True


ETAG = '"v1"'
LAST_MODIFIED = "Wed, 21 Oct 2026 07:28:00 GMT"


def _conditional(h: Handler) -> None:
    """Answers 304 to a matching If-None-Match or If-Modified-Since."""
    headers = [("ETag", ETAG), ("Last-Modified", LAST_MODIFIED)]
    if (
        h.headers.get("If-None-Match") == ETAG
        or h.headers.get("If-Modified-Since") == LAST_MODIFIED
    ):
        h.send(304, b"", None, headers)
    else:
        h.send(200, PAGE.format(title="Fresh", body="new").encode(), headers=headers)


def _charset(h: Handler) -> None:
    case = h.path.rsplit("/", 1)[1]
    if case == "latin1-lie":  # declared ISO-8859-1, really UTF-8
        body = PAGE.format(title="Lie", body=UTF8_TEXT).encode("utf-8")
        h.send(200, body, "text/html; charset=ISO-8859-1")
    elif case == "meta-only":  # no charset in the header, <meta> says windows-1252
        body = (
            '<html><head><meta charset="windows-1252"><title>Meta</title></head>'
            f"<body><p>{CP1252_TEXT}</p></body></html>"
        ).encode("cp1252")
        h.send(200, body, "text/html")
    elif case == "header-utf8-really-cp1252":  # header lies, <meta> tells the truth
        body = (
            '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
            f"</head><body><p>{CP1252_TEXT}</p></body></html>"
        ).encode("cp1252")
        h.send(200, body, "text/html; charset=utf-8")
    elif case == "bom-utf16":  # a BOM beats a wrong header
        body = ("\ufeff" + PAGE.format(title="BOM", body=UTF8_TEXT)).encode("utf-16-le")
        h.send(200, body, "text/html; charset=iso-8859-1")
    elif case == "undeclared-cp1251":  # nothing declared: detection has to guess
        body = f"<html><body><p>{RUSSIAN_TEXT}</p></body></html>".encode("cp1251")
        h.send(200, body, "text/html")
    else:
        h.send(404, b"no such case", "text/plain")


def _pdf(h: Handler) -> None:
    h.send(200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "application/pdf")


def _feed(h: Handler) -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed</title>'
        f"<item><title>{UTF8_TEXT}</title><link>/page</link></item></channel></rss>"
    ).encode()
    h.send(200, body, "application/rss+xml")


def _unlabelled_html(h: Handler) -> None:
    h.send(200, PAGE.format(title="No type", body="none").encode(), None)


_ROUTES: dict[str, Route] = {
    "/page": _page,
    "/echo": _echo,
    "/robots.txt": _robots,
    "/slow": _slow,
    "/slow-drip": _slow_drip,
    "/silent": _silent,
    "/huge": _huge,
    "/huge-declared": _huge_declared,
    "/gzip-bomb": _gzip_bomb,
    "/gzip-page": _gzip_page,
    "/redirect": _redirect,
    "/loop/": _loop,
    "/chain/": _chain,
    "/flaky": _flaky,
    "/status": _status,
    "/truncated": _truncated,
    "/conditional": _conditional,
    "/charset/": _charset,
    "/file.pdf": _pdf,
    "/feed.xml": _feed,
    "/unlabelled": _unlabelled_html,
    "/private/page": _page,
}
