"""One plugin surface: the plugin manager and one registry for every pluggable kind.

Hooks are specified in ``retold.hookspecs``. Every plugin, built in or not, is a
``retold`` entry point (the built-ins are declared in Retold's own pyproject.toml);
a plugin registers named factories of a kind (``writer`` or ``judge``) and the
newsroom asks the registry for one by name::

    plugins.names("writer")            # ['extractive', 'local', 'openai', ...]
    plugins.get("judge", "likelihood")  # its Registration: factory, description, origin

A third-party plugin that fails to import or to register is skipped with one
warning naming it: a broken plugin must not take Retold down.
"""

from __future__ import annotations

import difflib
import importlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

import pluggy

from retold import hookspecs
from retold.config import runtime_settings
from retold.errors import ConfigError
from retold.hookspecs import hookimpl, hookspec

__all__ = [
    "KINDS",
    "PluginError",
    "Registration",
    "UnknownPlugin",
    "get",
    "get_plugin_manager",
    "hookimpl",
    "hookspec",
    "names",
    "registrations",
    "reset_plugin_manager",
]

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "retold"

# The built-ins, also declared as entry points in pyproject.toml (a test keeps the two
# equal). Listed here too so a source checkout or an editable install made before they
# were declared still has them; whatever the entry points already loaded is not repeated.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "retold.write.default_plugins.extractive",
    "retold.write.default_plugins.openai_backend",
    "retold.write.default_plugins.local_gguf",
    "retold.verify.judges.default_plugins.likelihood",
    "retold.verify.judges.default_plugins.llm",
    "retold.verify.judges.default_plugins.nli",
)
BUILTIN_PACKAGE = "retold"


@dataclass(frozen=True)
class Kind:
    """One kind of thing plugins register."""

    hook: str  # the hookspec that registers it
    label: str  # how a sentence names it
    none: tuple[str, ...] = ()  # names that mean "no plugin of this kind"


KINDS: dict[str, Kind] = {
    "writer": Kind("register_writers", "writer backend"),
    "judge": Kind("register_judges", "checker judge", none=("none", "off", "")),
}


class PluginError(ConfigError):
    """Installed plugins disagree (two claim one name): one sentence, exit 2."""


class UnknownPlugin(ConfigError):
    """No plugin registers the requested name: one sentence with the closest one, exit 2."""


@dataclass(frozen=True)
class Origin:
    """Where a plugin came from: its distribution (package) and module."""

    package: str  # "retold" for the built-ins; "" for a plugin registered in-process
    version: str
    module: str


@dataclass(frozen=True)
class Registration:
    """One thing a plugin registered: a name, a factory, its aliases and where it came from."""

    kind: str
    name: str
    factory: Callable[..., Any]
    aliases: tuple[str, ...] = ()
    description: str = ""
    origin: Origin = Origin("", "", "")


@dataclass
class _State:
    manager: pluggy.PluginManager
    origins: dict[str, Origin]  # plugin name in the manager → where it came from
    warned: set[str]


_state: _State | None = None


