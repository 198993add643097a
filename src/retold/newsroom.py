"""A newsroom on disk: a directory holding retold.toml, retold.db and the built site.

It also hands each stage its settings: `writer_settings()`, `judge_settings()`,
`fetch_policy()` and `site_info()` are the one construction of each from retold.toml.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from retold import plugins
from retold.config import (
    CONFIG_NAME,
    DATABASE_NAME,
    Settings,
    default_toml,
    load_settings,
    runtime_settings,
)
from retold.errors import ConfigError, NotANewsroom, RetoldError
from retold.ingest.fetch import FetchPolicy
from retold.llm import gguf, install
from retold.lock import NewsroomLock
from retold.records import SiteInfo
from retold.store.db import Database
from retold.verify.judges.base import JudgeSettings
from retold.write.backend import WriterSettings

T = TypeVar("T")


@dataclass
class Newsroom:
    root: Path
    settings: Settings
    db: Database
    lock: NewsroomLock = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.lock = NewsroomLock(self.root)

    @property
    def output_dir(self) -> Path:
        out = Path(self.settings.site.output_dir)
        return out if out.is_absolute() else self.root / out

    @property
    def prompts_dir(self) -> Path:
        return self.root / self.settings.writer.prompts_dir

    @classmethod
    def open(cls, root: Path, *, upgrade: bool = True) -> Newsroom:
        """Open the newsroom at ``root``; ``upgrade=False`` (workers) refuses an older schema."""
        root = root.resolve()
        config = root / CONFIG_NAME
        if not config.is_file():
            raise NotANewsroom(
                f"{root} is not a newsroom (no {CONFIG_NAME}); create one with `retold init DIR`."
            )
        settings = load_settings(config)
        _check_output_dir(root, settings)
        check_plugins(settings)
        store = Database(settings.store.url, upgrade=upgrade) if settings.store.url else None
        return cls(root, settings, store or Database.open(root / DATABASE_NAME, upgrade=upgrade))

    @classmethod
    def init(cls, root: Path, **scaffold: Any) -> Newsroom:
        """Create a newsroom; `scaffold` goes to config.default_toml (title, base_url, ...)."""
        root = root.resolve()
        config = root / CONFIG_NAME
        if config.exists():
            raise RetoldError(f"{root} is already a newsroom; nothing was changed.")
        root.mkdir(parents=True, exist_ok=True)
        config.write_text(default_toml(**scaffold), encoding="utf-8")
        (root / "prompts").mkdir(exist_ok=True)
        return cls.open(root)

    @contextmanager
    def writing(self, command: str) -> Iterator[None]:
        """Hold the newsroom lock while `command` writes the store or the site.

        Raises NewsroomLocked (exit 4) at once if another process holds it.
        """
        with self.lock.hold(command):
            yield

    def local_path(self, path: str) -> str:
        """A path from retold.toml: relative ones are the newsroom's ("" stays "")."""
        return str(self.root / path) if path and not Path(path).is_absolute() else path

    def writer_settings(self) -> WriterSettings:
        """[writer] as every writer backend (and the llm judge) receives it."""
        cfg = self.settings.writer
        return same_names(
            WriterSettings,
            cfg,
            model_path=self.local_path(cfg.model_path) or local_model_path(cfg.backend),
            fallback="" if cfg.fallback == "none" else cfg.fallback,
            prompts_dir=str(self.prompts_dir),
            options=cfg.options_for(cfg.backend),
        )

    def judge_name(self) -> str:
        """The judge `checker.judge` names, with "auto" resolved (see :func:`resolve_judge`)."""
        return resolve_judge(self.settings)

    def judge_settings(self) -> JudgeSettings:
        """[checker] as the judge named by `checker.judge` receives it."""
        cfg = self.settings.checker
        writer = self.writer_settings()
        local = is_local(self.settings.writer.backend)
        return JudgeSettings(
            writer=writer,
            nli_model_path=self.local_path(cfg.nli_model_path),
            # The local writer's model is loaded anyway: the judge reads with it.
            likelihood_model_path=self.local_path(cfg.likelihood_model_path)
            or (writer.model_path if local else ""),
            batch_size=cfg.judge_batch,
            options=cfg.options_for(cfg.judge),
        )

    def fetch_policy(self) -> FetchPolicy:
        cfg = self.settings.fetch
        return same_names(
            FetchPolicy, cfg, total_timeout=cfg.timeout, allow_hosts=frozenset(cfg.allow_hosts)
        )

    def site_info(self) -> SiteInfo:
        return same_names(SiteInfo, self.settings.site)

    def close(self) -> None:
        self.lock.release(all_levels=True)
        self.db.close()

    def __enter__(self) -> Newsroom:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def same_names(cls: type[T], section: BaseModel, **differ: Any) -> T:
    """``cls`` (a dataclass) from the section's keys of the same name, plus what differs:
    one construction, so a key added to both sides is passed on without a hand copy."""
    names = {f.name for f in dataclasses.fields(cls)} & set(type(section).model_fields)  # type: ignore[arg-type]
    return cls(**{**{name: getattr(section, name) for name in names}, **differ})


def is_local(backend: str) -> bool:
    return backend.strip().lower() in (gguf.NAME, *gguf.ALIASES)


def resolve_judge(settings: Settings) -> str:
    """``checker.judge``, where "auto" is the likelihood judge for the local writer (its
    model reads each retold sentence against its evidence) and none for any other writer:
    the extractive writer only copies, and a remote model is paid per call."""
    name = settings.checker.judge.strip().lower()
    if name != "auto":
        return settings.checker.judge
    return "likelihood" if is_local(settings.writer.backend) else "none"


def local_model_path(backend: str) -> str:
    """For the local writer with no model_path: the best catalog model installed (the 1.5B
    once `retold models install` has put it in the model cache), else "" (SmolLM2)."""
    if not is_local(backend):
        return ""
    found = install.default_local_model(runtime_settings().cache_dir)
    return str(found) if found is not None else ""


def check_plugins(settings: Settings) -> None:
    """Every plugin the settings name is installed: a typo such as `judge = "likelyhood"`
    stops the newsroom opening (exit 2) instead of failing after model calls were paid for."""
    plugins.get("writer", settings.writer.backend, setting="writer.backend")
    plugins.get("judge", resolve_judge(settings), setting="checker.judge")
    for kind, name, section in (
        ("writer", "writer", settings.writer),
        ("judge", "checker", settings.checker),
    ):
        for table in section.plugin_tables():
            plugins.get(kind, table, setting=f"the table [{name}.{table}]")


def _check_output_dir(root: Path, settings: Settings) -> None:
    """The site directory is rewritten and pruned: it must not hold the newsroom itself."""
    out = Path(settings.site.output_dir)
    out = (out if out.is_absolute() else root / out).resolve()
    if out == root or out in root.parents or out == Path(out.anchor):
        raise ConfigError(
            f"Invalid value for 'site.output_dir' in {root / CONFIG_NAME}: "
            f"{settings.site.output_dir!r} would put the site over the newsroom itself; "
            'use a folder of its own such as "site".'
        )
