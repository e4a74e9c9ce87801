"""Reading and writing clip files: `load_clip` detects the format from the file, `save_clip` writes
``.npy`` / ``.npz`` atomically.

Each reader turns one file into a `Clip` and raises `ClipFormatError` naming the file, what it
found and what it expected.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .clip import Clip, ClipFormatError
from .layouts import Layout, get_layout

__all__ = ["FORMATS", "detect_format", "load_clip", "save_clip"]

Reader = Callable[[Path, "Layout | None", str | None], Clip]

_ARRAY_CONVENTIONS = ("tvc", "mtvc", "ctvm")


def _layouts_with(v: int) -> list[Layout]:
    from .layouts import available_layouts

    return [get_layout(n) for n in available_layouts() if get_layout(n).num_joints == v]


def array_to_clip(
    array: np.ndarray,
    *,
    layout: str | Layout | None = None,
    convention: str | None = None,
    source: str = "array",
    label: int | None = None,
    fps: float | None = None,
) -> Clip:
    """Interpret an array in (T, V, C), (M, T, V, C) or (C, T, V, M) as a `Clip`.

    ``convention`` forces one of ``tvc``, ``mtvc``, ``ctvm``; otherwise it is inferred, and a shape
    that fits several conventions or layouts is an error asking for them.
    """
    a = np.asarray(array)
    if a.size == 0:
        raise ClipFormatError(f"{source}: empty array (shape {a.shape})")
    if convention is not None and convention not in _ARRAY_CONVENTIONS:
        raise ClipFormatError(
            f"{source}: unknown array convention {convention!r}; expected one of "
            f"{', '.join(_ARRAY_CONVENTIONS)}"
        )
    if convention is None:
        if a.ndim == 3:
            convention = "tvc"
        elif a.ndim == 4:
            fits = [c for c, ch in (("mtvc", a.shape[3]), ("ctvm", a.shape[0])) if ch in (2, 3)]
            if len(fits) == 2 and a.shape[0] != a.shape[3]:
                # Both ends could be coordinates: more than 3 persons is implausible for C.
                fits = ["mtvc"] if a.shape[0] > a.shape[3] else fits
            if len(fits) != 1:
                raise ClipFormatError(
                    f"{source}: shape {a.shape} is ambiguous between (M, T, V, C) and "
                    "(C, T, V, M); pass format='mtvc' or format='ctvm'"
                )
            convention = fits[0]
        else:
            raise ClipFormatError(
                f"{source}: expected 3 or 4 dimensions ((T, V, C), (M, T, V, C) or (C, T, V, M)), "
                f"got shape {a.shape}"
            )
    expected_ndim = 3 if convention == "tvc" else 4
    if a.ndim != expected_ndim:
        raise ClipFormatError(
            f"{source}: convention {convention!r} needs {expected_ndim} dims, got shape {a.shape}"
        )
    if convention == "tvc":
        a = a[None]
    elif convention == "ctvm":
        a = np.transpose(a, (3, 1, 2, 0))
    v = a.shape[2]
    if layout is None:
        candidates = _layouts_with(v)
        if len(candidates) != 1:
            names = ", ".join(c.name for c in candidates) or "no known layout"
            raise ClipFormatError(
                f"{source}: {v} joints fits {names}; pass layout= (or --layout) to say which"
            )
        layout = candidates[0]
    layout = get_layout(layout)
    if v != layout.num_joints:
        raise ClipFormatError(
            f"{source}: found {v} joints, layout {layout.name!r} expects {layout.num_joints}"
        )
    return Clip(a, layout.name, label=label, fps=fps, source=source)


def _read_npy(path: Path, layout: Layout | None, convention: str | None) -> Clip:
    try:
        a = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as e:
        raise ClipFormatError(f"{path}: not a readable .npy file ({e})") from None
    return array_to_clip(a, layout=layout, convention=convention, source=str(path))


def _read_npz(path: Path, layout: Layout | None, convention: str | None) -> Clip:
    try:
        with np.load(path, allow_pickle=False) as z:
            keys = list(z.keys())
            key = "data" if "data" in keys else (keys[0] if len(keys) == 1 else None)
            if key is None:
                raise ClipFormatError(
                    f"{path}: .npz holds {keys}; expected a 'data' array (or a single array)"
                )
            a = z[key]
            meta = {k: z[k].item() for k in ("layout", "label", "fps", "format") if k in keys}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as e:
        raise ClipFormatError(f"{path}: not a readable .npz file ({e})") from None
    label = meta.get("label")
    label = None if label is None or int(label) < 0 else int(label)
    fps = meta.get("fps")
    fps = None if fps is None or not np.isfinite(fps) else float(fps)
    return array_to_clip(
        a,
        layout=layout or meta.get("layout"),
        convention=convention or meta.get("format"),
        source=str(path),
        label=label,
        fps=fps,
    )


_NWUCLA_NAME = re.compile(r"a(\d+)_s(\d+)_e(\d+)_v(\d+)")


def _read_nwucla_json(path: Path, layout: Layout | None, convention: str | None) -> Clip:
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
    if label is not None and not 1 <= int(label) <= 10:
        raise ClipFormatError(f"{path}: label {label} outside NW-UCLA's 1..10")
    return Clip(
        a[None],
        (layout or get_layout("kinect-v1")).name,
        label=None if label is None else int(label) - 1,
        fps=30.0,
        source=str(path),
    )


def _read_msr_txt(path: Path, layout: Layout | None, convention: str | None) -> Clip:
    try:
        a = np.loadtxt(path, dtype=np.float32, ndmin=2)
    except (OSError, ValueError) as e:
        raise ClipFormatError(f"{path}: not a readable MSR Action3D skeleton file ({e})") from None
    if a.size == 0:
        raise ClipFormatError(f"{path}: empty file")
    if a.shape[1] != 4:
        raise ClipFormatError(
            f"{path}: {a.shape[1]} columns per line, expected 4 (x y z confidence)"
        )
    if a.shape[0] % 20:
        raise ClipFormatError(
            f"{path}: {a.shape[0]} joint lines is not a whole number of 20-joint frames "
            "(truncated file?)"
        )
    m = re.search(r"a(\d+)_s\d+_e\d+", path.name)
    label = int(m.group(1)) - 1 if m else None
    return Clip(
        a[:, :3].reshape(1, -1, 20, 3),
        (layout or get_layout("msr-action3d")).name,
        label=label,
        fps=15.0,
        source=str(path),
    )


FORMATS: dict[str, Reader] = {
    "npy": _read_npy,
    "npz": _read_npz,
    "nw-ucla": _read_nwucla_json,
    "msr-action3d": _read_msr_txt,
}


def detect_format(path: Path) -> str:
    """The reader name for a file, from its name (and content where the name is not enough)."""
    name = path.name.lower()
    if name.endswith(".npy"):
        return "npy"
    if name.endswith(".npz"):
        return "npz"
    if name.endswith(".json"):
        return "nw-ucla"
    if name.endswith("_skeleton3d.txt"):
        return "msr-action3d"
    for fmt, test in _EXTRA_DETECTORS:
        if test(path):
            return fmt
    raise ClipFormatError(
        f"{path}: cannot tell the clip format from the file name; pass format= one of "
        f"{', '.join(sorted(FORMATS))}"
    )


_EXTRA_DETECTORS: list[tuple[str, Callable[[Path], bool]]] = []


def load_clip(
    path: str | os.PathLike,
    *,
    layout: str | Layout | None = None,
    format: str | None = None,
) -> Clip:
    """Read one clip from a file; the format is detected from the file unless ``format`` is given.

    ``format`` is a reader name (``npy``, ``npz``, ``nw-ucla``, ``msr-action3d``, …) or, for
    arrays, a convention (``tvc``, ``mtvc``, ``ctvm``).
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"no such clip file: {p}")
    if p.stat().st_size == 0:
        raise ClipFormatError(f"{p}: empty file")
    lay = get_layout(layout) if layout is not None else None
    convention = format if format in _ARRAY_CONVENTIONS else None
    fmt = format if format in FORMATS else detect_format(p)
    if format is not None and format not in FORMATS and convention is None:
        raise ClipFormatError(
            f"unknown format {format!r}; expected one of "
            f"{', '.join(sorted(FORMATS) + list(_ARRAY_CONVENTIONS))}"
        )
    clip = FORMATS[fmt](p, lay, convention)
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
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as f:
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
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p
