"""Property tests for the masking strategies on (N, T', V) token grids."""

from __future__ import annotations

import itertools

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from skeletonmae import masking
from skeletonmae.layouts import get_layout
from skeletonmae.masking import (
    MaskResult,
    frame_masking,
    joint_masking,
    mask_from_binary,
    motion_aware_masking,
    motion_scores,
    random_masking,
    region_masking,
    spatial_temporal_masking,
    tube_masking,
)

PROPS = settings(max_examples=40, deadline=None)
sizes = st.integers(1, 4)
steps = st.integers(1, 12)
joints = st.integers(1, 25)
ratios = st.floats(0.0, 0.99)
seeds = st.integers(0, 2**31 - 1)


def gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def expected(ratio: float, total: int) -> int:
    """The documented count: round(ratio · total), always leaving one token visible."""
    return min(round(ratio * total), total - 1)


def check_triplet(res: MaskResult, n: int, length: int, masked: int) -> torch.Tensor:
    """Shapes, exact counts and MAE-consistency of the triplet; returns the mask as bool."""
    ids_keep, ids_restore, mask = res
    assert mask.shape == (n, length) and ids_restore.shape == (n, length)
    assert ids_keep.shape == (n, length - masked)
    assert torch.all(mask.sum(1) == masked) and set(mask.unique().tolist()) <= {0.0, 1.0}
    assert torch.all(ids_keep[:, 1:] > ids_keep[:, :-1])  # ascending, no repeats
    assert torch.all(mask.gather(1, ids_keep) == 0)
    # Gathering the visible tokens, appending mask tokens and unshuffling restores the order.
    tokens = torch.arange(length).expand(n, length)
    visible = tokens.gather(1, ids_keep)
    full = torch.cat([visible, torch.full((n, masked), -1)], dim=1)
    restored = full.gather(1, ids_restore)
    assert torch.equal(restored, torch.where(mask.bool(), -1, tokens))
    return mask.bool()


@PROPS
@given(n=sizes, t=steps, v=joints, ratio=ratios, seed=seeds)
def test_random_masking_counts(n, t, v, ratio, seed):
    res = random_masking(n, t, v, ratio, generator=gen(seed))
    check_triplet(res, n, t * v, expected(ratio, t * v))


@PROPS
@given(n=sizes, t=steps, v=joints, ratio=ratios, seed=seeds)
def test_joint_masking_masks_whole_joints(n, t, v, ratio, seed):
    k = expected(ratio, v)
    grid = check_triplet(joint_masking(n, t, v, ratio, generator=gen(seed)), n, t * v, k * t)
    grid = grid.reshape(n, t, v)
    assert torch.all(grid == grid[:, :1])  # a joint is masked at every time step or none
    assert torch.all(grid[:, 0].sum(1) == k)


@PROPS
@given(n=sizes, t=steps, v=joints, ratio=ratios, seed=seeds)
def test_frame_masking_masks_whole_frames(n, t, v, ratio, seed):
    k = expected(ratio, t)
    grid = check_triplet(frame_masking(n, t, v, ratio, generator=gen(seed)), n, t * v, k * v)
    grid = grid.reshape(n, t, v)
    assert torch.all(grid == grid[:, :, :1])
    assert torch.all(grid[:, :, 0].sum(1) == k)


@PROPS
@given(n=sizes, t=steps, v=joints, rj=ratios, rf=ratios, seed=seeds)
def test_spatial_temporal_masking_is_the_union(n, t, v, rj, rf, seed):
    j, f = expected(rj, v), expected(rf, t)
    res = spatial_temporal_masking(n, t, v, rj, rf, generator=gen(seed))
    grid = check_triplet(res, n, t * v, j * t + f * v - j * f).reshape(n, t, v)
    for g in grid:
        frames = g.all(dim=1)  # the masked frames...
        cols = g[~frames].all(dim=0)  # ...and, in the other frames, the masked joints
        assert int(frames.sum()) == f and int(cols.sum()) == j
        assert torch.equal(g, frames[:, None] | cols[None, :])


