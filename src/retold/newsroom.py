"""A newsroom on disk: a directory holding retold.toml, retold.db and the built site."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import CONFIG_NAME, DATABASE_NAME, Settings, default_toml, load_settings
from .errors import ConfigError, NotANewsroom, RetoldError
from .lock import NewsroomLock
from .store.db import Database


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
    def open(cls, root: Path) -> Newsroom:
        root = root.resolve()
        config = root / CONFIG_NAME
        if not config.is_file():
            raise NotANewsroom(
                f"{root} is not a newsroom (no {CONFIG_NAME}); create one with `retold init DIR`."
            )
        settings = load_settings(config)
        _check_output_dir(root, settings)
        return cls(root, settings, Database.open(root / DATABASE_NAME))

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

    def close(self) -> None:
        self.lock.release(all_levels=True)
        self.db.close()

    def __enter__(self) -> Newsroom:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


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
