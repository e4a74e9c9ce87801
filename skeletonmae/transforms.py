"""Clip transforms (numpy, on (M, T, V, C) arrays) and `preprocess`, the composition a model
applies so that inference matches training.

`PreprocessConfig` is stored inside every model config: the same numbers drive training-time
loading and ``model.classify``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np

from .clip import Clip, ClipFormatError, check_clip_array
from .layouts import Layout, get_layout
from .names import check_keys

__all__ = [
    "PreprocessConfig",
    "align_view",
    "center",
    "drop_zero_frames",
    "normalize_scale",
    "preprocess",
    "preprocess_views",
    "random_crop_resize",
    "random_rotate",
    "resample",
    "rotation_matrices",
    "select_persons",
    "skeleton_streams",
    "virtual_camera",
]

STREAMS = ("joint", "bone", "motion")


def _frame_valid(data: np.ndarray) -> np.ndarray:
    """(M, T) boolean: a person is present in a frame when any coordinate is non-zero."""
    return np.abs(data).sum(axis=(2, 3)) > 0


def drop_zero_frames(data: np.ndarray) -> np.ndarray:
    """Remove frames where no person has any non-zero coordinate."""
    keep = _frame_valid(data).any(axis=0)
    if not keep.any():
        raise ClipFormatError("every frame of the clip is all zeros")
    return data[:, keep]


def select_persons(data: np.ndarray, max_persons: int) -> np.ndarray:
    """Keep the ``max_persons`` most active persons (by motion energy), zero-padding if fewer."""
    m = data.shape[0]
    if m > max_persons:
        energy = np.array(
            [p[_frame_valid(p[None])[0]].std(axis=0).sum() if p.any() else -1.0 for p in data]
        )
        order = np.sort(np.argsort(-energy, kind="stable")[:max_persons])
        data = data[order]
    elif m < max_persons:
        pad = np.zeros((max_persons - m, *data.shape[1:]), dtype=data.dtype)
        data = np.concatenate([data, pad], axis=0)
    return data


def center(data: np.ndarray, joints: tuple[int, ...] | list[int]) -> np.ndarray:
    """Translate the clip so that the mean of ``joints`` in the first frame where the first
    present person is tracked sits at the origin; absent persons and frames stay zero."""
    valid = _frame_valid(data)
    if not valid.any():
        raise ClipFormatError("cannot centre a clip with no tracked joints")
    p = int(np.argmax(valid.any(axis=1)))
    t = int(np.argmax(valid[p]))
    origin = data[p, t, list(joints)].mean(axis=0)
    return np.where(valid[..., None, None], data - origin, 0.0).astype(np.float32)


def align_view(data: np.ndarray, layout: Layout) -> np.ndarray:
    """Rotate 3D coordinates about the vertical (y) axis so that the body faces the camera: the
    left→right hip and shoulder directions, averaged over the first tracked person's frames and
    projected on the ground
    (x–z) plane, point along +x. This removes most of the camera-view difference between clips.
    Layouts without hips and shoulders, and 2D clips, are returned unchanged."""
    names = ("left_hip", "right_hip", "left_shoulder", "right_shoulder")
    if data.shape[-1] != 3 or not all(n in layout.joints for n in names):
        return data
    lh, rh, ls, rs = (layout.joints.index(n) for n in names)
    valid = _frame_valid(data)
    p = int(np.argmax(valid.any(axis=1)))
    f = data[p, valid[p]]
    side = ((f[:, rh] - f[:, lh]) + (f[:, rs] - f[:, ls])).mean(axis=0)
    if np.hypot(side[0], side[2]) < 1e-6:
        return data
    a = np.arctan2(side[2], side[0])
    c, s = np.cos(a), np.sin(a)
    r = np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]], dtype=np.float32)
    return (data @ r.T).astype(np.float32)


def normalize_scale(data: np.ndarray, layout: Layout) -> np.ndarray:
    """Divide by the clip's mean bone length (over tracked frames), making body size ~1."""
    valid = _frame_valid(data)
    bones = np.array(layout.bones)
    lengths = np.linalg.norm(data[:, :, bones[:, 0]] - data[:, :, bones[:, 1]], axis=-1)
    mean = lengths[valid].mean() if valid.any() else 0.0
    if not mean > 1e-8:
        raise ClipFormatError("cannot normalise the scale of a clip whose bones have zero length")
    return (data / mean).astype(np.float32)


def resample(data: np.ndarray, num_frames: int, start: float = 0.0, length: float | None = None):
    """Linearly resample frames [start, start + length) of ``data`` to ``num_frames`` frames."""
    t = data.shape[1]
    length = float(t) if length is None else length
    pos = start + (np.arange(num_frames) + 0.5) * length / num_frames - 0.5
    pos = np.clip(pos, 0, t - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, t - 1)
    w = (pos - lo).astype(np.float32)[None, :, None, None]
    return (data[:, lo] * (1 - w) + data[:, hi] * w).astype(np.float32)


