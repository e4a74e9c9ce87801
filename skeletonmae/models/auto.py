"""`SkeletonMAE`, the package's front door: an auto class in the manner of transformers'
``AutoModel``. It is never an instance itself; it loads or builds the architecture a config names
(`TransformerSkeletonMAE` for System A, `GraphSkeletonMAE` for System B, `SkeletonEnsemble`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from .base import ModelConfig, SkeletonModel, build_model

__all__ = ["SkeletonMAE", "create_model", "load_model"]


class _AutoMeta(type):
    """Every zoo model counts as a `SkeletonMAE`: ``isinstance(model, SkeletonMAE)`` holds for
    whatever architecture the front door returned."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, SkeletonModel)

    def __subclasscheck__(cls, sub: type) -> bool:
        return isinstance(sub, type) and issubclass(sub, SkeletonModel)


class SkeletonMAE(metaclass=_AutoMeta):
    """Load any zoo model, whatever its architecture::

        model = SkeletonMAE.from_pretrained("systema-nwucla-finetune")  # a TransformerSkeletonMAE
        model = SkeletonMAE.from_pretrained("systemb-nwucla-finetune")  # a GraphSkeletonMAE

    ``SkeletonMAE(config)`` (or `from_config`) builds a freshly initialised model of the
    architecture ``config`` (a config object or its dict) names. The concrete classes load only
    their own architecture.
    """

    def __new__(cls, config: ModelConfig | dict[str, Any]) -> SkeletonModel:  # type: ignore[misc]
        return build_model(config)

    @staticmethod
    def from_config(config: ModelConfig | dict[str, Any]) -> SkeletonModel:
        """A freshly initialised model of the architecture ``config`` names."""
        return build_model(config)

    @staticmethod
    def from_pretrained(name_or_path: str | os.PathLike, **options: Any) -> SkeletonModel:
        """The model a zoo name, Hub repo id (``org/name``) or local path (a model directory, a
        training run with its ``model/``, or a ``.safetensors`` file with its ``config.json``)
        holds, of whichever architecture its config names. ``options``: ``revision``,
        ``cache_dir``, ``local_files_only``, ``map_location``, ``token``, ``force_download``."""
        return SkeletonModel.from_pretrained(name_or_path, **options)


load_model = SkeletonMAE.from_pretrained  # the loader's earlier name, the same function


def create_model(
    name_or_path: str | os.PathLike,
    pretrained: bool = True,
    num_classes: int | None = None,
    class_names: Sequence[str] | None = None,
    **options: Any,
) -> SkeletonModel:
    """timm's ``create_model`` for the zoo: the model ``name_or_path`` holds, with its trained
    weights or (``pretrained=False``) freshly initialised ones of the same architecture; with
    ``num_classes``, a new head for that many classes on its encoder (`reset_classifier`),
    ready to train in your own loop. ``options`` go to `SkeletonMAE.from_pretrained`."""
    model = SkeletonMAE.from_pretrained(name_or_path, **options)
    if not pretrained:
        model = build_model(model.config)
    if num_classes is not None:
        model.reset_classifier(num_classes, class_names)
    return model
