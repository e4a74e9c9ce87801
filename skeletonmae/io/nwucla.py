"""NW-UCLA Multiview Action3D (Wang et al., CVPR 2014): ``all_sqe/aAA_sSS_eEE_vVV.json`` clips
(``{"skeletons": [T][20][3], "label": 1..10}``) in the `kinect-v1` joint order, three views."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..clip import Clip, ClipFormatError
from ..labels import load_label_map
from . import base

__all__ = ["NW_UCLA_CLASSES", "NWUCLAName", "parse_nwucla_name", "read_nwucla_json"]

NW_UCLA_CLASSES = load_label_map("nw-ucla")
# Action ids in file names (a01…a12, with gaps) → 0-based class id.
_ACTIONS = {1: 0, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5, 8: 6, 9: 7, 11: 8, 12: 9}
_NAME = re.compile(r"a(\d+)_s(\d+)_e(\d+)_v(\d+)$")


class NWUCLAName(NamedTuple):
    """The factors of a file name ``aAA_sSS_eEE_vVV``: 0-based class, subject, episode, view."""

    label: int
    subject: int
    episode: int
    view: int


def parse_nwucla_name(stem: str) -> NWUCLAName | None:
    """The factors of an NW-UCLA file stem, or None when it is not one (or names no action)."""
    m = _NAME.match(stem)
    if not m or int(m.group(1)) not in _ACTIONS:
        return None
    a, s, e, v = (int(x) for x in m.groups())
    return NWUCLAName(_ACTIONS[a], s, e, v)


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


@base.dataset("nw-ucla", "NW-UCLA", "Northwestern-UCLA Multiview Action3D (Wang et al., CVPR 2014)")
def nw_ucla(root: str | Path) -> base.DatasetIndex:
    """NW-UCLA (``all_sqe/aAA_sSS_eEE_vVV.json``); split ``xview``: views 1+2 train, view 3 test.
    ``xview_dev_train`` / ``xview_dev`` (view 1 trains, view 2 evaluates) is a cross-view
    development protocol inside the training views, for choosing a recipe without the test view."""
    root = Path(root)
    expected = "aAA_sSS_eEE_vVV.json, AA a known action"
    samples = base.file_samples(root, "all_sqe", "a*_s*_e*_v*.json", _sample, "NW-UCLA", expected)
    splits = {
        "xview_train": base.where(samples, lambda s: s.view in (1, 2)),
        "xview_test": base.where(samples, lambda s: s.view == 3),
        "xview_dev_train": base.where(samples, lambda s: s.view == 1),
        "xview_dev": base.where(samples, lambda s: s.view == 2),
    }
    classes = list(NW_UCLA_CLASSES)
    loader = base.file_loader(read_nwucla_json)
    return base.DatasetIndex("nw-ucla", root, "kinect-v1", classes, samples, splits, loader=loader)


def _sample(f: Path) -> base.Sample | None:
    name = parse_nwucla_name(f.stem)
    return name and base.Sample(f, name.label, f.stem, subject=name.subject, view=name.view)


base.register_source(base.Source("nw-ucla", read_nwucla_json, ("*.json",), layout="kinect-v1"))
