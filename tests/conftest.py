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
