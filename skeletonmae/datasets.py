"""Dataset directories: enumerate the clips of a dataset with labels and its standard splits.

`open_dataset("nw-ucla", root)` returns a `DatasetIndex`; ``dataset.split("xview_train")``
lists its samples and ``dataset.load_split(...)`` reads them, reporting (never silently using)
files that cannot be read.
"""

from __future__ import annotations

import numbers
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .clip import Clip, ClipFormatError
from .formats import load_clip
from .io.arrays import infer_layout
from .io.msrc12 import MSRC12_CLASSES, msrc12_gesture, parse_msrc12_name
from .io.ntu import parse_ntu_name
from .io.penn_action import PENN_ACTION_CLASSES, read_penn_action_label
from .io.pyskl import pyskl_annotation_to_clip, read_pyskl
from .io.utd_mhad import UTD_MHAD_CLASSES, parse_utd_mhad_name
from .labels import load_label_map
from .layouts import Layout, get_layout, load_layout, map_joints
from .names import did_you_mean
from .progress import progress
from .transforms import virtual_camera

__all__ = [
    "DATASETS",
    "MSR_ACTION3D_CLASSES",
    "NTU60_XSUB_TRAIN_SUBJECTS",
    "NTU120_XSUB_TRAIN_SUBJECTS",
    "NTU_CLASSES",
    "NW_UCLA_CLASSES",
    "CorpusSource",
    "DatasetIndex",
    "Sample",
    "corpus",
    "msrc12",
    "ntu60",
    "ntu120",
    "open_dataset",
    "penn_action",
    "pyskl",
    "utd_mhad",
]

NW_UCLA_CLASSES = load_label_map("nw-ucla")
# NW-UCLA action ids in file names (a01…a12, with gaps) → 0-based class id.
_NW_UCLA_ACTIONS = {1: 0, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5, 8: 6, 9: 7, 11: 8, 12: 9}

MSR_ACTION3D_CLASSES = load_label_map("msr-action3d")


@dataclass(frozen=True)
class Sample:
    """One clip of a dataset: where it is, its 0-based label and the factors splits use."""

    path: Path
    label: int
    name: str
    subject: int | None = None
    view: int | None = None
    setup: int | None = None
    index: int | None = None  # position inside a multi-clip file (PySKL pickles)


@dataclass
class DatasetIndex:
    """A dataset's samples, class names, layout and named splits (lists of sample positions):
    an index of where the clips are, not a torch ``Dataset`` (`engine.data.ClipDataset` is the
    one that yields tensors)."""

    name: str
    root: Path
    layout: str
    class_names: list[str]
    samples: list[Sample]
    splits: dict[str, list[int]]
    loader: Callable[[Sample], Clip] | None = field(default=None, repr=False)
    summary: dict = field(default_factory=dict)  # facts a run records (e.g. a corpus' sources)

    def split(self, name: str) -> list[Sample]:
        if name not in self.splits:
            hint = did_you_mean(name, self.splits, cutoff=0.3)
            raise KeyError(
                f"dataset {self.name!r} has no split {name!r}{hint} "
                f"(splits: {', '.join(sorted(self.splits))})"
            )
        return [self.samples[i] for i in self.splits[name]]

    def load(self, sample: Sample) -> Clip:
        clip = self.loader(sample) if self.loader else load_clip(sample.path, layout=self.layout)
        clip.label = sample.label if sample.label >= 0 else None
        return clip

    def load_split(self, name: str, *, warn: bool = True) -> tuple[list[Clip], list[str]]:
        """Read every clip of a split; unreadable ones are returned as messages and warned about."""
        clips, skipped = [], []
        for s in progress(self.split(name), f"reading {self.name} {name}"):
            try:
                clips.append(self.load(s))
            except ClipFormatError as e:
                skipped.append(str(e))
        if skipped and warn:
            warnings.warn(
                f"{self.name} {name}: skipped {len(skipped)} unreadable clip(s): "
                + "; ".join(skipped),
                stacklevel=2,
            )
        return clips, skipped


def _require_dir(root: Path, sub: str, what: str) -> Path:
    d = root / sub if (root / sub).is_dir() else root
    if not d.is_dir():
        raise FileNotFoundError(f"{what}: no directory at {root}")
    return d


