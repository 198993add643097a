"""Incremental, atomic output.

``out_dir`` is a symlink to one complete build directory in ``.<name>.builds/`` next to it.
A build writes into a fresh directory there, hard-links every file whose content did not
change from the previous build, and then swaps the symlink with a single ``os.replace``:
a reader sees either the old site or the new one, never a mix. A manifest inside each
build (path → content hash, plus an input key for pages rendered from known inputs)
lets the next build skip rendering and rewriting what did not change.

Making a whole new tree costs a ``mkdir`` per directory and a ``link`` per file, about a
second for 10,000 articles, however little changed. So a third copy is kept: the *spare*.
After each swap, the build older than the previous one (no reader can reach it by
``out_dir`` any more) is renamed to the spare and brought up to date with the new build
using only the files whose content hashes differ between the two manifests; a marker
naming the build it now matches is written last, so a half-synced spare is never trusted.
The next build renames the spare to its own name and replaces only the files that changed,
so its file-system work scales with the changes, not the site. Files are never written in
place (they are hard links shared with the live and previous builds): a changed file is
unlinked and written anew. A missing, stale or unreadable spare falls back to the full
hard-linked tree. Builds that are neither live, previous nor spare are renamed out of the
way at once and deleted by a background thread.
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

from retold.publish.errors import PublishError

MANIFEST = ".retold-manifest.json"
MANIFEST_VERSION = 1
SPARE = "spare"  # the spare copy's name in the builds folder
SPARE_MARKER = ".retold-spare"  # in the spare: the id of the build whose content it holds


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
        self._old_id = ""  # the previous build's manifest id
        self.recycled = False  # whether the new build started as an up-to-date spare
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
        self._old, self._old_id = _read_manifest(self.previous) if self.previous else ({}, "")
        self.recycled = self._take_spare(self.new)
        if not self.recycled:
            self.new.mkdir()
        self._new_root = str(self.new) + os.sep
        self._previous_root = str(self.previous) + os.sep if self.previous else ""
        return self

    def _take_spare(self, new: Path) -> bool:
        """Rename the spare to ``new`` if it holds exactly the previous build's files."""
        spare = self.builds / SPARE
        if not self._old_id or not spare.is_dir() or spare.is_symlink():
            return False
        try:
            matches = (spare / SPARE_MARKER).read_text("utf-8") == self._old_id
        except (OSError, ValueError):
            return False
        if not matches:
            return False
        try:
            # the marker goes first: if this build dies, what is left is never trusted
            (spare / SPARE_MARKER).unlink()
            spare.rename(new)
        except OSError:
            return False
        return True

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
        if isinstance(exc, OSError) and not self.committed:
            # A full disk, a read-only or immutable folder: one sentence naming the site.
            # The unfinished build is gone and the published site is the one before.
            reason = exc.strerror or str(exc) or type(exc).__name__
            raise PublishError(f"Cannot write the site to {self.out_dir}: {reason}.") from exc

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
        if self.recycled:
            return True  # the spare already holds the previous build's copy
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

    def previous_files(self) -> list[str]:
        """The previous build's files (paths in the site), from its manifest."""
        return list(self._old)

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
        target = self._target(rel)
        if self.recycled:
            # likely a hard link shared with the live build: replace it, never write into it
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
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
        self.changes.removed = sorted(set(self._old) - set(self._new))
        if self.recycled:
            for rel in self.changes.removed:
                _remove_file(self.new, rel)
        files = json.dumps(self._new, separators=(",", ":"), sort_keys=True)
        # the id names the content, so a spare holding the same files is trusted for it
        build_id = content_hash(files.encode())
        manifest = f'{{"version":{MANIFEST_VERSION},"id":"{build_id}","files":{files}}}'
        _write_new(self.new / MANIFEST, manifest.encode())
        link = self.out_dir.parent / f".{self.out_dir.name}.swap-{uuid.uuid4().hex[:8]}"
        try:
            os.symlink(os.path.relpath(self.new, self.out_dir.parent), link)
            os.replace(link, self.out_dir)
        except OSError as exc:
            with contextlib.suppress(OSError):
                link.unlink()
            raise PublishError(f"Cannot replace {self.out_dir}: {exc.strerror}.") from exc
        self.committed = True
        self._clean_up(build_id)

    def _clean_up(self, new_id: str) -> None:
        """Keep the new build and the one before it (a reader may still be inside it).

        One older build becomes the spare, synced to the new build; without one, the
        spare is made by hard-linking the new build (as a build without a spare does).
        The rest are renamed out of the builds folder at once and deleted in the
        background; a later build finishes the job if this process exits first.
        """
        assert self.new is not None
        keep = {self.new, self.previous}
        spare = self.builds / SPARE
        doomed = []
        recyclable: Path | None = None
        for entry in sorted(self.builds.iterdir(), reverse=True):  # newest stamp first
            if entry in keep:
                continue
            if entry.is_dir() and not entry.is_symlink():
                if recyclable is None and entry != spare and (entry / MANIFEST).is_file():
                    recyclable = entry
                    continue
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
        try:
            if recyclable is not None:
                recyclable.rename(spare)
                _sync_spare(spare, self.new, self._new)
            elif self.previous is not None:
                # the second build of a site: there is no older build to recycle yet
                _copy_tree(self.new, spare, self._new)
            else:
                return  # a first build: the next one is a full tree either way
            _write_new(spare / SPARE_MARKER, new_id.encode())
        except OSError:
            # the build is published; a spare that could not be made is simply not trusted
            trash = self.out_dir.parent / f".{self.out_dir.name}.trash-{uuid.uuid4().hex[:8]}"
            with contextlib.suppress(OSError):
                spare.rename(trash)
                _remove_in_background([trash])


