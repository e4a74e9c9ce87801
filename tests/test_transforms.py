"""Transforms and `preprocess` on synthetic clips."""

from __future__ import annotations

import numpy as np
import pytest

from skeletonmae import Clip, ClipFormatError, PreprocessConfig, get_layout, preprocess
from skeletonmae.transforms import (
    align_view,
    center,
    drop_zero_frames,
    normalize_scale,
    random_crop_resize,
    random_rotate,
    resample,
    rotation_matrices,
    select_persons,
)

KINECT = get_layout("kinect-v1")


def clip_array(m: int = 1, t: int = 12, v: int = 20, c: int = 3, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(m, t, v, c)).astype(np.float32)


def ramp(t: int) -> np.ndarray:
    """A clip whose every coordinate equals its frame index."""
    return np.broadcast_to(np.arange(t, dtype=np.float32)[None, :, None, None], (1, t, 2, 3)).copy()


def bone_lengths(data: np.ndarray) -> np.ndarray:
    b = np.array(KINECT.bones)
    return np.linalg.norm(data[..., b[:, 0], :] - data[..., b[:, 1], :], axis=-1)


@pytest.mark.parametrize("t", [1, 5, 40, 64, 300])
@pytest.mark.parametrize("n", [1, 16, 64])
def test_resample_length_and_range(t, n):
    out = resample(ramp(t), n)
    assert out.shape == (1, n, 2, 3) and out.dtype == np.float32
    values = out[0, :, 0, 0]
    assert np.all(np.diff(values) >= 0)  # time order is kept
    assert values.min() >= 0 and values.max() <= t - 1
    # Frame centres map onto frame centres: the clip's temporal midpoint is preserved.
    assert values.mean() == pytest.approx((t - 1) / 2, abs=1e-4)


def test_resample_identity_and_endpoints():
    data = clip_array(t=9)
    np.testing.assert_array_equal(resample(data, 9), data)
    up = resample(data, 40)
    np.testing.assert_allclose(up[:, 0], data[:, 0])  # upsampling keeps both end frames
    np.testing.assert_allclose(up[:, -1], data[:, -1])
    down = resample(ramp(10), 5)[0, :, 0, 0]  # linear data stays linear when downsampled
    np.testing.assert_allclose(np.diff(down), 2.0, atol=1e-5)


def test_random_crop_resize():
    data = ramp(50)
    rng = np.random.default_rng(0)
    for _ in range(20):
        out = random_crop_resize(data, 16, (0.5, 1.0), rng)[0, :, 0, 0]
        assert out.shape == (16,) and np.all(np.diff(out) > 0)
        span = out[-1] - out[0]  # the window covers 50–100 % of the frames
        assert 0.5 * 50 * 15 / 16 - 1 <= span <= 50
    full = random_crop_resize(data, 16, (1.0, 1.0), np.random.default_rng(1))
    np.testing.assert_allclose(full, resample(data, 16), atol=1e-5)


def test_rotations_preserve_bone_lengths_and_differ_per_sample():
    data = clip_array(m=2, t=5)
    rotated = random_rotate(data, 0.3, np.random.default_rng(0))
    assert not np.allclose(rotated, data)
    np.testing.assert_allclose(bone_lengths(rotated), bone_lengths(data), rtol=1e-4, atol=1e-5)
    r = rotation_matrices(np.random.default_rng(1).uniform(-3, 3, size=(4, 3)))
    np.testing.assert_allclose(r @ np.swapaxes(r, -1, -2), np.broadcast_to(np.eye(3), (4, 3, 3)),
                               atol=1e-12)  # fmt: skip
    np.testing.assert_allclose(np.linalg.det(r), 1.0)
    flat = random_rotate(clip_array(c=2), 0.5, np.random.default_rng(2))
    assert flat.shape[-1] == 2