def nw_ucla(root: str | Path) -> DatasetIndex:
    """NW-UCLA (``all_sqe/aAA_sSS_eEE_vVV.json``); split ``xview``: views 1+2 train, view 3 test.
    ``xview_dev_train`` / ``xview_dev`` (view 1 trains, view 2 evaluates) is a cross-view
    development protocol inside the training views, for choosing a recipe without the test view."""
    root = Path(root)
    d = _require_dir(root, "all_sqe", "NW-UCLA")
    files = sorted(d.glob("a*_s*_e*_v*.json"))
    if not files:
        raise FileNotFoundError(f"NW-UCLA: no aAA_sSS_eEE_vVV.json files under {d}")
    samples = []
    for f in files:
        m = re.match(r"a(\d+)_s(\d+)_e(\d+)_v(\d+)$", f.stem)
        if not m or int(m.group(1)) not in _NW_UCLA_ACTIONS:
            raise ClipFormatError(
                f"{f}: not an NW-UCLA file name (aAA_sSS_eEE_vVV, AA a known action)"
            )
        a, s, _, v = (int(x) for x in m.groups())
        samples.append(Sample(f, _NW_UCLA_ACTIONS[a], f.stem, subject=s, view=v))
    splits = {
        "xview_train": [i for i, s in enumerate(samples) if s.view in (1, 2)],
        "xview_test": [i for i, s in enumerate(samples) if s.view == 3],
        "xview_dev_train": [i for i, s in enumerate(samples) if s.view == 1],
        "xview_dev": [i for i, s in enumerate(samples) if s.view == 2],
    }
    return DatasetIndex("nw-ucla", root, "kinect-v1", list(NW_UCLA_CLASSES), samples, splits)


def msr_action3d(root: str | Path) -> DatasetIndex:
    """MSR Action3D (``skeleton3d/aAA_sSS_eEE_skeleton3D.txt``); ``xsub``: odd subjects train."""
    root = Path(root)
    d = _require_dir(root, "skeleton3d", "MSR Action3D")
    files = sorted(d.glob("a*_s*_e*_skeleton3D.txt"))
    if not files:
        raise FileNotFoundError(f"MSR Action3D: no aAA_sSS_eEE_skeleton3D.txt files under {d}")
    samples = []
    for f in files:
        m = re.match(r"a(\d+)_s(\d+)_e(\d+)_skeleton3D$", f.stem)
        if not m or not 1 <= int(m.group(1)) <= 20:
            raise ClipFormatError(
                f"{f}: not an MSR Action3D file name (aAA_sSS_eEE_skeleton3D.txt)"
            )
        a, s, _ = (int(x) for x in m.groups())
        samples.append(Sample(f, a - 1, f.stem.removesuffix("_skeleton3D"), subject=s))
    return DatasetIndex(
        "msr-action3d",
        root,
        "msr-action3d",
        list(MSR_ACTION3D_CLASSES),
        samples,
        _odd_even_subjects(samples),
    )


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


def _ntu_samples(
    root: str | Path, what: str, actions: int, setups: int | None, exclude
) -> tuple[Path, list[Sample]]:
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{what}: no directory at {root}")
    skip = _excluded_names(root, exclude)
    samples = []
    for f in sorted(root.rglob("*.skeleton")):
        n = parse_ntu_name(f.stem)
        if n is None or f.stem != _ntu_stem(n):
            raise ClipFormatError(f"{f}: not an NTU RGB+D file name (SsssCcccPpppRrrrAaaa)")
        if n.action <= actions and (setups is None or n.setup <= setups) and f.stem not in skip:
            samples.append(
                Sample(f, n.action - 1, f.stem, subject=n.subject, view=n.camera, setup=n.setup)
            )
    if not samples:
        raise FileNotFoundError(f"{what}: no SsssCcccPpppRrrrAaaa.skeleton files under {root}")
    return root, samples


def _ntu_stem(n) -> str:
    return f"S{n.setup:03d}C{n.camera:03d}P{n.subject:03d}R{n.replication:03d}A{n.action:03d}"


def _where(samples: list[Sample], keep: Callable[[Sample], bool]) -> list[int]:
    return [i for i, s in enumerate(samples) if keep(s)]


