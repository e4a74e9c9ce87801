"""Reading and writing clip files: `load_clip` detects the format from the file, `save_clip` writes
``.npy`` / ``.npz`` atomically.

Formats: arrays (``.npy``, ``.npz``) in (T, V, C), (M, T, V, C) or (C, T, V, M); NW-UCLA JSON;
MSR Action3D ``*_skeleton3D.txt``; NTU RGB+D ``.skeleton``; MSRC-12 ``.csv`` / ``.csv.xz`` and
UTD-MHAD ``*_skeleton.mat`` (readers in `skeletonmae.io`); UTKinect ``joints_sSS_eEE.txt``
streams (`cut_utkinect_stream` cuts them into labelled clips with ``actionLabel.txt``); PySKL /
mmaction2 annotation pickles, read through the restricted unpickler of `skeletonmae.safe_pickle`.
Each reader turns one file into a `Clip` and raises `ClipFormatError` naming the file (and, for
text formats, the line), what it found and what it expected.
"""

from __future__ import annotations

import os
import pickle
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .clip import Clip, ClipFormatError
from .fileio import atomic_write
from .io.msr_action3d import read_msr_txt
from .io.msrc12 import read_msrc12
from .io.ntu import NTUName, parse_ntu_name, read_ntu_skeleton
from .io.nwucla import read_nwucla_json
from .io.penn_action import read_penn_action
from .io.utd_mhad import read_utd_mhad
from .io.utkinect import (
    UTKINECT_CLASSES,
    ActionSegment,
    cut_utkinect_stream,
    read_utkinect,
    read_utkinect_labels,
    read_utkinect_stream,
)
from .layouts import SENSOR_LAYOUTS, Layout, available_layouts, get_layout
from .safe_pickle import UnsafePickleError, check_array_size, safe_load

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

_ARRAY_CONVENTIONS = ("tvc", "mtvc", "ctvm")


def infer_layout(num_joints: int, *, source: str) -> Layout:
    """The one registered layout with ``num_joints`` joints (sensor layouts, `SENSOR_LAYOUTS`, are
    never guessed); none or several is an error asking for ``layout=``."""
    candidates = [
        get_layout(n)
        for n in available_layouts()
        if get_layout(n).num_joints == num_joints and n not in SENSOR_LAYOUTS
    ]
    if len(candidates) != 1:
        names = ", ".join(c.name for c in candidates) or "no known layout"
        raise ClipFormatError(
            f"{source}: {num_joints} joints fits {names}; pass layout= (or --layout) to say which"
        )
    return candidates[0]


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
            # Only the first and last axes trade places, so when both hold 2 or 3 entries
            # (e.g. (2, T, V, 3) or (3, T, V, 2)) either could be the coordinates.
            fits = [c for c, ch in (("mtvc", a.shape[3]), ("ctvm", a.shape[0])) if ch in (2, 3)]
            if len(fits) != 1:
                raise ClipFormatError(
                    f"{source}: shape {a.shape} is ambiguous between (M, T, V, C) and "
                    "(C, T, V, M); save it as an .npz with a 'format' entry ('mtvc' or 'ctvm'), "
                    "or pass format= to load_clip"
                    if fits
                    else f"{source}: shape {a.shape} has neither 2-3 coordinates last "
                    "(M, T, V, C) nor first (C, T, V, M)"
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
    layout = infer_layout(v, source=source) if layout is None else get_layout(layout)
    if v != layout.num_joints:
        raise ClipFormatError(
            f"{source}: found {v} joints, layout {layout.name!r} expects {layout.num_joints}"
        )
    return Clip(a, layout.name, label=label, fps=fps, source=source)


def _check_npy_header(f, source: str) -> None:
    """Read a .npy header from ``f`` and refuse arrays over the size limit before loading them."""
    try:
        version = np.lib.format.read_magic(f)
        read = (
            np.lib.format.read_array_header_1_0
            if version == (1, 0)
            else np.lib.format.read_array_header_2_0
        )
        shape, _, dtype = read(f)
    except (ValueError, OSError, EOFError) as e:
        raise ClipFormatError(f"{source}: not a readable .npy array ({e})") from None
    try:
        check_array_size(shape, dtype, source=source)
    except pickle.UnpicklingError as e:
        raise ClipFormatError(str(e)) from None


def _read_npy(path: Path, layout: Layout | None, convention: str | None) -> Clip:
    with open(path, "rb") as f:
        _check_npy_header(f, str(path))
    try:
        a = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as e:
        raise ClipFormatError(f"{path}: not a readable .npy file ({e})") from None
    return array_to_clip(a, layout=layout, convention=convention, source=str(path))


def _read_npz(path: Path, layout: Layout | None, convention: str | None) -> Clip:
    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.endswith(".npy"):
                    with archive.open(member) as f:
                        _check_npy_header(f, f"{path} ({member})")
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise ClipFormatError(f"{path}: not a readable .npz file ({e})") from None
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


def read_pyskl(path: str | os.PathLike) -> tuple[list[dict], dict[str, list[str]]]:
    """A PySKL / mmaction2 annotation pickle through the restricted unpickler:
    (annotations, splits). Accepts ``{'split', 'annotations'}``, a list of annotations or a
    single annotation dict."""
    path = Path(path)
    try:
        obj = safe_load(path)
    except UnsafePickleError as e:
        raise ClipFormatError(f"{path}: {e}") from e
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError) as e:
        raise ClipFormatError(f"{path}: not a readable annotation pickle ({e})") from None
    if isinstance(obj, dict) and "annotations" in obj:
        anns, splits = obj["annotations"], obj.get("split") or {}
    elif isinstance(obj, dict) and "keypoint" in obj:
        anns, splits = [obj], {}
    else:
        anns, splits = obj, {}
    if not isinstance(anns, list) or not all(isinstance(a, dict) for a in anns):
        raise ClipFormatError(
            f"{path}: expected {{'split': ..., 'annotations': [dict, ...]}}, a list of annotation "
            f"dicts or one annotation dict, found {type(obj).__name__}"
        )
    if not anns:
        raise ClipFormatError(f"{path}: no annotations")
    if not isinstance(splits, dict) or not all(
        isinstance(v, list | tuple) for v in splits.values()
    ):
        raise ClipFormatError(f"{path}: 'split' must map split names to lists of frame_dir names")
    return anns, {str(k): [str(x) for x in v] for k, v in splits.items()}


