"""Resolving ``from_pretrained`` arguments to a (config.json, model.safetensors) pair on disk."""

from __future__ import annotations

import os
from pathlib import Path

from .models.base import CONFIG_NAME, WEIGHTS_NAME

__all__ = ["resolve_pretrained"]


def resolve_pretrained(
    name_or_path: str | os.PathLike,
    *,
    revision: str | None = None,
    cache_dir: str | os.PathLike | None = None,
    local_files_only: bool | None = None,
) -> tuple[Path, Path]:
    """A local directory (holding config.json and model.safetensors) or a .safetensors file
    (with config.json beside it) → the two file paths."""
    p = Path(name_or_path)
    if p.is_dir():
        config, weights = p / CONFIG_NAME, p / WEIGHTS_NAME
    elif p.is_file() and p.suffix == ".safetensors":
        config, weights = p.parent / CONFIG_NAME, p
    else:
        raise FileNotFoundError(f"no model directory or .safetensors file at {p}")
    for f in (config, weights):
        if not f.is_file():
            raise FileNotFoundError(f"{p}: missing {f.name}")
    return config, weights
