"""MSR Action3D ``aAA_sSS_eEE_skeleton3D.txt``: 20 lines of ``x y z confidence`` per frame, in
the `msr-action3d` joint order."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..clip import Clip, ClipFormatError

__all__ = ["read_msr_txt"]


def read_msr_txt(path: Path) -> Clip:
    """One MSR Action3D skeleton file (label from its ``aAA`` part, when present)."""
    try:
        a = np.loadtxt(path, dtype=np.float32, ndmin=2)
    except (OSError, ValueError) as e:
        raise ClipFormatError(f"{path}: not a readable MSR Action3D skeleton file ({e})") from None
    if a.size == 0:
        raise ClipFormatError(f"{path}: empty file")
    if a.shape[1] != 4:
        raise ClipFormatError(
            f"{path}: {a.shape[1]} columns per line, expected 4 (x y z confidence)"
        )
    if a.shape[0] % 20:
        raise ClipFormatError(
            f"{path}: {a.shape[0]} joint lines is not a whole number of 20-joint frames "
            "(truncated file?)"
        )
    m = re.search(r"a(\d+)_s\d+_e\d+", path.name)
    label = int(m.group(1)) - 1 if m else None
    return Clip(
        a[:, :3].reshape(1, -1, 20, 3), "msr-action3d", label=label, fps=15.0, source=str(path)
    )