@PROPS
@given(n=sizes, per=st.integers(1, 4), tube=st.integers(1, 4), v=joints, ratio=ratios, seed=seeds)
def test_tube_masking_masks_contiguous_tubes(n, per, tube, v, ratio, seed):
    t = per * tube
    k = expected(ratio, per * v)
    grid = check_triplet(
        tube_masking(n, t, v, ratio, tube, generator=gen(seed)), n, t * v, k * tube
    )
    tubes = grid.reshape(n, per, tube, v)
    assert torch.all(tubes == tubes[:, :, :1])  # each aligned run of `tube` steps is all or none


def test_tube_masking_needs_a_divisor():
    with pytest.raises(ValueError, match="must divide"):
        tube_masking(1, 10, 5, 0.5, 3)


def layout_regions(name: str) -> list[list[int]]:
    return [list(r) for r in get_layout(name).regions.values()]


@st.composite
def partitions(draw) -> list[list[int]]:
    """Random partitions of V joints into 2..6 non-empty regions."""
    v = draw(st.integers(2, 25))
    k = draw(st.integers(2, min(6, v)))
    perm = draw(st.permutations(range(v)))
    cuts = sorted(draw(st.sets(st.integers(1, v - 1), min_size=k - 1, max_size=k - 1)))
    bounds = [0, *cuts, v]
    return [sorted(perm[a:b]) for a, b in itertools.pairwise(bounds)]


def masked_regions(joint_mask: torch.Tensor, regions: list[list[int]]) -> list[int]:
    """Indices of the regions a joint mask covers; fails unless it is made of whole regions."""
    out = []
    for r, idx in enumerate(regions):
        part = joint_mask[idx]
        assert part.all() or not part.any(), f"region {r} is partly masked"
        if part.all():
            out.append(r)
    assert sum(len(regions[r]) for r in out) == int(joint_mask.sum())
    return out


@PROPS
@given(
    regions=st.one_of(
        st.sampled_from(["kinect-v1", "ntu-rgbd", "coco-17"]).map(layout_regions), partitions()
    ),
    n=sizes,
    t=steps,
    data=st.data(),
    seed=seeds,
)
def test_region_masking_masks_whole_regions(regions, n, t, data, seed):
    v = sum(len(r) for r in regions)
    count = data.draw(st.integers(1, len(regions) - 1))
    res = region_masking(n, t, v, regions, num_regions=count, generator=gen(seed))
    per_sample = int(res.mask[0].sum())
    grid = check_triplet(res, n, t * v, per_sample).reshape(n, t, v)
    assert torch.all(grid == grid[:, :1])
    for g in grid:
        assert len(masked_regions(g[0], regions)) == count
    fixed = sorted(data.draw(st.sets(st.integers(0, len(regions) - 1), min_size=1,
                                     max_size=len(regions) - 1)))  # fmt: skip
    res = region_masking(n, t, v, regions, fixed=fixed, generator=gen(seed))
    size = sum(len(regions[r]) for r in fixed)
    grid = check_triplet(res, n, t * v, size * t).reshape(n, t, v)
    for g in grid:
        assert masked_regions(g[0], regions) == fixed


def test_region_masking_system_b_right_limbs():
    coco = get_layout("coco-17")
    names = list(coco.regions)
    fixed = [names.index("right_arm"), names.index("right_leg")]
    res = region_masking(2, 4, 17, list(coco.regions.values()), fixed=fixed, generator=gen(0))
    masked = {coco.joints[j] for j in res.mask.reshape(2, 4, 17)[0, 0].nonzero().flatten()}
    assert masked == {"right_elbow", "right_wrist", "right_knee", "right_ankle"}
    with pytest.raises(ValueError, match="num_regions"):
        region_masking(1, 4, 17, list(coco.regions.values()), num_regions=6)


