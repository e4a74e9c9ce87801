"""NTU RGB+D 60 and 120 (Shahroudy et al., CVPR 2016; Liu et al., TPAMI 2019): ``.skeleton``
text files, the factors in their names (``SsssCcccPpppRrrrAaaa``) and the standard splits."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..clip import Clip, ClipFormatError
from ..labels import load_label_map
from . import base
from .text import TextLines

__all__ = [
    "NTU60_XSUB_TRAIN_SUBJECTS",
    "NTU120_XSUB_TRAIN_SUBJECTS",
    "NTU_CLASSES",
    "NTUName",
    "parse_ntu_name",
    "read_ntu_skeleton",
]

# NTU RGB+D action names, A001…A120 (NTU-60 is the first 60).
NTU_CLASSES = load_label_map("ntu120")


def _ids(text: str) -> frozenset[int]:
    return frozenset(int(x) for x in text.split())


NTU60_XSUB_TRAIN_SUBJECTS = _ids("1 2 4 5 8 9 13 14 15 16 17 18 19 25 27 28 31 34 35 38")
NTU120_XSUB_TRAIN_SUBJECTS = NTU60_XSUB_TRAIN_SUBJECTS | _ids(
    "45 46 47 49 50 52 53 54 55 56 57 58 59 70 74 78 80 81 82 83 84 85 86 89 91 92 93 94 95 97 "
    "98 100 103"
)
_NTU60_SETUPS = 17  # NTU-60 is setups S001–S017 and actions A001–A060 of NTU-120


class NTUName(NamedTuple):
    """The factors in an NTU RGB+D file name ``SsssCcccPpppRrrrAaaa`` (all 1-based)."""

    setup: int
    camera: int
    subject: int
    replication: int
    action: int


_NTU_NAME = re.compile(r"S(\d{3})C(\d{3})P(\d{3})R(\d{3})A(\d{3})")


def parse_ntu_name(name: str) -> NTUName | None:
    """Setup, camera, subject, replication and action ids of an NTU sample name, if it is one."""
    m = _NTU_NAME.search(name)
    return NTUName(*(int(g) for g in m.groups())) if m else None


_NTU_JOINTS = 25
_NTU_JOINT_VALUES = (
    "x y z depthX depthY colorX colorY orientationW orientationX orientationY "
    "orientationZ trackingState"
)


def read_ntu_skeleton(path: Path) -> Clip:
    """NTU RGB+D ``.skeleton`` text: x, y, z of every body; one person slot per body id in order
    of first appearance, zeros where a body is absent from a frame."""
    lines = TextLines(path, "NTU RGB+D .skeleton")
    num_frames = lines.count("the frame count")
    if num_frames == 0:
        raise lines.error(1, "frame count is 0 (empty clip)")
    slots: dict[tuple[str, int], int] = {}
    found: list[tuple[int, int, np.ndarray]] = []  # (frame, slot, (25, 3))
    for t in range(num_frames):
        seen: dict[str, int] = {}
        for b in range(lines.count(f"the body count of frame {t + 1}")):
            where = f"body {b + 1} of frame {t + 1}"
            body_id = lines.values(10, f"the 10-value body line of {where}")[0]
            joints = lines.count(f"the joint count of {where}")
            if joints != _NTU_JOINTS:
                raise lines.error(lines.pos, f"{where} has {joints} joints, expected {_NTU_JOINTS}")
            xyz = lines.rows(
                _NTU_JOINTS,
                12,
                lambda j, w=where: f"joint {j + 1} of {w}: {_NTU_JOINT_VALUES}",
            )[:, :3]
            # A body id repeated within one frame (never seen in NTU) gets a slot of its own.
            key = (body_id, seen.get(body_id, 0))
            seen[body_id] = key[1] + 1
            found.append((t, slots.setdefault(key, len(slots)), xyz))
    lines.expect_end(f"the last of {num_frames} frames")
    if not slots:
        raise ClipFormatError(f"{path}: no body in any of its {num_frames} frames")
    data = np.zeros((len(slots), num_frames, _NTU_JOINTS, 3), dtype=np.float32)
    for t, m, xyz in found:
        data[m, t] = xyz
    name = parse_ntu_name(path.name)
    label = name.action - 1 if name else None
    return Clip(data, "ntu-rgbd", label=label, fps=30.0, source=str(path))


def _stem(n: NTUName) -> str:
    return f"S{n.setup:03d}C{n.camera:03d}P{n.subject:03d}R{n.replication:03d}A{n.action:03d}"


def _excluded_names(root: Path, exclude: Iterable[str] | str | Path | None) -> set[str]:
    """Sample names to leave out: ``exclude`` as names or a list file (one per line); by default
    the dataset's own ``*missing_skeletons*.txt`` list(s) found in ``root``."""
    if exclude is None:
        lists = sorted(root.glob("*missing_skeletons*.txt"))
    elif isinstance(exclude, str | Path):
        lists = [Path(exclude)]
    else:
        return {str(x) for x in exclude}
    return {
        Path(line.strip()).stem
        for f in lists
        for line in f.read_text().splitlines()
        if line.strip()
    }


