"""MSR Action3D (Li, Zhang and Liu, CVPR workshops 2010): ``skeleton3d/aAA_sSS_eEE_skeleton3D.txt``,
20 lines of ``x y z confidence`` per frame, in the `msr-action3d` joint order."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..clip import Clip, ClipFormatError
from ..labels import load_label_map
from .base import (
    Dataset,
    DatasetIndex,
    Sample,
    Source,
    file_loader,
    odd_even_subjects,
    register,
    require_dir,
)

__all__ = ["MSR_ACTION3D_CLASSES", "MSRName", "parse_msr_name", "read_msr_txt"]

MSR_ACTION3D_CLASSES = load_label_map("msr-action3d")
_NAME = re.compile(r"a(\d+)_s(\d+)_e(\d+)(?:_skeleton3D)?$", re.IGNORECASE)


class MSRName(NamedTuple):
    """The factors of a file name ``aAA_sSS_eEE``: 0-based class, subject, episode."""

    label: int
    subject: int
    episode: int


def parse_msr_name(stem: str) -> MSRName | None:
    """The factors of an MSR Action3D file stem, or None when it is not one."""
    m = _NAME.search(stem)
    if not m or not 1 <= int(m.group(1)) <= len(MSR_ACTION3D_CLASSES):
        return None
    a, s, e = (int(x) for x in m.groups())
    return MSRName(a - 1, s, e)


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
    name = parse_msr_name(path.stem)
    label = name.label if name else None
    return Clip(
        a[:, :3].reshape(1, -1, 20, 3), "msr-action3d", label=label, fps=15.0, source=str(path)
    )


def msr_action3d(root: str | Path) -> DatasetIndex:
    """MSR Action3D (``skeleton3d/aAA_sSS_eEE_skeleton3D.txt``); ``xsub``: odd subjects train."""
    root = Path(root)
    d = require_dir(root, "skeleton3d", "MSR Action3D")
    files = sorted(d.glob("a*_s*_e*_skeleton3D.txt"))
    if not files:
        raise FileNotFoundError(f"MSR Action3D: no aAA_sSS_eEE_skeleton3D.txt files under {d}")
    samples = []
    for f in files:
        name = parse_msr_name(f.stem)
        if name is None or not f.stem.endswith("_skeleton3D"):
            raise ClipFormatError(
                f"{f}: not an MSR Action3D file name (aAA_sSS_eEE_skeleton3D.txt)"
            )
        samples.append(
            Sample(f, name.label, f.stem.removesuffix("_skeleton3D"), subject=name.subject)
        )
    return DatasetIndex(
        "msr-action3d",
        root,
        "msr-action3d",
        list(MSR_ACTION3D_CLASSES),
        samples,
        odd_even_subjects(samples),
        loader=file_loader(read_msr_txt),
    )


register(
    Source(
        "msr-action3d",
        read_msr_txt,
        ("*_skeleton3d.txt",),
        layout="msr-action3d",
        sniff=lambda values: values == 4,  # x y z confidence
    ),
    Dataset(
        "msr-action3d",
        "MSR Action3D",
        "MSR Action3D (Li, Zhang and Liu, CVPR workshops 2010)",
        msr_action3d,
        source="msr-action3d",
    ),
)