@pytest.mark.parametrize(
    "make",
    [
        lambda g: random_masking(3, 6, 5, 0.6, generator=g),
        lambda g: joint_masking(3, 6, 5, 0.6, generator=g),
        lambda g: frame_masking(3, 6, 5, 0.6, generator=g),
        lambda g: spatial_temporal_masking(3, 6, 5, 0.4, 0.5, generator=g),
        lambda g: tube_masking(3, 6, 5, 0.6, 2, generator=g),
        lambda g: region_masking(3, 6, 20, layout_regions("kinect-v1"), generator=g),
        lambda g: motion_aware_masking(torch.rand(3, 30, generator=gen(9)), 0.7, generator=g),
    ],
)
def test_same_seed_same_masks(make):
    a, b = make(gen(123)), make(gen(123))
    for x, y in zip(a, b, strict=True):
        assert torch.equal(x, y)
    # Another seed gives other masks (these grids have many possible masks).
    assert any(not torch.equal(make(gen(s)).mask, a.mask) for s in range(1, 6))


def test_ratios_out_of_range_are_refused():
    for bad in (-0.1, 1.0, 1.5):
        with pytest.raises(ValueError, match=r"mask ratio must be in \[0, 1\)"):
            random_masking(1, 4, 4, bad)


def test_mask_from_binary_needs_equal_counts():
    with pytest.raises(ValueError, match="differ in their number of masked tokens"):
        mask_from_binary(torch.tensor([[1.0, 0.0, 0.0], [1.0, 1.0, 0.0]]))


def test_motion_scores_average_absolute_displacement():
    x = torch.zeros(1, 3, 4, 2)
    x[0, :, :, 1] = torch.arange(4.0)[None, :] * 2  # joint 1 moves 2 per frame on each axis
    s = motion_scores(x, patch=2)  # (1, 2 · 2) time-major
    # First patch: displacements 0 (no previous frame) and 2 → 1; second patch: 2 and 2 → 2.
    assert torch.allclose(s, torch.tensor([[0.0, 1.0, 0.0, 2.0]]))
    with pytest.raises(ValueError, match="must divide"):
        motion_scores(x, patch=3)


def test_motion_aware_masking_prefers_high_motion_tokens():
    n, t, v, patch = 2000, 8, 10, 4
    x = torch.randn(1, 3, t, v, generator=gen(0)).expand(n, 3, t, v).clone() * 0.05
    x[:, :, :, :3] += torch.cumsum(torch.randn(1, 3, t, 3, generator=gen(1)), dim=2)  # 3 movers
    scores = motion_scores(x, patch)
    res = motion_aware_masking(scores, ratio=0.5, tau=0.8, generator=gen(2))
    length = (t // patch) * v
    freq = check_triplet(res, n, length, expected(0.5, length)).float().mean(0)
    high = (torch.arange(length) % v) < 3  # the movers' tokens (time-major grid)
    assert scores[0, high].min() > scores[0, ~high].max()
    assert freq[high].min() > freq[~high].max()
    # Over many draws the masked sets still vary: sampling, not a fixed top-k.
    assert freq.min() > 0.0 and freq.max() < 1.0


def test_every_strategy_a_model_accepts_is_registered():
    from skeletonmae import GraphSkeletonMAEConfig, TransformerSkeletonMAEConfig

    accepted = set(TransformerSkeletonMAEConfig.mask_strategies) | set(
        GraphSkeletonMAEConfig.mask_strategies
    )
    assert accepted == set(masking.STRATEGIES)


def test_apply_strategy_reads_the_config_and_matches_the_function():
    class Config:
        joint_mask_ratio, frame_mask_ratio = 0.5, 0.25

    x = torch.zeros(3, 3, 16, 20)
    got = masking.apply_strategy(
        "spatial_temporal", x, (4, 20), Config(), torch.Generator().manual_seed(1)
    )
    want = masking.spatial_temporal_masking(
        3, 4, 20, 0.5, 0.25, generator=torch.Generator().manual_seed(1)
    )
    assert torch.equal(got.mask, want.mask) and torch.equal(got.ids_keep, want.ids_keep)


def test_an_unknown_strategy_suggests_a_close_name():
    with pytest.raises(ValueError, match="did you mean 'spatial_temporal'"):
        masking.apply_strategy("spatial-temporal", torch.zeros(1, 3, 4, 2), (1, 2), object())
