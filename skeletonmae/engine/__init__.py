"""The one training engine: recipes, data, optimisation, checkpoints, distributed runs.

Names are imported on first use, so that reading a recipe (the command line builds its options
from `recipe.OVERRIDES`) does not import PyTorch."""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Recipe": "recipe",
    "available_recipes": "recipe",
    "load_recipe": "recipe",
    "evaluate_model": "trainer",
    "load_encoder": "trainer",
    "predict_clips": "trainer",
    "run": "trainer",
    "assemble": "assembly",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
