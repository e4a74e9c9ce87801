"""Datasets for training: clips read once into memory, preprocessed per item with per-epoch,
per-index seeded augmentation (so that a resumed run sees exactly the same batches)."""

from __future__ import annotations

import math

import numpy as np
import torch
from torch.utils.data import Dataset

from ..clip import Clip
from ..transforms import PreprocessConfig, preprocess, preprocess_views

__all__ = ["ClipDataset", "label_subset"]


def label_subset(labels: list[int | None], fraction: float, seed: int = 0) -> list[int]:
    """Indices of a class-balanced ``fraction`` of labelled clips: ``ceil(fraction · n_c)`` clips
    of each class c (at least one), drawn by ``seed`` alone, so that every method trained with the
    same fraction and seed sees the same clips. Returned in ascending order."""
    if not 0 < fraction <= 1:
        raise ValueError(f"label fraction must be in (0, 1], got {fraction}")
    rng = np.random.default_rng(seed)
    by_class: dict[int, list[int]] = {}
    for i, y in enumerate(labels):
        if y is not None:
            by_class.setdefault(y, []).append(i)
    keep: list[int] = []
    for y in sorted(by_class):
        members = by_class[y]
        k = max(1, math.ceil(fraction * len(members) - 1e-9))
        keep.extend(rng.permutation(members)[:k].tolist())
    return sorted(keep)


class ClipDataset(Dataset):
    """(C, T, V, M) tensors and labels from in-memory clips; ``train`` turns on augmentation,
    ``views`` (evaluation only) gives each clip's test-time views instead, (K, C, T, V, M)."""

    def __init__(
        self,
        clips: list[Clip],
        config: PreprocessConfig,
        layout: str,
        *,
        train: bool,
        seed: int = 0,
        views: bool = False,
    ) -> None:
        if not clips:
            raise ValueError("no clips to train or evaluate on")
        self.clips = [c.to_layout(layout) for c in clips]
        if views and train:
            raise ValueError("test-time views are for evaluation, not training")
        self.config, self.layout, self.train, self.seed = config, layout, train, seed
        self.views = views
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return len(self.clips)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        if self.views:
            x = preprocess_views(self.clips[i], self.config, self.layout)
        else:
            rng = np.random.default_rng((self.seed, self.epoch, i)) if self.train else None
            x = preprocess(self.clips[i], self.config, self.layout, rng=rng)
        label = self.clips[i].label
        return torch.from_numpy(x), -1 if label is None else label
