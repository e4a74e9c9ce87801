"""Model architectures of the zoo; each registers itself in `ARCHITECTURES` by its ``arch``, and
`SkeletonMAE` loads or builds whichever a config names."""

import warnings

from .. import RENAMED
from .auto import SkeletonMAE, create_model, load_model
from .base import (
    ARCHITECTURES,
    CheckpointError,
    ModelConfig,
    Paper,
    SkeletonModel,
    build_model,
    config_from_dict,
)
from .ensemble import EnsembleConfig, SkeletonEnsemble
from .graph import GraphDecoder, GraphEncoder, GraphSkeletonMAE, GraphSkeletonMAEConfig
from .transformer import (
    TransformerDecoder,
    TransformerEncoder,
    TransformerSkeletonMAE,
    TransformerSkeletonMAEConfig,
)

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
    "SkeletonEnsemble",
    "SkeletonMAE",
    "SkeletonModel",
    "TransformerDecoder",
    "TransformerEncoder",
    "TransformerSkeletonMAE",
    "TransformerSkeletonMAEConfig",
    "build_model",
    "config_from_dict",
    "create_model",
    "load_model",
]


def __getattr__(name: str):
    if name in RENAMED:  # earlier names of the transformer's classes
        warnings.warn(f"{name} is now called {RENAMED[name]}", DeprecationWarning, stacklevel=2)
        return globals()[RENAMED[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
