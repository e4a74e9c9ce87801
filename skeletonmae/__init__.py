"""skeletonmae: masked autoencoders for 3D skeleton action recognition."""

from ._version import __version__
from .clip import Clip, ClipFormatError
from .formats import load_clip, save_clip
from .layouts import Layout, LayoutError, get_layout, layout_mapping, load_layout, register_layout
from .models import (
    CheckpointError,
    GraphSkeletonMAE,
    GraphSkeletonMAEConfig,
    SkeletonMAE,
    SkeletonMAEConfig,
    SkeletonModel,
)
from .transforms import PreprocessConfig, preprocess

__all__ = [
    "CheckpointError",
    "Clip",
    "ClipFormatError",
    "GraphSkeletonMAE",
    "GraphSkeletonMAEConfig",
    "Layout",
    "LayoutError",
    "PreprocessConfig",
    "SkeletonMAE",
    "SkeletonMAEConfig",
    "SkeletonModel",
    "__version__",
    "get_layout",
    "layout_mapping",
    "load_clip",
    "load_layout",
    "preprocess",
    "register_layout",
    "save_clip",
]
