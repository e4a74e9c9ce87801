"""MSRC-12 Kinect gesture dataset (Fothergill et al., CHI 2012): one long recording per
``P<k>_<i>_<j>_p<NN>.csv`` (or ``.csv.xz``) and the action points of its repetitions in the
``.tagstream`` beside it.

A CSV line is one frame: a timestamp (microseconds) and 20 joints × (x, y, z, w) in the Kinect
SDK v1 order (the `kinect-v1` layout), ``w`` = 1 for a tracked joint; frames before the first
skeleton are all zeros. A tagstream is ``XQPCTick;Tag`` then ``tick;G<k> <name>`` lines; its ticks
divided by 49.875 fall on the CSV clock (checked: every action point lands inside its
recording), and each is matched to the nearest frame.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..clip import Clip, ClipFormatError
from ..labels import load_label_map
from . import base

__all__ = [
    "MSRC12_CLASSES",
    "MSRC12_FPS",
    "ActionPoint",
    "msrc12_gesture",
    "parse_msrc12_name",
    "read_msrc12",
    "read_msrc12_csv",
    "read_msrc12_tags",
]

MSRC12_FPS = 30.0
MSRC12_CLASSES = load_label_map("msrc-12")
_TICKS_PER_CSV_UNIT = 49.875
_NAME = re.compile(r"P(\d+)_(\d+)_(\d+)(A?)_p(\d+)$")
_TAG = re.compile(r"\s*(\d+)\s*;\s*G(\d+)\b")  # "tick;G<k> name"


def _tags_path(path: str | Path) -> Path:
    """The ``.tagstream`` that belongs beside a recording's CSV."""
    return Path(path).parent / (Path(path).name.split(".")[0] + ".tagstream")


def _tag(line: str) -> tuple[int, int] | None:
    """(tick, 0-based gesture) of a tagstream line, or None when it is not one."""
    m = _TAG.match(line)
    if not m or not 1 <= int(m.group(2)) <= len(MSRC12_CLASSES):
        return None
    return int(m.group(1)), int(m.group(2)) - 1


class ActionPoint(NamedTuple):
    """One repetition's action point: the frame it falls on and its 0-based gesture id."""

    frame: int
    label: int


def parse_msrc12_name(path: str | Path) -> int | None:
    """The performer number of an MSRC-12 file name, or None when it is not one."""
    stem = Path(path).name.split(".")[0]
    m = _NAME.match(stem)
    return int(m.group(5)) if m else None


def msrc12_gesture(path: str | Path) -> int:
    """The 0-based gesture of a recording, from the first tag of the ``.tagstream`` beside it
    (-1 when there is none)."""
    tags = _tags_path(path)
    if not tags.is_file():
        return -1
    found = (_tag(line) for line in tags.read_text(errors="replace").splitlines()[1:])
    return next((tag[1] for tag in found if tag), -1)


def read_msrc12_csv(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """(timestamps (T,), joints (T, 20, 3) float32) of one recording (``.csv`` or ``.csv.xz``)."""
    try:
        a = np.loadtxt(path, dtype=np.float64, ndmin=2)
    except (OSError, ValueError, EOFError) as e:
        raise ClipFormatError(f"{path}: not a readable MSRC-12 CSV ({e})") from None
    if a.size == 0:
        raise ClipFormatError(f"{path}: empty file")
    if a.shape[1] != 81:
        raise ClipFormatError(
            f"{path}: {a.shape[1]} values per line, expected 81 (timestamp, 20 × x y z w)"
        )
    joints = a[:, 1:].reshape(-1, 20, 4)[..., :3].astype(np.float32)
    return a[:, 0], joints


def read_msrc12_tags(path: str | Path, timestamps: np.ndarray) -> list[ActionPoint]:
    """The action points of a ``.tagstream``, each on the frame of ``timestamps`` nearest to it."""
    points = []
    lines = Path(path).read_text(errors="replace").splitlines()
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        tag = _tag(line)
        if tag is None:
            raise ClipFormatError(f"{path}, line {n}: expected 'tick;G<1..12> name', got {line!r}")
        frame = int(np.abs(timestamps - tag[0] / _TICKS_PER_CSV_UNIT).argmin())
        points.append(ActionPoint(frame, tag[1]))
    return points


def read_msrc12(path: str | Path) -> Clip:
    """One whole recording as a `Clip` in `kinect-v1` (leading frames without a skeleton
    dropped); its label is the gesture of its tagstream when one lies beside it."""
    path = Path(path)
    _, joints = read_msrc12_csv(path)
    tracked = np.flatnonzero(np.abs(joints).sum(axis=(1, 2)) > 0)
    if not len(tracked):
        raise ClipFormatError(f"{path}: no frame holds a skeleton")
    gesture = msrc12_gesture(path)
    label = gesture if gesture >= 0 else None
    return Clip(
        joints[tracked[0] :][None], "kinect-v1", label=label, fps=MSRC12_FPS, source=str(path)
    )


@base.dataset("msrc-12", "MSRC-12", "MSRC-12 Kinect gestures (Fothergill et al., CHI 2012)")
def msrc12(root: str | Path) -> base.DatasetIndex:
    """MSRC-12 recordings (``P<k>_<i>_<j>_p<NN>.csv[.xz]``, one gesture repeated ~10 times each,
    labelled from its tagstream). It has no standard split; ``all`` is every recording (what
    pre-training uses) and ``xsub_train`` / ``xsub_test`` split the performers odd / even."""
    root = Path(root)
    expected = "P<k>_<i>_<j>_p<NN>.csv[.xz]"
    samples = base.file_samples(root, "", ("*.csv", "*.csv.xz"), _sample, "MSRC-12", expected)
    splits = {"all": list(range(len(samples))), **base.odd_even_subjects(samples)}
    classes, loader = list(MSRC12_CLASSES), base.file_loader(read_msrc12)
    return base.DatasetIndex("msrc-12", root, "kinect-v1", classes, samples, splits, loader=loader)


def _sample(f: Path) -> base.Sample | None:
    performer = parse_msrc12_name(f)
    stem = f.name.split(".")[0]
    return None if performer is None else base.Sample(f, msrc12_gesture(f), stem, subject=performer)


base.register_source(base.Source("msrc-12", read_msrc12, ("*.csv", "*.csv.xz"), layout="kinect-v1"))
