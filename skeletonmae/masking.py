"""Masking strategies on token grids of shape (N, T', V): one token per temporal patch per joint,
flattened time-major (token ``t * V + v``).

Every strategy returns a `MaskResult` (the MAE triplet) and masks exactly the same number of
tokens in every sample, so that the visible tokens of a batch stack into one tensor. Randomness
comes only from the ``generator`` argument.

Models name their strategy in their config (``mask_strategy``); `STRATEGIES` maps each name to
the function that applies it to a batch (`apply_strategy`), and each model's config lists which
of them it accepts.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import torch

from .names import did_you_mean

__all__ = [
    "STRATEGIES",
    "MaskResult",
    "apply_strategy",
    "frame_masking",
    "joint_masking",
    "mask_from_binary",
    "motion_aware_masking",
    "motion_scores",
    "random_masking",
    "region_masking",
    "spatial_temporal_masking",
    "tube_masking",
]


class MaskResult(NamedTuple):
    """``ids_keep`` (N, L_keep): visible token indices, ascending; ``ids_restore`` (N, L): position
    of each token in ``cat([visible, masked])``; ``mask`` (N, L): 1 for masked, 0 for visible."""

    ids_keep: torch.Tensor
    ids_restore: torch.Tensor
    mask: torch.Tensor


def _count(ratio: float, total: int, what: str) -> int:
    if not 0.0 <= ratio < 1.0:
        raise ValueError(f"{what} mask ratio must be in [0, 1), got {ratio}")
    return min(round(ratio * total), total - 1)


def mask_from_binary(mask: torch.Tensor) -> MaskResult:
    """The MAE triplet from a (N, L) 0/1 mask with the same number of ones in every row."""
    mask = mask.to(torch.float32)
    counts = mask.sum(1)
    if counts.numel() and not torch.all(counts == counts[0]):
        raise ValueError(f"masks differ in their number of masked tokens: {counts.tolist()}")
    n, length = mask.shape
    # Visible tokens first, each group in ascending token order.
    order = mask * length + torch.arange(length, device=mask.device)
    ids_shuffle = torch.argsort(order, dim=1)
    ids_restore = torch.argsort(ids_shuffle, dim=1)
    num_keep = length - int(counts[0].item()) if n else length
    return MaskResult(ids_shuffle[:, :num_keep], ids_restore, mask)


def _top_k_mask(keys: torch.Tensor, k: int) -> torch.Tensor:
    """1 at the ``k`` largest keys of each row."""
    mask = torch.zeros_like(keys)
    if k:
        mask.scatter_(1, keys.topk(k, dim=1).indices, 1.0)
    return mask


def _rand(shape: tuple[int, ...], generator: torch.Generator | None, device=None) -> torch.Tensor:
    return torch.rand(shape, generator=generator).to(device)


def random_masking(
    n: int, t: int, v: int, ratio: float, *, generator: torch.Generator | None = None, device=None
) -> MaskResult:
    """Mask ``round(ratio · T'V)`` tokens uniformly at random per sample."""
    k = _count(ratio, t * v, "token")
    return mask_from_binary(_top_k_mask(_rand((n, t * v), generator, device), k))


def joint_masking(
    n: int, t: int, v: int, ratio: float, *, generator: torch.Generator | None = None, device=None
) -> MaskResult:
    """Spatial masking: ``round(ratio · V)`` whole joints are masked at every time step."""
    k = _count(ratio, v, "joint")
    joints = _top_k_mask(_rand((n, v), generator, device), k)
    return mask_from_binary(joints[:, None, :].expand(n, t, v).reshape(n, t * v))


def frame_masking(
    n: int, t: int, v: int, ratio: float, *, generator: torch.Generator | None = None, device=None
) -> MaskResult:
    """Temporal masking: ``round(ratio · T')`` whole time steps are masked for every joint."""
    k = _count(ratio, t, "frame")
    frames = _top_k_mask(_rand((n, t), generator, device), k)
    return mask_from_binary(frames[:, :, None].expand(n, t, v).reshape(n, t * v))


def spatial_temporal_masking(
    n: int,
    t: int,
    v: int,
    joint_ratio: float,
    frame_ratio: float,
    *,
    generator: torch.Generator | None = None,
    device=None,
) -> MaskResult:
    """System A's spatial-temporal masking: the union of joint-level masking (``joint_ratio`` of
    the joints, across all time) and frame-level masking (``frame_ratio`` of the time steps).

    Exactly ``J·T' + F·V − J·F`` tokens are masked, J and F the masked joint and frame counts.
    """
    kj, kf = _count(joint_ratio, v, "joint"), _count(frame_ratio, t, "frame")
    joints = _top_k_mask(_rand((n, v), generator, device), kj)
    frames = _top_k_mask(_rand((n, t), generator, device), kf)
    mask = torch.maximum(joints[:, None, :], frames[:, :, None])
    return mask_from_binary(mask.reshape(n, t * v))


def tube_masking(
    n: int,
    t: int,
    v: int,
    ratio: float,
    tube: int,
    *,
    generator: torch.Generator | None = None,
    device=None,
) -> MaskResult:
    """Mask ``round(ratio · T'/tube · V)`` tubes: one joint over ``tube`` consecutive time steps."""
    if tube < 1 or t % tube:
        raise ValueError(f"tube length {tube} must divide the {t} time steps")
    k = _count(ratio, (t // tube) * v, "tube")
    tubes = _top_k_mask(_rand((n, (t // tube) * v), generator, device), k)
    mask = tubes.reshape(n, t // tube, 1, v).expand(n, t // tube, tube, v)
    return mask_from_binary(mask.reshape(n, t * v))


def region_masking(
    n: int,
    t: int,
    v: int,
    regions: Sequence[Sequence[int]],
    *,
    num_regions: int = 2,
    fixed: Sequence[int] | None = None,
    per_frame: bool = False,
    generator: torch.Generator | None = None,
    device=None,
) -> MaskResult:
    """System B's body-region masking: whole regions (lists of joints) masked.

    ``fixed`` masks the same regions (indices into ``regions``) in every sample; otherwise each
    sample draws ``num_regions`` regions, once for the whole clip or, with ``per_frame``, anew in
    every frame. To keep counts exact the first draw fixes the number of masked joints and the
    other draws are among region sets of that size.
    """
    regions = [list(r) for r in regions]
    if fixed is not None:
        combos = [tuple(fixed)]
    else:
        if not 1 <= num_regions < len(regions):
            raise ValueError(f"num_regions must be in [1, {len(regions) - 1}], got {num_regions}")
        combos = list(itertools.combinations(range(len(regions)), num_regions))
    sizes = [sum(len(regions[r]) for r in c) for c in combos]
    pick = torch.randint(len(combos), (1,), generator=generator).item()
    same = [c for c, s in zip(combos, sizes, strict=True) if s == sizes[pick]]
    draws = torch.randint(len(same), (n, t) if per_frame else (n, 1), generator=generator)
    table = torch.zeros(len(same), v)
    for k, combo in enumerate(same):
        for r in combo:
            table[k, regions[r]] = 1.0
    joints = table[draws].to(device)  # (n, t or 1, v)
    return mask_from_binary(joints.expand(n, t, v).reshape(n, t * v))


def motion_scores(x: torch.Tensor, patch: int) -> torch.Tensor:
    """MAMP's per-token motion: mean |x_t − x_{t−1}| over each patch of ``patch`` frames.

    ``x`` is (N, C, T, V); returns (N, T/patch · V), time-major like the token grid.
    """
    n, c, t, v = x.shape
    if t % patch:
        raise ValueError(f"patch size {patch} must divide the {t} frames")
    motion = torch.zeros_like(x)
    motion[:, :, 1:] = (x[:, :, 1:] - x[:, :, :-1]).abs()
    return motion.reshape(n, c, t // patch, patch, v).mean(dim=(1, 3)).reshape(n, -1)


def motion_aware_masking(
    scores: torch.Tensor,
    ratio: float,
    tau: float = 0.8,
    *,
    generator: torch.Generator | None = None,
) -> MaskResult:
    """MAMP's motion-aware masking: tokens are masked by Gumbel-top-k sampling from
    softmax(score / (max · τ)), so high-motion tokens are masked more often."""
    n, length = scores.shape
    k = _count(ratio, length, "token")
    peak = scores.amax(dim=1, keepdim=True).clamp_min(1e-12)
    logp = torch.log_softmax(scores / (peak * tau), dim=1)
    u = _rand((n, length), generator, scores.device).clamp(1e-9, 1 - 1e-9)
    gumbel = -torch.log(-torch.log(u))
    return mask_from_binary(_top_k_mask(logp + gumbel, k))


# -- the registry ---------------------------------------------------------------------------------

Strategy = Callable[[torch.Tensor, tuple[int, int], Any, "torch.Generator | None"], MaskResult]
"""``(x, (T', V), config, generator) → MaskResult``: ``x`` is the batch (N, C, T, V) being masked,
(T', V) its token grid; the strategy reads the ratios it needs from the model ``config``."""

STRATEGIES: dict[str, Strategy] = {}


def _register(name: str) -> Callable[[Strategy], Strategy]:
    """Decorator: make ``fn`` the strategy a config selects with ``mask_strategy=name``."""

    def add(fn: Strategy) -> Strategy:
        STRATEGIES[name] = fn
        return fn

    return add


def apply_strategy(
    name: str,
    x: torch.Tensor,
    grid: tuple[int, int],
    config: Any,
    generator: torch.Generator | None = None,
) -> MaskResult:
    """Mask the (T', V) token grid of a batch ``x`` (N, C, T, V) with the strategy ``name``."""
    if name not in STRATEGIES:
        hint = did_you_mean(name, STRATEGIES)
        raise ValueError(f"unknown masking strategy {name!r}{hint} (known: {sorted(STRATEGIES)})")
    return STRATEGIES[name](x, grid, config, generator)


@_register("random")
def _random(x, grid, c, generator):
    return random_masking(len(x), *grid, c.mask_ratio, generator=generator, device=x.device)


@_register("joint")
def _joint(x, grid, c, generator):
    return joint_masking(len(x), *grid, c.mask_ratio, generator=generator, device=x.device)


@_register("frame")
def _frame(x, grid, c, generator):
    return frame_masking(len(x), *grid, c.mask_ratio, generator=generator, device=x.device)


@_register("tube")
def _tube(x, grid, c, generator):
    return tube_masking(
        len(x), *grid, c.mask_ratio, c.tube_length, generator=generator, device=x.device
    )


@_register("spatial_temporal")
def _spatial_temporal(x, grid, c, generator):
    return spatial_temporal_masking(
        len(x), *grid, c.joint_mask_ratio, c.frame_mask_ratio, generator=generator, device=x.device
    )


@_register("motion")
def _motion(x, grid, c, generator):
    scores = motion_scores(x[:, : c.coord_channels], x.shape[2] // grid[0])
    return motion_aware_masking(scores, c.mask_ratio, c.motion_tau, generator=generator)


@_register("region")
def _region(x, grid, c, generator):
    regions, fixed, count = c.region_indices()
    return region_masking(
        len(x),
        *grid,
        regions,
        num_regions=count,
        fixed=fixed,
        per_frame=c.mask_per_frame,
        generator=generator,
        device=x.device,
    )
