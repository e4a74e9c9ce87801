"""Arrays as clips: ``.npy`` / ``.npz`` files and in-memory arrays in (T, V, C), (M, T, V, C) or
(C, T, V, M), with the joint order given or inferred from the joint count. Array headers are
checked against the size limit of `skeletonmae.safe_pickle` before any memory is taken."""

from __future__ import annotations

import pickle
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..clip import Clip, ClipFormatError
from ..layouts import SENSOR_LAYOUTS, Layout, available_layouts, get_layout
from ..safe_pickle import check_array_size
from . import base

__all__ = ["ARRAY_CONVENTIONS", "array_to_clip", "infer_layout", "read_npy", "read_npz"]

ARRAY_CONVENTIONS = ("tvc", "mtvc", "ctvm")


def infer_layout(num_joints: int, *, source: str) -> Layout:
    """The one registered layout with ``num_joints`` joints (sensor layouts, `SENSOR_LAYOUTS`, are
    never guessed); none or several is an error asking for ``layout=``."""
    candidates = [
        get_layout(n)
        for n in available_layouts()
        if get_layout(n).num_joints == num_joints and n not in SENSOR_LAYOUTS
    ]
    if len(candidates) != 1:
        names = ", ".join(c.name for c in candidates) or "no known layout"
        raise ClipFormatError(
            f"{source}: {num_joints} joints fits {names}; pass layout= (or --layout) to say which"
        )
    return candidates[0]


def _layouts_with(num_joints: int) -> str:
    """``"; a 15-joint clip may be 'openni-15' (pass --layout …)"`` naming every layout, sensor
    layouts included, with that many joints, or ``""``."""
    names = [n for n in available_layouts() if get_layout(n).num_joints == num_joints]
    if not names:
        return ""
    return (
        f"; a {num_joints}-joint clip may be {' or '.join(map(repr, names))} "
        "(pass layout= or --layout)"
    )


def array_to_clip(
    array: np.ndarray,
    *,
    layout: str | Layout | None = None,
    convention: str | None = None,
    source: str = "array",
    label: int | None = None,
    fps: float | None = None,
) -> Clip:
    """Interpret an array in (T, V, C), (M, T, V, C) or (C, T, V, M) as a `Clip`.

    ``convention`` forces one of ``tvc``, ``mtvc``, ``ctvm``; otherwise it is inferred, and a shape
    that fits several conventions or layouts is an error asking for them.
    """
    a = np.asarray(array)
    if a.size == 0:
        raise ClipFormatError(f"{source}: empty array (shape {a.shape})")
    if convention is not None and convention not in ARRAY_CONVENTIONS:
        raise ClipFormatError(
            f"{source}: unknown array convention {convention!r}; expected one of "
            f"{', '.join(ARRAY_CONVENTIONS)}"
        )
    if convention is None:
        if a.ndim == 3:
            convention = "tvc"
        elif a.ndim == 4:
            # Only the first and last axes trade places, so when both hold 2 or 3 entries
            # (e.g. (2, T, V, 3) or (3, T, V, 2)) either could be the coordinates.
            fits = [c for c, ch in (("mtvc", a.shape[3]), ("ctvm", a.shape[0])) if ch in (2, 3)]
            if len(fits) != 1:
                raise ClipFormatError(
                    f"{source}: shape {a.shape} is ambiguous between (M, T, V, C) and "
                    "(C, T, V, M); save it as an .npz with a 'format' entry ('mtvc' or 'ctvm'), "
                    "or pass format= to load_clip"
                    if fits
                    else f"{source}: shape {a.shape} has neither 2-3 coordinates last "
                    "(M, T, V, C) nor first (C, T, V, M)"
                )
            convention = fits[0]
        else:
            raise ClipFormatError(
                f"{source}: expected 3 or 4 dimensions ((T, V, C), (M, T, V, C) or (C, T, V, M)), "
                f"got shape {a.shape}"
            )
    expected_ndim = 3 if convention == "tvc" else 4
    if a.ndim != expected_ndim:
        raise ClipFormatError(
            f"{source}: convention {convention!r} needs {expected_ndim} dims, got shape {a.shape}"
        )
    if convention == "tvc":
        a = a[None]
    elif convention == "ctvm":
        a = np.transpose(a, (3, 1, 2, 0))
    v = a.shape[2]
    layout = infer_layout(v, source=source) if layout is None else get_layout(layout)
    if v != layout.num_joints:
        raise ClipFormatError(
            f"{source}: found {v} joints, layout {layout.name!r} expects {layout.num_joints}"
            + _layouts_with(v)
        )
    return Clip(a, layout.name, label=label, fps=fps, source=source)


