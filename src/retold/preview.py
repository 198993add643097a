"""`retold serve`: a preview server on loopback that rebuilds when the newsroom changes."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def make_server(directory: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    # `directory` may be a symlink the builder swaps atomically: keep the path, never resolve it,
    # so every request follows the link to the newest complete build.
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def watch(
    paths: list[Path], on_change: Callable[[], None], stop: threading.Event, interval: float = 1.0
) -> None:
    """Poll modification times (portable, no extra dependency) and call on_change after a change."""

    def stamp() -> float:
        return max((p.stat().st_mtime for p in paths if p.exists()), default=0.0)

    last = stamp()
    while not stop.wait(interval):
        now = stamp()
        if now != last:
            last = now
            on_change()
            last = stamp()


def serve_forever(server: ThreadingHTTPServer) -> None:
    try:
        server.serve_forever()
    finally:
        server.server_close()