def _samples(
    root: str | Path, what: str, actions: int, setups: int | None, exclude
) -> tuple[Path, list[base.Sample]]:
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{what}: no directory at {root}")
    skip = _excluded_names(root, exclude)
    samples = []
    for f in sorted(root.rglob("*.skeleton")):
        n = parse_ntu_name(f.stem)
        if n is None or f.stem != _stem(n):
            raise ClipFormatError(f"{f}: not an NTU RGB+D file name (SsssCcccPpppRrrrAaaa)")
        if n.action <= actions and (setups is None or n.setup <= setups) and f.stem not in skip:
            samples.append(
                base.Sample(
                    f, n.action - 1, f.stem, subject=n.subject, view=n.camera, setup=n.setup
                )
            )
    if not samples:
        raise FileNotFoundError(f"{what}: no SsssCcccPpppRrrrAaaa.skeleton files under {root}")
    return root, samples


@base.dataset(
    "ntu60", "NTU RGB+D 60", "NTU RGB+D 60 (Shahroudy et al., CVPR 2016)", source="ntu-rgbd"
)
def ntu60(
    root: str | Path, *, exclude: Iterable[str] | str | Path | None = None
) -> base.DatasetIndex:
    """NTU RGB+D 60 from a folder of raw ``.skeleton`` files (searched recursively; files of
    NTU-120's extra setups and actions are ignored). Splits ``xsub`` (the 20 training subjects)
    and ``xview`` (cameras 2 and 3 train, camera 1 tests). Samples listed in
    ``exclude`` (names, or a list file) are left out; by default the dataset's
    ``*missing_skeletons*.txt`` in ``root``, as the standard protocol does."""
    root, samples = _samples(root, "NTU-60", 60, _NTU60_SETUPS, exclude)
    train = NTU60_XSUB_TRAIN_SUBJECTS
    splits = {
        "xsub_train": base.where(samples, lambda s: s.subject in train),
        "xsub_test": base.where(samples, lambda s: s.subject not in train),
        "xview_train": base.where(samples, lambda s: s.view in (2, 3)),
        "xview_test": base.where(samples, lambda s: s.view == 1),
    }
    loader = base.file_loader(read_ntu_skeleton)
    return base.DatasetIndex(
        "ntu60", root, "ntu-rgbd", NTU_CLASSES[:60], samples, splits, loader=loader
    )


@base.dataset(
    "ntu120", "NTU RGB+D 120", "NTU RGB+D 120 (Liu et al., TPAMI 2019)", source="ntu-rgbd"
)
def ntu120(
    root: str | Path, *, exclude: Iterable[str] | str | Path | None = None
) -> base.DatasetIndex:
    """NTU RGB+D 120 from a folder of raw ``.skeleton`` files (searched recursively). Splits
    ``xsub`` (the 53 training subjects) and ``xset`` (even setup ids train, odd ones test);
    ``exclude`` as for `ntu60`."""
    root, samples = _samples(root, "NTU-120", 120, None, exclude)
    train = NTU120_XSUB_TRAIN_SUBJECTS
    splits = {
        "xsub_train": base.where(samples, lambda s: s.subject in train),
        "xsub_test": base.where(samples, lambda s: s.subject not in train),
        "xset_train": base.where(samples, lambda s: s.setup % 2 == 0),
        "xset_test": base.where(samples, lambda s: s.setup % 2 == 1),
    }
    classes, loader = list(NTU_CLASSES), base.file_loader(read_ntu_skeleton)
    return base.DatasetIndex("ntu120", root, "ntu-rgbd", classes, samples, splits, loader=loader)


base.register_source(base.Source("ntu-rgbd", read_ntu_skeleton, ("*.skeleton",), layout="ntu-rgbd"))
