"""System B: the graph SkeletonMAE of Yan et al. (ICCV 2023) and its SSL / STRL action classifier.

Pre-training works on per-frame joint graphs (the layout's bones as 0/1 adjacency, no temporal
edges): coordinates are projected linearly to D, the joints of whole body regions are replaced by a
learnable [MASK] token, a GIN encoder with PReLU encodes every frame graph, and a one-layer GIN
decoder reconstructs the masked joints under the scaled cosine error of GraphMAE.

Fine-tuning builds the STRL classifier on top of the same (weight-shared) encoder; see `STRL`.

Reconstruction target (``target``): ``"coords"`` (the default) or the projected input
``"features"``; docs/results.md says why coordinates are the default.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import ClassVar

import torch
import torch.nn.functional as F
from einops import rearrange
from torch import nn

from .. import masking
from ..layouts import get_layout
from .base import ModelConfig, Paper, SkeletonModel, pool_tokens, pooled_dim
from .layers import linear_head

__all__ = [
    "PRESETS",
    "STRL",
    "GINLayer",
    "GraphDecoder",
    "GraphEncoder",
    "GraphSkeletonMAE",
    "GraphSkeletonMAEConfig",
    "scaled_cosine_error",
]

TARGETS = ("coords", "bone", "features")
LOSSES = ("sce", "mse")
HEADS = ("strl", "linear")

# Named configurations, on 32-frame Kinect v1 clips: "paper" is the paper's pre-training model
# (D = 64, 3 GIN layers + a one-layer GIN decoder, right arm and right leg masked, scaled cosine
# error on coordinates, β = 2); "strl-128" the zoo's STRL classifier (D = 128, no decoder, STRL
# head 256 wide with dropout 0.2, skeleton-mean pooling), which does not underfit as D = 64 did.
_CLIPS = dict(num_frames=32, align=True, crop_ratio=(0.6, 1.0))
PRESETS: dict[str, dict] = {
    "paper": dict(
        layout="kinect-v1",
        dim=64,
        encoder_layers=3,
        decoder_layers=1,
        mask_strategy="region",
        mask_regions=["right_arm", "right_leg"],
        target="coords",
        loss="sce",
        beta=2.0,
        preprocess=_CLIPS,
    ),
    "strl-128": dict(
        layout="kinect-v1",
        dim=128,
        encoder_layers=3,
        decoder_layers=0,
        head="strl",
        head_hidden=256,
        head_dropout=0.2,
        sm_pool="mean",
        preprocess=_CLIPS,
    ),
}


@dataclass
class GraphSkeletonMAEConfig(ModelConfig):
    """System B configuration (defaults: the paper's sizes, D = 64, 3 GIN layers, β = 2).

    Masking: ``mask_strategy="region"`` masks whole body regions of the layout, either the named
    ``mask_regions`` (a list, the same in every sample; the paper's best is right arm + right leg)
    or, when ``mask_regions`` is an int, that many regions drawn per sample (per frame with
    ``mask_per_frame``); ``"joint"`` masks ``round(mask_ratio · V)`` random joints per sample
    (the paper's ablation), in every frame of the clip (``"random"``, its earlier name, is read
    as ``"joint"`` with a `DeprecationWarning`).

    Classifier (``num_classes > 0``): ``head="strl"`` is the paper's SSL classifier (`STRL`);
    ``head="linear"`` is a linear probe (BatchNorm → Linear) on mean-pooled encoder features.
    ``decoder_layers=0`` drops decoder and mask token (a classifier does not need them).
    """

    arch = "skeletonmae-graph"
    presets = PRESETS
    mask_strategies: ClassVar[tuple[str, ...]] = ("region", "joint")  # of masking.STRATEGIES
    # "random" read like token masking
    dim: int = 64
    encoder_layers: int = 3
    decoder_layers: int = 1
    gin_eps: float = 0.0
    learn_eps: bool = False
    mask_strategy: str = "region"
    mask_regions: int | list[str] = field(default_factory=lambda: ["right_arm", "right_leg"])
    mask_ratio: float = 0.3
    mask_per_frame: bool = False
    target: str = "coords"
    beta: float = 2.0
    loss: str = "sce"
    remask: bool = True
    head: str = "strl"
    strl_layers: int = 3
    temporal_kernel: int = 9
    sm_pool: str = "sum"
    pool_scales: list[int] = field(default_factory=lambda: [1, 2, 4])
    head_hidden: int = 128
    head_dropout: float = 0.0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.dim < 1 or self.encoder_layers < 1 or self.decoder_layers < 0:
            raise ValueError("dim and encoder_layers must be >= 1, decoder_layers >= 0")
        if self.target not in TARGETS:
            raise ValueError(f"target must be one of {TARGETS}, got {self.target!r}")
        if self.head not in HEADS:
            raise ValueError(f"head must be one of {HEADS}, got {self.head!r}")
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {self.loss!r}")
        if not self.beta > 0:
            raise ValueError(f"beta must be > 0, got {self.beta}")
        if self.sm_pool not in ("sum", "mean"):
            raise ValueError(f"sm_pool must be 'sum' or 'mean', got {self.sm_pool!r}")
        if self.strl_layers < 1 or self.temporal_kernel < 1 or self.temporal_kernel % 2 == 0:
            raise ValueError("strl_layers must be >= 1 and temporal_kernel a positive odd number")
        self.pool_scales = [int(s) for s in self.pool_scales]
        if not self.pool_scales or min(self.pool_scales) < 1:
            raise ValueError(f"pool_scales must be positive integers, got {self.pool_scales}")
        if self.mask_strategy == "joint" and not 0.0 < self.mask_ratio < 1.0:
            raise ValueError(f"mask_ratio must be in (0, 1), got {self.mask_ratio}")
        if self.mask_strategy == "region":
            self.region_indices()  # validates the regions against the layout

    def region_indices(self) -> tuple[list[list[int]], list[int] | None, int]:
        """(joints of each layout region, indices of the fixed regions or None, regions per
        sample), checked against the layout."""
        lay = get_layout(self.layout)
        names = list(lay.regions)
        regions = [list(lay.regions[n]) for n in names]
        if len(regions) < 2:
            raise ValueError(
                f"layout {lay.name!r} defines {len(regions)} body regions; region "
                "masking needs at least 2 (or use mask_strategy='joint')"
            )
        if isinstance(self.mask_regions, int) and not isinstance(self.mask_regions, bool):
            if not 1 <= self.mask_regions < len(regions):
                raise ValueError(
                    f"mask_regions={self.mask_regions}: layout {lay.name!r} has "
                    f"{len(regions)} regions, mask between 1 and {len(regions) - 1}"
                )
            return regions, None, self.mask_regions
        if not isinstance(self.mask_regions, list | tuple):
            raise ValueError(
                f"mask_regions must be a region count or a list of region names of "
                f"layout {lay.name!r} ({names}), got {self.mask_regions!r}"
            )
        chosen = list(self.mask_regions)
        unknown = [r for r in chosen if r not in names]
        if unknown or not chosen or len(set(chosen)) != len(chosen) or len(chosen) == len(names):
            raise ValueError(
                f"mask_regions {chosen} must be distinct region names of layout "
                f"{lay.name!r}, not all of them (regions: {names})"
            )
        return regions, [names.index(r) for r in chosen], len(chosen)


class GINLayer(nn.Module):
    """Graph isomorphism layer (Xu et al., ICLR 2019) on a fixed graph:

    ``h'_v = MLP((1 + ε) · h_v + Σ_{u ∈ N(v)} h_u)``,

    N(v) the neighbours of joint v in the 0/1 adjacency A (no self loops), so the aggregate is
    ``(1 + ε) h + A h``; the MLP is Linear → PReLU → Linear. ε is learnable (``learn_eps``,
    initialised to ``eps``) or a fixed constant.
    """

    def __init__(
        self,
        in_dim: int,
        out_dim: int,
        *,
        hidden: int | None = None,
        eps: float = 0.0,
        learn_eps: bool = False,
    ) -> None:
        super().__init__()
        hidden = hidden or out_dim
        self.mlp = nn.Sequential(nn.Linear(in_dim, hidden), nn.PReLU(), nn.Linear(hidden, out_dim))
        if learn_eps:
            self.eps = nn.Parameter(torch.tensor(float(eps)))
        else:
            self.register_buffer("eps", torch.tensor(float(eps)), persistent=False)

    def forward(self, h: torch.Tensor, adjacency: torch.Tensor) -> torch.Tensor:
        """``h`` (..., V, D_in), ``adjacency`` (V, V) → (..., V, D_out)."""
        neighbours = torch.einsum("uv,...vd->...ud", adjacency, h)
        return self.mlp((1 + self.eps) * h + neighbours)


def _layout_adjacency(config: ModelConfig) -> torch.Tensor:
    return torch.from_numpy(get_layout(config.layout).adjacency())


class GraphEncoder(nn.Module):
    """Linear projection of each joint's coordinates to D (`embed`), then GIN layers, each followed
    by LayerNorm and PReLU (`propagate`); every frame is its own graph."""

    def __init__(self, config: GraphSkeletonMAEConfig) -> None:
        super().__init__()
        c = config
        self.register_buffer("adjacency", _layout_adjacency(c), persistent=False)
        self.embed = nn.Linear(c.in_channels, c.dim)
        self.layers = nn.ModuleList(
            GINLayer(c.dim, c.dim, eps=c.gin_eps, learn_eps=c.learn_eps)
            for _ in range(c.encoder_layers)
        )
        self.norms = nn.ModuleList(nn.LayerNorm(c.dim) for _ in range(c.encoder_layers))
        self.acts = nn.ModuleList(nn.PReLU() for _ in range(c.encoder_layers))

    def embed_joints(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, T, V) coordinates → (B, T, V, D) joint features."""
        return self.embed(rearrange(x, "b c t v -> b t v c"))

    def propagate(self, h: torch.Tensor) -> torch.Tensor:
        """(..., V, D) → (..., V, D) through the GIN stack."""
        for layer, norm, act in zip(self.layers, self.norms, self.acts, strict=True):
            h = act(norm(layer(h, self.adjacency)))
        return h

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, T, V) → (B, T, V, D), unmasked."""
        return self.propagate(self.embed_joints(x))


class GraphDecoder(nn.Module):
    """The light decoder: a bias-free linear map of the codes, re-masking (the masked joints'
    codes set to zero, as in GraphMAE, so that they are rebuilt from their neighbours), then GIN
    layers, the last one linear to the target width."""

    def __init__(self, config: GraphSkeletonMAEConfig) -> None:
        super().__init__()
        c = config
        out = c.dim if c.target == "features" else c.coord_channels
        self.remask = c.remask
        self.register_buffer("adjacency", _layout_adjacency(c), persistent=False)
        self.enc_to_dec = nn.Linear(c.dim, c.dim, bias=False)
        widths = [c.dim] * c.decoder_layers + [out]
        self.layers = nn.ModuleList(
            GINLayer(i, o, hidden=c.dim, eps=c.gin_eps, learn_eps=c.learn_eps)
            for i, o in itertools.pairwise(widths)
        )
        self.acts = nn.ModuleList(nn.PReLU() for _ in range(c.decoder_layers - 1))

    def forward(self, z: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """Codes (B, T, V, D) and the (B, T, V) 0/1 mask → predictions (B, T, V, out)."""
        h = self.enc_to_dec(z)
        if self.remask and mask is not None:
            h = h * (1 - mask).unsqueeze(-1)
        for i, layer in enumerate(self.layers):
            h = layer(h, self.adjacency)
            if i < len(self.acts):
                h = self.acts[i](h)
        return h


def scaled_cosine_error(
    pred: torch.Tensor, target: torch.Tensor, weight: torch.Tensor, beta: float
) -> torch.Tensor:
    """GraphMAE's loss: the ``weight``-weighted mean over nodes of ``(1 − cos(pred, target))^β``
    (cosine along the last axis; a zero vector has cosine 0 with everything)."""
    cos = F.cosine_similarity(pred, target, dim=-1, eps=1e-8)
    err = (1 - cos).clamp_min(0).pow(beta)
    return (err * weight).sum() / weight.sum().clamp_min(1.0)


class STRLLayer(nn.Module):
    """One STRL layer, ``H' = ReLU(BN(SM(H) · W))``: SM adds the joint-sum (``pool="sum"``, the
    paper) or joint-mean (``"mean"``, the sum divided by V) of the shared encoder's output to every
    joint; W is a temporal convolution (kernel k over time, 1 over joints), which is where the
    classifier mixes information across frames; BatchNorm follows it.

    With the sum, the pooled term is about V times larger than the joint's own features and
    swamps them; the mean keeps both on one scale (it trained faster on NW-UCLA, see the recipes).
    """

    def __init__(self, dim: int, kernel: int, pool: str = "sum") -> None:
        super().__init__()
        self.pool = pool
        self.conv = nn.Conv2d(dim, dim, (kernel, 1), padding=(kernel // 2, 0))
        self.bn = nn.BatchNorm2d(dim)

    def forward(self, h: torch.Tensor, encode) -> torch.Tensor:
        """``h`` (B, T, V, D), ``encode`` the shared GIN stack → (B, T, V, D)."""
        g = encode(h)
        pooled = g.sum(dim=2, keepdim=True) if self.pool == "sum" else g.mean(dim=2, keepdim=True)
        sm = h + pooled  # repeated over joints by broadcasting
        out = self.bn(self.conv(rearrange(sm, "b t v d -> b d t v")))
        return rearrange(F.relu(out), "b d t v -> b t v d")


class STRL(nn.Module):
    """The SSL classifier body of Yan et al. on top of the pre-trained encoder.

    ``H_0 = embed(x) + P`` (P a learnable temporal position embedding); M STRL layers (each running
    the weight-shared encoder GIN stack inside its SM module, see `STRLLayer`); the outer residual
    ``Z = STRL_M(… STRL_1(H_0)) + H_0 · W_r`` (W_r a 1×1 convolution); then multi-scale temporal
    pooling: joints averaged, time average-pooled into s equal segments for each s in
    ``pool_scales``, all concatenated into one (B, D · Σ s) feature.
    """

    def __init__(self, config: GraphSkeletonMAEConfig) -> None:
        super().__init__()
        c = config
        self.pool_scales = list(c.pool_scales)
        self.pos_time = nn.Parameter(torch.zeros(1, c.preprocess.num_frames, 1, c.dim))
        nn.init.trunc_normal_(self.pos_time, std=0.02)
        self.layers = nn.ModuleList(
            STRLLayer(c.dim, c.temporal_kernel, c.sm_pool) for _ in range(c.strl_layers)
        )
        self.residual = nn.Linear(c.dim, c.dim)

    @property
    def out_dim(self) -> int:
        return self.residual.out_features * sum(self.pool_scales)

    def forward(self, h0: torch.Tensor, encode) -> torch.Tensor:
        """Embedded joints (B, T, V, D) and the shared GIN stack → pooled features (B, out_dim)."""
        h0 = h0 + self.pos_time
        h = h0
        for layer in self.layers:
            h = layer(h, encode)
        z = (h + self.residual(h0)).mean(dim=2).transpose(1, 2)  # (B, D, T)
        pooled = [F.adaptive_avg_pool1d(z, s).flatten(1) for s in self.pool_scales]
        return torch.cat(pooled, dim=1)


class GraphSkeletonMAE(SkeletonModel):
    """System B. ``forward`` maps a batch (N, C, T, V, M) to class logits, or to pooled encoder
    features when ``num_classes == 0``; each person is encoded on its own and the features are
    averaged over the persons present. ``pretrain_loss`` runs masked graph reconstruction."""

    config_class = GraphSkeletonMAEConfig
    input_projection = "encoder.embed.weight"
    summary = "System B, the graph SkeletonMAE with its STRL classifier (Yan et al., ICCV 2023)"
    papers = (
        Paper(
            "SkeletonMAE: Graph-based Masked Autoencoder for Skeleton Sequence Pre-training",
            "https://arxiv.org/abs/2307.08476",
        ),
    )
    config: GraphSkeletonMAEConfig

    def __init__(self, config: GraphSkeletonMAEConfig) -> None:
        super().__init__(config)
        c = config
        self.encoder = GraphEncoder(c)
        if c.decoder_layers > 0:
            self.mask_token = nn.Parameter(torch.zeros(1, 1, 1, c.dim))
            nn.init.trunc_normal_(self.mask_token, std=0.02)
            self.decoder = GraphDecoder(c)
        else:
            self.mask_token, self.decoder = None, None
        parents = torch.from_numpy(get_layout(c.layout).parent_index)
        self.register_buffer("parent_index", parents, persistent=False)
        self.strl = STRL(c) if c.num_classes and c.head == "strl" else None
        self.head = self._make_head() if c.num_classes else None

    def _make_head(self) -> nn.Module:
        c = self.config
        if self.strl is None:
            return linear_head(self.feature_dim, c.num_classes)
        return nn.Sequential(
            nn.Linear(self.strl.out_dim, c.head_hidden),
            nn.ReLU(),
            nn.Dropout(c.head_dropout),
            nn.Linear(c.head_hidden, c.num_classes),
        )

    @property
    def feature_dim(self) -> int:
        """Width of `forward_features` (STRL's pooled width, or the encoder's under the config's
        pooling)."""
        if self.strl is not None:
            return self.strl.out_dim
        return pooled_dim(self.config.dim, self.config.num_joints, self.config.pooling)

    def forward_features(self, x: torch.Tensor, pooling: str | None = None) -> torch.Tensor:
        """(N, C, T, V, M) → (N, F): STRL features for an STRL classifier, otherwise the encoder
        output pooled by ``pooling`` (default: the config's; see
        `skeletonmae.models.base.POOLINGS`); averaged over present persons."""
        flat, present = self.split_persons(x)
        if self.strl is not None:
            if pooling is not None:
                raise ValueError(
                    f"pooling {pooling!r} does not apply to an STRL classifier: its features are "
                    "the STRL layers' output (pool the encoder of a System B encoder instead)"
                )
            feats = self.strl(self.encoder.embed_joints(flat), self.encoder.propagate)
        else:
            feats = pool_tokens(self.encoder(flat), pooling or self.config.pooling)
        return self.pool_persons(feats, present)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        feats = self.forward_features(x)
        return feats if self.head is None else self.head(feats)

    # -- pre-training ---------------------------------------------------------------------------
    def make_mask(
        self, x: torch.Tensor, generator: torch.Generator | None = None
    ) -> masking.MaskResult:
        """The configured masking of a batch (B, C, T, V), on its (B, T, V) frame × joint grid:
        whole joints or body regions, chosen per sample."""
        c = self.config
        grid = (c.preprocess.num_frames, c.num_joints)
        return masking.apply_strategy(c.mask_strategy, x, grid, c, generator)

    def reconstruct(self, x: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Encode (B, C, T, V) with the joints where ``mask`` (B, T, V) is 1 replaced by the
        [MASK] token, decode; returns (prediction, unmasked input features), both (B, T, V, ·)."""
        codes, feats = self._encode_masked(x, mask)
        return self.decoder(codes, mask.to(feats.dtype)), feats

    def _encode_masked(
        self, x: torch.Tensor, mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Codes (B, T, V, D) of (B, C, T, V) with the masked joints replaced by the [MASK]
        token, and the unmasked input features (B, T, V, D)."""
        if self.decoder is None or self.mask_token is None:
            raise RuntimeError("this model has no decoder (decoder_layers=0): it cannot pre-train")
        feats = self.encoder.embed_joints(x)
        m = mask.unsqueeze(-1).to(feats.dtype)
        return self.encoder.propagate(feats * (1 - m) + self.mask_token * m), feats

    def pretrain_loss(
        self, x: torch.Tensor, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Scaled cosine error on the masked joints of present persons (in frames where the person
        is tracked). Returns (loss, extras) with ``pred``, ``target`` (B, T, V, ·) and ``mask``
        (B, T·V), time-major like System A's token grid."""
        flat, present = self.split_persons(x)
        flat = flat[present.reshape(-1)]
        c = self.config
        b, t, v = flat.shape[0], c.preprocess.num_frames, c.num_joints
        mask = self.make_mask(flat, generator).mask.reshape(b, t, v)
        codes, feats = self._encode_masked(flat, mask)
        pred = self.decoder(codes, mask.to(feats.dtype))
        target = self.target(flat) if c.target != "features" else feats.detach()
        tracked = (flat.abs().sum(dim=(1, 3)) > 0).to(mask.dtype)  # (B, T)
        weight = mask * tracked.unsqueeze(-1)
        if c.loss == "sce":
            loss = scaled_cosine_error(pred, target, weight, c.beta)
        else:
            per_joint = ((pred - target) ** 2).mean(dim=-1)
            loss = (per_joint * weight).sum() / weight.sum().clamp_min(1.0)
        return loss, {"pred": pred, "target": target, "mask": mask.reshape(b, t * v)}

    def target(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, T, V) input → (B, T, V, coords) reconstruction target: the joints' coordinates
        (``target="coords"``) or their bone vectors, joint minus parent, 0 at the root
        (``"bone"``)."""
        coords = rearrange(x[:, : self.config.coord_channels], "b c t v -> b t v c")
        if self.config.target == "coords":
            return coords
        return coords - coords[:, :, self.parent_index]

    # -- fine-tuning helpers --------------------------------------------------------------------
    def no_weight_decay(self) -> set[str]:
        names = {"mask_token"} if self.mask_token is not None else set()
        return names | ({"strl.pos_time"} if self.strl is not None else set())

    def layer_id(self, name: str) -> int:
        """Depth of a parameter for layer-wise lr decay: the input projection 0, encoder GIN layer
        i → i + 1, everything else (mask token, decoder, STRL, head) encoder_layers + 1."""
        if name.startswith("encoder.embed."):
            return 0
        if name.startswith(("encoder.layers.", "encoder.norms.", "encoder.acts.")):
            return int(name.split(".")[2]) + 1
        return self.config.encoder_layers + 1
