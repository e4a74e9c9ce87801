"""Dataset directories: enumerate the clips of a dataset with labels and its standard splits.

`open_dataset("nw-ucla", root)` returns a `SkeletonDataset`; ``dataset.split("xview_train")``
lists its samples and ``dataset.load_split(...)`` reads them, reporting (never silently using)
files that cannot be read.
"""

from __future__ import annotations

import difflib
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .clip import Clip, ClipFormatError
from .formats import load_clip

__all__ = [
    "DATASETS",
    "MSR_ACTION3D_CLASSES",
    "NW_UCLA_CLASSES",
    "Sample",
    "SkeletonDataset",
    "open_dataset",
]

NW_UCLA_CLASSES = [
    "pick up with one hand", "pick up with two hands", "drop trash", "walk around", "sit down",
    "stand up", "donning", "doffing", "throw", "carry",
]
# NW-UCLA action ids in file names (a01…a12, with gaps) → 0-based class id.
_NW_UCLA_ACTIONS = {1: 0, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5, 8: 6, 9: 7, 11: 8, 12: 9}

MSR_ACTION3D_CLASSES = [
    "high arm wave", "horizontal arm wave", "hammer", "hand catch", "forward punch",
    "high throw", "draw x", "draw tick", "draw circle", "hand clap", "two hand wave",
    "side-boxing", "bend", "forward kick", "side kick", "jogging", "tennis swing",
    "tennis serve", "golf swing", "pick up & throw",
]


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
class SkeletonDataset:
    """A dataset's samples, class names, layout and named splits (lists of sample positions)."""

    name: str
    root: Path
    layout: str
    class_names: list[str]
    samples: list[Sample]
    splits: dict[str, list[int]]
    loader: Callable[[Sample], Clip] | None = field(default=None, repr=False)

    def split(self, name: str) -> list[Sample]:
        if name not in self.splits:
            close = difflib.get_close_matches(name, list(self.splits), n=3, cutoff=0.3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KeyError(
                f"dataset {self.name!r} has no split {name!r}{hint} "
                f"(splits: {', '.join(sorted(self.splits))})"
            )
        return [self.samples[i] for i in self.splits[name]]

    def load(self, sample: Sample) -> Clip:
        clip = self.loader(sample) if self.loader else load_clip(sample.path, layout=self.layout)
        clip.label = sample.label
        return clip

    def load_split(self, name: str, *, warn: bool = True) -> tuple[list[Clip], list[str]]:
        """Read every clip of a split; unreadable ones are returned as messages and warned about."""
        clips, skipped = [], []
        for s in self.split(name):
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


def nw_ucla(root: str | Path) -> SkeletonDataset:
    """NW-UCLA (``all_sqe/aAA_sSS_eEE_vVV.json``); split ``xview``: views 1+2 train, view 3 test."""
    root = Path(root)
    d = _require_dir(root, "all_sqe", "NW-UCLA")
    files = sorted(d.glob("a*_s*_e*_v*.json"))
    if not files:
        raise FileNotFoundError(f"NW-UCLA: no aAA_sSS_eEE_vVV.json files under {d}")
    samples = []
    for f in files:
        m = re.match(r"a(\d+)_s(\d+)_e(\d+)_v(\d+)$", f.stem)
        if not m or int(m.group(1)) not in _NW_UCLA_ACTIONS:
            raise ClipFormatError(f"{f}: not an NW-UCLA file name (aAA_sSS_eEE_vVV, AA a known action)")
        a, s, _, v = (int(x) for x in m.groups())
        samples.append(Sample(f, _NW_UCLA_ACTIONS[a], f.stem, subject=s, view=v))
    splits = {
        "xview_train": [i for i, s in enumerate(samples) if s.view in (1, 2)],
        "xview_test": [i for i, s in enumerate(samples) if s.view == 3],
    }
    return SkeletonDataset("nw-ucla", root, "kinect-v1", list(NW_UCLA_CLASSES), samples, splits)


def msr_action3d(root: str | Path) -> SkeletonDataset:
    """MSR Action3D (``skeleton3d/aAA_sSS_eEE_skeleton3D.txt``); split ``xsub``: odd subjects train."""
    root = Path(root)
    d = _require_dir(root, "skeleton3d", "MSR Action3D")
    files = sorted(d.glob("a*_s*_e*_skeleton3D.txt"))
    if not files:
        raise FileNotFoundError(f"MSR Action3D: no aAA_sSS_eEE_skeleton3D.txt files under {d}")
    samples = []
    for f in files:
        m = re.match(r"a(\d+)_s(\d+)_e(\d+)_skeleton3D$", f.stem)
        if not m or not 1 <= int(m.group(1)) <= 20:
            raise ClipFormatError(f"{f}: not an MSR Action3D file name (aAA_sSS_eEE_skeleton3D.txt)")
        a, s, _ = (int(x) for x in m.groups())
        samples.append(Sample(f, a - 1, f.stem.removesuffix("_skeleton3D"), subject=s))
    splits = {
        "xsub_train": [i for i, s in enumerate(samples) if s.subject % 2 == 1],
        "xsub_test": [i for i, s in enumerate(samples) if s.subject % 2 == 0],
    }
    return SkeletonDataset(
        "msr-action3d", root, "msr-action3d", list(MSR_ACTION3D_CLASSES), samples, splits
    )


DATASETS: dict[str, Callable[[str | Path], SkeletonDataset]] = {
    "nw-ucla": nw_ucla,
    "msr-action3d": msr_action3d,
}


def open_dataset(name: str, root: str | Path) -> SkeletonDataset:
    """Enumerate dataset ``name`` (see `DATASETS`) under directory ``root``."""
    if name not in DATASETS:
        close = difflib.get_close_matches(name, list(DATASETS), n=3, cutoff=0.3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"unknown dataset {name!r}{hint} (known: {', '.join(sorted(DATASETS))})")
    return DATASETS[name](root)
