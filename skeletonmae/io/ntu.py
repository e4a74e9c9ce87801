"""NTU RGB+D ``.skeleton`` text files and the factors in their names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..clip import Clip, ClipFormatError
from .text import TextLines

__all__ = ["NTUName", "parse_ntu_name", "read_ntu_skeleton"]


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
                _NTU_JOINTS, 12, lambda j, w=where: f"joint {j + 1} of {w}: {_NTU_JOINT_VALUES}"
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
