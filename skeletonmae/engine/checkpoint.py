"""Training checkpoints: model, optimiser, RNG states and epoch, written atomically each epoch.

They are our own files, loaded with ``weights_only=True`` (PyTorch's restricted unpickler), never
a full unpickle. Published weights are safetensors (`SkeletonModel.save_pretrained`).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..fileio import atomic_write
from ..modelfiles import CheckpointError, torch_load_problem

__all__ = ["load_checkpoint", "rng_state", "save_checkpoint", "set_rng_state"]


def rng_state() -> dict[str, Any]:
    """The global torch, numpy and Python RNG states as tensors (loadable with weights_only)."""
    _, keys, pos, _, _ = np.random.get_state()
    return {
        "torch": torch.get_rng_state(),
        "numpy": torch.from_numpy(keys.astype(np.int64)),
        "numpy_pos": torch.tensor(pos),
        "python": torch.tensor(list(random.getstate()[1]), dtype=torch.int64),
    }


def set_rng_state(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    keys = state["numpy"].numpy().astype(np.uint32)
    np.random.set_state(("MT19937", keys, int(state["numpy_pos"]), 0, 0.0))
    random.setstate((3, tuple(int(x) for x in state["python"].tolist()), None))


def save_checkpoint(path: Path, state: dict[str, Any]) -> None:
    """Write ``state`` to ``path`` atomically (a kill mid-write leaves the previous file)."""
    atomic_write(path, lambda p: torch.save(state, p))


def load_checkpoint(path: Path) -> dict[str, Any]:
    """A training checkpoint; an unreadable or foreign file is a `CheckpointError`."""
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # torch raises many types for a bad file
        raise CheckpointError(
            f"cannot resume from {path}: not a readable checkpoint ({torch_load_problem(e)})"
        ) from None
    keys = {"epoch", "step", "model", "optimizer", "rng", "recipe"}
    if not isinstance(state, dict) or not keys <= set(state):
        raise CheckpointError(f"cannot resume from {path}: not a skeletonmae training checkpoint")
    return state
