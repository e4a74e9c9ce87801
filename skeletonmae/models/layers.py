"""Parts both systems share: the linear-probe head, and the projector and loss of the
cross-view agreement term (its second view comes from `skeletonmae.transforms.rotate_batch`)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["info_nce", "linear_head", "projector"]


def linear_head(in_dim: int, num_classes: int) -> nn.Sequential:
    """BatchNorm (no affine) → Linear (weights trunc-normal, std 0.01): the linear probe of
    MAE-style papers, on (B, in_dim) frozen features."""
    fc = nn.Linear(in_dim, num_classes)
    nn.init.trunc_normal_(fc.weight, std=0.01)
    nn.init.zeros_(fc.bias)
    return nn.Sequential(nn.BatchNorm1d(in_dim, affine=False), fc)


def projector(dim: int, out_dim: int) -> nn.Module:
    """Linear → BatchNorm → GELU → Linear: maps pooled (B, dim) latents to (B, out_dim)."""
    return nn.Sequential(
        nn.Linear(dim, 2 * dim), nn.BatchNorm1d(2 * dim), nn.GELU(), nn.Linear(2 * dim, out_dim)
    )


def info_nce(za: torch.Tensor, zb: torch.Tensor, temperature: float) -> torch.Tensor:
    """Symmetric InfoNCE between two (B, D) batches: sample i of one view must pick sample i of
    the other among the batch (cosine similarities divided by ``temperature``)."""
    za, zb = F.normalize(za, dim=-1), F.normalize(zb, dim=-1)
    logits = za @ zb.T / temperature
    labels = torch.arange(len(za), device=za.device)
    return 0.5 * (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels))
