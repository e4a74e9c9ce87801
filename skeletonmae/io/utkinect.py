"""UTKinect-Action3D (Xia, Chen and Aggarwal, CVPR workshops 2012): ``joints_sSS_eEE.txt``
streams (a frame number and 20 × x y z per line, the `kinect-v1` joint order), their
``actionLabel.txt`` segments, cutting a stream into clips, and the dataset's index."""

from __future__ import annotations

import functools
import os
import re
import warnings
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..clip import Clip, ClipFormatError
from ..labels import load_label_map
from . import base
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
_SEQUENCE = re.compile(r"s(\d+)_e(\d+)")


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


def _segment(path: Path, frames: np.ndarray, joints: np.ndarray, seg: ActionSegment) -> Clip:
    """The labelled clip of segment ``seg`` of a stream (its frame numbers and joints)."""
    keep = (frames >= seg.start) & (frames <= seg.end)
    if not keep.any():
        raise ClipFormatError(
            f"{path}: action {seg.action!r} spans frames {seg.start}..{seg.end}, but the "
            f"stream holds frames {frames.min()}..{frames.max()}"
        )
    source = f"{path} ({seg.action}, frames {seg.start}..{seg.end})"
    return Clip(joints[keep][None], "kinect-v1", label=seg.label, fps=30.0, source=source)


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
        m = _SEQUENCE.search(path.name)
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
        clips.append(_segment(path, frames, joints, seg))
    if missing:
        warnings.warn(
            f"{path}: no frame range (NaN) for {', '.join(missing)}; skipped", stacklevel=2
        )
    return clips


@base.dataset(
    "utkinect",
    "UTKinect-Action3D",
    "UTKinect-Action3D (Xia, Chen and Aggarwal, CVPR workshops 2012)",
)
def utkinect(root: str | Path) -> base.DatasetIndex:
    """UTKinect-Action3D (``joints/joints_sSS_eEE.txt`` streams and ``actionLabel.txt``, 10
    actions): one sample per labelled segment of a stream (segments the label file marks NaN are
    left out). Split ``xsub``: odd subjects train, even ones test."""
    root = Path(root)
    d = base.require_dir(root, "joints", "UTKinect-Action3D")
    labels = root / "actionLabel.txt"
    if not labels.is_file():
        raise FileNotFoundError(f"UTKinect-Action3D: no actionLabel.txt in {root}")
    table = read_utkinect_labels(labels)
    samples = []
    for f in sorted(d.glob("joints_s*_e*.txt")):
        m = _SEQUENCE.search(f.name)
        if m is None or m.group(0) not in table:
            raise ClipFormatError(
                f"{f}: its sequence has no entry in {labels} (joints_sSS_eEE.txt, sSS_eEE listed)"
            )
        for i, seg in enumerate(table[m.group(0)]):
            if seg.start is not None:
                name, subject = f"{m.group(0)}/{seg.action}", int(m.group(1))
                samples.append(base.Sample(f, seg.label, name, subject=subject, index=i))
    if not samples:
        raise FileNotFoundError(f"UTKinect-Action3D: no joints_sSS_eEE.txt streams under {d}")

    @functools.lru_cache(maxsize=1)  # a stream's segments are read one after the other
    def stream(path: Path) -> tuple[np.ndarray, np.ndarray]:
        return read_utkinect_stream(path)

    def load(sample: base.Sample) -> Clip:
        seg = table[sample.name.split("/")[0]][sample.index]
        return _segment(sample.path, *stream(sample.path), seg)

    return base.DatasetIndex(
        "utkinect", root, "kinect-v1", list(UTKINECT_CLASSES), samples,
        base.odd_even_subjects(samples), loader=load,
    )  # fmt: skip


base.register_source(
    base.Source(
        "utkinect",
        read_utkinect,
        ("joints_*.txt",),
        layout="kinect-v1",
        sniff=lambda values: values == 1 + 3 * _UTK_JOINTS,  # a frame number and 20 × x y z
    )
)
