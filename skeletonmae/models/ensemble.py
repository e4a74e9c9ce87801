"""Ensembles as one model: classifiers of the same classes and layout, each reading its own input
streams from one shared batch, whose softmax outputs are averaged.

An ensemble is saved like any zoo model (one ``config.json`` holding the members' configs, one
safetensors file with their weights under ``members.<i>.``), so ``from_pretrained``,
``classify``, ``extract``, ``evaluate`` and ONNX export treat it as one model. Its preprocessing
is the members' (they must agree on everything but their streams), with the union of their
streams as channels and the ensemble's own test-time views.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from ..transforms import STREAMS, PreprocessConfig
from .base import ModelConfig, SkeletonModel, build_model, config_from_dict

__all__ = ["EnsembleConfig", "SkeletonEnsemble"]

# Preprocessing fields an ensemble's members may differ in: each reads its own streams from the
# shared batch, and the ensemble's views apply to all of them.
_OWN = ("streams", "test_views")


@dataclass
class EnsembleConfig(ModelConfig):
    """``members``: the members' model configs (their ``to_dict()``); ``weights``: each one's
    share of the averaged probabilities (default: equal)."""

    arch = "skeletonmae-ensemble"
    members: list[dict[str, Any]] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
        if len(self.members) < 2 or not all(isinstance(m, dict) for m in self.members):
            raise ValueError("an ensemble needs at least two member configs")
        self.member_configs = [config_from_dict(m) for m in self.members]
        self.weights = [float(w) for w in self.weights] or [1.0] * len(self.members)
        if len(self.weights) != len(self.members) or not all(w > 0 for w in self.weights):
            raise ValueError(
                f"ensemble weights {self.weights}: expected one positive weight per member"
            )
        mine = {k: v for k, v in self.preprocess.to_dict().items() if k not in _OWN}
        for i, c in enumerate(self.member_configs):
            theirs = {k: v for k, v in c.preprocess.to_dict().items() if k not in _OWN}
            problems = [
                what
                for what, bad in (
                    ("layout", c.layout != self.layout),
                    (
                        "classes",
                        (c.num_classes, c.class_names) != (self.num_classes, self.class_names),
                    ),
                    ("coordinates", c.coord_channels != self.coord_channels),
                    ("preprocessing", theirs != mine),
                    ("streams", not set(c.preprocess.streams) <= set(self.preprocess.streams)),
                )
                if bad
            ]
            if problems or not c.num_classes:
                raise ValueError(
                    f"ensemble member {i} ({c.arch}) does not fit the ensemble: "
                    + (f"its {', '.join(problems)} differ" if problems else "it has no classifier")
                )

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["members"] = [c.to_dict() for c in self.member_configs]
        return d


class SkeletonEnsemble(SkeletonModel):
    """``forward`` returns the log of the members' weighted mean softmax (so its softmax is that
    mean); ``forward_features`` concatenates the members' features."""

    config_class = EnsembleConfig
    summary = "an ensemble of zoo classifiers run as one model (their softmax averaged)"
    config: EnsembleConfig

    def __init__(self, config: EnsembleConfig) -> None:
        super().__init__(config)
        self.members = nn.ModuleList(build_model(c) for c in config.member_configs)
        c, streams = config.coord_channels, config.preprocess.streams
        self._channels = [
            [streams.index(s) * c + k for s in m.preprocess.streams for k in range(c)]
            for m in config.member_configs
        ]

    @classmethod
    def from_members(
        cls,
        models: Sequence[SkeletonModel | str | os.PathLike],
        *,
        weights: list[float] | None = None,
        test_views: list[list[float]] | None = None,
    ) -> SkeletonEnsemble:
        """An ensemble holding copies of ``models``' weights (models, or zoo names, Hub ids and
        directories to load, as on the command line); ``test_views`` default to the first
        member's."""
        models = [
            m if isinstance(m, SkeletonModel) else SkeletonModel.from_pretrained(m) for m in models
        ]
        if len(models) < 2:
            raise ValueError("an ensemble needs at least two models")
        first = models[0].config
        streams = [s for s in STREAMS if any(s in m.config.preprocess.streams for m in models)]
        pre = PreprocessConfig.from_dict(
            {
                **first.preprocess.to_dict(),
                "streams": streams,
                "test_views": test_views or [list(v) for v in first.preprocess.test_views],
            }
        )
        config = EnsembleConfig(
            layout=first.layout,
            in_channels=first.coord_channels * len(streams),
            num_classes=first.num_classes,
            class_names=list(first.class_names),
            preprocess=pre,
            members=[m.config.to_dict() for m in models],
            weights=list(weights or []),
        )
        ensemble = cls(config)
        for mine, theirs in zip(ensemble.members, models, strict=True):
            mine.load_state_dict(theirs.state_dict(), strict=True)
        return ensemble.eval()

    def _inputs(self, x: torch.Tensor) -> list[torch.Tensor]:
        if x.ndim != 5 or x.shape[1] != self.config.in_channels:
            raise ValueError(
                f"input (N, C, T, V, M) = {tuple(x.shape)}; this ensemble expects "
                f"C = {self.config.in_channels} ({', '.join(self.config.preprocess.streams)})"
            )
        return [x[:, idx] for idx in self._channels]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w = self.config.weights
        probs = sum(
            wi * (m(xi) / m.config.temperature).softmax(-1)
            for wi, m, xi in zip(w, self.members, self._inputs(x), strict=True)
        )
        return (probs / sum(w)).clamp_min(1e-12).log()

    def forward_features(self, x: torch.Tensor, pooling: str | None = None) -> torch.Tensor:
        return torch.cat(
            [
                m.forward_features(xi, pooling=pooling)
                for m, xi in zip(self.members, self._inputs(x), strict=True)
            ],
            dim=1,
        )
