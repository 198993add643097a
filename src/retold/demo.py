"""The demo newsroom: bundled samples served on loopback, run end to end."""

from __future__ import annotations

import tempfile
from pathlib import Path

from retold.config import CONFIG_NAME
from retold.errors import RetoldError
from retold.newsroom import Newsroom
from retold.samples_server import SampleServer, samples_dir
from retold.store import sources as sources_store

DEMO_TITLE = "Retold Demo News"
SAMPLES_PORT = 8765
DEMO_MODEL_STORIES = 6


def start_samples(port: int = SAMPLES_PORT, edition: int = 1) -> SampleServer:
    try:
        server = SampleServer(samples_dir(), port=port, edition=edition)
        return server.start()
    except OSError as err:
        raise RetoldError(
            f"Can't serve the samples on 127.0.0.1:{port} ({err.strerror}); "
            "pass another --samples-port."
        ) from None


def open_demo_room(
    directory: Path | None, samples: SampleServer, *, site_port: int, backend: str
) -> Newsroom:
    """Reuse the demo newsroom in `directory` if there is one, else create it."""
    root = directory or Path(tempfile.mkdtemp(prefix="retold-demo-"))
    if (root / CONFIG_NAME).exists():
        room = Newsroom.open(root)
        if samples.netloc not in room.settings.fetch.allow_hosts:
            raise RetoldError(
                f"{root} was made by a demo with another samples port; reuse it or use a new --dir."
            )
    else:
        room = Newsroom.init(
            root,
            title=DEMO_TITLE,
            base_url=f"http://127.0.0.1:{site_port}",
            backend=backend,
            allow_hosts=(samples.netloc,),
            per_host_delay=0.0,
            # A model on a laptop CPU takes a while per story: show a handful, not all.
            max_per_run=0 if backend == "extractive" else DEMO_MODEL_STORIES,
        )
    with room.db.transaction() as session:
        sources_store.add_source(
            session, f"{samples.base_url}/newsroom.opml", "auto", "Sample newsroom (OPML)"
        )
    return room
