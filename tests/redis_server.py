"""A throwaway Redis server on loopback for the worker tests (Debian's redis-server).

`make test` installs it when missing (scripts/system-deps.sh). Nothing is saved to disk;
the server listens on 127.0.0.1 only and is stopped afterwards.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import redis

from tests.postgres import free_port


def binary() -> str | None:
    return shutil.which("redis-server")


class RedisServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        found = binary()
        assert found, "redis-server is not installed (scripts/system-deps.sh)"
        self.root.mkdir(parents=True, exist_ok=True)
        self._proc = subprocess.Popen(
            [found, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.root), "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self._proc.poll() is not None:
                    raise
                time.sleep(0.05)
        client.close()
        return self

    def flush(self) -> None:
        with redis.Redis.from_url(self.url) as client:
            client.flushall()

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            self._proc.wait(timeout=30)
