"""A newsroom on disk: a directory holding retold.toml, retold.db and the built site."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import CONFIG_NAME, DATABASE_NAME, Settings, default_toml, load_settings
from .errors import NotANewsroom, RetoldError
from .store.db import Database


@dataclass
class Newsroom:
    root: Path
    settings: Settings
    db: Database

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

    def close(self) -> None:
        self.db.close()