def _odd_even_subjects(samples: list[Sample]) -> dict[str, list[int]]:
    """The cross-subject protocol of MSR Action3D, UTD-MHAD (and our MSRC-12 split): odd
    subjects train (``xsub_train``), even ones test (``xsub_test``)."""
    return {
        "xsub_train": _where(samples, lambda s: s.subject % 2 == 1),
        "xsub_test": _where(samples, lambda s: s.subject % 2 == 0),
    }


def ntu60(root: str | Path, *, exclude: Iterable[str] | str | Path | None = None) -> DatasetIndex:
    """NTU RGB+D 60 from a folder of raw ``.skeleton`` files (searched recursively; files of
    NTU-120's extra setups and actions are ignored). Splits ``xsub`` (the 20 training subjects)
    and ``xview`` (cameras 2 and 3 train, camera 1 tests). Samples listed in
    ``exclude`` (names, or a list file) are left out; by default the dataset's
    ``*missing_skeletons*.txt`` in ``root``, as the standard protocol does."""
    root, samples = _ntu_samples(root, "NTU-60", 60, _NTU60_SETUPS, exclude)
    train = NTU60_XSUB_TRAIN_SUBJECTS
    splits = {
        "xsub_train": _where(samples, lambda s: s.subject in train),
        "xsub_test": _where(samples, lambda s: s.subject not in train),
        "xview_train": _where(samples, lambda s: s.view in (2, 3)),
        "xview_test": _where(samples, lambda s: s.view == 1),
    }
    return DatasetIndex("ntu60", root, "ntu-rgbd", NTU_CLASSES[:60], samples, splits)


def ntu120(root: str | Path, *, exclude: Iterable[str] | str | Path | None = None) -> DatasetIndex:
    """NTU RGB+D 120 from a folder of raw ``.skeleton`` files (searched recursively). Splits
    ``xsub`` (the 53 training subjects) and ``xset`` (even setup ids train, odd ones test);
    ``exclude`` as for `ntu60`."""
    root, samples = _ntu_samples(root, "NTU-120", 120, None, exclude)
    train = NTU120_XSUB_TRAIN_SUBJECTS
    splits = {
        "xsub_train": _where(samples, lambda s: s.subject in train),
        "xsub_test": _where(samples, lambda s: s.subject not in train),
        "xset_train": _where(samples, lambda s: s.setup % 2 == 0),
        "xset_test": _where(samples, lambda s: s.setup % 2 == 1),
    }
    return DatasetIndex("ntu120", root, "ntu-rgbd", list(NTU_CLASSES), samples, splits)


