"""Linear probing on frozen features: the protocol the zoo's linear-probe recipes use, and the
controls every claim about pre-training is measured against (the same architecture with random
weights; raw joints under the same probe).

The probe is BatchNorm (no affine) → Linear, trained with SGD (momentum 0.9, Nesterov) and a
cosine schedule on features cached once per view: view 0 is the deterministic preprocessing, the
others are augmented passes (crop-resize, rotation) over the training clips.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader

from ..clip import Clip
from ..models.layers import linear_head
from ..transforms import PreprocessConfig, resample
from .data import ClipDataset

__all__ = ["cached_features", "fit_probe", "probe_accuracy", "raw_joint_features"]


@torch.no_grad()
def cached_features(
    model: nn.Module,
    clips: list[Clip],
    *,
    views: int = 1,
    seed: int = 0,
    pooling: str | None = None,
    batch_size: int = 128,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Frozen features (views · N, F) and labels (views · N,) of ``clips``: view 0 deterministic,
    views 1… augmented as in training."""
    model.eval()
    feats, labels = [], []
    for view in range(views):
        ds = ClipDataset(
            clips, model.config.preprocess, model.config.layout, train=view > 0, seed=seed
        )
        ds.set_epoch(view)
        for x, y in DataLoader(ds, batch_size=batch_size):
            feats.append(model.forward_features(x.to(model.device), pooling=pooling).cpu())
            labels.append(y)
    return torch.cat(feats), torch.cat(labels)


def raw_joint_features(
    clips: list[Clip],
    config: PreprocessConfig,
    layout: str,
    *,
    num_frames: int = 16,
    views: int = 1,
    seed: int = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The raw-joints control: each clip preprocessed like the model's input (centred, aligned,
    joint stream only), resampled to ``num_frames``, flattened → (views · N, num_frames·V·C·M)."""
    joints_only = PreprocessConfig.from_dict({**config.to_dict(), "streams": ["joint"]})
    feats, labels = [], []
    for view in range(views):
        ds = ClipDataset(clips, joints_only, layout, train=view > 0, seed=seed)
        ds.set_epoch(view)
        for i in range(len(ds)):
            x, y = ds[i]
            arr = resample(np.transpose(x.numpy(), (3, 1, 2, 0)), num_frames)  # (M, T, V, C)
            feats.append(torch.from_numpy(arr.reshape(-1)))
            labels.append(y)
    return torch.stack(feats), torch.tensor(labels)


def fit_probe(
    head: nn.Module,
    feats: torch.Tensor,
    labels: torch.Tensor,
    *,
    epochs: int = 100,
    batch_size: int = 128,
    lr: float = 0.1,
    min_lr: float = 0.0,
    momentum: float = 0.9,
    weight_decay: float = 0.0,
    label_smoothing: float = 0.0,
    seed: int = 0,
    generator: torch.Generator | None = None,
) -> float:
    """Train ``head`` on cached (N, F) features with SGD and a per-step cosine schedule; returns
    the last mini-batch loss. Mini-batch order comes from ``generator`` (default: seeded by
    ``seed``)."""
    optimizer = torch.optim.SGD(
        head.parameters(), lr=lr, momentum=momentum, nesterov=True, weight_decay=weight_decay
    )
    g = generator or torch.Generator().manual_seed(seed)
    n = len(feats)
    steps = max(n // batch_size, 1)
    loss = torch.tensor(float("nan"))
    for epoch in range(epochs):
        head.train()
        order = torch.randperm(n, generator=g).to(feats.device)
        for i in range(steps):
            t = min((epoch + i / steps) / epochs, 1.0)
            for group in optimizer.param_groups:
                group["lr"] = min_lr + (lr - min_lr) * 0.5 * (1 + math.cos(math.pi * t))
            idx = order[i * batch_size : (i + 1) * batch_size]
            loss = F.cross_entropy(head(feats[idx]), labels[idx], label_smoothing=label_smoothing)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    head.eval()
    return loss.item()


@torch.no_grad()
def probe_accuracy(
    train: tuple[torch.Tensor, torch.Tensor],
    test: tuple[torch.Tensor, torch.Tensor],
    *,
    num_classes: int | None = None,
    seed: int = 0,
    **fit_options,
) -> float:
    """Top-1 (%) of a fresh linear probe fitted on ``train`` (features, labels) and evaluated on
    ``test``."""
    x, y = train
    num_classes = num_classes or int(max(y.max(), test[1].max())) + 1
    torch.manual_seed(seed)
    head = linear_head(x.shape[1], num_classes)
    with torch.enable_grad():
        fit_probe(head, x, y, seed=seed, **fit_options)
    pred = head(test[0]).argmax(1)
    return round(100.0 * (pred == test[1]).float().mean().item(), 2)
