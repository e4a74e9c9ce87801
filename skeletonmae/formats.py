"""Reading and writing clip files: `load_clip` finds the file's source among those registered
in `skeletonmae.io` (by its name, and for ``.txt`` files by its first line) and hands the file to
that source's reader; `save_clip` writes ``.npy`` / ``.npz`` atomically.

Each reader turns one file into a `Clip` and raises `ClipFormatError` naming the file (and, for
text formats, the line), what it found and what it expected. `formats` lists the sources.
"""

from __future__ import annotations

import importlib
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from .clip import Clip, ClipFormatError
from .fileio import atomic_write
from .io.arrays import ARRAY_CONVENTIONS
from .io.base import Source, sources
from .layouts import Layout, get_layout

__all__ = ["detect_format", "formats", "load_clip", "save_clip"]


def formats() -> dict[str, Source]:
    """Every format `load_clip` reads, by name (``format=`` takes these names)."""
    return sources()


def _first_line_values(path: Path) -> int | None:
    """How many values the first non-blank line of a text file holds."""
    with open(path, errors="replace") as f:
        for line in f:
            if line.strip():
                return len(line.split())
    return None


def detect_format(path: Path) -> str:
    """The source name of a file, from its name (and for ``.txt`` files its first line)."""
    known = sources()
    for src in known.values():
        if src.matches(path):
            return src.name
    if path.name.lower().endswith(".txt") and (n := _first_line_values(path)) is not None:
        for src in known.values():
            if src.sniff is not None and src.sniff(n):
                return src.name
    patterns = ", ".join(p for src in known.values() for p in src.patterns)
    raise ClipFormatError(
        f"{path}: cannot tell the clip format from the file name or its first line; expected "
        f"one of {patterns} (in Python, load_clip(path, format=...) takes one of "
        f"{', '.join(sorted(known))})"
    )


def load_clip(
    path: str | os.PathLike,
    *,
    layout: str | Layout | None = None,
    format: str | None = None,
    item: int | str | None = None,
) -> Clip:
    """Read one clip from a file; the format is detected from the file unless ``format`` is given.

    ``format`` is a source name (see `formats`) or, for arrays, a convention (``tvc``, ``mtvc``,
    ``ctvm``).
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
    known = sources()
    convention = format if format in ARRAY_CONVENTIONS else None
    if format is not None and format not in known and convention is None:
        raise ClipFormatError(
            f"unknown format {format!r}; expected one of "
            f"{', '.join(sorted(known) + list(ARRAY_CONVENTIONS))}"
        )
    src = known[format if format in known else detect_format(p)]
    if item is not None and not src.multi_clip:
        raise ClipFormatError(
            f"{p}: item= selects an annotation of a multi-clip file (.pkl); "
            f"a {src.name} file holds one clip"
        )
    options: dict[str, Any] = {} if src.layout else {"layout": lay, "convention": convention}
    if src.multi_clip:
        options["item"] = item
    clip = src.read(p, **options)
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


# Reader internals this module re-exported before each source became one module.
_MOVED = {
    "UTKINECT_CLASSES": "utkinect",
    "ActionSegment": "utkinect",
    "cut_utkinect_stream": "utkinect",
    "read_utkinect_labels": "utkinect",
    "read_utkinect_stream": "utkinect",
    "NTUName": "ntu",
    "parse_ntu_name": "ntu",
    "pyskl_annotation_to_clip": "pyskl",
    "read_pyskl": "pyskl",
    "array_to_clip": "arrays",
    "infer_layout": "arrays",
}


def __getattr__(name: str) -> Any:
    if name == "FORMATS":
        warnings.warn(
            "skeletonmae.formats.FORMATS is now skeletonmae.formats.formats() (the registered "
            "sources)",
            DeprecationWarning,
            stacklevel=2,
        )
        return {n: s.read for n, s in sources().items()}
    if name in _MOVED:
        where = f"skeletonmae.io.{_MOVED[name]}"
        warnings.warn(
            f"skeletonmae.formats.{name} is now {where}.{name}", DeprecationWarning, stacklevel=2
        )
        return getattr(importlib.import_module(where), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
