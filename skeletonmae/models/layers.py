"""Parts both systems share: the linear-probe head."""

from __future__ import annotations

from torch import nn

__all__ = ["linear_head"]


def linear_head(in_dim: int, num_classes: int) -> nn.Sequential:
    """BatchNorm (no affine) → Linear (weights trunc-normal, std 0.01): the linear probe of
    MAE-style papers, on (B, in_dim) frozen features."""
    fc = nn.Linear(in_dim, num_classes)
    nn.init.trunc_normal_(fc.weight, std=0.01)
    nn.init.zeros_(fc.bias)
    return nn.Sequential(nn.BatchNorm1d(in_dim, affine=False), fc)
