"""The `Clip`: one skeleton sequence in memory, in the (M, T, V, C) convention, with its layout."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np

from .layouts import DerivedJointsWarning, axis_signs, get_layout, map_joints

__all__ = ["Clip", "ClipFormatError", "check_clip_array"]


# Larger coordinates are not a skeleton in metres, millimetres or pixels, and overflow float32
# arithmetic inside a model.
MAX_COORDINATE = 1e6


# Units of 3-D layouts that convert into one another (pixels do not).
METRES_PER_UNIT = {"m": 1.0, "mm": 0.001}


class ClipFormatError(ValueError):
    """A clip file or array is malformed: wrong shape, non-finite values, empty, truncated…"""


def check_clip_array(data: np.ndarray, *, source: str, num_joints: int | None = None) -> np.ndarray:
    """Validate an (M, T, V, C) array and return it as float32; errors name ``source``."""
    data = np.asarray(data)
    if data.ndim != 4:
        raise ClipFormatError(f"{source}: expected an (M, T, V, C) array, got shape {data.shape}")
    if not np.issubdtype(data.dtype, np.number) or np.iscomplexobj(data):
        raise ClipFormatError(f"{source}: expected real numbers, got dtype {data.dtype}")
    m, t, v, c = data.shape
    if m == 0 or t == 0 or v == 0:
        raise ClipFormatError(f"{source}: empty clip (shape {data.shape}: persons, frames, joints)")
    if c not in (2, 3):
        raise ClipFormatError(f"{source}: expected 2 or 3 coordinates per joint, got {c}")
    if num_joints is not None and v != num_joints:
        raise ClipFormatError(f"{source}: found {v} joints, expected {num_joints}")
    with np.errstate(over="ignore"):  # overflow becomes inf, refused just below
        data = data.astype(np.float32, copy=False)
    if not np.isfinite(data).all():
        bad = int((~np.isfinite(data)).sum())
        raise ClipFormatError(
            f"{source}: {bad} NaN or infinite values (after conversion to float32)"
        )
    peak = float(np.abs(data).max())
    if peak > MAX_COORDINATE:
        raise ClipFormatError(
            f"{source}: coordinates reach {peak:.3g}; expected metres or pixels "
            f"(|x| <= {MAX_COORDINATE:g})"
        )
    if not data.any():
        raise ClipFormatError(f"{source}: every coordinate is zero (no skeleton was tracked)")
    return data


@dataclass
class Clip:
    """A skeleton clip.

    ``data`` is float32 (M persons, T frames, V joints, C coordinates) in its layout's axes and
    units; ``label`` is a 0-based class id when known; ``source`` is the file it came from;
    ``confidence`` (M, T, V) in [0, 1], when the source gives one (a pose estimator's visibility
    or score): `confident` drops the joints below a threshold.
    """

    data: np.ndarray
    layout: str
    label: int | None = None
    fps: float | None = None
    source: str | None = None
    confidence: np.ndarray | None = None

    def __post_init__(self) -> None:
        layout = get_layout(self.layout)
        self.layout = layout.name
        self.data = check_clip_array(
            self.data, source=self.source or "clip", num_joints=layout.num_joints
        )
        if self.confidence is not None:
            conf = np.asarray(self.confidence, dtype=np.float32)
            if conf.shape != self.data.shape[:3] or not np.isfinite(conf).all():
                raise ClipFormatError(
                    f"{self.source or 'clip'}: confidence must be finite, one per joint "
                    f"{self.data.shape[:3]}, got shape {conf.shape}"
                )
            self.confidence = np.clip(conf, 0.0, 1.0)

    @property
    def num_persons(self) -> int:
        """Deprecated: ``clip.data.shape[0]``, the person slots."""
        warnings.warn(
            "Clip.num_persons will be removed; use clip.data.shape[0]",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.data.shape[0]

    @property
    def num_frames(self) -> int:
        return self.data.shape[1]

    @property
    def num_joints(self) -> int:
        return self.data.shape[2]

    @property
    def num_channels(self) -> int:
        return self.data.shape[3]

    def to_layout(self, layout: str) -> Clip:
        """The same clip in another layout: joints matched by name (see `layout_mapping`),
        coordinates turned into its axes and units when both layouts declare theirs."""
        target = get_layout(layout)
        if target.name == self.layout:
            return self
        data = map_joints(self.data, self.layout, target)
        signs = axis_signs(self.layout, target, self.num_channels)
        if signs is not None:
            data = data * signs
        scale = METRES_PER_UNIT.get(get_layout(self.layout).units)
        to = METRES_PER_UNIT.get(target.units)
        if scale and to and scale != to:  # e.g. OpenNI's millimetres into Kinect's metres
            data = data * np.float32(scale / to)
        conf = self.confidence
        if conf is not None:
            with warnings.catch_warnings():  # the data's mapping has said what was derived
                warnings.simplefilter("ignore", DerivedJointsWarning)
                conf = np.clip(map_joints(conf, self.layout, target, axis=-1), 0.0, 1.0)
        return replace(self, data=data, layout=target.name, confidence=conf)

    def confident(self, threshold: float) -> Clip:
        """The clip with every joint whose confidence is below ``threshold`` set to zero, the
        way absent joints are given to the models (unchanged without a confidence)."""
        if self.confidence is None or threshold <= 0:
            return self
        keep = self.confidence >= threshold
        if not keep.any():
            raise ClipFormatError(
                f"{self.source or 'clip'}: no joint has confidence >= {threshold:g}"
            )
        return replace(self, data=np.where(keep[..., None], self.data, 0.0))
