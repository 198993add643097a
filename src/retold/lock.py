"""One writer at a time: the newsroom lock.

Two `retold run` on one newsroom raced each other into UNIQUE-constraint crashes,
so every command that writes the store or the site (run, build, demo, serve's
rebuilds) holds an OS file lock on ``retold.lock`` in the newsroom. The lock is
``flock``: the kernel drops it when the holding process dies however it dies
(SIGKILL, power cut), so a stale lock can never block a newsroom: the next command
simply gets it. The file itself holds the holder's pid, command and start time,
only so that the refusal can say who holds it.

A second writer never waits: it stops at once with :class:`NewsroomLocked`
(exit code 4), because a cron job queueing behind a stuck run would pile up.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from retold.errors import NewsroomLocked

LOCK_NAME = "retold.lock"

if sys.platform == "win32":  # pragma: no cover - Retold is developed and tested on Linux
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def read_holder(root: Path) -> dict[str, Any]:
    """What the lock file says about its last holder (may be stale; empty if unreadable)."""
    try:
        data = json.loads((root / LOCK_NAME).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def is_locked(root: Path) -> bool:
    """True while some process holds the newsroom lock (for `retold status`)."""
    path = root / LOCK_NAME
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        if _try_lock(fd):
            _unlock(fd)
            return False
        return True
    finally:
        os.close(fd)


@dataclass
class NewsroomLock:
    """A re-entrant, process-wide lock on one newsroom directory.

    Re-entrant because ``retold demo`` and ``retold run`` take it in the command and the
    pipeline takes it again: a second ``flock`` on a new descriptor in the same process
    would refuse itself.
    """

    root: Path
    _fd: int | None = None
    _depth: int = 0
    _guard: threading.Lock = field(default_factory=threading.Lock)

    @property
    def path(self) -> Path:
        return self.root / LOCK_NAME

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, command: str) -> None:
        with self._guard:
            if self._fd is not None:
                self._depth += 1
                return
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            if not _try_lock(fd):
                os.close(fd)
                raise NewsroomLocked(self._refusal(command))
            # We hold it: record who we are (the previous holder's text may be stale).
            record = {
                "pid": os.getpid(),
                "command": command,
                "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(record).encode(), 0)
            self._fd, self._depth = fd, 1

    def release(self, *, all_levels: bool = False) -> None:
        with self._guard:
            if self._fd is None:
                return
            self._depth = 0 if all_levels else self._depth - 1
            if self._depth > 0:
                return
            fd, self._fd = self._fd, None
            try:
                os.ftruncate(fd, 0)  # nobody holds it now; truncate before unlocking
                _unlock(fd)
            finally:
                os.close(fd)

    @contextmanager
    def hold(self, command: str) -> Iterator[None]:
        self.acquire(command)
        try:
            yield
        finally:
            self.release()

    def _refusal(self, command: str) -> str:
        holder = read_holder(self.root)
        who = f"`retold {holder['command']}`" if holder.get("command") else "another retold"
        # The holder may not have written its record yet (it took the lock a moment ago).
        pid = holder.get("pid")
        details = f" (pid {pid}, since {holder.get('started_at', '?')})" if pid else ""
        return (
            f"{who}{details} is working on the newsroom in {self.root}, so `retold {command}` "
            "did not start; run it again when that one has finished."
        )