def _read_manifest(build: Path) -> tuple[dict[str, list[str]], str]:
    """A build's files (rel → [content hash, input key]) and manifest id; empty if unusable."""
    try:
        data = json.loads((build / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}, ""  # no usable manifest: everything is rewritten, nothing is lost
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return {}, ""
    files = data.get("files")
    if not isinstance(files, dict):
        return {}, ""
    build_id = data.get("id")
    return files, build_id if isinstance(build_id, str) else ""


def _write_new(path: Path, data: bytes) -> None:
    """Write ``path`` as a new file, renamed into place (never into an existing inode)."""
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _link_into(source: Path, rel: str, dest_root: Path) -> None:
    """Make ``dest_root/rel`` a hard link to ``source/rel`` (a copy without hard links)."""
    target = os.path.join(dest_root, rel)
    origin = os.path.join(source, rel)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(target)
    try:
        os.link(origin, target)
    except FileNotFoundError:
        if not os.path.exists(origin):
            raise
        os.makedirs(os.path.dirname(target), exist_ok=True)
        _link_into(source, rel, dest_root)
    except OSError:
        shutil.copyfile(origin, target)


def _remove_file(root: Path, rel: str) -> None:
    """Delete ``root/rel`` and the directories it leaves empty."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(os.path.join(root, rel))
    directory = rel.rpartition("/")[0]
    while directory:
        try:
            os.rmdir(os.path.join(root, directory))
        except OSError:
            return  # not empty (or already gone)
        directory = directory.rpartition("/")[0]


def _sync_spare(spare: Path, build: Path, files: dict[str, list[str]]) -> None:
    """Make ``spare`` (an older build) hold ``build``'s ``files``, touching only differences."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(spare / SPARE_MARKER)
    had, _ = _read_manifest(spare)
    if not had:
        raise FileNotFoundError(spare / MANIFEST)  # unknown content: not worth syncing
    os.unlink(spare / MANIFEST)  # it describes the old content; never read it again
    for rel, (digest, *_) in files.items():
        old = had.get(rel)
        if old is None or old[0] != digest:
            _link_into(build, rel, spare)
    for rel in had.keys() - files.keys():
        _remove_file(spare, rel)


def _copy_tree(build: Path, spare: Path, files: dict[str, list[str]]) -> None:
    """Make ``spare`` a hard-linked copy of ``build``'s ``files``."""
    if spare.exists():
        raise FileExistsError(spare)
    spare.mkdir()
    made: set[str] = set()
    for rel in files:
        directory = rel.rpartition("/")[0]
        if directory and directory not in made:
            os.makedirs(os.path.join(spare, directory), exist_ok=True)
            made.add(directory)
        _link_into(build, rel, spare)


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