def _warn_once(state: _State, key: str, message: str) -> None:
    if key not in state.warned:
        state.warned.add(key)
        log.warning(message)


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, built on first use."""
    return _get_state().manager


def _get_state() -> _State:
    global _state
    if _state is None:
        _state = _build(load_third_party=runtime_settings().load_plugins)
    return _state


def reset_plugin_manager() -> None:
    """Forget the manager (tests that register plugins of their own)."""
    global _state
    _state = None


def _build(*, load_third_party: bool) -> _State:
    pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
    pm.add_hookspecs(hookspecs)
    state = _State(pm, {}, set())
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        package = ep.dist.name if ep.dist is not None else ""
        if package != BUILTIN_PACKAGE and not load_third_party:
            continue
        version = ep.dist.version if ep.dist is not None else ""
        try:
            plugin = ep.load()
            name = getattr(plugin, "__name__", ep.value)
            if not pm.is_registered(plugin):
                pm.register(plugin, name)
        except Exception as exc:  # a broken third-party plugin must not take Retold down
            _warn_once(
                state,
                ep.value,
                f"The Retold plugin '{ep.name}' from {package or 'an unknown package'} failed "
                f"to load and is skipped ({type(exc).__name__}: {exc}).",
            )
            continue
        state.origins[name] = Origin(package, version, ep.value)
    for module_name in BUILTIN_PLUGINS:
        module = importlib.import_module(module_name)
        if not pm.is_registered(module):
            pm.register(module, module_name)
        state.origins.setdefault(module_name, Origin(BUILTIN_PACKAGE, "", module_name))
    return state


def _origin(state: _State, plugin_name: str, plugin: object) -> Origin:
    found = state.origins.get(plugin_name)
    if found is not None:
        return found
    module = plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__
    return Origin("", "", module)  # registered in-process (a test, an application)


def registrations(kind: str) -> dict[str, Registration]:
    """Every registration of ``kind`` by name and alias, asking each plugin afresh.

    A plugin whose hook raises, or that claims a name meaning "none", is skipped with one
    warning; two plugins claiming one name is a PluginError (which one would run is unclear).
    """
    spec = KINDS[kind]
    state = _get_state()
    found: dict[str, Registration] = {}
    caller = getattr(state.manager.hook, spec.hook)
    for impl in caller.get_hookimpls():  # registration order: built-ins first
        origin = _origin(state, impl.plugin_name, impl.plugin)
        mine: list[Registration] = []

        def register(
            name: str,
            factory: Callable[..., Any],
            *,
            aliases: Iterable[str] = (),
            description: str = "",
            origin: Origin = origin,
            mine: list[Registration] = mine,
        ) -> None:
            mine.append(Registration(kind, name, factory, tuple(aliases), description, origin))

        try:
            impl.function(register=register)
        except Exception as exc:  # a broken plugin must not take Retold down
            _warn_once(
                state,
                f"{impl.plugin_name}:{kind}",
                f"The Retold plugin {origin.module} failed to register its {spec.label}s and "
                f"is skipped ({type(exc).__name__}: {exc}).",
            )
            continue
        for reg in mine:
            _add(state, spec, found, reg)
    return found


def _add(state: _State, spec: Kind, found: dict[str, Registration], reg: Registration) -> None:
    keys = [key.strip().lower() for key in (reg.name, *reg.aliases)]
    reserved = [key for key in keys if key in spec.none]
    if reserved:
        _warn_once(
            state,
            f"{reg.origin.module}:{reserved[0]}",
            f"The Retold plugin {reg.origin.module} registers a {spec.label} called "
            f"'{reserved[0]}', which means no {spec.label}; it is skipped.",
        )
        return
    for key in keys:
        other = found.get(key)
        if other is not None and other.factory is not reg.factory:
            raise PluginError(
                f"Two plugins register a {spec.label} called '{key}' "
                f"({_where(other.origin)} and {_where(reg.origin)}); uninstall one of them."
            )
    for key in keys:
        found[key] = reg


def _where(origin: Origin) -> str:
    return origin.package or origin.module


def names(kind: str) -> list[str]:
    """The names registered for ``kind`` (no aliases), sorted."""
    return sorted({reg.name for reg in registrations(kind).values()})


def get(
    kind: str, name: str, *, setting: str = "", unknown: type[Exception] = UnknownPlugin
) -> Registration | None:
    """The registration called ``name`` (or an alias), None for a name meaning "none".

    An unknown name raises ``unknown`` (the writer's and the checker's own error classes
    pass theirs) naming the closest registered one; ``setting`` (e.g. "checker.judge")
    says in the sentence where the name came from.
    """
    spec = KINDS[kind]
    key = name.strip().lower()
    if key in spec.none:
        return None
    regs = registrations(kind)
    if key in regs:
        return regs[key]
    where = f" ({setting})" if setting else ""
    close = difflib.get_close_matches(key, sorted(regs), n=1, cutoff=0.5)
    if close:
        raise unknown(f"Unknown {spec.label} '{name}'{where}; did you mean '{close[0]}'?")
    choices = ", ".join([*spec.none[:1], *names(kind)])
    raise unknown(f"Unknown {spec.label} '{name}'{where}; choose one of: {choices}.")


def build(kind: str, name: str, settings: Any, *, unknown: type[Exception] = UnknownPlugin) -> Any:
    """The plugin called ``name`` built from ``settings`` (None for a name meaning "none")."""
    reg = get(kind, name, unknown=unknown)
    return None if reg is None else reg.factory(settings)

