"""Penn Action (Zhang et al., ICCV 2013), 2-D keypoint annotations: ``labels/NNNN.mat``, a MATLAB
v5 file with ``x``, ``y`` (T, 13) pixel coordinates in the `penn-action` joint order, the clip's
``action`` name and ``train`` (1 train, −1 test: the official split). Reading it needs scipy
(``pip install 'skeletonmae[data]'``)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..clip import Clip, ClipFormatError
from ..extras import require
from ..labels import load_label_map
from . import base

__all__ = ["PENN_ACTION_CLASSES", "PennActionLabel", "read_penn_action", "read_penn_action_label"]

# The files' ``action`` strings, in sorted order (class ids follow it).
PENN_ACTION_CLASSES = load_label_map("penn-action")


class PennActionLabel(NamedTuple):
    """A clip's 0-based class id and whether the official split trains on it."""

    label: int
    train: bool


def _loadmat(path: Path, names: list[str]) -> dict:
    loadmat = require("scipy.io", "data", "reading Penn Action .mat files").loadmat
    try:
        return loadmat(str(path), variable_names=names)
    except Exception as e:  # scipy raises several unrelated types for a bad file
        raise ClipFormatError(f"{path}: not a readable MATLAB file ({e})") from None


def _label(d: dict, path: Path) -> PennActionLabel:
    try:
        action = str(np.asarray(d["action"]).ravel()[0]).strip()
        train = int(np.asarray(d["train"]).ravel()[0])
    except (KeyError, IndexError, ValueError):
        raise ClipFormatError(f"{path}: expected variables 'action' and 'train'") from None
    if action not in PENN_ACTION_CLASSES or train not in (1, -1):
        raise ClipFormatError(
            f"{path}: action {action!r} / train {train} is not a Penn Action class / 1 or -1"
        )
    return PennActionLabel(PENN_ACTION_CLASSES.index(action), train == 1)


def read_penn_action_label(path: str | Path) -> PennActionLabel:
    """Class and split of one ``labels/NNNN.mat`` (without reading its coordinates)."""
    path = Path(path)
    return _label(_loadmat(path, ["action", "train"]), path)


def read_penn_action(path: str | Path) -> Clip:
    """One ``labels/NNNN.mat`` as a 2-D `Clip` in the `penn-action` layout (pixels, y down)."""
    path = Path(path)
    d = _loadmat(path, ["x", "y", "action", "train"])
    x, y = d.get("x"), d.get("y")
    if x is None or y is None or np.shape(x) != np.shape(y) or np.ndim(x) != 2:
        raise ClipFormatError(f"{path}: expected variables x and y of one shape (T, 13)")
    if np.shape(x)[1] != 13:
        raise ClipFormatError(f"{path}: found {np.shape(x)[1]} joints, expected 13")
    data = np.stack([x, y], axis=-1).astype(np.float32)[None]
    label = _label(d, path).label
    return Clip(data, "penn-action", label=label, fps=30.0, source=str(path))


@base.dataset("penn-action", "Penn Action", "Penn Action (Zhang, Zhu and Derpanis, ICCV 2013)")
def penn_action(root: str | Path) -> base.DatasetIndex:
    """Penn Action 2-D keypoints (``labels/NNNN.mat``, 15 classes); split ``official``: the
    files' own train flag (``official_train`` 1,258 clips, ``official_test`` 1,068). Needs scipy."""
    root = Path(root)
    train: set[str] = set()

    def sample(f: Path) -> base.Sample:
        lab = read_penn_action_label(f)
        if lab.train:
            train.add(f.stem)
        return base.Sample(f, lab.label, f.stem)

    pattern = "[0-9][0-9][0-9][0-9].mat"
    samples = base.file_samples(root, "labels", pattern, sample, "Penn Action", "NNNN.mat")
    splits = {
        "official_train": base.where(samples, lambda s: s.name in train),
        "official_test": base.where(samples, lambda s: s.name not in train),
    }
    classes, loader = list(PENN_ACTION_CLASSES), base.file_loader(read_penn_action)
    return base.DatasetIndex(
        "penn-action", root, "penn-action", classes, samples, splits, loader=loader
    )


base.register_source(
    base.Source(
        "penn-action", read_penn_action, ("[0-9][0-9][0-9][0-9].mat",), layout="penn-action"
    )
)
