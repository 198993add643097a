"""A throwaway PostgreSQL cluster on loopback for the tests (Debian's packages).

`make test` installs PostgreSQL when it is missing (scripts/system-deps.sh). The cluster
lives in a temporary folder, listens on 127.0.0.1 only, trusts local connections, and
is stopped and deleted afterwards. As root, the server runs as the `postgres` user
(initdb refuses root).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
from pathlib import Path

import psycopg


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(versions[-1]).parent if versions else None


class Postgres:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.bin = binaries()
        self._as: list[str] = []
        if os.geteuid() == 0:
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> Postgres:
        assert self.bin is not None, "PostgreSQL is not installed (scripts/system-deps.sh)"
        self.root.mkdir(parents=True, exist_ok=True)
        if self._as:
            shutil.chown(self.root, "postgres", "postgres")
        data, sockets = self.root / "data", self.root / "sockets"
        self._run(str(self.bin / "initdb"), "-D", str(data), "-U", "retold", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        sockets.mkdir()
        if self._as:
            shutil.chown(sockets, "postgres", "postgres")
        options = f"-h 127.0.0.1 -p {self.port} -k {sockets} -F -c timezone=UTC"
        self._run(str(self.bin / "pg_ctl"), "-D", str(data), "-o", options,
                  "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")  # fmt: skip
        return self

    def stop(self) -> None:
        if self.bin is not None and (self.root / "data" / "postmaster.pid").exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-m", "fast",
                      "-w", "stop")  # fmt: skip

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://retold@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
