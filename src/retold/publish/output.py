"""Incremental, atomic output.

``out_dir`` is a symlink to one complete build directory in ``.<name>.builds/`` next to it.
A build writes into a fresh directory there, hard-links every file whose content did not
change from the previous build, and then swaps the symlink with a single ``os.replace``:
a reader sees either the old site or the new one, never a mix. A manifest inside each
build (path → content hash, plus an input key for pages rendered from known inputs)
lets the next build skip rendering and rewriting what did not change.

A build touches the file system once per file (a hard link or one ``write``) and once per
directory; builds older than the previous one are renamed out of the way at once and
deleted by a background thread, since removing tens of thousands of files can take seconds
on a busy disk and the new site is already live by then.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from .errors import PublishError

MANIFEST = ".retold-manifest.json"
MANIFEST_VERSION = 1


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class Changes:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class SiteWriter:
    """Collects one build's files; ``commit`` publishes them all at once.

    Use as a context manager: leaving the block with an exception removes the unfinished
    build and leaves the published site exactly as it was.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(os.path.abspath(out_dir))
        self.builds = self.out_dir.parent / f".{self.out_dir.name}.builds"
        self._lock_fd: int | None = None
        self.previous: Path | None = None
        self.new: Path | None = None
        self._old: dict[str, list[str]] = {}
        self._new: dict[str, list[str]] = {}
        self._dirs: set[str] = set()
        self._new_root = ""  # the new build's path with a trailing "/"
        self._previous_root = ""
        self.changes = Changes()
        self.committed = False

    # -- lifecycle -----------------------------------------------------------------------

    def __enter__(self) -> SiteWriter:
        name = self.out_dir.name
        try:
            self.out_dir.parent.mkdir(parents=True, exist_ok=True)
            parent = self.out_dir.parent.resolve()
            self._lock_fd = os.open(parent / f".{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise PublishError(f"Cannot write next to {self.out_dir}: {exc.strerror}.") from exc
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)  # one build of a site at a time
        self.out_dir = parent / name
        self.builds = parent / f".{name}.builds"
        for stale in parent.glob(f".{name}.swap-*"):  # left by a build that was killed
            with contextlib.suppress(OSError):
                stale.unlink()
        _remove_in_background(list(parent.glob(f".{name}.trash-*")))  # clean-up cut short
        self._adopt_existing()
        self.builds.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        self.new = self.builds / f"{stamp}-{uuid.uuid4().hex[:8]}"
        self.new.mkdir()
        self._new_root = str(self.new) + os.sep
        self._previous_root = str(self.previous) + os.sep if self.previous else ""
        self._old = self._load_manifest()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self.committed and self.new is not None:
                shutil.rmtree(self.new, ignore_errors=True)
        finally:
            if self._lock_fd is not None:
                os.close(self._lock_fd)  # releases the lock
                self._lock_fd = None

    def _adopt_existing(self) -> None:
        """Find the current build; refuse to clobber a directory Retold did not make."""
        out = self.out_dir
        if out.is_symlink():
            target = out.resolve()
            if target.is_dir() and target.parent == self.builds.resolve():
                self.previous = target
            return
        if not out.exists():
            return
        if not out.is_dir():
            raise PublishError(f"The output path {out} exists and is not a directory.")
        if not any(out.iterdir()):
            out.rmdir()
            return
        if (out / MANIFEST).exists():
            # A build copied or restored as a plain directory: move it into the builds folder.
            self.builds.mkdir(exist_ok=True)
            moved = self.builds / f"adopted-{uuid.uuid4().hex[:8]}"
            out.rename(moved)
            self.previous = moved
            return
        raise PublishError(
            f"The output directory {out} holds files Retold did not write; "
            "empty it or choose another directory."
        )

    def _load_manifest(self) -> dict[str, list[str]]:
        if self.previous is None:
            return {}
        try:
            data = json.loads((self.previous / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError):
            return {}  # no usable manifest: everything is rewritten, nothing is lost
        if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
            return {}
        files = data.get("files")
        return files if isinstance(files, dict) else {}

    # -- adding files --------------------------------------------------------------------

    def _ensure_dir(self, directory: str) -> None:
        if directory in self._dirs:
            return
        path = self._new_root + directory
        try:
            os.mkdir(path)
        except FileNotFoundError:
            parent = directory.rpartition("/")[0]
            if not parent:
                raise
            self._ensure_dir(parent)
            with contextlib.suppress(FileExistsError):
                os.mkdir(path)
        except FileExistsError:  # made by another worker process
            pass
        self._dirs.add(directory)

    def _target(self, rel: str) -> str:
        assert self.new is not None, "use SiteWriter as a context manager"
        directory = rel.rpartition("/")[0]
        if directory:
            self._ensure_dir(directory)
        return self._new_root + rel

    def _link_previous(self, rel: str) -> bool:
        """Hard-link the previous build's copy of ``rel`` into the new build."""
        if self.previous is None:
            return False
        source = self._previous_root + rel
        try:
            os.link(source, self._target(rel))
        except FileNotFoundError:
            return False
        except OSError:
            try:  # a file system without hard links: copy instead
                shutil.copyfile(source, self._target(rel))
            except OSError:
                return False
        return True

    def reusable(self, rel: str, key: str) -> bool:
        """Whether the previous build made ``rel`` from the same non-empty input ``key``."""
        old = self._old.get(rel)
        return bool(key) and old is not None and old[1:] == [key]

    def place(self, rel: str, render: Callable[[], bytes], key: str = "") -> tuple[str, bool]:
        """Put ``rel`` into the new build; return (content hash, whether it was written).

        A file built last time from the same non-empty input ``key`` is carried over
        without calling ``render``; one whose content did not change is hard-linked.
        This only touches the file system, so worker processes may call it in parallel;
        the parent then calls :meth:`record` with the result.
        """
        old = self._old.get(rel)
        if key and old is not None and old[1:] == [key] and self._link_previous(rel):
            return old[0], False
        data = render()
        digest = content_hash(data)
        if old is not None and old[0] == digest and self._link_previous(rel):
            return digest, False
        fd = os.open(self._target(rel), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        return digest, True

    def record(self, rel: str, digest: str, key: str, written: bool) -> None:
        if rel in self._new:
            raise PublishError(f"Two pages of the site would be written to {rel}.")
        self._new[rel] = [digest, key]
        (self.changes.written if written else self.changes.unchanged).append(rel)

    def put(self, rel: str, data: bytes, key: str = "") -> None:
        """Add a file; it is only written when its content differs from the previous build."""
        self.put_lazy(rel, lambda: data, key)

    def put_lazy(self, rel: str, render: Callable[[], bytes], key: str = "") -> None:
        """Add a file rendered by ``render``, which is not called if ``key`` is unchanged."""
        if rel in self._new:
            raise PublishError(f"Two pages of the site would be written to {rel}.")
        digest, written = self.place(rel, render, key)
        self.record(rel, digest, key, written)

    # -- publishing ----------------------------------------------------------------------

    def commit(self) -> None:
        """Write the manifest and switch ``out_dir`` to the new build in one rename."""
        assert self.new is not None
        manifest = {"version": MANIFEST_VERSION, "files": self._new}
        (self.new / MANIFEST).write_text(json.dumps(manifest, separators=(",", ":")), "utf-8")
        self.changes.removed = sorted(set(self._old) - set(self._new))
        link = self.out_dir.parent / f".{self.out_dir.name}.swap-{uuid.uuid4().hex[:8]}"
        os.symlink(os.path.relpath(self.new, self.out_dir.parent), link)
        try:
            os.replace(link, self.out_dir)
        except OSError as exc:
            with contextlib.suppress(OSError):
                link.unlink()
            raise PublishError(f"Cannot replace {self.out_dir}: {exc.strerror}.") from exc
        self.committed = True
        self._clean_up()

    def _clean_up(self) -> None:
        """Keep the new build and the one before it (a reader may still be inside it).

        Older builds are renamed out of the builds folder at once and deleted in the
        background; a later build finishes the job if this process exits first.
        """
        keep = {self.new, self.previous}
        doomed = []
        for entry in self.builds.iterdir():
            if entry in keep:
                continue
            if entry.is_dir() and not entry.is_symlink():
                trash = self.out_dir.parent / f".{self.out_dir.name}.trash-{uuid.uuid4().hex[:8]}"
                try:
                    entry.rename(trash)
                except OSError:
                    trash = entry
                doomed.append(trash)
            else:
                with contextlib.suppress(OSError):
                    entry.unlink()
        _remove_in_background(doomed)


_removing: set[Path] = set()  # trash this process is already deleting
_removing_lock = threading.Lock()


def _remove_in_background(paths: Iterable[Path]) -> None:
    with _removing_lock:
        paths = [p for p in paths if p not in _removing]
        _removing.update(paths)
    if not paths:
        return

    def remove() -> None:
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)
            with _removing_lock:
                _removing.discard(path)

    # Not a daemon: a command that ends right after a build still finishes its clean-up.
    threading.Thread(target=remove, name="retold-publish-cleanup").start()
