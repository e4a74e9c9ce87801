"""skeletonmae: masked autoencoders for 3D skeleton action recognition.

The public names are those of `_EXPORTS` (and the submodules of `_MODULES`), imported on first
use, so that ``import skeletonmae`` (and the command line's ``--help`` / ``--version``) does not
pay for importing PyTorch.
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any

from ._version import __version__ as __version__

# The public API, each name with the module that defines it.
_EXPORTS = {
    "Clip": "clip",
    "ClipFormatError": "clip",
    "load_clip": "formats",
    "save_clip": "formats",
    "read_clip": "inference",
    "Layout": "layouts",
    "LayoutError": "layouts",
    "get_layout": "layouts",
    "layout_mapping": "layouts",
    "load_layout": "layouts",
    "register_layout": "layouts",
    "SkeletonMAE": "models",
    "create_model": "models",
    "load_model": "models",
    "list_models": "zoo",
    "CheckpointError": "models",
    "SkeletonModel": "models",
    "TransformerSkeletonMAE": "models",
    "TransformerSkeletonMAEConfig": "models",
    "TransformerEncoder": "models",
    "TransformerDecoder": "models",
    "GraphSkeletonMAE": "models",
    "GraphSkeletonMAEConfig": "models",
    "GraphEncoder": "models",
    "GraphDecoder": "models",
    "SkeletonEnsemble": "models",
    "MaskResult": "masking",
    "open_dataset": "datasets",
    "PreprocessConfig": "transforms",
    "preprocess": "transforms",
}
# Submodules that are public names themselves.
_MODULES = ("datasets", "masking", "viz", "zoo")
# Names of releases up to 0.1.0, when `SkeletonMAE` was also the transformer's class: still
# answered (here, by `skeletonmae.models` and by its transformer module) with a DeprecationWarning.
RENAMED = {
    "SkeletonMAEConfig": "TransformerSkeletonMAEConfig",
    "SkeletonEncoder": "TransformerEncoder",
    "SkeletonDecoder": "TransformerDecoder",
}

__all__ = sorted([*_EXPORTS, *_MODULES, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    if name in RENAMED:
        warnings.warn(f"{name} is now called {RENAMED[name]}", DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(".models", __name__), RENAMED[name])
    raise AttributeError(f"module 'skeletonmae' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS) | set(_MODULES))
