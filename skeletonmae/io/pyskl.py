"""PySKL / mmaction2 annotation pickles (``{'split', 'annotations'}``), read through the
restricted unpickler of `skeletonmae.safe_pickle`: no code runs, array sizes are checked first."""

from __future__ import annotations

import numbers
import os
import pickle
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..clip import Clip, ClipFormatError
from ..layouts import Layout, get_layout
from ..safe_pickle import UnsafePickleError, safe_load
from . import base
from .arrays import array_to_clip, infer_layout
from .ntu import NTU_CLASSES, parse_ntu_name

__all__ = ["pyskl_annotation_to_clip", "read_pyskl", "read_pyskl_item"]


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

    2D annotations keep C = 2 (x, y); their ``keypoint_score`` (M, T, V) becomes the clip's
    per-joint confidence (see `Clip.confident`).
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
    clip = array_to_clip(
        kp,
        layout=layout,
        convention="mtvc",
        source=source,
        label=None if label is None else int(label),
    )
    score = annotation.get("keypoint_score")
    if score is None:
        return clip
    score = np.asarray(score)
    if score.shape != kp.shape[:3]:
        raise ClipFormatError(
            f"{source}: 'keypoint_score' has shape {score.shape}, expected {kp.shape[:3]} "
            "(one score per joint of 'keypoint')"
        )
    return replace(clip, confidence=score)


def _annotation_source(path: Path, anns: list[dict], i: int) -> str:
    fd = anns[i].get("frame_dir")
    return f"{path} (annotation {i}" + (f", frame_dir {fd!r})" if fd is not None else ")")


def read_pyskl_item(
    path: Path,
    *,
    layout: Layout | None = None,
    convention: str | None = None,
    item: int | str | None = None,
) -> Clip:
    """Annotation ``item`` (an index or a ``frame_dir``; needed when there are several) of a
    pickle. ``convention`` is accepted for the reader signature: annotations are (M, T, V, C)."""
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


@base.dataset(
    "pyskl", "PySKL annotations", "a PySKL / mmaction2 annotation pickle (Duan et al., ACM MM 2022)"
)
def pyskl(root: str | Path, *, layout: str | Layout | None = None) -> base.DatasetIndex:
    """A PySKL / mmaction2 annotation pickle (``root`` is the ``.pkl``, or a folder holding
    exactly one). Splits are the pickle's own ``split`` lists; each ``*_val`` split is also
    available as ``*_test``. The pickle is read once, through the restricted unpickler.
    ``layout`` defaults to the one the joint count implies (25 → ntu-rgbd, 17 → coco-17)."""
    path = Path(root)
    if path.is_dir():
        found = sorted(path.glob("*.pkl"))
        if len(found) != 1:
            raise FileNotFoundError(
                f"PySKL: expected one .pkl in {path}, found {len(found)}; pass the file itself"
            )
        path = found[0]
    anns, raw_splits = read_pyskl(path)
    samples, position = [], {}
    for i, a in enumerate(anns):
        name, label = a.get("frame_dir"), a.get("label")
        if name is None or not isinstance(label, numbers.Integral) or label < 0:
            raise ClipFormatError(
                f"{path}: annotation {i} needs a 'frame_dir' and a 0-based int 'label', found "
                f"{name!r} and {label!r}"
            )
        name, n = str(name), parse_ntu_name(str(name))
        position[name] = i
        samples.append(
            base.Sample(
                path,
                int(label),
                name,
                index=i,
                subject=n and n.subject,
                view=n and n.camera,
                setup=n and n.setup,
            )
        )
    splits = {}
    for split, names in raw_splits.items():
        unknown = [x for x in names if x not in position]
        if unknown:
            raise ClipFormatError(
                f"{path}: split {split!r} names {len(unknown)} frame_dir(s) without an "
                f"annotation, e.g. {unknown[:3]}"
            )
        splits[split] = [position[x] for x in names]
    for split in list(splits):
        if split.endswith("_val"):
            splits.setdefault(split.removesuffix("_val") + "_test", splits[split])
    shape = np.shape(anns[0].get("keypoint"))
    if len(shape) != 4:
        raise ClipFormatError(
            f"{path}: annotation 0's 'keypoint' has shape {shape}, expected (M, T, V, C)"
        )
    lay = infer_layout(shape[2], source=str(path)) if layout is None else get_layout(layout)
    num_classes = max(s.label for s in samples) + 1
    if all(parse_ntu_name(s.name) for s in samples) and num_classes <= len(NTU_CLASSES):
        names = NTU_CLASSES[: 60 if num_classes <= 60 else 120]
    else:
        names = [str(c) for c in range(num_classes)]

    def load(sample: base.Sample) -> Clip:
        i = sample.index
        return pyskl_annotation_to_clip(
            anns[i],
            source=f"{path} (annotation {i}, frame_dir {sample.name!r})",
            layout=lay,
        )

    return base.DatasetIndex(path.stem, path, lay.name, names, samples, splits, loader=load)


base.register_source(base.Source("pyskl", read_pyskl_item, ("*.pkl", "*.pickle"), multi_clip=True))