def pyskl(root: str | Path, *, layout: str | Layout | None = None) -> DatasetIndex:
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
            Sample(
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

    def load(sample: Sample) -> Clip:
        i = sample.index
        return pyskl_annotation_to_clip(
            anns[i],
            source=f"{path} (annotation {i}, frame_dir {sample.name!r})",
            layout=lay,
        )

    return DatasetIndex(path.stem, path, lay.name, names, samples, splits, loader=load)


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
    return DatasetIndex("folder", root, lay.name, classes, samples, splits)


def utd_mhad(root: str | Path) -> DatasetIndex:
    """UTD-MHAD skeletons (``Skeleton/a<A>_s<S>_t<R>_skeleton.mat``, 27 actions); split ``xsub``:
    odd subjects (1, 3, 5, 7) train, even ones test. ``xsub_dev_train`` (subjects 1, 5) /
    ``xsub_dev`` (3, 7) is a cross-subject development protocol inside the training subjects, for
    choosing a recipe without the test subjects. Needs scipy (the ``data`` extra)."""
    root = Path(root)
    d = _require_dir(root, "Skeleton", "UTD-MHAD")
    files = sorted(d.glob("a*_s*_t*_skeleton.mat"))
    if not files:
        raise FileNotFoundError(f"UTD-MHAD: no a<A>_s<S>_t<R>_skeleton.mat files under {d}")
    samples = []
    for f in files:
        name = parse_utd_mhad_name(f)
        if name is None or not 1 <= name[0] <= len(UTD_MHAD_CLASSES):
            raise ClipFormatError(f"{f}: not a UTD-MHAD file name (a<1..27>_s<S>_t<R>_skeleton)")
        samples.append(Sample(f, name[0] - 1, f.stem.removesuffix("_skeleton"), subject=name[1]))
    splits = {
        **_odd_even_subjects(samples),
        "xsub_dev_train": _where(samples, lambda s: s.subject in (1, 5)),
        "xsub_dev": _where(samples, lambda s: s.subject in (3, 7)),
    }
    return DatasetIndex("utd-mhad", root, "utd-mhad", list(UTD_MHAD_CLASSES), samples, splits)


def penn_action(root: str | Path) -> DatasetIndex:
    """Penn Action 2-D keypoints (``labels/NNNN.mat``, 15 classes); split ``official``: the
    files' own train flag (``official_train`` 1,258 clips, ``official_test`` 1,068). Needs scipy."""
    root = Path(root)
    d = _require_dir(root, "labels", "Penn Action")
    files = sorted(d.glob("[0-9][0-9][0-9][0-9].mat"))
    if not files:
        raise FileNotFoundError(f"Penn Action: no NNNN.mat files under {d}")
    samples, train = [], []
    for f in files:
        lab = read_penn_action_label(f)
        samples.append(Sample(f, lab.label, f.stem))
        train.append(lab.train)
    splits = {
        "official_train": [i for i, t in enumerate(train) if t],
        "official_test": [i for i, t in enumerate(train) if not t],
    }
    return DatasetIndex(
        "penn-action", root, "penn-action", list(PENN_ACTION_CLASSES), samples, splits
    )


def msrc12(root: str | Path) -> DatasetIndex:
    """MSRC-12 recordings (``P<k>_<i>_<j>_p<NN>.csv[.xz]``, one gesture repeated ~10 times each,
    labelled from its tagstream). It has no standard split; ``all`` is every recording (what
    pre-training uses) and ``xsub_train`` / ``xsub_test`` split the performers odd / even."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"MSRC-12: no directory at {root}")
    files = sorted(
        f for f in root.iterdir() if f.name.endswith((".csv", ".csv.xz")) and f.is_file()
    )
    if not files:
        raise FileNotFoundError(f"MSRC-12: no P<k>_<i>_<j>_p<NN>.csv[.xz] files under {root}")
    samples = []
    for f in files:
        performer = parse_msrc12_name(f)
        if performer is None:
            raise ClipFormatError(f"{f}: not an MSRC-12 file name (P<k>_<i>_<j>_p<NN>.csv)")
        samples.append(Sample(f, msrc12_gesture(f), f.name.split(".")[0], subject=performer))
    splits = {"all": list(range(len(samples))), **_odd_even_subjects(samples)}
    return DatasetIndex("msrc-12", root, "kinect-v1", list(MSRC12_CLASSES), samples, splits)


@dataclass(frozen=True)
class CorpusSource:
    """One dataset of a pre-training corpus: its `DATASETS` name, its directory under the corpus
    root, the split to take (never a test split), and how long clips are cut: windows of
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
        if self.dataset == "corpus" or self.dataset not in DATASETS:
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


DATASETS: dict[str, Callable[..., DatasetIndex]] = {
    "nw-ucla": nw_ucla,
    "msr-action3d": msr_action3d,
    "ntu60": ntu60,
    "ntu120": ntu120,
    "pyskl": pyskl,
    "folder": clip_folder,
    "utd-mhad": utd_mhad,
    "msrc-12": msrc12,
    "penn-action": penn_action,
    "corpus": corpus,
}


def open_dataset(name: str, root: str | Path, **options) -> DatasetIndex:
    """Enumerate dataset ``name`` (see `DATASETS`) under ``root`` (a directory, or for
    ``pyskl`` the pickle); ``options`` go to the dataset's function."""
    if name not in DATASETS:
        hint = did_you_mean(name, DATASETS, cutoff=0.3)
        raise KeyError(f"unknown dataset {name!r}{hint} (known: {', '.join(sorted(DATASETS))})")
    return DATASETS[name](root, **options)


def __getattr__(name: str) -> Any:
    if name == "SkeletonDataset":  # its earlier name, which read like a torch Dataset
        warnings.warn(
            "skeletonmae.datasets.SkeletonDataset is now called DatasetIndex",
            DeprecationWarning,
            stacklevel=2,
        )
        return DatasetIndex
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
