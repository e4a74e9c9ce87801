"""Model architectures of the zoo; each registers itself in `ARCHITECTURES` by its ``arch``."""

from .base import (
    ARCHITECTURES,
    CheckpointError,
    ModelConfig,
    Paper,
    SkeletonModel,
    architecture_facts,
    build_model,
    config_from_dict,
    create_model,
    load_model,
)
from .ensemble import EnsembleConfig, SkeletonEnsemble
from .graph import GraphDecoder, GraphEncoder, GraphSkeletonMAE, GraphSkeletonMAEConfig
from .transformer import SkeletonDecoder, SkeletonEncoder, SkeletonMAE, SkeletonMAEConfig

__all__ = [
    "ARCHITECTURES",
    "CheckpointError",
    "EnsembleConfig",
    "GraphDecoder",
    "GraphEncoder",
    "GraphSkeletonMAE",
    "GraphSkeletonMAEConfig",
    "ModelConfig",
    "Paper",
    "SkeletonDecoder",
    "SkeletonEncoder",
    "SkeletonEnsemble",
    "SkeletonMAE",
    "SkeletonMAEConfig",
    "SkeletonModel",
    "architecture_facts",
    "build_model",
    "config_from_dict",
    "create_model",
    "load_model",
]
