"""UTD-MHAD skeletons (Chen et al., ICIP 2015): ``a<A>_s<S>_t<R>_skeleton.mat``, a MATLAB v5 file
holding ``d_skel`` of shape (20 joints, 3, T) in the `utd-mhad` joint order. Reading it needs
scipy (``pip install 'skeletonmae[data]'``)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..clip import Clip, ClipFormatError
from ..extras import require
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
    where,
)

__all__ = ["UTD_MHAD_CLASSES", "parse_utd_mhad_name", "read_utd_mhad"]

UTD_MHAD_CLASSES = load_label_map("utd-mhad")
_NAME = re.compile(r"a(\d+)_s(\d+)_t(\d+)_skeleton$")


def parse_utd_mhad_name(path: str | Path) -> tuple[int, int, int] | None:
    """(action 1..27, subject, repetition) of a UTD-MHAD file name, or None."""
    m = _NAME.match(Path(path).stem)
    return tuple(int(x) for x in m.groups()) if m else None  # type: ignore[return-value]


def read_utd_mhad(path: str | Path) -> Clip:
    """One ``*_skeleton.mat`` as a `Clip` in the `utd-mhad` layout (label from the file name)."""
    loadmat = require("scipy.io", "data", "reading UTD-MHAD .mat files").loadmat
    path = Path(path)
    try:
        d = loadmat(str(path), variable_names=["d_skel"])
    except Exception as e:  # scipy raises several unrelated types for a bad file
        raise ClipFormatError(f"{path}: not a readable MATLAB file ({e})") from None
    skel = d.get("d_skel")
    if skel is None or np.ndim(skel) != 3 or skel.shape[:2] != (20, 3):
        shape = None if skel is None else np.shape(skel)
        raise ClipFormatError(
            f"{path}: expected a variable d_skel of shape (20, 3, T), got {shape}"
        )
    name = parse_utd_mhad_name(path)
    label = name[0] - 1 if name else None
    data = np.transpose(np.asarray(skel, dtype=np.float32), (2, 0, 1))[None]
    return Clip(data, "utd-mhad", label=label, fps=30.0, source=str(path))


def utd_mhad(root: str | Path) -> DatasetIndex:
    """UTD-MHAD skeletons (``Skeleton/a<A>_s<S>_t<R>_skeleton.mat``, 27 actions); split ``xsub``:
    odd subjects (1, 3, 5, 7) train, even ones test. ``xsub_dev_train`` (subjects 1, 5) /
    ``xsub_dev`` (3, 7) is a cross-subject development protocol inside the training subjects, for
    choosing a recipe without the test subjects. Needs scipy (the ``data`` extra)."""
    root = Path(root)
    d = require_dir(root, "Skeleton", "UTD-MHAD")
    files = sorted(d.glob("a*_s*_t*_skeleton.mat"))
    if not files:
        raise FileNotFoundError(f"UTD-MHAD: no a<A>_s<S>_t<R>_skeleton.mat files under {d}")
    samples = []
    for f in files:
        name = parse_utd_mhad_name(f)
        if name is None or not 1 <= name[0] <= len(UTD_MHAD_CLASSES):
            raise ClipFormatError(f"{f}: not a UTD-MHAD file name (a<1..27>_s<S>_t<R>_skeleton)")
        samples.append(Sample(f, name[0] - 1, f.stem.removesuffix("_skeleton"), subject=name[1]))
    splits = {
        **odd_even_subjects(samples),
        "xsub_dev_train": where(samples, lambda s: s.subject in (1, 5)),
        "xsub_dev": where(samples, lambda s: s.subject in (3, 7)),
    }
    return DatasetIndex(
        "utd-mhad", root, "utd-mhad", list(UTD_MHAD_CLASSES), samples, splits,
        loader=file_loader(read_utd_mhad),
    )  # fmt: skip


register(
    Source("utd-mhad", read_utd_mhad, ("*_skeleton.mat",), layout="utd-mhad"),
    Dataset(
        "utd-mhad", "UTD-MHAD", "UTD-MHAD (Chen, Jafari and Kehtarnavaz, ICIP 2015)", utd_mhad,
        source="utd-mhad",
    ),
)  # fmt: skip
