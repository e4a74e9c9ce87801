"""UTKinect-Action3D: ``joints_sSS_eEE.txt`` streams (a frame number and 20 × x y z per line,
the `kinect-v1` joint order), their ``actionLabel.txt`` segments, and cutting one into clips."""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..clip import Clip, ClipFormatError
from ..labels import load_label_map
from .text import TextLines

__all__ = [
    "UTKINECT_CLASSES",
    "ActionSegment",
    "cut_utkinect_stream",
    "read_utkinect",
    "read_utkinect_labels",
    "read_utkinect_stream",
]

UTKINECT_CLASSES = load_label_map("utkinect")
_UTK_JOINTS = 20


def read_utkinect_stream(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """A UTKinect-style ``joints_sSS_eEE.txt`` stream: (frame numbers (T,), joints (T, 20, 3)).

    Each line holds a frame number and 20 × (x y z) in the Kinect SDK v1 joint order.
    """
    lines = TextLines(Path(path), "UTKinect joints")
    rows = []
    while lines.pos < len(lines.lines):
        if lines.lines[lines.pos].strip():
            rows.append(lines.floats(1 + 3 * _UTK_JOINTS, "a frame number and 20 joints × x y z"))
        else:
            lines.pos += 1
    if not rows:
        raise ClipFormatError(f"{path}: no frames (expected lines of a frame number and 60 values)")
    a = np.stack(rows)
    frames = a[:, 0]
    if not np.all(np.isfinite(frames) & (frames == np.round(frames))):
        bad = int(np.argmax(~(np.isfinite(frames) & (frames == np.round(frames)))))
        raise ClipFormatError(f"{path}: frame number {frames[bad]} is not an integer")
    return frames.astype(np.int64), a[:, 1:].reshape(-1, _UTK_JOINTS, 3).astype(np.float32)


def read_utkinect(path: Path) -> Clip:
    """A UTKinect-style joints stream as one unlabelled `Clip` (see `cut_utkinect_stream`)."""
    _, joints = read_utkinect_stream(path)
    return Clip(joints[None], "kinect-v1", source=str(path))


class ActionSegment(NamedTuple):
    """One labelled action of a UTKinect sequence: frames ``start``..``end`` (inclusive, by the
    stream's frame numbers); both are None where the label file says NaN (action not recorded)."""

    action: str
    label: int
    start: int | None
    end: int | None


def read_utkinect_labels(path: str | os.PathLike) -> dict[str, list[ActionSegment]]:
    """Parse an ``actionLabel.txt``: a sequence name line (``s01_e01``), then ``action: start end``
    lines; returns sequence name → its segments."""
    lines = TextLines(Path(path), "UTKinect action label")
    out: dict[str, list[ActionSegment]] = {}
    current: str | None = None
    for no, line in enumerate(lines.lines, start=1):
        text = line.strip()
        if not text:
            continue
        if ":" not in text:
            if len(text.split()) != 1:
                raise lines.error(no, f"expected a sequence name like 's01_e01', found {text!r}")
            current = text
            out.setdefault(current, [])
            continue
        action, _, rng = text.partition(":")
        action, bounds = action.strip(), rng.split()
        if current is None:
            raise lines.error(no, f"action {action!r} before any sequence name line")
        if action not in UTKINECT_CLASSES:
            raise lines.error(
                no, f"unknown action {action!r}; expected one of {', '.join(UTKINECT_CLASSES)}"
            )
        if len(bounds) != 2:
            raise lines.error(no, f"expected '{action}: start end', found {text!r}")
        if all(b.lower() == "nan" for b in bounds):
            start = end = None
        elif all(b.isdigit() for b in bounds) and int(bounds[0]) <= int(bounds[1]):
            start, end = int(bounds[0]), int(bounds[1])
        else:
            raise lines.error(
                no, f"expected two frame numbers start <= end (or NaN NaN), found {rng.strip()!r}"
            )
        out[current].append(ActionSegment(action, UTKINECT_CLASSES.index(action), start, end))
    if not out:
        raise ClipFormatError(f"{path}: no sequences (expected 's01_e01' then 'action: start end')")
    return out


def cut_utkinect_stream(
    stream: str | os.PathLike,
    labels: str | os.PathLike | dict[str, list[ActionSegment]],
    *,
    sequence: str | None = None,
) -> list[Clip]:
    """Cut a UTKinect ``joints_sSS_eEE.txt`` stream into labelled clips (layout ``kinect-v1``).

    ``labels`` is an ``actionLabel.txt`` path or its parsed form; ``sequence`` defaults to the
    ``sSS_eEE`` part of the stream's file name. Segments marked NaN are skipped with a warning.
    """
    path = Path(stream)
    table = labels if isinstance(labels, dict) else read_utkinect_labels(labels)
    if sequence is None:
        m = re.search(r"s\d+_e\d+", path.name)
        if not m:
            raise ClipFormatError(
                f"{path}: no sSS_eEE sequence name in the file name; pass sequence="
            )
        sequence = m.group(0)
    if sequence not in table:
        raise ClipFormatError(
            f"{path}: sequence {sequence!r} has no entry in the action labels "
            f"(they list {', '.join(sorted(table)) or 'nothing'})"
        )
    frames, joints = read_utkinect_stream(path)
    clips, missing = [], []
    for seg in table[sequence]:
        if seg.start is None:
            missing.append(seg.action)
            continue
        keep = (frames >= seg.start) & (frames <= seg.end)
        if not keep.any():
            raise ClipFormatError(
                f"{path}: action {seg.action!r} spans frames {seg.start}..{seg.end}, but the "
                f"stream holds frames {frames.min()}..{frames.max()}"
            )
        clips.append(
            Clip(
                joints[keep][None],
                "kinect-v1",
                label=seg.label,
                source=f"{path} ({seg.action}, frames {seg.start}..{seg.end})",
            )
        )
    if missing:
        warnings.warn(
            f"{path}: no frame range (NaN) for {', '.join(missing)}; skipped", stacklevel=2
        )
    return clips
