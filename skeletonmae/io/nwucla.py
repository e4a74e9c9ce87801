"""NW-UCLA Multiview Action3D clips as JSON (``{"skeletons": [T][20][3], "label": 1..10}``), in
the `kinect-v1` joint order."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..clip import Clip, ClipFormatError

__all__ = ["read_nwucla_json"]


def read_nwucla_json(path: Path) -> Clip:
    """One NW-UCLA JSON clip (label from its 1-based ``label``, when present)."""
    try:
        d = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ClipFormatError(f"{path}: not a readable NW-UCLA JSON file ({e})") from None
    if not isinstance(d, dict) or "skeletons" not in d:
        raise ClipFormatError(f"{path}: expected a JSON object with 'skeletons' ([T][20][3])")
    try:
        a = np.asarray(d["skeletons"], dtype=np.float32)
    except (ValueError, TypeError) as e:
        raise ClipFormatError(f"{path}: 'skeletons' is not a [T][V][3] array ({e})") from None
    if a.ndim != 3 or a.shape[0] == 0:
        raise ClipFormatError(f"{path}: 'skeletons' has shape {a.shape}, expected (T>0, 20, 3)")
    label = d.get("label")
    if label is not None and (not isinstance(label, int) or not 1 <= label <= 10):
        raise ClipFormatError(f"{path}: label {label!r}, expected an integer in NW-UCLA's 1..10")
    return Clip(
        a[None],
        "kinect-v1",
        label=None if label is None else label - 1,
        fps=30.0,
        source=str(path),
    )
