"""System A: the transformer SkeletonMAE (Wu et al., ICMEW 2023), in a form that also expresses
MAMP (Mao et al., ICCV 2023): one token per joint per temporal patch, factorised position
embeddings, pre-LN blocks, an encoder that sees only the visible tokens during pre-training, and a
light decoder that reconstructs coordinates or motion of the masked tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch
import torch.nn.functional as F
from einops import rearrange
from torch import nn

from .. import masking
from ..transforms import rotate_batch
from .base import ModelConfig, Paper, SkeletonModel, pool_tokens, pooled_dim
from .layers import info_nce, linear_head, projector

__all__ = [
    "HEADS",
    "MASK_STRATEGIES",
    "PRESETS",
    "Block",
    "SkeletonDecoder",
    "SkeletonEncoder",
    "SkeletonMAE",
    "SkeletonMAEConfig",
]

# The `skeletonmae.masking.STRATEGIES` System A accepts.
MASK_STRATEGIES = ("spatial_temporal", "random", "motion", "tube", "joint", "frame")
HEADS = ("ln-linear", "linear", "fc", "mlp")

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
class SkeletonMAEConfig(ModelConfig):
    """System A configuration. Sizes default to a model that trains on a 2-core CPU."""

    arch = "skeletonmae-transformer"
    presets = PRESETS
    mask_strategies: ClassVar[tuple[str, ...]] = MASK_STRATEGIES
    # "finetune" named a stage, not a head
    renamed_values: ClassVar[dict[tuple[str, str], str]] = {("head", "finetune"): "ln-linear"}
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
    target: str = "motion"  # "motion" (x[t+1] − x[t]) or "coords"
    norm_target: bool = True
    # Cross-view agreement added to the reconstruction loss (0 turns it off; 3-D input only): the
    # masked view's pooled latent and the pooled encoding of the whole clip under another random
    # rotation are projected (MLP → projector_dim) and matched by a symmetric InfoNCE over the
    # batch.
    invariance_weight: float = 0.0
    invariance_temperature: float = 0.2
    invariance_rotate: float = 0.5
    projector_dim: int = 128

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
        if self.target not in ("motion", "coords"):
            raise ValueError(f"target must be 'motion' or 'coords', got {self.target!r}")
        if self.head not in HEADS:
            raise ValueError(f"head must be one of {HEADS}, got {self.head!r}")
        if self.invariance_weight < 0 or not self.invariance_temperature > 0:
            raise ValueError("invariance_weight must be >= 0 and invariance_temperature > 0")

    @property
    def num_patches(self) -> int:
        return self.preprocess.num_frames // self.patch_size


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


def _init_weights(module: nn.Module) -> None:
    if isinstance(module, nn.Linear):
        nn.init.xavier_uniform_(module.weight)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.LayerNorm):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)


class SkeletonEncoder(nn.Module):
    """Patch embedding (p frames × 1 joint → one token), factorised temporal + spatial position
    embeddings, and pre-LN blocks. With ``ids_keep`` only those tokens are encoded."""

    def __init__(self, config: SkeletonMAEConfig) -> None:
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
            idx = ids_keep.unsqueeze(-1).expand(-1, -1, tokens.shape[-1])
            tokens = torch.gather(tokens, 1, idx)
        for block in self.blocks:
            tokens = block(tokens)
        return self.norm(tokens)


class SkeletonDecoder(nn.Module):
    """Light decoder: project the visible latents, fill the masked places with a learnable mask
    token, add its own position embeddings, run a few blocks and predict p frames × C values."""

    def __init__(self, config: SkeletonMAEConfig) -> None:
        super().__init__()
        c = config
        self.num_patches, self.num_joints = c.num_patches, c.num_joints
        self.embed = nn.Linear(c.dim, c.decoder_dim)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, c.decoder_dim))
        self.pos_time = nn.Parameter(torch.zeros(1, c.num_patches, 1, c.decoder_dim))
        self.pos_joint = nn.Parameter(torch.zeros(1, 1, c.num_joints, c.decoder_dim))
        self.blocks = nn.ModuleList(
            Block(c.decoder_dim, c.decoder_heads, c.mlp_ratio) for _ in range(c.decoder_depth)
        )
        self.norm = nn.LayerNorm(c.decoder_dim)
        self.pred = nn.Linear(c.decoder_dim, c.patch_size * c.coord_channels)
        for p in (self.mask_token, self.pos_time, self.pos_joint):
            nn.init.trunc_normal_(p, std=0.02)
        self.apply(_init_weights)

    def forward(self, latent: torch.Tensor, ids_restore: torch.Tensor) -> torch.Tensor:
        x = self.embed(latent)
        b, length = ids_restore.shape
        fill = self.mask_token.expand(b, length - x.shape[1], -1)
        x = torch.cat([x, fill], dim=1)
        x = torch.gather(x, 1, ids_restore.unsqueeze(-1).expand(-1, -1, x.shape[-1]))
        pos = (self.pos_time + self.pos_joint).reshape(1, length, -1)
        x = x + pos
        for block in self.blocks:
            x = block(x)
        return self.pred(self.norm(x))


class SkeletonMAE(SkeletonModel):
    """System A. ``forward`` maps a batch (N, C, T, V, M) to class logits (each person encoded,
    features averaged over present persons); ``pretrain_loss`` runs masked reconstruction."""

    config_class = SkeletonMAEConfig
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
    config: SkeletonMAEConfig

    def __init__(self, config: SkeletonMAEConfig) -> None:
        super().__init__(config)
        self.encoder = SkeletonEncoder(config)
        self.decoder = SkeletonDecoder(config) if config.decoder_depth > 0 else None
        self.projector = (
            projector(config.dim, config.projector_dim)
            if self.decoder is not None and config.invariance_weight > 0
            else None
        )
        self.head = self._make_head() if config.num_classes else None

    @property
    def feature_dim(self) -> int:
        """Width of `forward_features` with the config's pooling."""
        return pooled_dim(self.config.dim, self.config.num_joints, self.config.pooling)

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
        """The configured masking strategy on the token grid of ``x`` (B, C, T, V)."""
        c = self.config
        grid = (c.num_patches, c.num_joints)
        return masking.apply_strategy(c.mask_strategy, x, grid, c, generator)

    def raw_target(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstruction target per token before per-patch normalisation, (B, T'·V, p·C):
        motion (x[t+1] − x[t], zero at the last frame) or coordinates of the joint channels
        (the first ``coord_channels`` of (B, C, T, V)), whatever other streams the input
        carries."""
        x = x[:, : self.config.coord_channels]
        if self.config.target == "motion":
            motion = torch.zeros_like(x)
            motion[:, :, :-1] = x[:, :, 1:] - x[:, :, :-1]
            x = motion
        return rearrange(x, "b c (tp p) v -> b (tp v) (p c)", p=self.config.patch_size)

    def target(self, x: torch.Tensor) -> torch.Tensor:
        """`raw_target`, normalised per patch (zero mean, unit variance) with ``norm_target``."""
        t = self.raw_target(x)
        if self.config.norm_target:
            mean = t.mean(dim=-1, keepdim=True)
            var = t.var(dim=-1, keepdim=True, unbiased=False)
            t = (t - mean) / (var + 1e-6).sqrt()
        return t

    def pretrain_loss(
        self, x: torch.Tensor, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Masked reconstruction: MSE on masked tokens only, plus ``invariance_weight`` times
        the cross-view agreement when it is on. Returns (loss, extras) with ``pred``, ``target``
        and ``mask`` in extras (and ``reconstruction`` / ``agreement`` with the term on)."""
        if self.decoder is None:
            raise RuntimeError("this model has no decoder (decoder_depth=0): it cannot pre-train")
        c = self.config
        flat, present = self.split_persons(x)
        flat = flat[present.reshape(-1)]
        m = self.make_mask(flat, generator)
        latent = self.encoder(flat, m.ids_keep)
        pred = self.decoder(latent, m.ids_restore)
        target = self.target(flat)
        per_token = ((pred - target) ** 2).mean(dim=-1)
        loss = (per_token * m.mask).sum() / m.mask.sum().clamp_min(1.0)
        extras = {"pred": pred, "target": target, "mask": m.mask}
        if self.projector is not None and len(flat) > 1 and c.coord_channels == 3:
            other = self.encoder(rotate_batch(flat, c.invariance_rotate, generator))
            agreement = info_nce(
                self.projector(latent.mean(dim=1)),
                self.projector(other.mean(dim=1)),
                c.invariance_temperature,
            )
            extras.update(reconstruction=loss.detach(), agreement=agreement.detach())
            loss = loss + c.invariance_weight * agreement
        return loss, extras

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
