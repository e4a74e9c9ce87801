"""MSR Action3D (Li, Zhang and Liu, CVPR workshops 2010): ``skeleton3d/aAA_sSS_eEE_skeleton3D.txt``,
20 lines of ``x y z confidence`` per frame, in the `msr-action3d` joint order."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..clip import Clip, ClipFormatError
from ..labels import load_label_map
from . import base

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


@base.dataset(
    "msr-action3d", "MSR Action3D", "MSR Action3D (Li, Zhang and Liu, CVPR workshops 2010)"
)
def msr_action3d(root: str | Path) -> base.DatasetIndex:
    """MSR Action3D (``skeleton3d/aAA_sSS_eEE_skeleton3D.txt``); ``xsub``: odd subjects train."""
    root = Path(root)
    pattern = "a*_s*_e*_skeleton3D.txt"
    samples = base.file_samples(root, "skeleton3d", pattern, _sample, "MSR Action3D", pattern)
    classes, loader = list(MSR_ACTION3D_CLASSES), base.file_loader(read_msr_txt)
    splits, name = base.odd_even_subjects(samples), "msr-action3d"  # its layout has its name
    return base.DatasetIndex(name, root, name, classes, samples, splits, loader=loader)


def _sample(f: Path) -> base.Sample | None:
    name = parse_msr_name(f.stem)
    stem = f.stem.removesuffix("_skeleton3D")
    return name and base.Sample(f, name.label, stem, subject=name.subject)


base.register_source(
    base.Source(
        "msr-action3d",
        read_msr_txt,
        ("*_skeleton3d.txt",),
        layout="msr-action3d",
        sniff=lambda values: values == 4,  # x y z confidence
    )
)
