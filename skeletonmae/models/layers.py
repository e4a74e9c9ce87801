"""Parts both systems share: the projector and loss of the cross-view agreement term, and the
random rotation that makes its second view."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from einops import rearrange
from torch import nn

from ..transforms import rotation_matrices

__all__ = ["info_nce", "projector", "rotate_streams"]


def projector(dim: int, out_dim: int) -> nn.Module:
    """Linear → BatchNorm → GELU → Linear: maps pooled (B, dim) latents to (B, out_dim)."""
    return nn.Sequential(
        nn.Linear(dim, 2 * dim), nn.BatchNorm1d(2 * dim), nn.GELU(), nn.Linear(2 * dim, out_dim)
    )


def rotate_streams(
    x: torch.Tensor, max_angle: float, generator: torch.Generator | None = None
) -> torch.Tensor:
    """(B, C, T, V) with C = 3 · streams, each sample turned by its own random rotation of up to
    ``max_angle`` radians about x, y and z, every 3-channel stream alike (joints, bones and
    motion are linear in the coordinates, so they stay consistent)."""
    angles = (torch.rand(x.shape[0], 3, generator=generator) * 2 - 1) * max_angle
    r = torch.from_numpy(rotation_matrices(angles.double().numpy())).to(x)
    streams = rearrange(x, "b (s k) t v -> b s k t v", k=3)
    return rearrange(torch.einsum("bij,bsjtv->bsitv", r, streams), "b s k t v -> b (s k) t v")


def info_nce(za: torch.Tensor, zb: torch.Tensor, temperature: float) -> torch.Tensor:
    """Symmetric InfoNCE between two (B, D) batches: sample i of one view must pick sample i of
    the other among the batch (cosine similarities divided by ``temperature``)."""
    za, zb = F.normalize(za, dim=-1), F.normalize(zb, dim=-1)
    logits = za @ zb.T / temperature
    labels = torch.arange(len(za), device=za.device)
    return 0.5 * (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels))
