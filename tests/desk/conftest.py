"""The desk served for real: uvicorn on 127.0.0.1 in a thread, over a seeded newsroom."""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from retold.desk import actions, auth
from retold.desk.app import make_app
from retold.newsroom import Newsroom
from tests.desk.seed import seed

PASSWORD = "correct horse battery staple"


@dataclass
class DeskServer:
    url: str
    root: Path
    ids: dict[str, int]


def serve(app: Any) -> Iterator[str]:
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(500):  # started is set once the socket listens
        if server.started:
            break
        time.sleep(0.01)
    assert server.started, "uvicorn did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def add_users(root: Path) -> None:
    with Newsroom.open(root) as room, room.db.transaction() as session:
        auth.add_user(session, "ed", "editor", PASSWORD)
        auth.add_user(session, "ada", "admin", PASSWORD)
        actions.record_event(session, "(test)", "user-add", "ed, ada")


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """The seeded newsroom with its users, made once; each test works on a copy."""
    root = tmp_path_factory.mktemp("desk-template") / "news"
    ids = seed(root)
    add_users(root)
    return root, ids


@pytest.fixture()
def desk(tmp_path: Path, seeded: tuple[Path, dict[str, int]]) -> Iterator[DeskServer]:
    template, ids = seeded
    root = tmp_path / "news"
    shutil.copytree(template, root)
    room = Newsroom.open(root)
    try:
        for url in serve(make_app(room, room.output_dir)):
            yield DeskServer(url, root, ids)
    finally:
        room.close()


@dataclass
class Browser:
    """An httpx client that keeps the desk's cookies by hand.

    httpx (like any cookie jar) won't send a Secure cookie over plain http, while browsers
    do on loopback; the desk sets every cookie Secure, so the tests carry them themselves.
    """

    base: str
    cookies: dict[str, str] = field(default_factory=dict)
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.base, follow_redirects=False, timeout=30)

    def _keep(self, response: httpx.Response) -> httpx.Response:
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0].strip('"')
            if "max-age=0" in header.lower() or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response

    def _headers(self) -> dict[str, str]:
        jar = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"cookie": jar} if jar else {}

    def get(self, path: str) -> httpx.Response:
        return self._keep(self.client.get(path, headers=self._headers()))

    def post(self, path: str, data: dict[str, str], **headers: str) -> httpx.Response:
        return self._keep(self.client.post(path, data=data, headers={**self._headers(), **headers}))

    def csrf(self, path: str) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.get(path).text)
        assert found is not None, path
        return found.group(1)

    def login(self, name: str = "ed", password: str = PASSWORD) -> httpx.Response:
        token = self.csrf("/desk/login")
        return self.post("/desk/login", {"csrf": token, "name": name, "password": password})


@pytest.fixture()
def browser(desk: DeskServer) -> Iterator[Browser]:
    b = Browser(desk.url)
    yield b
    b.client.close()