def random_crop_resize(
    data: np.ndarray,
    num_frames: int,
    ratio: tuple[float, float],
    rng: np.random.Generator,
) -> np.ndarray:
    """MAMP's temporal augmentation: crop a random window of ``ratio`` ∈ [lo, hi] of the frames,
    then resample it to ``num_frames``."""
    t = data.shape[1]
    r = rng.uniform(*ratio)
    length = max(min(t, r * t), 1.0)
    start = rng.uniform(0, t - length)
    return resample(data, num_frames, start, length)


def rotation_matrices(angles: np.ndarray) -> np.ndarray:
    """(..., 3) angles about x, y, z → (..., 3, 3) rotation matrices Rz @ Ry @ Rx."""
    cx, cy, cz = np.cos(angles).T
    sx, sy, sz = np.sin(angles).T
    one, zero = np.ones_like(cx), np.zeros_like(cx)
    rx = np.stack([one, zero, zero, zero, cx, -sx, zero, sx, cx], -1).reshape(-1, 3, 3)
    ry = np.stack([cy, zero, sy, zero, one, zero, -sy, zero, cy], -1).reshape(-1, 3, 3)
    rz = np.stack([cz, -sz, zero, sz, cz, zero, zero, zero, one], -1).reshape(-1, 3, 3)
    return (rz @ ry @ rx).reshape(*np.shape(angles)[:-1], 3, 3)


def random_rotate(data: np.ndarray, max_angle: float, rng: np.random.Generator) -> np.ndarray:
    """Rotate 3D coordinates by uniform random angles in ±``max_angle`` (radians) about x, y, z;
    2D coordinates are rotated in the image plane."""
    if max_angle <= 0:
        return data
    if data.shape[-1] == 2:
        a = rng.uniform(-max_angle, max_angle)
        r = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]], dtype=np.float32)
    else:
        r = rotation_matrices(rng.uniform(-max_angle, max_angle, size=3)).astype(np.float32)
    return (data @ r.T).astype(np.float32)


def virtual_camera(
    data: np.ndarray,
    rng: np.random.Generator,
    *,
    max_yaw: float = np.pi / 2,
    max_pitch: float = 0.3,
    distance: tuple[float, float] = (2.5, 4.5),
    focal: float = 500.0,
) -> np.ndarray:
    """A 3-D clip (M, T, V, 3; metres, y up, Kinect's camera frame) as a random pinhole camera
    would film it: (M, T, V, 2) image coordinates in pixels, y down, the person's right on the
    image's left when they face the camera, like a 2-D pose estimator's output.

    The camera looks at the clip's centre from ``distance`` metres, turned by up to ``max_yaw``
    radians about the vertical and ``max_pitch`` about the horizontal; absent (all-zero) joints
    stay zero."""
    present = np.abs(data).sum(-1, keepdims=True) > 0
    centre = data[present[..., 0]].mean(axis=0) if present.any() else np.zeros(3)
    yaw, pitch = rng.uniform(-max_yaw, max_yaw), rng.uniform(-max_pitch, max_pitch)
    r = rotation_matrices(np.array([pitch, yaw, 0.0]))
    xyz = (data - centre) @ r.T
    depth = np.maximum(xyz[..., 2:] + rng.uniform(*distance), 0.5)  # never behind the camera
    # Kinect's x grows towards the person's right as they face the sensor: the image's left
    uv = -focal * xyz[..., :2] / depth
    return np.where(present, uv, 0.0).astype(np.float32)


def skeleton_streams(data: np.ndarray, streams: tuple[str, ...], layout: Layout) -> np.ndarray:
    """Stack input streams of a (C, T, V, M) array along C: ``joint`` (the coordinates),
    ``bone`` (joint minus its parent; 0 at the root) and ``motion`` (x[t+1] − x[t]; 0 at the last
    frame), in the order given → (C · len(streams), T, V, M). Computed after preprocessing, so
    that crops and rotations act on the coordinates once and every stream agrees with them."""
    out = []
    for name in streams:
        if name == "joint":
            out.append(data)
        elif name == "bone":
            out.append(data - data[:, :, layout.parent_index])
        elif name == "motion":
            motion = np.zeros_like(data)
            motion[:, :-1] = data[:, 1:] - data[:, :-1]
            out.append(motion)
        else:
            raise ValueError(f"unknown input stream {name!r}; known: {', '.join(STREAMS)}")
    return np.concatenate(out, axis=0)


