"""Dataset directories: `open_dataset("nw-ucla", root)` returns a `DatasetIndex`;
``dataset.split("xview_train")`` lists its samples and ``dataset.load_split(...)`` reads them,
reporting (never silently using) files that cannot be read.

Each dataset is declared by its source's module in `skeletonmae.io` (see `skeletonmae.io.base`);
this module adds the two that read files of any source: ``folder`` (your own clips) and
``corpus`` (several datasets as one pre-training set).
"""

from __future__ import annotations

import importlib
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .clip import Clip, ClipFormatError
from .formats import load_clip
from .io.base import DatasetIndex, Sample, dataset, datasets, get_dataset
from .layouts import Layout, get_layout, load_layout, map_joints
from .transforms import virtual_camera

__all__ = [
    "CorpusSource",
    "DatasetIndex",
    "Sample",
    "available_datasets",
    "clip_folder",
    "corpus",
    "get_dataset",
    "open_dataset",
]


@dataset("folder", "your clips", "a folder of clips (<split>/<class>/<clip>)", source=None)
def clip_folder(root: str | Path, *, layout: str | Layout | None = None) -> DatasetIndex:
    """Your own clips, ImageFolder style: ``root/<split>/<class name>/*.npy|*.npz`` (any format
    `load_clip` reads). Class ids follow the sorted class names of all splits; the layout comes
    from ``layout=``, or a ``root/layout.txt`` (a layout name) or ``root/layout.json`` file."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"clip folder: no directory at {root}")
    if layout is None and (root / "layout.json").is_file():
        layout = load_layout(root / "layout.json")
    elif layout is None and (root / "layout.txt").is_file():
        layout = (root / "layout.txt").read_text().strip()
    if layout is None:
        raise ValueError(
            f"clip folder {root}: say which layout its clips use (layout=, or a "
            "layout.txt / layout.json file in the folder)"
        )
    lay = get_layout(layout)
    splits_dirs = sorted(d for d in root.iterdir() if d.is_dir())
    classes = sorted({c.name for d in splits_dirs for c in d.iterdir() if c.is_dir()})
    samples: list[Sample] = []
    splits: dict[str, list[int]] = {}
    for d in splits_dirs:
        for c in sorted(x for x in d.iterdir() if x.is_dir()):
            for f in sorted(x for x in c.iterdir() if x.is_file() and not x.name.startswith(".")):
                splits.setdefault(d.name, []).append(len(samples))
                samples.append(Sample(f, classes.index(c.name), f"{d.name}/{c.name}/{f.stem}"))
    if not samples:
        raise FileNotFoundError(f"clip folder {root}: no <split>/<class>/<clip> files found")
    return DatasetIndex(
        "folder", root, lay.name, classes, samples, splits,
        loader=lambda sample: load_clip(sample.path, layout=lay),
    )  # fmt: skip


@dataclass(frozen=True)
class CorpusSource:
    """One dataset of a pre-training corpus: its name (`available_datasets`), its directory under
    the corpus root, the split to take (never a test split), and how long clips are cut: windows of
    ``window`` frames every ``stride`` frames (default ``window // 2``); clips no longer than
    ``window`` (or all, when ``window`` is None) are taken whole. ``views`` > 0 turns each 3-D
    window into that many 2-D ones filmed by random virtual cameras (`transforms.virtual_camera`),
    for a 2-D corpus."""

    dataset: str
    root: str
    split: str
    window: int | None = None
    stride: int | None = None
    views: int = 0

    def __post_init__(self) -> None:
        if self.dataset == "corpus" or self.dataset not in available_datasets():
            raise ValueError(f"corpus source: unknown dataset {self.dataset!r}")
        if "test" in self.split or "val" in self.split:
            raise ValueError(
                f"corpus source {self.dataset}: split {self.split!r} is an evaluation split; a "
                "pre-training corpus takes training splits only"
            )
        if self.window is not None and (self.window < 2 or (self.stride or 1) < 1):
            raise ValueError(f"corpus source {self.dataset}: window must be >= 2, stride >= 1")
        if self.views < 0:
            raise ValueError(f"corpus source {self.dataset}: views must be >= 0")


def _windows(clip: Clip, window: int | None, stride: int | None) -> list[tuple[int, Clip]]:
    """(start frame, clip) windows of ``clip`` (views of its array, not copies)."""
    t = clip.data.shape[1]
    if window is None or t <= window:
        return [(0, clip)]
    step = stride or window // 2
    starts = list(range(0, t - window + 1, step))
    if starts[-1] + window < t:
        starts.append(t - window)  # the tail, so that no frame is left out
    out = []
    for s in starts:
        data = clip.data[:, s : s + window]
        tracked = (np.abs(data).sum(axis=(2, 3)) > 0).any(axis=0).mean()
        if tracked >= 0.5:  # windows mostly without a skeleton teach nothing
            out.append((s, Clip(data, clip.layout, fps=clip.fps, source=clip.source)))
    return out


def _film(
    clip: Clip, views: int, rng: np.random.Generator, layout: Layout
) -> list[tuple[str, Clip]]:
    """(name suffix, clip on ``layout``) for each of ``views`` virtual cameras filming a 3-D
    ``clip`` (image coordinates: its joints are mapped, its axes are the camera's); the clip
    itself on ``layout`` when ``views`` is 0."""
    if not views:
        return [("", clip.to_layout(layout.name))]
    return [
        (
            f"/view{k}",
            Clip(
                map_joints(virtual_camera(clip.data, rng), clip.layout, layout),
                layout.name,
                fps=clip.fps,
                source=clip.source,
            ),
        )
        for k in range(views)
    ]


@dataset(
    "corpus",
    "Kinect v1 corpus",
    "a Kinect v1 corpus (NW-UCLA, MSR Action3D, MSRC-12 training data)",
    source=None,
)
def corpus(root: str | Path, *, sources: list[dict], layout: str = "kinect-v1") -> DatasetIndex:
    """Several datasets as one unlabelled pre-training set (split ``pretrain``), every clip
    mapped onto ``layout`` and long ones cut into windows (see `CorpusSource`). ``root`` holds
    each source's directory. The clips are read once, here; ``summary`` records per source how
    many clips and windows it gave."""
    root = Path(root)
    specs = [CorpusSource(**s) for s in sources]
    if not specs:
        raise ValueError("corpus: no sources given")
    lay = get_layout(layout)
    samples: list[Sample] = []
    clips: list[Clip] = []
    summary: dict[str, dict] = {}
    for spec in specs:
        ds = open_dataset(spec.dataset, root / spec.root)
        frames, read, skipped, first = 0, 0, [], len(clips)
        rng = np.random.default_rng(0)  # the same virtual cameras on every run
        for sample in ds.split(spec.split):
            try:
                clip = ds.load(sample)
                if spec.views and clip.num_channels != 3:
                    raise ClipFormatError(
                        f"{sample.name}: views film 3-D clips; it has {clip.num_channels} "
                        "coordinates"
                    )
                taken = [  # (sample name, window on the corpus layout)
                    (f"{ds.name}/{sample.name}@{start}{view}", c)
                    for start, w in _windows(clip, spec.window, spec.stride)
                    for view, c in _film(w, spec.views, rng, lay)
                ]
            except ClipFormatError as e:
                skipped.append(str(e))
                continue
            read += 1
            frames += clip.num_frames
            for name, c in taken:
                samples.append(Sample(sample.path, -1, name, index=len(clips)))
                clips.append(c)
        if skipped:
            warnings.warn(
                f"corpus source {spec.dataset}: skipped {len(skipped)} unreadable clip(s): "
                + "; ".join(skipped),
                stacklevel=2,
            )
        summary[f"{spec.dataset}:{spec.split}"] = {
            "clips": read,
            "frames": frames,
            "windows": len(clips) - first,
            "window": spec.window,
            "stride": (spec.stride or spec.window // 2) if spec.window else None,
            "skipped": len(skipped),
            **({"views": spec.views} if spec.views else {}),
        }
    if len({c.num_channels for c in clips}) > 1:
        raise ValueError(
            "corpus: its sources mix 2-D and 3-D clips; give the 3-D sources 'views' to film "
            "them in 2-D"
        )

    def load(sample: Sample) -> Clip:
        return clips[sample.index]

    return DatasetIndex(
        "corpus",
        root,
        lay.name,
        [],
        samples,
        {"pretrain": list(range(len(samples)))},
        loader=load,
        summary={"sources": summary},
    )


def available_datasets() -> list[str]:
    """The names `open_dataset` takes."""
    return sorted(datasets())


def open_dataset(name: str, root: str | Path, **options) -> DatasetIndex:
    """Enumerate dataset ``name`` (see `available_datasets`) under ``root`` (a directory, or for
    ``pyskl`` the pickle); ``options`` go to the dataset's index function."""
    return get_dataset(name).index(root, **options)


# Names this module held before each source became one module of `skeletonmae.io`: where they
# are now.
_SOURCE_NAMES = {
    "nw_ucla": "nwucla",
    "NW_UCLA_CLASSES": "nwucla",
    "msr_action3d": "msr_action3d",
    "MSR_ACTION3D_CLASSES": "msr_action3d",
    "ntu60": "ntu",
    "ntu120": "ntu",
    "NTU_CLASSES": "ntu",
    "NTU60_XSUB_TRAIN_SUBJECTS": "ntu",
    "NTU120_XSUB_TRAIN_SUBJECTS": "ntu",
    "pyskl": "pyskl",
    "utd_mhad": "utd_mhad",
    "penn_action": "penn_action",
    "msrc12": "msrc12",
}


def __getattr__(name: str) -> Any:
    if name in _SOURCE_NAMES:
        return getattr(importlib.import_module(f".io.{_SOURCE_NAMES[name]}", __package__), name)
    if name == "DATASETS":
        return {n: d.index for n, d in datasets().items()}
    if name == "SkeletonDataset":  # its earlier name, which read like a torch Dataset
        warnings.warn(
            "skeletonmae.datasets.SkeletonDataset is now called DatasetIndex",
            DeprecationWarning,
            stacklevel=2,
        )
        return DatasetIndex
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
