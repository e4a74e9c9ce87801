"""Reading and writing clip files: `load_clip` detects the format from the file and hands it to
the reader of its source in `skeletonmae.io`; `save_clip` writes ``.npy`` / ``.npz`` atomically.

Formats: arrays (``.npy``, ``.npz``) in (T, V, C), (M, T, V, C) or (C, T, V, M); NW-UCLA JSON;
MSR Action3D ``*_skeleton3D.txt``; NTU RGB+D ``.skeleton``; MSRC-12 ``.csv`` / ``.csv.xz``;
UTD-MHAD ``*_skeleton.mat``; Penn Action ``NNNN.mat``; UTKinect ``joints_sSS_eEE.txt`` streams
(`cut_utkinect_stream` cuts them into labelled clips with ``actionLabel.txt``); PySKL / mmaction2
annotation pickles, read through the restricted unpickler of `skeletonmae.safe_pickle`. Each
reader turns one file into a `Clip` and raises `ClipFormatError` naming the file (and, for text
formats, the line), what it found and what it expected.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .clip import Clip, ClipFormatError
from .fileio import atomic_write
from .io.arrays import ARRAY_CONVENTIONS, array_to_clip, infer_layout, read_npy, read_npz
from .io.msr_action3d import read_msr_txt
from .io.msrc12 import read_msrc12
from .io.ntu import NTUName, parse_ntu_name, read_ntu_skeleton
from .io.nwucla import read_nwucla_json
from .io.penn_action import read_penn_action
from .io.pyskl import pyskl_annotation_to_clip, read_pyskl, read_pyskl_item
from .io.utd_mhad import read_utd_mhad
from .io.utkinect import (
    UTKINECT_CLASSES,
    ActionSegment,
    cut_utkinect_stream,
    read_utkinect,
    read_utkinect_labels,
    read_utkinect_stream,
)
from .layouts import Layout, get_layout

__all__ = [
    "FORMATS",
    "UTKINECT_CLASSES",
    "ActionSegment",
    "NTUName",
    "array_to_clip",
    "cut_utkinect_stream",
    "detect_format",
    "infer_layout",
    "load_clip",
    "parse_ntu_name",
    "pyskl_annotation_to_clip",
    "read_pyskl",
    "read_utkinect_labels",
    "read_utkinect_stream",
    "save_clip",
]

Reader = Callable[[Path, "Layout | None", str | None], Clip]

FORMATS: dict[str, Reader] = {
    "npy": read_npy,
    "npz": read_npz,
    "nw-ucla": lambda path, layout, convention: read_nwucla_json(path),
    "msr-action3d": lambda path, layout, convention: read_msr_txt(path),
    "ntu-rgbd": lambda path, layout, convention: read_ntu_skeleton(path),
    "utkinect": lambda path, layout, convention: read_utkinect(path),
    "pyskl": read_pyskl_item,
    "msrc-12": lambda path, layout, convention: read_msrc12(path),
    "utd-mhad": lambda path, layout, convention: read_utd_mhad(path),
    "penn-action": lambda path, layout, convention: read_penn_action(path),
}
# Formats whose files hold several clips, selected with ``load_clip(..., item=)``.
_MULTI_CLIP_FORMATS = {"pyskl"}
# Formats with a fixed joint order: ``layout=`` maps the clip onto that layout.
_NATIVE_LAYOUT_FORMATS = {
    "nw-ucla",
    "msr-action3d",
    "ntu-rgbd",
    "utkinect",
    "msrc-12",
    "utd-mhad",
    "penn-action",
}


def _sniff_txt(path: Path) -> str | None:
    """A ``.txt`` clip's format from its first non-blank line's number of values."""
    with open(path, errors="replace") as f:
        for line in f:
            if line.strip():
                n = len(line.split())
                # MSR: x y z confidence; UTKinect: a frame number and 20 × x y z
                return {4: "msr-action3d", 1 + 3 * 20: "utkinect"}.get(n)
    return None


def detect_format(path: Path) -> str:
    """The reader name for a file, from its name (and content where the name is not enough)."""
    name = path.name.lower()
    by_suffix = {
        ".npy": "npy",
        ".npz": "npz",
        ".json": "nw-ucla",
        ".skeleton": "ntu-rgbd",
        ".pkl": "pyskl",
        ".pickle": "pyskl",
    }
    if path.suffix.lower() in by_suffix:
        return by_suffix[path.suffix.lower()]
    if name.endswith((".csv", ".csv.xz")):
        return "msrc-12"
    if name.endswith("_skeleton.mat"):
        return "utd-mhad"
    if re.fullmatch(r"\d{4}\.mat", name):
        return "penn-action"
    if name.endswith("_skeleton3d.txt"):
        return "msr-action3d"
    if name.startswith("joints_") and name.endswith(".txt"):
        return "utkinect"
    if name.endswith(".txt") and (fmt := _sniff_txt(path)):
        return fmt
    raise ClipFormatError(
        f"{path}: cannot tell the clip format from the file name or its first line; expected "
        ".npy, .npz, .json, .skeleton, .pkl, .csv[.xz], *_skeleton.mat, NNNN.mat or "
        "*_skeleton3D.txt (in Python, load_clip(path, format=...) takes one of "
        f"{', '.join(sorted(FORMATS))})"
    )


def load_clip(
    path: str | os.PathLike,
    *,
    layout: str | Layout | None = None,
    format: str | None = None,
    item: int | str | None = None,
) -> Clip:
    """Read one clip from a file; the format is detected from the file unless ``format`` is given.

    ``format`` is a reader name (``npy``, ``npz``, ``nw-ucla``, ``msr-action3d``, ``ntu-rgbd``,
    ``utkinect``, ``pyskl``) or, for arrays, a convention (``tvc``, ``mtvc``, ``ctvm``).
    ``layout`` is the joint order of arrays that do not state theirs (``.npy``, ``.npz``,
    ``.pkl``); files of a dataset format have a fixed joint order and are mapped onto ``layout``.
    ``item`` picks one annotation of a PySKL pickle, by index or ``frame_dir``; it is required
    when the pickle holds more than one.
    """
    p = Path(path)
    if not p.is_file():
        if p.is_symlink():
            try:
                p.resolve(strict=True)
            except RuntimeError:
                raise FileNotFoundError(f"{p}: a symbolic link loop, not a clip file") from None
            except OSError:
                raise FileNotFoundError(f"{p}: a broken symbolic link, not a clip file") from None
        if p.exists():
            raise FileNotFoundError(f"{p} is not a regular file")
        raise FileNotFoundError(f"no such clip file: {p}")
    if p.stat().st_size == 0:
        raise ClipFormatError(f"{p}: empty file")
    lay = get_layout(layout) if layout is not None else None
    convention = format if format in ARRAY_CONVENTIONS else None
    if format is not None and format not in FORMATS and convention is None:
        raise ClipFormatError(
            f"unknown format {format!r}; expected one of "
            f"{', '.join(sorted(FORMATS) + list(ARRAY_CONVENTIONS))}"
        )
    fmt = format if format in FORMATS else detect_format(p)
    if item is not None and fmt not in _MULTI_CLIP_FORMATS:
        raise ClipFormatError(
            f"{p}: item= selects an annotation of a multi-clip file (.pkl); "
            f"a {fmt} file holds one clip"
        )
    reader_layout = None if fmt in _NATIVE_LAYOUT_FORMATS else lay
    extra = {"item": item} if fmt in _MULTI_CLIP_FORMATS else {}
    clip = FORMATS[fmt](p, reader_layout, convention, **extra)
    if lay is not None and clip.layout != lay.name:
        clip = clip.to_layout(lay.name)
    return clip


def save_clip(clip: Clip, path: str | os.PathLike) -> Path:
    """Write a clip as ``.npy`` (the (M, T, V, C) array) or ``.npz`` (array plus layout, label,
    fps), atomically: a reader never sees a half-written file."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".npy", ".npz"):
        raise ValueError(f"{p}: save_clip writes .npy or .npz, not {suffix or 'no extension'!r}")

    def write(tmp: str) -> None:
        with open(tmp, "wb") as f:
            if suffix == ".npy":
                np.save(f, clip.data)
            else:
                np.savez(
                    f,
                    data=clip.data,
                    layout=np.array(clip.layout),
                    label=np.array(-1 if clip.label is None else clip.label),
                    fps=np.array(np.nan if clip.fps is None else clip.fps),
                    format=np.array("mtvc"),
                )

    return atomic_write(p, write, suffix=suffix)
