"""Benchmark suites: each module here has `run(ctx, quick) -> list[Metric]` and is found by its file name."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

# Cheap and foundational first; a suite not listed here runs after these, in alphabetical order.
PREFERRED_ORDER = ("baseline", "generation", "review", "autosave", "export", "load")


def suite_names() -> list[str]:
    found = sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))
    return [n for n in PREFERRED_ORDER if n in found] + [n for n in found if n not in PREFERRED_ORDER]


def load_suite(name: str) -> ModuleType:
    module = importlib.import_module(f"{__name__}.{name}")
    if not callable(getattr(module, "run", None)):
        raise TypeError(f"bench/suites/{name}.py has no run(ctx, quick) function")
    return module
