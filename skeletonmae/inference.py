"""From what a user has to what a model reads: `read_clip` turns a clip file, a video or photo,
an array, a tensor or a `Clip` into a `Clip` on a model's layout, coordinate frame and units.

It is the one place that knows files, unit guessing and layout guessing on the way into a model:
the models themselves read `Clip` objects and tensors (``model.classify(path)`` comes here
through `SkeletonModel.to_clip`), and the command line calls it directly.
"""

from __future__ import annotations

import os
import warnings
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Protocol

import numpy as np
import torch

from .clip import Clip
from .formats import load_clip
from .io.arrays import array_to_clip
from .layouts import get_layout, upside_down
from .pose import estimate_poses, is_media

__all__ = ["CONFIDENCE_THRESHOLD", "UNITS", "ClipLike", "InputSpec", "read_clip"]

ClipLike = str | os.PathLike | Clip | np.ndarray | torch.Tensor
UNITS = {"m": 1.0, "cm": 0.01, "mm": 0.001}  # factor to metres
# Joints a pose estimator is less sure of than this (MediaPipe's visibility, COCO scores) are
# given to the models as absent, like joints a sensor lost.
CONFIDENCE_THRESHOLD = 0.5


class InputSpec(Protocol):
    """What `read_clip` needs of a model: its joint layout and coordinates per joint (a
    `skeletonmae.models.ModelConfig` is one)."""

    layout: str

    @property
    def coord_channels(self) -> int: ...


def read_clip(
    clip: ClipLike, spec: InputSpec, *, layout: str | None = None, units: str | None = None
) -> Clip:
    """``clip`` as a `Clip` on ``spec.layout``: joints mapped by name, axes turned, joints below
    `CONFIDENCE_THRESHOLD` made absent. ``layout`` names the joint order of an input that does
    not state it; ``units`` (``m``, ``cm`` or ``mm``) converts 3-D coordinates to metres, what
    the zoo's models were trained on; without it, a 3-D file or array whose scale looks like
    millimetres or centimetres is warned about, as is a clip upside down for the model."""
    if isinstance(clip, torch.Tensor):  # a tensor is read like the array it holds
        clip = clip.detach().cpu().numpy()
    if isinstance(clip, Clip):
        c = clip
    elif isinstance(clip, np.ndarray):
        c = array_to_clip(clip, layout=layout or spec.layout)
    else:
        p = Path(clip)
        if is_media(p):  # a video or photo: MediaPipe's world (3-D) or image (2-D) landmarks
            c = estimate_poses(p).to_clip("world" if spec.coord_channels == 3 else "image")
        elif p.suffix.lower() in (".npy", ".npz") and layout is None:
            c = load_clip(p, layout=_guess_layout(p, spec.layout))
        else:
            c = load_clip(p, layout=layout)
    given = c.layout
    converted = isinstance(clip, Clip) and given == spec.layout  # checked when it was read
    c = c.confident(CONFIDENCE_THRESHOLD).to_layout(spec.layout)
    if not converted and upside_down(c.data, spec.layout):
        said = (get_layout(given).axes or ("", "undeclared"))[1]
        warnings.warn(
            f"{c.source or 'clip'}: upside down for this model (its head is below its "
            f"ankles), though layout {given!r} says y points {said}; negate y, or give "
            "the layout whose axes it uses",
            stacklevel=3,
        )
    if c.num_channels != spec.coord_channels:
        raise ValueError(
            f"{c.source or 'clip'}: {c.num_channels}-D joints, but this model takes "
            f"{spec.coord_channels}-D ones (a 2-D pose cannot feed a 3-D model, nor "
            "the other way round: pick a model of the clip's kind)"
        )
    if units is not None:
        if units not in UNITS:
            raise ValueError(f"units must be one of {', '.join(UNITS)}, got {units!r}")
        return replace(c, data=c.data * np.float32(UNITS[units]))
    if not isinstance(clip, Clip) and c.num_channels == 3:
        _warn_if_not_metres(c)
    return c


def _warn_if_not_metres(c: Clip) -> None:
    tracked = c.data[np.abs(c.data).sum(axis=-1) > 0]
    scale = float(np.median(np.abs(tracked))) if tracked.size else 0.0
    if scale > 20:  # a person a few metres away: ~1 in metres, ~100 in cm, ~1000 in mm
        unit, name = ("cm", "centimetres") if scale < 400 else ("mm", "millimetres")
        warnings.warn(
            f"{c.source or 'clip'}: coordinates around {scale:.0f} look like {name}; "
            f"the model expects metres (--units {unit}, or in Python "
            f"model.to_clip(path, units={unit!r}) before classifying)",
            stacklevel=4,
        )


def _guess_layout(path: Path, model_layout: str) -> str | None:
    """Arrays without a stated layout are read in the model's layout when the joint count fits
    it (an .npz that names its layout keeps it)."""
    if path.suffix.lower() == ".npz":
        try:
            with np.load(path, allow_pickle=False) as z:
                if "layout" in z:
                    return None
        except (ValueError, OSError, EOFError, zipfile.BadZipFile):
            return None
    return model_layout
