"""Model architectures of the zoo; each registers itself in `ARCHITECTURES` by its ``arch``."""

from .base import ARCHITECTURES, CheckpointError, ModelConfig, SkeletonModel, config_from_dict
from .transformer import SkeletonDecoder, SkeletonEncoder, SkeletonMAE, SkeletonMAEConfig

__all__ = [
    "ARCHITECTURES",
    "CheckpointError",
    "ModelConfig",
    "SkeletonDecoder",
    "SkeletonEncoder",
    "SkeletonMAE",
    "SkeletonMAEConfig",
    "SkeletonModel",
    "config_from_dict",
]