@dataclass
class PreprocessConfig:
    """How raw clips become model input: drop empty frames, keep ``max_persons``, centre on the
    layout's centre joints, optionally ``align`` the body to face the camera and ``scale`` to unit
    bone length, resample to ``num_frames``. Training adds a random crop-resize of ``crop_ratio``
    of the frames, up to ``rotate`` radians of random rotation about each axis and, with
    ``jitter``, Gaussian noise of that standard deviation (in the clip's units after centring and
    scaling) on every coordinate of every present joint, like a pose detector's. ``streams``
    are the input channels computed last (see `skeleton_streams`): a model's ``in_channels`` is
    the clip's coordinates times their number. ``test_views`` are the fixed temporal windows
    ``[start, length]`` (fractions of the clip) whose predictions are averaged at inference
    (`preprocess_views`); the default is the whole clip."""

    num_frames: int = 64
    max_persons: int = 1
    center: bool = True
    align: bool = False
    scale: bool = False
    drop_zero_frames: bool = True
    crop_ratio: tuple[float, float] = (0.5, 1.0)
    rotate: float = 0.3
    jitter: float = 0.0
    streams: tuple[str, ...] = ("joint",)
    test_views: tuple[tuple[float, float], ...] = ((0.0, 1.0),)

    def __post_init__(self) -> None:
        if not 0 <= self.jitter < float("inf"):
            raise ValueError(
                f"preprocess jitter must be a standard deviation >= 0, got {self.jitter}"
            )
        self.streams = tuple(self.streams)
        given = self.test_views
        try:
            self.test_views = tuple((float(s), float(n)) for s, n in given)
        except (TypeError, ValueError):
            self.test_views = ()
        if not self.test_views or not all(
            s >= 0.0 and n > 0.0 and s + n <= 1.0 + 1e-9 for s, n in self.test_views
        ):
            raise ValueError(
                f"preprocess test_views {given!r}: expected a non-empty list of "
                "[start, length] fractions with 0 <= start, 0 < length, start + length <= 1"
            )
        bad = [s for s in self.streams if s not in STREAMS]
        if bad or not self.streams or len(set(self.streams)) != len(self.streams):
            raise ValueError(
                f"preprocess streams {list(self.streams)}: expected distinct names among "
                f"{list(STREAMS)}"
            )

    def to_dict(self) -> dict:
        d = asdict(self)
        d["crop_ratio"] = list(self.crop_ratio)
        d["streams"] = list(self.streams)
        d["test_views"] = [list(v) for v in self.test_views]
        return d

    @classmethod
    def from_dict(cls, d: dict | None) -> PreprocessConfig:
        d = dict(d or {})
        check_keys(d, (f.name for f in fields(cls)), "preprocess options")
        if "crop_ratio" in d:
            d["crop_ratio"] = tuple(d["crop_ratio"])
        return cls(**d)


def _clean(clip: Clip | np.ndarray, config: PreprocessConfig, lay: Layout) -> np.ndarray:
    """The deterministic steps before resampling: map onto ``lay``, drop empty frames, keep
    persons, centre, align, scale → (M, T, V, C)."""
    data = (
        clip.to_layout(lay.name).data
        if isinstance(clip, Clip)
        else check_clip_array(clip, source="array", num_joints=lay.num_joints)
    )
    if config.drop_zero_frames:
        data = drop_zero_frames(data)
    data = select_persons(data, config.max_persons)
    if config.center:
        data = center(data, lay.center)
    if config.align:
        data = align_view(data, lay)
    if config.scale:
        data = normalize_scale(data, lay)
    return data


def _channels_first(data: np.ndarray, config: PreprocessConfig, lay: Layout) -> np.ndarray:
    """(M, T, V, C) → the model's (C', T, V, M) input, with the config's streams."""
    data = np.transpose(data, (3, 1, 2, 0))
    if config.streams != ("joint",):
        data = skeleton_streams(data, config.streams, lay)
    return np.ascontiguousarray(data)


def preprocess(
    clip: Clip | np.ndarray,
    config: PreprocessConfig,
    layout: str | Layout,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """Turn a clip (or an (M, T, V, C) array in ``layout``) into a (C, T, V, M) float32 array.

    With ``rng`` the training augmentations are applied; without it the result is deterministic
    (the whole clip, resampled). A `Clip` in another layout is first mapped onto ``layout``
    (joints matched by name).
    """
    lay = get_layout(layout)
    data = _clean(clip, config, lay)
    if rng is None:
        data = resample(data, config.num_frames)
    else:
        data = random_crop_resize(data, config.num_frames, config.crop_ratio, rng)
        data = random_rotate(data, config.rotate, rng)
        if config.jitter:
            present = np.abs(data).sum(axis=-1, keepdims=True) > 0
            noise = rng.normal(0.0, config.jitter, data.shape).astype(data.dtype)
            data = data + noise * present
    return _channels_first(data, config, lay)


def preprocess_views(
    clip: Clip | np.ndarray, config: PreprocessConfig, layout: str | Layout
) -> np.ndarray:
    """The config's test-time views of a clip: (K, C, T, V, M), K = ``len(config.test_views)``,
    each window ``[start, length]`` of the clip resampled to ``num_frames`` (the view
    ``[0, 1]`` equals `preprocess` without augmentation)."""
    lay = get_layout(layout)
    data = _clean(clip, config, lay)
    t = data.shape[1]
    return np.stack(
        [
            _channels_first(resample(data, config.num_frames, s * t, n * t), config, lay)
            for s, n in config.test_views
        ]
    )
