"""System A: the transformer SkeletonMAE (Wu et al., ICMEW 2023), in a form that also expresses
MAMP (Mao et al., ICCV 2023): one token per joint per temporal patch, factorised position
embeddings, pre-LN blocks, an encoder that sees only the visible tokens during pre-training, and a
light decoder that reconstructs coordinates or motion of the masked tokens.

Two cheaper pre-training objectives sit beside MAE's (``decoder="mae"``, a self-attention decoder
over every token): ``decoder="cross"`` is a decoupled cross-attention decoder whose queries are
only the masked *target cells* (``target_span`` consecutive temporal patches of one joint, masked
together), optionally weighting each cell's error by its motion energy (AMR-like); and
``target="latent"`` predicts, for those cells, the features of an exponential-moving-average
teacher encoder that sees the whole clip, with a variance term against collapse (S-JEPA /
data2vec-like).
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass
from typing import ClassVar

import torch
import torch.nn.functional as F
from einops import rearrange
from torch import nn

from .. import RENAMED, masking
from .base import ModelConfig, Paper, SkeletonModel, pool_tokens, pooled_dim
from .layers import linear_head

__all__ = [
    "DECODERS",
    "HEADS",
    "MASK_STRATEGIES",
    "PRESETS",
    "TARGETS",
    "Block",
    "CrossDecoder",
    "TransformerDecoder",
    "TransformerEncoder",
    "TransformerSkeletonMAE",
    "TransformerSkeletonMAEConfig",
]

# The `skeletonmae.masking.STRATEGIES` System A accepts.
MASK_STRATEGIES = ("spatial_temporal", "random", "motion", "tube", "joint", "frame")
HEADS = ("ln-linear", "linear", "fc", "mlp")
DECODERS = ("mae", "cross")
TARGETS = ("motion", "coords", "latent")

# Named architectures. "cpu-small" is the one the zoo's NW-UCLA / MSR recipes train on a 2-core
# CPU; "mamp" is MAMP's published NTU shape (dim 256, 8 encoder + 3 decoder blocks, T = 120,
# patch 4, 25 joints, two persons, motion-aware masking of 90% of the tokens, τ = 0.8).
PRESETS: dict[str, dict] = {
    "cpu-small": dict(
        layout="kinect-v1",
        dim=128,
        depth=6,
        num_heads=4,
        decoder_dim=128,
        decoder_depth=2,
        decoder_heads=4,
        patch_size=4,
        mask_strategy="spatial_temporal",
        joint_mask_ratio=0.5,
        frame_mask_ratio=0.5,
        preprocess=dict(num_frames=32, align=True, crop_ratio=(0.6, 1.0)),
    ),
    "mamp": dict(
        layout="ntu-rgbd",
        dim=256,
        depth=8,
        num_heads=8,
        decoder_dim=256,
        decoder_depth=3,
        decoder_heads=8,
        patch_size=4,
        mask_strategy="motion",
        mask_ratio=0.9,
        preprocess=dict(num_frames=120, max_persons=2, crop_ratio=(0.5, 1.0)),
    ),
}


@dataclass
class TransformerSkeletonMAEConfig(ModelConfig):
    """System A configuration. Sizes default to a model that trains on a 2-core CPU."""

    arch = "skeletonmae-transformer"
    presets = PRESETS
    mask_strategies: ClassVar[tuple[str, ...]] = MASK_STRATEGIES
    # "finetune" named a stage, not a head
    patch_size: int = 4
    dim: int = 128
    depth: int = 6
    num_heads: int = 4
    mlp_ratio: float = 4.0
    decoder_dim: int = 128
    decoder_depth: int = 2
    decoder_heads: int = 4
    drop_path: float = 0.0
    # Classifier head on the pooled features, one of `HEADS`: "ln-linear" (LayerNorm → Dropout →
    # Linear, the fine-tuned classifiers'; "finetune" before), "linear" (BatchNorm → Linear: the
    # linear probe), and MAMP's "fc" (Linear) and "mlp" (Dropout → Linear to head_hidden →
    # BatchNorm → ReLU → Linear).
    head: str = "ln-linear"
    head_dropout: float = 0.0
    head_hidden: int = 2048
    mask_strategy: str = "spatial_temporal"
    mask_ratio: float = 0.9  # random / motion / tube / joint / frame
    joint_mask_ratio: float = 0.6  # spatial_temporal
    frame_mask_ratio: float = 0.75  # spatial_temporal
    motion_tau: float = 0.8
    tube_length: int = 2
    target: str = "motion"  # "motion" (x[t+1] − x[t]), "coords" or "latent" (cross decoder)
    norm_target: bool = True
    # Pre-training decoder, one of `DECODERS`: "mae" (self-attention over all tokens, mask tokens
    # in the masked places) or "cross" (queries for the masked target cells only, cross-attending
    # to the visible latents). A target cell is ``target_span`` temporal patches of one joint;
    # masking draws on the grid of cells, so a cell is masked or visible as a whole.
    decoder: str = "mae"
    target_span: int = 1
    # Cross decoder: weight of each masked cell's error ∝ (its motion energy / the mean)^γ.
    motion_weight: float = 0.0
    # target="latent": the EMA teacher's per-step decay, how many of its last blocks are averaged
    # (each normalised per token) into the target, and the weight of the variance hinge that
    # keeps each encoder feature's spread across a batch's clips at least 1 (against collapse).
    teacher_decay: float = 0.996
    teacher_layers: int = 3
    variance_weight: float = 1.0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.preprocess.num_frames % self.patch_size:
            raise ValueError(
                f"patch_size {self.patch_size} must divide num_frames {self.preprocess.num_frames}"
            )
        if self.dim % self.num_heads or self.decoder_dim % self.decoder_heads:
            raise ValueError(
                "dim must be divisible by num_heads (and decoder_dim by decoder_heads)"
            )
        if self.target not in TARGETS:
            raise ValueError(f"target must be one of {TARGETS}, got {self.target!r}")
        if self.decoder not in DECODERS:
            raise ValueError(f"decoder must be one of {DECODERS}, got {self.decoder!r}")
        if self.target_span < 1 or self.num_patches % self.target_span:
            raise ValueError(
                f"target_span {self.target_span} must divide the {self.num_patches} temporal "
                "patches"
            )
        if self.decoder == "mae" and (self.target_span != 1 or self.target == "latent"):
            raise ValueError("target_span > 1 and target='latent' need decoder='cross'")
        if self.motion_weight < 0 or not 0 < self.teacher_decay < 1:
            raise ValueError("motion_weight must be >= 0 and teacher_decay in (0, 1)")
        if self.target == "latent" and not 1 <= self.teacher_layers <= self.depth:
            raise ValueError(f"teacher_layers must be in [1, depth={self.depth}]")
        if self.variance_weight < 0:
            raise ValueError(f"variance_weight must be >= 0, got {self.variance_weight}")
        if self.head not in HEADS:
            raise ValueError(f"head must be one of {HEADS}, got {self.head!r}")

    @property
    def num_patches(self) -> int:
        return self.preprocess.num_frames // self.patch_size

    @property
    def num_cells(self) -> int:
        """Target cells along time: groups of ``target_span`` temporal patches."""
        return self.num_patches // self.target_span


class DropPath(nn.Module):
    """Stochastic depth: drop the residual branch per sample with probability ``p``."""

    def __init__(self, p: float = 0.0) -> None:
        super().__init__()
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        keep = x.new_empty(x.shape[0], *([1] * (x.ndim - 1))).bernoulli_(1 - self.p)
        return x * keep / (1 - self.p)


class Attention(nn.Module):
    def __init__(self, dim: int, num_heads: int) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = rearrange(
            self.qkv(x), "b l (three h d) -> three b h l d", three=3, h=self.num_heads
        )
        out = F.scaled_dot_product_attention(q, k, v)
        return self.proj(rearrange(out, "b h l d -> b l (h d)"))


class CrossAttention(nn.Module):
    """Queries (B, Q, D) attend to a memory (B, L, D); queries do not see each other."""

    def __init__(self, dim: int, num_heads: int) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(dim, dim * 2)
        self.proj = nn.Linear(dim, dim)

    def forward(self, queries: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
        q = rearrange(self.q(queries), "b q (h d) -> b h q d", h=self.num_heads)
        k, v = rearrange(self.kv(memory), "b l (two h d) -> two b h l d", two=2, h=self.num_heads)
        out = F.scaled_dot_product_attention(q, k, v)
        return self.proj(rearrange(out, "b h q d -> b q (h d)"))


class Block(nn.Module):
    """Pre-LN transformer block: x + Attn(LN(x)), then x + MLP(LN(x))."""

    def __init__(self, dim: int, num_heads: int, mlp_ratio: float, drop_path: float = 0.0):
        super().__init__()
        hidden = int(dim * mlp_ratio)
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, num_heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))
        self.drop_path = DropPath(drop_path)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop_path(self.attn(self.norm1(x)))
        return x + self.drop_path(self.mlp(self.norm2(x)))


class CrossBlock(nn.Module):
    """Pre-LN decoder block without self-attention: q + CrossAttn(LN(q), LN(memory)), then
    q + MLP(LN(q))."""

    def __init__(self, dim: int, num_heads: int, mlp_ratio: float) -> None:
        super().__init__()
        hidden = int(dim * mlp_ratio)
        self.norm_q = nn.LayerNorm(dim)
        self.norm_memory = nn.LayerNorm(dim)
        self.attn = CrossAttention(dim, num_heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))

    def forward(self, queries: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
        queries = queries + self.attn(self.norm_q(queries), self.norm_memory(memory))
        return queries + self.mlp(self.norm2(queries))


def _init_weights(module: nn.Module) -> None:
    if isinstance(module, nn.Linear):
        nn.init.xavier_uniform_(module.weight)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.LayerNorm):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)


class TransformerEncoder(nn.Module):
    """Patch embedding (p frames × 1 joint → one token), factorised temporal + spatial position
    embeddings, and pre-LN blocks. With ``ids_keep`` only those tokens are encoded."""

    def __init__(self, config: TransformerSkeletonMAEConfig) -> None:
        super().__init__()
        c = config
        self.patch_size = c.patch_size
        self.patch_embed = nn.Conv2d(c.in_channels, c.dim, (c.patch_size, 1), (c.patch_size, 1))
        self.pos_time = nn.Parameter(torch.zeros(1, c.num_patches, 1, c.dim))
        self.pos_joint = nn.Parameter(torch.zeros(1, 1, c.num_joints, c.dim))
        rates = torch.linspace(0, c.drop_path, c.depth).tolist()
        self.blocks = nn.ModuleList(Block(c.dim, c.num_heads, c.mlp_ratio, r) for r in rates)
        self.norm = nn.LayerNorm(c.dim)
        nn.init.trunc_normal_(self.pos_time, std=0.02)
        nn.init.trunc_normal_(self.pos_joint, std=0.02)
        self.apply(_init_weights)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, T, V) → (B, T'·V, D) tokens with position embeddings, time-major."""
        tokens = rearrange(self.patch_embed(x), "b d t v -> b t v d")
        return rearrange(tokens + self.pos_time + self.pos_joint, "b t v d -> b (t v) d")

    def forward(self, x: torch.Tensor, ids_keep: torch.Tensor | None = None) -> torch.Tensor:
        tokens = self.embed(x)
        if ids_keep is not None:
            tokens = _gather_tokens(tokens, ids_keep)
        for block in self.blocks:
            tokens = block(tokens)
        return self.norm(tokens)

    def block_outputs(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Every block's output (B, T'·V, D) on the whole clip (before the final norm)."""
        tokens, outputs = self.embed(x), []
        for block in self.blocks:
            tokens = block(tokens)
            outputs.append(tokens)
        return outputs


def _gather_tokens(tokens: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    """(B, L, D) tokens at the (B, K) indices ``ids`` → (B, K, D)."""
    return torch.gather(tokens, 1, ids.unsqueeze(-1).expand(-1, -1, tokens.shape[-1]))


class _DecoderParts(nn.Module):
    """What both decoders hold: the projection of the encoder's latents, a learnable mask token,
    their own factorised position embeddings, ``decoder_depth`` blocks of ``block``, a final norm
    and a linear prediction of ``out_dim`` values."""

    def __init__(
        self, config: TransformerSkeletonMAEConfig, block: type[nn.Module], out_dim: int
    ) -> None:
        super().__init__()
        c = config
        self.embed = nn.Linear(c.dim, c.decoder_dim)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, c.decoder_dim))
        self.pos_time = nn.Parameter(torch.zeros(1, c.num_patches, 1, c.decoder_dim))
        self.pos_joint = nn.Parameter(torch.zeros(1, 1, c.num_joints, c.decoder_dim))
        self.blocks = nn.ModuleList(
            block(c.decoder_dim, c.decoder_heads, c.mlp_ratio) for _ in range(c.decoder_depth)
        )
        self.norm = nn.LayerNorm(c.decoder_dim)
        self.pred = nn.Linear(c.decoder_dim, out_dim)
        for p in (self.mask_token, self.pos_time, self.pos_joint):
            nn.init.trunc_normal_(p, std=0.02)
        self.apply(_init_weights)


class TransformerDecoder(_DecoderParts):
    """Light decoder: project the visible latents, fill the masked places with a learnable mask
    token, add its own position embeddings, run a few blocks and predict p frames × C values."""

    def __init__(self, config: TransformerSkeletonMAEConfig) -> None:
        super().__init__(config, Block, config.patch_size * config.coord_channels)

    def forward(self, latent: torch.Tensor, ids_restore: torch.Tensor) -> torch.Tensor:
        x = self.embed(latent)
        b, length = ids_restore.shape
        fill = self.mask_token.expand(b, length - x.shape[1], -1)
        x = _gather_tokens(torch.cat([x, fill], dim=1), ids_restore)
        pos = (self.pos_time + self.pos_joint).reshape(1, length, -1)
        x = x + pos
        for block in self.blocks:
            x = block(x)
        return self.pred(self.norm(x))


class CrossDecoder(_DecoderParts):
    """Decoupled decoder: one query per masked target cell (mask token + the cell's position),
    cross-attending to the visible latents (projected, plus their own positions); queries never
    attend to each other, so the cost grows with the masked cells, not the whole grid. Predicts
    ``out_dim`` values per cell (span · p frames × C, or the teacher's width)."""

    def __init__(self, config: TransformerSkeletonMAEConfig, out_dim: int) -> None:
        super().__init__(config, CrossBlock, out_dim)
        self.num_joints, self.span = config.num_joints, config.target_span

    def positions(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Position embeddings of the tokens (1, T'·V, D) and of the cells (1, T'/span·V, D):
        a cell's is the mean over its span."""
        tokens = self.pos_time + self.pos_joint
        cells = tokens.reshape(1, -1, self.span, self.num_joints, tokens.shape[-1]).mean(2)
        return tokens.flatten(1, 2), cells.flatten(1, 2)

    def forward(
        self, latent: torch.Tensor, ids_keep: torch.Tensor, cells_masked: torch.Tensor
    ) -> torch.Tensor:
        """Visible latents (B, K, D) at token indices ``ids_keep`` (B, K) and the indices of the
        masked cells (B, Q) → predictions (B, Q, out_dim)."""
        pos_tokens, pos_cells = self.positions()
        b = latent.shape[0]
        memory = self.embed(latent) + _gather_tokens(pos_tokens.expand(b, -1, -1), ids_keep)
        queries = self.mask_token + _gather_tokens(pos_cells.expand(b, -1, -1), cells_masked)
        for block in self.blocks:
            queries = block(queries, memory)
        return self.pred(self.norm(queries))


class TransformerSkeletonMAE(SkeletonModel):
    """System A. ``forward`` maps a batch (N, C, T, V, M) to class logits (each person encoded,
    features averaged over present persons); ``pretrain_loss`` runs masked reconstruction."""

    config_class = TransformerSkeletonMAEConfig
    input_projection = "encoder.patch_embed.weight"
    summary = (
        "System A, the spatial-temporal transformer SkeletonMAE (Wu et al., ICME workshops 2023)"
    )
    papers = (
        Paper(
            "SkeletonMAE: Spatial-Temporal Masked Autoencoders for Self-supervised "
            "Skeleton Action Recognition",
            "https://arxiv.org/abs/2209.02399",
        ),
    )
    config: TransformerSkeletonMAEConfig

    def __init__(self, config: TransformerSkeletonMAEConfig) -> None:
        super().__init__(config)
        self.encoder = TransformerEncoder(config)
        self.decoder = self._make_decoder() if config.decoder_depth > 0 else None
        # target="latent": the teacher is a moving average of the encoder, never trained by
        # gradients; it is part of the state so that runs resume with it
        self.teacher = (
            copy.deepcopy(self.encoder).requires_grad_(False)
            if self.decoder is not None and config.target == "latent"
            else None
        )
        self.head = self._make_head() if config.num_classes else None

    @property
    def feature_dim(self) -> int:
        """Width of `forward_features` with the config's pooling."""
        return pooled_dim(self.config.dim, self.config.num_joints, self.config.pooling)

    def _make_decoder(self) -> nn.Module:
        c = self.config
        if c.decoder == "mae":
            return TransformerDecoder(c)
        cell = c.target_span * c.patch_size * c.coord_channels
        return CrossDecoder(c, c.dim if c.target == "latent" else cell)

    def _make_head(self) -> nn.Module:
        c, width = self.config, self.feature_dim
        if c.head == "linear":
            return linear_head(width, c.num_classes)
        if c.head == "mlp":
            return nn.Sequential(
                nn.Dropout(c.head_dropout),
                nn.Linear(width, c.head_hidden),
                nn.BatchNorm1d(c.head_hidden),
                nn.ReLU(),
                nn.Linear(c.head_hidden, c.num_classes),
            )
        fc = nn.Linear(width, c.num_classes)
        nn.init.trunc_normal_(fc.weight, std=0.02)
        nn.init.zeros_(fc.bias)
        if c.head == "fc":
            return fc
        return nn.Sequential(nn.LayerNorm(width), nn.Dropout(c.head_dropout), fc)

    def forward_features(self, x: torch.Tensor, pooling: str | None = None) -> torch.Tensor:
        """(N, C, T, V, M) → (N, F): the encoder's tokens pooled by ``pooling`` (default: the
        config's; see `skeletonmae.models.base.POOLINGS`), averaged over present persons."""
        flat, present = self.split_persons(x)
        tokens = rearrange(self.encoder(flat), "b (t v) d -> b t v d", v=self.config.num_joints)
        return self.pool_persons(pool_tokens(tokens, pooling or self.config.pooling), present)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        feats = self.forward_features(x)
        if self.head is None:
            return feats
        return self.head(feats)

    # -- pre-training ---------------------------------------------------------------------------
    def make_mask(self, x: torch.Tensor, generator: torch.Generator | None = None):
        """The configured masking strategy on the grid of target cells of ``x`` (B, C, T, V):
        the token grid (T', V), or with the cross decoder (T'/target_span, V)."""
        c = self.config
        grid = (c.num_cells if c.decoder == "cross" else c.num_patches, c.num_joints)
        return masking.apply_strategy(c.mask_strategy, x, grid, c, generator)

    def raw_target(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstruction target per cell before normalisation, (B, cells, span·p·C): motion
        (x[t+1] − x[t], zero at the last frame) or coordinates of the joint channels (the first
        ``coord_channels`` of (B, C, T, V)), whatever other streams the input carries. A cell is
        one token unless the cross decoder groups ``target_span`` of them."""
        c = self.config
        x = x[:, : c.coord_channels]
        if c.target == "motion":
            motion = torch.zeros_like(x)
            motion[:, :, :-1] = x[:, :, 1:] - x[:, :, :-1]
            x = motion
        span = c.target_span * c.patch_size
        return rearrange(x, "b c (tp p) v -> b (tp v) (p c)", p=span)

    def target(self, x: torch.Tensor) -> torch.Tensor:
        """`raw_target`, normalised per cell (zero mean, unit variance) with ``norm_target``."""
        if self.config.target == "latent":
            raise ValueError("target='latent' comes from the teacher: see `latent_target`")
        t = self.raw_target(x)
        if self.config.norm_target:
            mean = t.mean(dim=-1, keepdim=True)
            var = t.var(dim=-1, keepdim=True, unbiased=False)
            t = (t - mean) / (var + 1e-6).sqrt()
        return t

    def pretrain_loss(
        self, x: torch.Tensor, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Masked reconstruction: MSE on masked tokens only. Returns (loss, extras) with
        ``pred``, ``target`` and ``mask`` in extras."""
        if self.decoder is None:
            raise RuntimeError("this model has no decoder (decoder_depth=0): it cannot pre-train")
        c = self.config
        flat, present = self.split_persons(x)
        flat = flat[present.reshape(-1)]
        if c.decoder == "cross":
            return self._cross_loss(flat, generator)
        m = self.make_mask(flat, generator)
        latent = self.encoder(flat, m.ids_keep)
        pred = self.decoder(latent, m.ids_restore)
        target = self.target(flat)
        per_token = ((pred - target) ** 2).mean(dim=-1)
        loss = (per_token * m.mask).sum() / m.mask.sum().clamp_min(1.0)
        return loss, {"pred": pred, "target": target, "mask": m.mask}

    def _cross_loss(
        self, flat: torch.Tensor, generator: torch.Generator | None
    ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """The cross decoder's objective on single persons (B, C, T, V): predict each masked
        cell's target from the visible tokens; MSE per cell, weighted by motion energy with
        ``motion_weight``; with the latent target, plus ``variance_weight`` × the variance
        hinge."""
        c = self.config
        m = self.make_mask(flat, generator)  # on the (cells, V) grid
        b, num_cells = m.mask.shape
        num_masked = int(m.mask[0].sum().item()) if b else 0
        cells_masked = m.ids_restore.argsort(dim=1)[:, num_cells - num_masked :]
        token_mask = rearrange(
            m.mask.reshape(b, c.num_cells, 1, c.num_joints).expand(-1, -1, c.target_span, -1),
            "b tc s v -> b (tc s v)",
        )
        ids_keep = masking.mask_from_binary(token_mask).ids_keep
        latent = self.encoder(flat, ids_keep)
        pred = self.decoder(latent, ids_keep, cells_masked)
        if c.target == "latent":
            target = _gather_tokens(self.latent_target(flat), cells_masked)
        else:
            target = _gather_tokens(self.target(flat), cells_masked)
        per_cell = ((pred - target) ** 2).mean(dim=-1)
        if c.motion_weight > 0:
            energy = masking.motion_scores(
                flat[:, : c.coord_channels], c.target_span * c.patch_size
            )
            energy = _gather_tokens(energy.unsqueeze(-1), cells_masked).squeeze(-1)
            weight = (energy / energy.mean(dim=1, keepdim=True).clamp_min(1e-8)) ** c.motion_weight
            per_cell = per_cell * (weight / weight.mean(dim=1, keepdim=True).clamp_min(1e-8))
        loss = per_cell.mean()
        extras = {"pred": pred, "target": target, "mask": m.mask, "cells_masked": cells_masked}
        if c.target == "latent" and c.variance_weight > 0 and len(flat) > 1:
            # collapse would map every clip to the same features: keep each feature's spread
            # across the batch's clips (visible tokens averaged) at least 1
            spread = latent.mean(dim=1).std(dim=0)
            variance = F.relu(1.0 - spread).mean()
            extras.update(reconstruction=loss.detach(), variance=variance.detach())
            loss = loss + c.variance_weight * variance
        return loss, extras

    @torch.no_grad()
    def latent_target(self, flat: torch.Tensor) -> torch.Tensor:
        """The teacher's target per cell, (B, cells, D): the mean of its last ``teacher_layers``
        block outputs on the whole clip, each normalised per token, averaged over the cell's
        tokens. In training mode the teacher first moves towards the encoder (one EMA step per
        call, i.e. per optimiser step)."""
        c = self.config
        if self.training:
            for t, s in zip(self.teacher.parameters(), self.encoder.parameters(), strict=True):
                t.lerp_(s.detach(), 1.0 - c.teacher_decay)
        self.teacher.eval()
        outputs = self.teacher.block_outputs(flat)[-c.teacher_layers :]
        mean = sum(F.layer_norm(o, o.shape[-1:]) for o in outputs) / len(outputs)
        cells = mean.reshape(len(flat), c.num_cells, c.target_span, c.num_joints, -1).mean(2)
        return cells.flatten(1, 2)

    # -- fine-tuning helpers --------------------------------------------------------------------
    def no_weight_decay(self) -> set[str]:
        names = {"encoder.pos_time", "encoder.pos_joint"}
        if self.decoder is not None:
            names |= {"decoder.pos_time", "decoder.pos_joint", "decoder.mask_token"}
        return names

    def layer_id(self, name: str) -> int:
        """Depth of a parameter for layer-wise lr decay: embeddings 0, block i → i + 1, the rest
        (final norm, head) depth + 1."""
        if name.startswith("encoder.blocks."):
            return int(name.split(".")[2]) + 1
        if name.startswith(("encoder.patch_embed", "encoder.pos_")):
            return 0
        return self.config.depth + 1


def __getattr__(name: str):
    """Earlier names of this module's classes (`skeletonmae.RENAMED`, and ``SkeletonMAE``, the
    front door's name before it became the auto class), with a DeprecationWarning."""
    new = {**RENAMED, "SkeletonMAE": "TransformerSkeletonMAE"}.get(name)
    if new is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    warnings.warn(f"{name} is now called {new}", DeprecationWarning, stacklevel=2)
    return globals()[new]
