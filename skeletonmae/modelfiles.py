"""What a saved model is on disk, below every layer that reads one (models, Hub client, zoo):
its file names, the error for a bad checkpoint, and facts read from the weights file without
building the model."""

from __future__ import annotations

import os
import re

from safetensors import safe_open

__all__ = [
    "CONFIG_NAME",
    "WEIGHTS_NAME",
    "CheckpointError",
    "count_parameters",
    "torch_load_problem",
]

CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"

# Buffers that `state_dict` saves beside the parameters (BatchNorm statistics).
_BUFFER_SUFFIXES = ("running_mean", "running_var", "num_batches_tracked")


class CheckpointError(ValueError):
    """A checkpoint is corrupt or does not match the model it is loaded into."""


def count_parameters(weights_path: str | os.PathLike) -> int:
    """Learnable parameters in a safetensors file (its tensors, less BatchNorm statistics)."""
    total = 0
    with safe_open(str(weights_path), framework="np") as f:
        for key in f.keys():  # noqa: SIM118 (safe_open is not a mapping)
            if not key.endswith(_BUFFER_SUFFIXES):
                n = 1
                for d in f.get_slice(key).get_shape():
                    n *= d
                total += n
    return total


def torch_load_problem(error: Exception) -> str:
    """What went wrong in ``torch.load(weights_only=True)``, in a few words: the global a pickle
    asked for, or the unpickler's own complaint, without torch's advice to retry with
    ``weights_only=False`` (which would run code from the file)."""
    text = str(error)
    found = re.search(r"Unsupported global: GLOBAL (\S+)", text)
    if found:
        return f"refusing to unpickle it: it asks for {found.group(1)}, not tensors or plain data"
    detail = re.search(r"WeightsUnpickler error:\s*(.+?)\s*(?:\n|$)", text)
    if detail:
        return detail.group(1)
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first or type(error).__name__