def _check_npy_header(f, source: str) -> None:
    """Read a .npy header from ``f`` and refuse arrays over the size limit before loading them."""
    try:
        version = np.lib.format.read_magic(f)
        read = (
            np.lib.format.read_array_header_1_0
            if version == (1, 0)
            else np.lib.format.read_array_header_2_0
        )
        shape, _, dtype = read(f)
    except (ValueError, OSError, EOFError) as e:
        raise ClipFormatError(f"{source}: not a readable .npy array ({e})") from None
    try:
        check_array_size(shape, dtype, source=source)
    except pickle.UnpicklingError as e:
        raise ClipFormatError(str(e)) from None


def read_npy(path: Path, *, layout: Layout | None = None, convention: str | None = None) -> Clip:
    """A ``.npy`` array in ``convention`` (or the one its shape implies) on ``layout``."""
    with open(path, "rb") as f:
        _check_npy_header(f, str(path))
    try:
        a = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as e:
        raise ClipFormatError(f"{path}: not a readable .npy file ({e})") from None
    return array_to_clip(a, layout=layout, convention=convention, source=str(path))


def read_npz(path: Path, *, layout: Layout | None = None, convention: str | None = None) -> Clip:
    """A ``.npz``: its ``data`` array with the ``layout``, ``label``, ``fps``, ``format`` and
    ``confidence`` entries it holds (``layout`` / ``convention`` stand in for missing ones)."""
    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.endswith(".npy"):
                    with archive.open(member) as f:
                        _check_npy_header(f, f"{path} ({member})")
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise ClipFormatError(f"{path}: not a readable .npz file ({e})") from None
    try:
        with np.load(path, allow_pickle=False) as z:
            keys = list(z.keys())
            key = "data" if "data" in keys else (keys[0] if len(keys) == 1 else None)
            if key is None:
                raise ClipFormatError(
                    f"{path}: .npz holds {keys}; expected a 'data' array (or a single array)"
                )
            a = z[key]
            meta = {k: z[k].item() for k in ("layout", "label", "fps", "format") if k in keys}
            confidence = z["confidence"] if "confidence" in keys else None
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as e:
        raise ClipFormatError(f"{path}: not a readable .npz file ({e})") from None
    label = meta.get("label")
    label = None if label is None or int(label) < 0 else int(label)
    fps = meta.get("fps")
    if fps is not None:
        try:
            fps = float(fps)
        except (TypeError, ValueError):
            raise ClipFormatError(
                f"{path}: its fps entry {fps!r} is not a number (frames per second)"
            ) from None
        fps = fps if np.isfinite(fps) and fps > 0 else None
    clip = array_to_clip(
        a,
        layout=layout or meta.get("layout"),
        convention=convention or meta.get("format"),
        source=str(path),
        label=label,
        fps=fps,
    )
    # a pose estimator's per-joint confidence, (M, T, V) like the clip (see `Clip.confident`)
    return clip if confidence is None else replace(clip, confidence=confidence)


base.register_source(base.Source("npy", read_npy, ("*.npy",)))
base.register_source(base.Source("npz", read_npz, ("*.npz",)))