def test_center_puts_the_centre_joint_at_the_origin():
    data = clip_array(m=2, t=6) + 5.0
    data[0, :2] = 0.0  # person 0 appears at frame 2
    data[1, 4] = 0.0  # person 1 is missing in frame 4
    out = center(data, KINECT.center)
    np.testing.assert_allclose(out[0, 2, KINECT.center].mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(out[0, 3] - out[0, 2], data[0, 3] - data[0, 2], atol=1e-5)
    assert not out[0, :2].any() and not out[1, 4].any()  # absent stays absent
    with pytest.raises(ClipFormatError, match="no tracked joints"):
        center(np.zeros((1, 3, 20, 3), np.float32), KINECT.center)


def test_select_and_pad_persons():
    still = np.ones((1, 8, 20, 3), np.float32)
    moving = clip_array(m=1, t=8, seed=3) * 3
    little = clip_array(m=1, t=8, seed=4) * 0.1 + 1
    data = np.concatenate([still, moving, little])
    two = select_persons(data, 2)  # the two most active persons, in their original order
    np.testing.assert_array_equal(two, data[[1, 2]])
    np.testing.assert_array_equal(select_persons(data, 1), moving)
    padded = select_persons(moving, 3)
    assert padded.shape == (3, 8, 20, 3) and not padded[1:].any()
    np.testing.assert_array_equal(padded[0], moving[0])


def test_drop_zero_frames():
    data = clip_array(m=2, t=5)
    data[:, [0, 3]] = 0.0
    data[1, 1] = 0.0  # one person still present in frame 1: the frame stays
    out = drop_zero_frames(data)
    np.testing.assert_array_equal(out, data[:, [1, 2, 4]])
    with pytest.raises(ClipFormatError, match="all zeros"):
        drop_zero_frames(np.zeros((1, 4, 20, 3), np.float32))


def test_normalize_scale_gives_unit_mean_bone_length():
    data = clip_array(t=4) * 7.0
    out = normalize_scale(data, KINECT)
    assert bone_lengths(out).mean() == pytest.approx(1.0, rel=1e-5)


def test_align_view_undoes_a_turn_about_the_vertical_axis():
    data = clip_array(t=4, seed=5)
    turned = data @ rotation_matrices(np.array([0.0, 1.1, 0.0])).astype(np.float32).T
    np.testing.assert_allclose(align_view(turned, KINECT), align_view(data, KINECT), atol=1e-4)


def test_preprocess_is_deterministic_without_rng():
    data = clip_array(m=2, t=30, seed=6)
    data[:, :3] = 0.0  # leading empty frames are dropped first
    clip = Clip(data, "kinect-v1")
    cfg = PreprocessConfig(num_frames=16, max_persons=2)
    a, b = preprocess(clip, cfg, "kinect-v1"), preprocess(data, cfg, "kinect-v1")
    assert a.shape == (3, 16, 20, 2) and a.dtype == np.float32 and a.flags.c_contiguous
    np.testing.assert_array_equal(a, b)
    expected = resample(center(data[:, 3:], KINECT.center), 16)
    np.testing.assert_allclose(a, np.transpose(expected, (3, 1, 2, 0)), atol=1e-6)
    r1 = preprocess(clip, cfg, "kinect-v1", rng=np.random.default_rng(0))
    r2 = preprocess(clip, cfg, "kinect-v1", rng=np.random.default_rng(0))
    r3 = preprocess(clip, cfg, "kinect-v1", rng=np.random.default_rng(1))
    np.testing.assert_array_equal(r1, r2)
    assert not np.allclose(r1, a) and not np.allclose(r1, r3)


def test_preprocess_maps_a_clip_onto_the_requested_layout():
    clip = Clip(clip_array(t=10, seed=7), "msr-action3d")
    cfg = PreprocessConfig(num_frames=10)
    direct = preprocess(clip, cfg, "kinect-v1")
    mapped = preprocess(clip.to_layout("kinect-v1"), cfg, "kinect-v1")
    np.testing.assert_array_equal(direct, mapped)


def test_preprocess_rejects_bad_arrays():
    cfg = PreprocessConfig()
    bad = clip_array()
    bad[0, 2, 3, 1] = np.nan
    with pytest.raises(ClipFormatError, match="NaN"):
        preprocess(bad, cfg, "kinect-v1")
    with pytest.raises(ClipFormatError, match="found 25 joints, expected 20"):
        preprocess(clip_array(v=25), cfg, "kinect-v1")
    with pytest.raises(ClipFormatError, match="empty clip"):
        preprocess(np.zeros((1, 0, 20, 3), np.float32), cfg, "kinect-v1")


def test_preprocess_config_round_trip():
    cfg = PreprocessConfig(num_frames=32, crop_ratio=(0.8, 1.0), rotate=0.0)
    assert PreprocessConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ValueError, match="unknown preprocess options"):
        PreprocessConfig.from_dict({"frames": 3})


def test_jitter_adds_seeded_noise_to_present_joints_only_in_training():
    data = clip_array(m=2, t=20, seed=8)
    data[1] = 0.0  # an absent second person stays absent
    still = PreprocessConfig(num_frames=16, max_persons=2, crop_ratio=(1.0, 1.0), rotate=0.0)
    noisy = PreprocessConfig(**{**still.to_dict(), "jitter": 0.05})
    base = preprocess(data, still, "kinect-v1", rng=np.random.default_rng(0))
    a = preprocess(data, noisy, "kinect-v1", rng=np.random.default_rng(0))
    b = preprocess(data, noisy, "kinect-v1", rng=np.random.default_rng(0))
    np.testing.assert_array_equal(a, b)
    diff = a[..., 0] - base[..., 0]
    assert 0.04 < diff.std() < 0.06 and abs(diff.mean()) < 0.01
    assert not a[..., 1].any()
    np.testing.assert_array_equal(
        preprocess(data, noisy, "kinect-v1"), preprocess(data, still, "kinect-v1")
    )
    with pytest.raises(ValueError, match="jitter must be a standard deviation >= 0"):
        PreprocessConfig(jitter=-0.1)
