"""skeletonmae: masked autoencoders for 3D skeleton action recognition.

The public names below are imported on first use, so that ``import skeletonmae`` (and the
command line's ``--help`` / ``--version``) does not pay for importing PyTorch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

_EXPORTS = {
    "Clip": "clip",
    "ClipFormatError": "clip",
    "load_clip": "formats",
    "save_clip": "formats",
    "Layout": "layouts",
    "LayoutError": "layouts",
    "get_layout": "layouts",
    "layout_mapping": "layouts",
    "load_layout": "layouts",
    "register_layout": "layouts",
    "CheckpointError": "models",
    "GraphSkeletonMAE": "models",
    "GraphSkeletonMAEConfig": "models",
    "SkeletonMAE": "models",
    "SkeletonMAEConfig": "models",
    "SkeletonModel": "models",
    "SkeletonEnsemble": "models",
    "SkeletonEncoder": "models",
    "SkeletonDecoder": "models",
    "GraphEncoder": "models",
    "GraphDecoder": "models",
    "MaskResult": "masking",
    "list_models": "zoo",
    "open_dataset": "datasets",
    "load_model": "models",
    "create_model": "models",
    "PreprocessConfig": "transforms",
    "preprocess": "transforms",
}

_MODULES = ("datasets", "masking", "viz", "zoo")  # submodules that are public names themselves

__all__ = [
    "CheckpointError",
    "Clip",
    "ClipFormatError",
    "GraphDecoder",
    "GraphEncoder",
    "GraphSkeletonMAE",
    "GraphSkeletonMAEConfig",
    "Layout",
    "LayoutError",
    "MaskResult",
    "PreprocessConfig",
    "SkeletonDecoder",
    "SkeletonEncoder",
    "SkeletonEnsemble",
    "SkeletonMAE",
    "SkeletonMAEConfig",
    "SkeletonModel",
    "__version__",
    "create_model",
    "datasets",
    "get_layout",
    "layout_mapping",
    "list_models",
    "load_clip",
    "load_layout",
    "load_model",
    "masking",
    "open_dataset",
    "preprocess",
    "register_layout",
    "save_clip",
    "viz",
    "zoo",
]

if TYPE_CHECKING:
    from . import datasets, masking, viz, zoo
    from .clip import Clip, ClipFormatError
    from .datasets import open_dataset
    from .formats import load_clip, save_clip
    from .layouts import (
        Layout,
        LayoutError,
        get_layout,
        layout_mapping,
        load_layout,
        register_layout,
    )
    from .masking import MaskResult
    from .models import (
        CheckpointError,
        GraphDecoder,
        GraphEncoder,
        GraphSkeletonMAE,
        GraphSkeletonMAEConfig,
        SkeletonDecoder,
        SkeletonEncoder,
        SkeletonEnsemble,
        SkeletonMAE,
        SkeletonMAEConfig,
        SkeletonModel,
        create_model,
        load_model,
    )
    from .transforms import PreprocessConfig, preprocess
    from .zoo import list_models


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'skeletonmae' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS) | set(_MODULES))
