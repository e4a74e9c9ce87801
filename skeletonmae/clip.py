"""The `Clip`: one skeleton sequence in memory, in the (M, T, V, C) convention, with its layout."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .layouts import get_layout, map_joints

__all__ = ["Clip", "ClipFormatError", "check_clip_array"]


# Larger coordinates are not a skeleton in metres, millimetres or pixels, and overflow float32
# arithmetic inside a model.
MAX_COORDINATE = 1e6


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

    ``data`` is float32 (M persons, T frames, V joints, C coordinates); ``label`` is a 0-based
    class id when known; ``source`` is the file it came from.
    """

    data: np.ndarray
    layout: str
    label: int | None = None
    fps: float | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        layout = get_layout(self.layout)
        self.layout = layout.name
        self.data = check_clip_array(
            self.data, source=self.source or "clip", num_joints=layout.num_joints
        )

    @property
    def num_persons(self) -> int:
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
        """The same clip in another layout (joints matched by name); see `layout_mapping`."""
        target = get_layout(layout)
        if target.name == self.layout:
            return self
        return replace(self, data=map_joints(self.data, self.layout, target), layout=target.name)
