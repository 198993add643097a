"""The demo newsroom: bundled samples served on loopback, run end to end."""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

from retold.config import CONFIG_NAME
from retold.errors import RetoldError
from retold.llm.catalog import QWEN_CODER_1_5B
from retold.llm.install import installed_path
from retold.newsroom import Newsroom
from retold.samples_server import SampleServer, samples_dir
from retold.store import sources as sources_store

DEMO_TITLE = "Retold Demo News"
SAMPLES_PORT = 8765
AUTO = "auto"
# On two cores the 1.5B takes one to three minutes a story (sentence by sentence) and the
# llama.cpp build takes eight: the model retells the newest story and the extractive
# writer the rest, so that a first demo, build and model install included, stays within
# 15 minutes. Every page says which writer wrote it; `retold demo --model-stories 5`
# asks for five, `--model-stories 0` for all of them.
DEMO_MODEL_STORIES = 1
INSTALL_HINT = (
    "The embedded 1.5B model is not installed, so the extractive writer copies sentences "
    "instead; to have an AI write the demo: retold models install qwen2.5-coder-1.5b"
)


def demo_writer(requested: str, cache_dir: Path) -> tuple[str, str]:
    """The writer backend the demo uses, and a note for the reader ("" when none is due).

    "auto" is the local writer when the embedded 1.5B is installed (and llama-cpp-python
    can run it), else the extractive writer with a note saying how to install it.
    """
    if requested != AUTO:
        return requested, ""
    if importlib.util.find_spec("llama_cpp") is None:
        return "extractive", INSTALL_HINT.replace(
            "retold models install", "pip install 'retold[local]' && retold models install"
        )
    if installed_path(QWEN_CODER_1_5B, cache_dir) is None:
        return "extractive", INSTALL_HINT
    return "local", ""


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
    directory: Path | None,
    samples: SampleServer,
    *,
    site_port: int,
    backend: str,
    model_stories: int = DEMO_MODEL_STORIES,
) -> Newsroom:
    """Reuse the demo newsroom in `directory` if there is one, else create it."""
    root = directory or Path(tempfile.mkdtemp(prefix="retold-demo-"))
    return _open_or_init(
        root, samples, site_port=site_port, backend=backend, model_stories=model_stories
    )


def default_demo_dir(
    cache_dir: Path, backend: str, samples_port: int, site_port: int, model_stories: int
) -> Path:
    """Where `retold demo` keeps its newsroom when no --dir is given: one per writer (and
    share of model-written stories) and ports, kept between demos so that a second demo
    finds every article already written (a model-written demo takes minutes the first
    time, seconds after)."""
    writer = backend if backend == "extractive" else f"{backend}-{model_stories or 'all'}"
    return cache_dir / "demo" / f"{writer}-{samples_port}-{site_port}"


def _open_or_init(
    root: Path, samples: SampleServer, *, site_port: int, backend: str, model_stories: int
) -> Newsroom:
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
            max_per_run=0 if backend == "extractive" else model_stories,
            beyond_cap="fallback",
        )
    with room.db.transaction() as session:
        sources_store.add_source(
            session, f"{samples.base_url}/newsroom.opml", "auto", "Sample newsroom (OPML)"
        )
    return room