def pyskl_annotation_to_clip(
    annotation: dict, *, source: str, layout: str | Layout | None = None
) -> Clip:
    """One PySKL annotation as a clip: ``keypoint`` (M, T, V, C) and its 0-based ``label``.

    2D annotations keep C = 2 (x, y); their ``keypoint_score`` is not part of the clip.
    Without ``layout`` it is inferred from the joint count (25 → ntu-rgbd, 17 → coco-17).
    """
    if "keypoint" not in annotation:
        raise ClipFormatError(f"{source}: no 'keypoint' array (keys: {sorted(annotation)})")
    kp = np.asarray(annotation["keypoint"])
    if kp.ndim != 4:
        raise ClipFormatError(f"{source}: 'keypoint' has shape {kp.shape}, expected (M, T, V, C)")
    total = annotation.get("total_frames")
    if total is not None and (not isinstance(total, int | np.integer) or total != kp.shape[1]):
        raise ClipFormatError(
            f"{source}: total_frames is {total} but 'keypoint' has {kp.shape[1]} frames"
        )
    label = annotation.get("label")
    if label is not None and (not isinstance(label, int | np.integer) or label < 0):
        raise ClipFormatError(f"{source}: label {label!r}, expected a 0-based class id")
    return array_to_clip(
        kp,
        layout=layout,
        convention="mtvc",
        source=source,
        label=None if label is None else int(label),
    )


def _annotation_source(path: Path, anns: list[dict], i: int) -> str:
    fd = anns[i].get("frame_dir")
    return f"{path} (annotation {i}" + (f", frame_dir {fd!r})" if fd is not None else ")")


def _read_pyskl(
    path: Path, layout: Layout | None, convention: str | None, *, item: int | str | None = None
) -> Clip:
    anns, _ = read_pyskl(path)
    if item is None:
        if len(anns) > 1:
            example = anns[0].get("frame_dir")
            raise ClipFormatError(
                f"{path}: holds {len(anns)} annotations; pass item= an index 0..{len(anns) - 1}"
                + (f" or a frame_dir such as {example!r}" if example is not None else "")
            )
        i = 0
    elif isinstance(item, str):
        hits = [k for k, a in enumerate(anns) if a.get("frame_dir") == item]
        if not hits:
            raise ClipFormatError(f"{path}: no annotation with frame_dir {item!r}")
        i = hits[0]
    elif isinstance(item, int) and 0 <= item < len(anns):
        i = item
    else:
        raise ClipFormatError(
            f"{path}: item {item!r} is not an index 0..{len(anns) - 1} or a frame_dir name"
        )
    return pyskl_annotation_to_clip(
        anns[i], source=_annotation_source(path, anns, i), layout=layout
    )


FORMATS: dict[str, Reader] = {
    "npy": _read_npy,
    "npz": _read_npz,
    "nw-ucla": lambda path, layout, convention: read_nwucla_json(path),
    "msr-action3d": lambda path, layout, convention: read_msr_txt(path),
    "ntu-rgbd": lambda path, layout, convention: read_ntu_skeleton(path),
    "utkinect": lambda path, layout, convention: read_utkinect(path),
    "pyskl": _read_pyskl,
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
    convention = format if format in _ARRAY_CONVENTIONS else None
    if format is not None and format not in FORMATS and convention is None:
        raise ClipFormatError(
            f"unknown format {format!r}; expected one of "
            f"{', '.join(sorted(FORMATS) + list(_ARRAY_CONVENTIONS))}"
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
