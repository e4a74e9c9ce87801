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
from . import base

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


@base.dataset("utd-mhad", "UTD-MHAD", "UTD-MHAD (Chen, Jafari and Kehtarnavaz, ICIP 2015)")
def utd_mhad(root: str | Path) -> base.DatasetIndex:
    """UTD-MHAD skeletons (``Skeleton/a<A>_s<S>_t<R>_skeleton.mat``, 27 actions); split ``xsub``:
    odd subjects (1, 3, 5, 7) train, even ones test. ``xsub_dev_train`` (subjects 1, 5) /
    ``xsub_dev`` (3, 7) is a cross-subject development protocol inside the training subjects, for
    choosing a recipe without the test subjects. Needs scipy (the ``data`` extra)."""
    root = Path(root)
    expected = "a<1..27>_s<S>_t<R>_skeleton.mat"
    samples = base.file_samples(
        root, "Skeleton", "a*_s*_t*_skeleton.mat", _sample, "UTD-MHAD", expected
    )
    splits = {
        **base.odd_even_subjects(samples),
        "xsub_dev_train": base.where(samples, lambda s: s.subject in (1, 5)),
        "xsub_dev": base.where(samples, lambda s: s.subject in (3, 7)),
    }
    classes, loader = list(UTD_MHAD_CLASSES), base.file_loader(read_utd_mhad)
    return base.DatasetIndex("utd-mhad", root, "utd-mhad", classes, samples, splits, loader=loader)


def _sample(f: Path) -> base.Sample | None:
    name = parse_utd_mhad_name(f)
    if name is None or not 1 <= name[0] <= len(UTD_MHAD_CLASSES):
        return None
    return base.Sample(f, name[0] - 1, f.stem.removesuffix("_skeleton"), subject=name[1])


base.register_source(base.Source("utd-mhad", read_utd_mhad, ("*_skeleton.mat",), layout="utd-mhad"))
