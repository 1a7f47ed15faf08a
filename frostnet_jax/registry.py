"""Name -> factory registries for detectors and datasets.

A detector or dataset is added by one decorated factory in one file::

    @register_detector("zscore")
    class ZScoreDetector(Detector): ...

Detectors shipped in other installed packages register through the
entry-point group ``frostnet_jax.detectors`` (value: ``module:factory``).
"""
from __future__ import annotations

import difflib
import importlib
import inspect
from collections.abc import Callable
from importlib import metadata
from typing import Any, Generic, TypeVar

from frostnet_jax.errors import ConfigError, unknown_name_message

F = TypeVar("F", bound=Callable[..., Any])

# Modules whose import registers the built-in members of each registry.
_BUILTIN_MODULES = {
    "detector": ("frostnet_jax.baselines", "frostnet_jax.detectors"),
    "dataset": ("frostnet_jax.data.scenarios",),
}


class Registry(Generic[F]):
    """A mapping from names to factories, filled by decorators and entry points."""

    def __init__(self, kind: str, entry_point_group: str | None = None):
        self.kind = kind
        self.entry_point_group = entry_point_group
        self._factories: dict[str, F] = {}
        self._loaded = False

    def register(self, name: str) -> Callable[[F], F]:
        """Decorator: register `factory` under `name` (names are unique)."""
        if not name or "/" in name or "\\" in name or name.startswith("."):
            raise ConfigError(f"Invalid {self.kind} name {name!r}: use letters, digits, '-' and '_'.")

        def decorate(factory: F) -> F:
            if name in self._factories and self._factories[name] is not factory:
                raise ConfigError(f"{self.kind} {name!r} is registered twice; pick another name.")
            self._factories[name] = factory
            try:
                factory.registered_name = name  # type: ignore[attr-defined]
            except (AttributeError, TypeError):
                pass
            return factory

        return decorate

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for module in _BUILTIN_MODULES.get(self.kind, ()):
            importlib.import_module(module)
        if self.entry_point_group:
            for ep in metadata.entry_points(group=self.entry_point_group):
                if ep.name not in self._factories:
                    self._factories[ep.name] = ep.load()

    def names(self) -> list[str]:
        """Sorted names of every registered member."""
        self._load()
        return sorted(self._factories)

    def get(self, name: str) -> F:
        """The factory registered as `name`; unknown names list the known ones."""
        self._load()
        if not isinstance(name, str) or name not in self._factories:
            raise ConfigError(unknown_name_message(self.kind, name, self._factories))
        return self._factories[name]

    def create(self, name: str, **kwargs: Any) -> Any:
        """Call the factory of `name` after checking the keyword names it takes."""
        factory = self.get(name)
        check_kwargs(factory, kwargs, f"{self.kind} {name!r}")
        return factory(**kwargs)


def accepted_kwargs(factory: Callable[..., Any]) -> dict[str, inspect.Parameter]:
    """Keyword parameters of a factory (a class: of its ``__init__``)."""
    target = factory.__init__ if inspect.isclass(factory) else factory
    params = dict(inspect.signature(target).parameters)
    params.pop("self", None)
    return params


def check_kwargs(factory: Callable[..., Any], kwargs: dict[str, Any], what: str) -> None:
    """Raise ConfigError naming any keyword `factory` does not take."""
    params = accepted_kwargs(factory)
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return
    for key in kwargs:
        if key not in params:
            known = [k for k, p in params.items() if p.kind is not inspect.Parameter.VAR_POSITIONAL]
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"{what} takes no hyperparameter {key!r}.{hint} "
                              f"It takes: {', '.join(sorted(known)) or '(none)'}.")


DETECTORS: Registry = Registry("detector", entry_point_group="frostnet_jax.detectors")
DATASETS: Registry = Registry("dataset")

register_detector = DETECTORS.register
register_dataset = DATASETS.register
